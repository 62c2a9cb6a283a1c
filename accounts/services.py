from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Role, User


@transaction.atomic
def register_applicant(
    *, username: str, password: str, email: str, full_name: str, phone: str = "", language: str = ""
) -> User:
    """Create an applicant account; self-registration never grants another role. Mail goes out in the language
    the applicant registered in."""
    codes = {code for code, _name in settings.LANGUAGES}
    user = User(username=username, email=email, full_name=full_name, phone=phone, role=Role.APPLICANT,
                language=language if language in codes else settings.LANGUAGE_CODE)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """The language of the user's mail and notifications."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    user.language = language
    user.save(update_fields=["language"])
    return user
