from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import RegistrationForm
from .selectors import home_url_for
from .services import register_applicant


@require_http_methods(["GET", "POST"])
def register(request):
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = register_applicant(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            language=get_language(),
        )
        login(request, user, backend=settings.SIGN_IN_BACKEND)
        messages.success(request, format_html('<a class="alert-link" href="{}">{}</a>', reverse("organisations:create"),
                                              _("Welcome! Start by entering your organisation's profile.")))
        return redirect(home_url_for(user))
    return render(request, "accounts/register.html", {"form": form})


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The page of a set-password link (an expert added by an officer): it names the account the password is for,
    and setting it signs the user in and opens their start page."""

    post_reset_login = True
    post_reset_login_backend = settings.SIGN_IN_BACKEND

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("validlink"):
            context["username"] = self.user.get_username()
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set and you are signed in."))
        return response

    def get_success_url(self):
        return home_url_for(self.user)
