from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("jobs/<int:pk>/status/", views.status, name="status"),
    path("jobs/<int:pk>/download/", views.download, name="download"),
    path("jobs/<int:pk>/retry/", views.retry, name="retry"),
]
