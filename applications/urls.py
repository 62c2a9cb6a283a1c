from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("my/", views.mine, name="mine"),
    path("review/", views.queue, name="officer_queue"),
    path("applications/start/<int:track_id>/", views.start, name="start"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/edit/", views.edit, name="edit"),
    path("applications/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("applications/<int:pk>/check/", views.check, name="check"),
    path("applications/<int:pk>/materials/", views.materials, name="materials"),
    path("applications/<int:pk>/materials/<int:upload_pk>/", views.material_download, name="material_download"),
    path("applications/<int:pk>/materials/<int:upload_pk>/remove/", views.material_remove, name="material_remove"),
    path("applications/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("applications/<int:pk>/pdf/status/", views.pdf_status, name="pdf_status"),
    path("applications/<int:pk>/pdf/retry/", views.pdf_retry, name="pdf_retry"),
    path("applications/<int:pk>/decide/<str:step>/", views.decide, name="decide"),
    path("applications/<int:pk>/conditions/", views.decide_condition, name="decide_condition"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/delete/", views.delete_draft, name="delete"),
    path("applications/<int:pk>/versions/", views.version_diff, name="versions"),
]
