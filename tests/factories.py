import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.APPLICANT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()

    @factory.post_generation
    def offices(obj, create, extracted, **kwargs):  # noqa: N805
        """An officer works for every office loaded (as the migration made every existing officer), unless the
        test names its offices: ``UserFactory(role=Role.OFFICER, offices=["gz-nansha"])``."""
        if not create or obj.role != Role.OFFICER:
            return
        from offices.models import Office, OfficeMembership

        codes = extracted if extracted is not None else Office.objects.values_list("code", flat=True)
        OfficeMembership.objects.bulk_create([OfficeMembership(office_id=code, user=obj) for code in codes])


def second_officer() -> User:
    """The second officer of two-person payments (四眼), made once per test database."""
    user = User.objects.filter(username="officer_second").first()
    return user or UserFactory(role=Role.OFFICER, username="officer_second", full_name="复核人")


def pay_tranche(*, actor, tranche, payment_reference: str, released_on=None, confirmer=None):
    """Pay a due tranche the two-person way: ``actor`` records the payment request, ``confirmer`` (a second
    officer when not given) confirms it. Returns the released tranche."""
    from milestones.payments import tranche_confirm_payment, tranche_request_payment

    tranche_request_payment(actor=actor, tranche=tranche, payment_reference=payment_reference,
                            released_on=released_on)
    return tranche_confirm_payment(actor=confirmer or second_officer(), tranche=tranche)
