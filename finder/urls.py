from django.urls import path

from . import views

app_name = "finder"

urlpatterns = [
    path("finder/", views.quick_check, name="check"),
    path("finder/mine/", views.mine, name="mine"),
    path("finder/forecast/", views.forecast, name="forecast"),
    path("finder/forecast/run/", views.forecast_run, name="forecast_run"),
]
