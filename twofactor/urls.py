from django.urls import path

from . import views

app_name = "twofactor"

urlpatterns = [
    path("accounts/two-factor/", views.overview, name="overview"),
    path("accounts/two-factor/enrol/", views.enrol, name="enrol"),
    path("accounts/two-factor/backup-codes/", views.backup_codes, name="backup_codes"),
    path("accounts/two-factor/backup-codes/new/", views.backup_codes_renew, name="backup_codes_renew"),
    path("accounts/two-factor/verify/", views.verify, name="verify"),
    path("accounts/two-factor/disable/", views.disable, name="disable"),
]
