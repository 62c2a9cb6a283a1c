from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("applicant/", views.applicant, name="applicant"),
    path("reviewer/", views.reviewer, name="reviewer"),
    path("officer/", views.officer, name="officer"),
    path("admin/", views.admin, name="admin"),
    path("offices/<slug:code>/audit/", views.office_audit, name="office_audit"),
]
