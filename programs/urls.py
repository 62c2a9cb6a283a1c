from django.urls import path

from . import calendar_views, views

app_name = "programs"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/preview/", calendar_views.calendar_preview, name="calendar_preview"),
    path("calendar/enter/", calendar_views.calendar_enter, name="calendar_enter"),
    path("calendar/day/", calendar_views.calendar_day, name="calendar_day"),
    path("<slug:program>/", views.program_page, name="program"),
    path("<slug:program>/call-window/", views.call_window, name="call_window"),
    path("<slug:program>/publish/", views.publish, name="publish"),
    path("<slug:program>/<str:track>/plan/", views.track_plan, name="track_plan"),
    path("<slug:program>/<str:track>/", views.track_page, name="track"),
]
