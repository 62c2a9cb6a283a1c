from django.urls import reverse

from .models import Role, User


def home_url_for(user: User) -> str:
    """Each role's dashboard, where its work starts."""
    if not user.is_authenticated:
        return reverse("programs:catalogue")
    if user.is_superuser or user.role == Role.ADMIN:
        return reverse("dashboards:admin")
    if user.role == Role.OFFICER:
        return reverse("dashboards:officer")
    if user.role == Role.REVIEWER:
        return reverse("dashboards:reviewer")
    return reverse("dashboards:applicant")
