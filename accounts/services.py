from django.db import transaction

from .models import Role, User


@transaction.atomic
def register_applicant(*, username: str, password: str, email: str, full_name: str, phone: str = "") -> User:
    """Create an applicant account; self-registration never grants another role."""
    user = User(username=username, email=email, full_name=full_name, phone=phone, role=Role.APPLICANT)
    user.set_password(password)
    user.save()
    return user
