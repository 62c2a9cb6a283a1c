from django.urls import path

from accounts.views import SetPasswordView

from . import views

app_name = "offices"

urlpatterns = [
    path("", views.office_list, name="list"),
    path("new/", views.office_create_view, name="create"),
    path("set-password/<uidb64>/<token>/", SetPasswordView.as_view(template_name="reviews/set_password.html"),
         name="set_password"),
    path("<slug:code>/", views.office_detail, name="detail"),
    path("<slug:code>/edit/", views.office_edit, name="edit"),
    path("<slug:code>/staff/<int:pk>/role/", views.staff_role, name="staff_role"),
    path("<slug:code>/staff/<int:pk>/remove/", views.staff_remove_view, name="staff_remove"),
]
