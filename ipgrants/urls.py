from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from programs import views as program_views

urlpatterns = [
    path("", program_views.home, name="home"),
    path("reviewer/", account_views.reviewer_home, name="home_reviewer"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("programs/", include("programs.urls")),
    path("organisations/", include("organisations.urls")),
    path("", include("applications.urls")),
]
