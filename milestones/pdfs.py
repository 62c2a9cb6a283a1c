"""The project's generated PDFs: the task book (任务书), made when the project opens, and each acceptance's
conclusion (验收结论), made when its outcome is recorded. Both are rendered in the background
(``milestones.tasks``), show queued → running → ready or failed on the project page, try a passing error again
(``jobs.retrying``) and, once failed, are made again when an officer or the funded unit asks: atomic, the row
locked, the state checked against its transition table, audited, queued on commit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event
from jobs.retrying import pdf_attempt

from . import notices
from .models import CONCLUSION_TRANSITIONS, TASK_BOOK_TRANSITIONS, Acceptance, PdfStatus, Project
from .services import _lock_project, _queue, role_of


def task_book_render(*, project_id: int, final: bool = True) -> None:
    from .exports import task_book_pdf

    project = Project.objects.filter(pk=project_id).select_related("application").first()
    if project is None:
        return

    def make() -> None:
        content = task_book_pdf(project)
        with transaction.atomic():
            locked = Project.objects.select_for_update().get(pk=project_id)
            first = locked.task_book_status != PdfStatus.READY
            locked.task_book.save(f"{project.application.reference}-task-book.pdf", ContentFile(content),
                                  save=False)
            locked.task_book_status = PdfStatus.READY
            locked.save(update_fields=["task_book", "task_book_status"])
            if first:  # the contract is ready for the unit: told once, however often the task book is rendered
                notices.contract_ready(project)

    pdf_attempt(rows=Project.objects.filter(pk=project_id), field="task_book_status", final=final, make=make)


@transaction.atomic
def task_book_retry(*, actor, project: Project) -> Project:
    """Make the task book again after it failed: a member of the funded unit or an officer asks."""
    if role_of(project, actor) is None:
        raise PermissionDenied(_("Only officers and the funded unit's members may do this."))
    locked = _lock_project(project)
    transition = TASK_BOOK_TRANSITIONS["retry"]
    if locked.task_book_status not in transition.sources:
        raise ValidationError(_("The task book has not failed; there is nothing to retry."), code="wrong_state")
    before, locked.task_book_status = locked.task_book_status, transition.target
    locked.save(update_fields=["task_book_status"])
    record_event(target=locked, actor=actor, action="retry_task_book", from_state=before,
                 to_state=locked.task_book_status)
    _queue(project_id=locked.pk)
    return locked


def conclusion_render(*, acceptance_id: int, final: bool = True) -> None:
    from .exports import acceptance_conclusion_pdf

    acceptance = Acceptance.objects.filter(pk=acceptance_id).exclude(outcome="").select_related(
        "project__application").first()
    if acceptance is None:
        return

    def make() -> None:
        content = acceptance_conclusion_pdf(acceptance)
        with transaction.atomic():
            locked = Acceptance.objects.select_for_update().get(pk=acceptance_id)
            old = locked.conclusion.name if locked.conclusion else None
            locked.conclusion.save(f"{acceptance.project.application.reference}-acceptance-{locked.seq}.pdf",
                                   ContentFile(content), save=False)
            locked.conclusion_status = PdfStatus.READY
            locked.save(update_fields=["conclusion", "conclusion_status"])
            if old and old != locked.conclusion.name:
                storage = locked.conclusion.storage
                transaction.on_commit(lambda: storage.delete(old))

    pdf_attempt(rows=Acceptance.objects.filter(pk=acceptance_id), field="conclusion_status", final=final,
                make=make)


@transaction.atomic
def conclusion_retry(*, actor, acceptance: Acceptance) -> Acceptance:
    """Make an acceptance conclusion again after it failed: a member of the funded unit or an officer asks."""
    project = acceptance.project
    if role_of(project, actor) is None:
        raise PermissionDenied(_("Only officers and the funded unit's members may do this."))
    locked = Acceptance.objects.select_for_update().filter(pk=acceptance.pk, project_id=project.pk).first()
    if locked is None:
        raise ValidationError(_("This acceptance no longer exists."), code="gone")
    transition = CONCLUSION_TRANSITIONS["retry"]
    if locked.conclusion_status not in transition.sources:
        raise ValidationError(_("The acceptance conclusion has not failed; there is nothing to retry."),
                              code="wrong_state")
    before, locked.conclusion_status = locked.conclusion_status, transition.target
    locked.save(update_fields=["conclusion_status"])
    record_event(target=locked, actor=actor, action="retry_conclusion", from_state=before,
                 to_state=locked.conclusion_status, data={"project": project.pk, "request": locked.seq})
    _queue(acceptance_id=locked.pk)
    return locked
