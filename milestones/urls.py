from django.urls import path

from . import views

app_name = "milestones"

urlpatterns = [
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/contract/", views.contract_step, name="contract"),
    path("projects/<int:pk>/contract/file/", views.contract_file, name="contract_file"),
    path("projects/<int:pk>/task-book.pdf", views.task_book, name="task_book"),
    path("projects/<int:pk>/task-book/status/", views.task_book_status, name="task_book_status"),
    path("projects/<int:pk>/task-book/retry/", views.task_book_retry, name="task_book_retry"),
    path("projects/<int:pk>/acceptance/<int:seq>/conclusion.pdf", views.conclusion_pdf, name="conclusion"),
    path("projects/<int:pk>/acceptance/<int:seq>/conclusion/status/", views.conclusion_status,
         name="conclusion_status"),
    path("projects/<int:pk>/acceptance/<int:seq>/conclusion/retry/", views.conclusion_retry, name="conclusion_retry"),
    path("projects/<int:pk>/acceptance/<int:seq>/<str:kind>/", views.acceptance_file, name="acceptance_file"),
    path("projects/<int:pk>/tranches/<int:seq>/release/", views.tranche_release_step, name="release"),
    path("projects/<int:pk>/tranches/<int:seq>/confirm/", views.tranche_confirm_step, name="confirm_payment"),
    path("projects/<int:pk>/tranches/<int:seq>/cancel/", views.tranche_cancel_step, name="cancel_payment"),
    path("projects/<int:pk>/midterm/", views.midterm_step, name="midterm"),
    path("projects/<int:pk>/midterm/required/", views.require_midterm_step, name="require_midterm"),
    path("projects/<int:pk>/acceptance/request/", views.acceptance_request_step, name="acceptance_request"),
    path("projects/<int:pk>/acceptance/record/", views.acceptance_record_step, name="acceptance_record"),
    path("projects/<int:pk>/reports/add/", views.report_add_step, name="report_add"),
    path("projects/<int:pk>/reports/<int:report_pk>/", views.report_page, name="report"),
    path("projects/<int:pk>/reports/<int:report_pk>/review/", views.report_review_step, name="report_review"),
    path("projects/<int:pk>/reports/<int:report_pk>/evidence/<int:evidence_pk>/", views.evidence_file,
         name="evidence"),
    path("projects/program/<int:program_id>/ledger/", views.ledger, name="ledger"),
    path("projects/program/<int:program_id>/ledger/export/", views.ledger_export, name="ledger_export"),
    path("projects/program/<int:program_id>/completion/", views.completion_report, name="completion"),
    path("projects/program/<int:program_id>/fund-plan/", views.fund_plan, name="fund_plan"),
    path("projects/program/<int:program_id>/fund-plan/export/", views.fund_plan_export, name="fund_plan_export"),
]
