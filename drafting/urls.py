from django.urls import path

from . import views

app_name = "drafting"

urlpatterns = [
    path("", views.draft_list, name="list"),
    path("<int:draft_id>/", views.draft_detail, name="detail"),
    path("<int:draft_id>/save/", views.draft_save, name="save"),
    path("<int:draft_id>/fill/", views.draft_fill, name="fill"),
    path("<int:draft_id>/load/", views.draft_load, name="load"),
]
