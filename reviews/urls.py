from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import SetPasswordView

from . import appeal_views, plan_views, pool_views, round_views, views

app_name = "reviews"

urlpatterns = [
    path("expert-review/", views.overview, name="overview"),
    path("expert-review/pool/", pool_views.pool, name="pool"),
    path("expert-review/pool/add/", pool_views.pool_add, name="pool_add"),
    path("expert-review/pool/import/", pool_views.pool_import, name="pool_import"),
    path("expert-review/tracks/<int:track_id>/", round_views.round_page, name="round"),
    path("expert-review/tracks/<int:track_id>/add/", round_views.assignment_add, name="assignment_add"),
    path("expert-review/tracks/<int:track_id>/step/<str:step>/", views.round_step, name="round_step"),
    path("expert-review/tracks/<int:track_id>/ranking/", views.ranking_page, name="ranking"),
    path("expert-review/tracks/<int:track_id>/ranking/export/", views.ranking_export, name="ranking_export"),
    path("expert-review/tracks/<int:track_id>/ranking/tie/", views.tie_order, name="tie_order"),
    path("expert-review/tracks/<int:track_id>/decision/", views.decision, name="decision"),
    path("expert-review/tracks/<int:track_id>/decision/plan/", plan_views.decision_plan, name="decision_plan"),
    path("expert-review/assignments/<int:pk>/<str:step>/", views.assignment_step, name="assignment_step"),
    path("expert-review/reviews/<int:pk>/reopen/", views.review_reopen, name="review_reopen"),
    path("expert-review/awards/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("expert-review/awards/<int:pk>/notice/status/", views.notice_status, name="notice_status"),
    path("expert-review/awards/<int:pk>/notice/retry/", views.notice_retry, name="notice_retry"),
    path("expert-review/awards/<int:pk>/<str:step>/", views.award_step, name="award_step"),
    path("expert-review/objections/<int:pk>/<str:step>/", views.objection_step, name="objection_step"),
    path("expert-review/appeals/", appeal_views.appeal_list, name="appeals"),
    path("expert-review/appeals/<int:pk>/<str:step>/", appeal_views.appeal_step, name="appeal_step"),
    path("applications/<int:application_id>/appeal/", appeal_views.appeal_lodge, name="appeal_lodge"),
    path("reviewer/", views.queue, name="queue"),
    path("reviewer/assignments/<int:pk>/", views.assignment_page, name="assignment"),
    path("reviewer/assignments/<int:pk>/declare/<str:step>/", views.declare, name="declare"),
    path("reviewer/assignments/<int:pk>/pdf/", views.dossier_pdf, name="dossier_pdf"),
    path("reviewer/assignments/<int:pk>/pdf/status/", views.dossier_status, name="dossier_status"),
    path("reviewer/assignments/<int:pk>/pdf/retry/", views.dossier_retry, name="dossier_retry"),
    path("publicity/", views.publicity_index, name="publicity_index"),
    path("publicity/<int:pk>/", views.publicity, name="publicity"),
    path("experts/set-password/<uidb64>/<token>/", SetPasswordView.as_view(
        template_name="reviews/set_password.html"), name="set_password"),
    path("expert-review/pool/<int:pk>/resend-link/", pool_views.pool_resend_link, name="pool_resend_link"),
    path("experts/set-password/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="reviews/set_password_done.html"), name="password_set"),
]
