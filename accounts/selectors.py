from django.urls import reverse

from .models import Role, User


def home_url_for(user: User) -> str:
    """Where each role's work starts."""
    if not user.is_authenticated:
        return reverse("programs:catalogue")
    if user.is_superuser or user.role == Role.ADMIN:
        return reverse("admin:index")
    if user.role == Role.OFFICER:
        return reverse("applications:officer_queue")
    if user.role == Role.REVIEWER:
        return reverse("home_reviewer")
    return reverse("applications:mine")
