"""The application book (申报书) PDF: queued after each submission, rendered off the request, made again on
request after a failure. Audited like every other step; the render itself is the task's, see ``tasks.py``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event
from core.dispatch import queue
from offices.selectors import may_act_in

from .models import Application, PdfStatus


def queue_pdf(application: Application) -> None:
    """After commit, off the request: on Celery, or on the background thread when there is no broker."""
    queue("applications.generate_application_pdf", application_id=application.pk, version=application.version)




def application_render_pdf(*, application_id: int, version: int, final: bool = True) -> None:
    """Render the application book for a submitted version and store it privately (a passing error is tried
    again by the task, see ``jobs.retrying``)."""
    from django.core.files.base import ContentFile

    from jobs.retrying import pdf_attempt

    from .exports import application_pdf

    application = Application.objects.filter(pk=application_id).first()
    if application is None or application.version != version:
        return  # gone, or a newer version has its own task

    def make() -> None:
        content = application_pdf(application)
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application_id)
            if locked.version != version:
                return
            old = locked.pdf_file.name if locked.pdf_file else None
            locked.pdf_file.save(f"{locked.reference}-v{version}.pdf", ContentFile(content), save=False)
            locked.pdf_status = PdfStatus.READY
            locked.pdf_version = version
            locked.save(update_fields=["pdf_file", "pdf_status", "pdf_version"])
            if old and old != locked.pdf_file.name:
                storage = locked.pdf_file.storage
                transaction.on_commit(lambda: storage.delete(old))

    pdf_attempt(rows=Application.objects.filter(pk=application_id, version=version), field="pdf_status",
                final=final, make=make)


@transaction.atomic
def application_retry_pdf(*, actor, application: Application) -> Application:
    """Make the application PDF again after it failed: an officer of the program's office or a member of the
    organisation asks."""
    member = actor.is_applicant and actor.memberships.filter(organisation_id=application.organisation_id).exists()
    officer = getattr(actor, "is_officer", False) and may_act_in(actor, application.track.program.office_id)
    if not (officer or member):
        raise PermissionDenied(_("Only officers and the organisation's members may do this."))
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.version == 0 or locked.pdf_status != PdfStatus.FAILED:
        raise ValidationError(_("The application PDF has not failed; there is nothing to retry."), code="wrong_state")
    locked.pdf_status = PdfStatus.PENDING
    locked.save(update_fields=["pdf_status"])
    record_event(target=locked, actor=actor, action="retry_pdf", data={"version": locked.version})
    queue_pdf(locked)
    return locked
