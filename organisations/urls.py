from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create_view, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/members/", views.organisation_members_view, name="members"),
    path(
        "<int:pk>/members/<int:membership_pk>/remove/", views.organisation_member_remove, name="member_remove"
    ),
    path("<int:pk>/blacklist/", views.organisation_blacklist, name="blacklist"),
    path(
        "<int:pk>/members/<int:membership_pk>/role/", views.organisation_member_role, name="member_role"
    ),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/cancel/", views.organisation_invitation_cancel,
        name="invitation_cancel",
    ),
    path("invitations/", views.invitation_list, name="invitations"),
    path("invitations/<int:invitation_pk>/accept/", views.invitation_answer, {"answer": "accept"},
         name="invitation_accept"),
    path("invitations/<int:invitation_pk>/decline/", views.invitation_answer, {"answer": "decline"},
         name="invitation_decline"),
    path("<int:pk>/records/", views.organisation_records, name="records"),
    path("<int:pk>/records/<int:record_pk>/", views.organisation_record_edit, name="record_edit"),
]
