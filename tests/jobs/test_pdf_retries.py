"""Every generated PDF (the application book, the reviewer's PDF, the approval notice, the task book, the
acceptance conclusion) is made by a task that tries a passing error (the database went away) again with a growing
pause, queued again in between, and marks the PDF failed only on its last try."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.db import OperationalError

from applications.models import Application
from applications.tasks import generate_application_pdf
from milestones.models import Acceptance, Project
from milestones.tasks import generate_conclusion, generate_task_book
from reviews.models import Award, Dossier
from reviews.tasks import generate_dossier, generate_notice
from tests.milestones.conftest import open_project, recorded_acceptance
from tests.reviews.conftest import approved_award, make_pool_track, passed_application

pytestmark = pytest.mark.django_db


@dataclass
class Made:
    row: object
    task: object
    kwargs: dict
    export: str  # module.function that renders the bytes
    status: str  # the row's status field
    file: str  # the row's file field


def _application(officer):
    application = passed_application(make_pool_track())
    Application.objects.filter(pk=application.pk).update(pdf_status="pending")
    return Made(application, generate_application_pdf, {"application_id": application.pk, "version": 1},
                "applications.exports.application_pdf", "pdf_status", "pdf_file")


def _dossier(officer):
    dossier = Dossier.objects.create(application=passed_application(make_pool_track()), blind=True)
    return Made(dossier, generate_dossier, {"application_id": dossier.application_id}, "reviews.exports.dossier_pdf",
                "status", "pdf_file")


def _notice(officer):
    award = approved_award(officer, make_pool_track())  # its notice queued on commit, not run: pending
    return Made(award, generate_notice, {"award_id": award.pk}, "reviews.exports.approval_notice_pdf",
                "notice_status", "notice_file")


def _task_book(officer):
    project = open_project(officer)
    return Made(project, generate_task_book, {"project_id": project.pk}, "milestones.exports.task_book_pdf",
                "task_book_status", "task_book")


def _conclusion(officer):
    acceptance = recorded_acceptance(officer, open_project(officer))
    return Made(acceptance, generate_conclusion, {"acceptance_id": acceptance.pk},
                "milestones.exports.acceptance_conclusion_pdf", "conclusion_status", "conclusion")


BUILDERS = {"application": _application, "dossier": _dossier, "notice": _notice, "task_book": _task_book,
            "conclusion": _conclusion}
MODELS = {"application": Application, "dossier": Dossier, "notice": Award, "task_book": Project,
          "conclusion": Acceptance}


class Flaky:
    """The real render, after the queued errors; it notes the row's status each time it is called."""

    def __init__(self, real, made: Made, errors: int):
        self.real, self.made, self.errors, self.seen = real, made, errors, []

    def __call__(self, *args, **kwargs):
        row = type(self.made.row).objects.get(pk=self.made.row.pk)
        self.seen.append(getattr(row, self.made.status))
        if self.errors:
            self.errors -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return self.real(*args, **kwargs)


def _flaky(monkeypatch, made: Made, errors: int) -> Flaky:
    import importlib

    module_name, name = made.export.rsplit(".", 1)
    module = importlib.import_module(module_name)
    flaky = Flaky(getattr(module, name), made, errors)
    monkeypatch.setattr(module, name, flaky)
    return flaky


@pytest.fixture
def eager(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from ipgrants.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)  # each eager retry runs inside the last


@pytest.mark.parametrize("kind", BUILDERS)
def test_pdf_task_passing_error_then_success_ends_ready_with_one_pdf(kind, officer, eager, monkeypatch):
    made = BUILDERS[kind](officer)
    flaky = _flaky(monkeypatch, made, errors=1)
    made.task.apply(kwargs=made.kwargs, throw=False)
    row = MODELS[kind].objects.get(pk=made.row.pk)
    stored = getattr(row, made.file)
    assert getattr(row, made.status) == "ready" and stored
    assert flaky.seen == ["running", "running"]  # queued again between the tries, running in each
    made_pdfs = [n for n in os.listdir(os.path.dirname(stored.path)) if n.endswith(".pdf") and "-" in n]
    assert made_pdfs == [os.path.basename(stored.name)]  # one PDF (beside the unit's uploads, for a conclusion)


@pytest.mark.parametrize("kind", BUILDERS)
def test_pdf_task_fails_only_after_its_last_try(kind, officer, eager, monkeypatch):
    made = BUILDERS[kind](officer)
    flaky = _flaky(monkeypatch, made, errors=made.task.max_retries + 1)
    made.task.apply(kwargs=made.kwargs, throw=False)
    row = MODELS[kind].objects.get(pk=made.row.pk)
    assert getattr(row, made.status) == "failed" and not getattr(row, made.file)
    assert len(flaky.seen) == made.task.max_retries + 1 and set(flaky.seen) == {"running"}


@pytest.mark.parametrize("kind", ["notice", "conclusion"])
def test_pdf_task_queued_again_between_tries(kind, officer, settings, monkeypatch):
    """Before its last try a passing error leaves the PDF queued (pending) for the next, and re-raises."""
    from jobs.retrying import pdf_attempt

    made = BUILDERS[kind](officer)
    rows = MODELS[kind].objects.filter(pk=made.row.pk)

    def down():
        raise OperationalError("down")

    with pytest.raises(OperationalError):
        pdf_attempt(rows=rows, field=made.status, final=False, make=down)
    assert getattr(rows.get(), made.status) == "pending"
    with pytest.raises(OperationalError):
        pdf_attempt(rows=rows, field=made.status, final=True, make=down)
    assert getattr(rows.get(), made.status) == "failed"


@pytest.mark.parametrize("kind", ["notice", "conclusion"])
def test_pdf_task_called_directly_fails_at_once(kind, officer, monkeypatch):
    """Without a broker (the background thread) there is no later try: the PDF fails and offers "try again"."""
    made = BUILDERS[kind](officer)
    _flaky(monkeypatch, made, errors=1)
    with pytest.raises(OperationalError):
        made.task(**made.kwargs)
    assert getattr(MODELS[kind].objects.get(pk=made.row.pk), made.status) == "failed"
