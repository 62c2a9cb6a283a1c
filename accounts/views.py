from django.contrib import messages
from django.contrib.auth import login
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
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, format_html('<a class="alert-link" href="{}">{}</a>', reverse("organisations:create"),
                                              _("Welcome! Start by entering your organisation's profile.")))
        return redirect(home_url_for(user))
    return render(request, "accounts/register.html", {"form": form})
