from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:program>/", views.program_page, name="program"),
    path("<slug:program>/call-window/", views.call_window, name="call_window"),
    path("<slug:program>/publish/", views.publish, name="publish"),
    path("<slug:program>/<str:track>/plan/", views.track_plan, name="track_plan"),
    path("<slug:program>/<str:track>/", views.track_page, name="track"),
]
