"""A background job somebody asked for on a page (an Excel export, an import): its state, its result file (kept
privately, served only to its requester) or its summary, and what went wrong."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.lifecycle import Transition, transition_table


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobActor(models.TextChoices):
    WORKER = "worker", _("The background worker")
    REQUESTER = "requester", _("The requester or an officer")


JOB_TRANSITIONS = transition_table(
    Transition("start", _("Start"), frozenset({JobState.QUEUED}), JobState.RUNNING, JobActor.WORKER),
    Transition("finish", _("Finish"), frozenset({JobState.RUNNING}), JobState.DONE, JobActor.WORKER),
    Transition("fail", _("Fail"), frozenset({JobState.RUNNING}), JobState.FAILED, JobActor.WORKER),
    # A passing error (the database went away): queued again for the task's next attempt.
    Transition("requeue", _("Queue again"), frozenset({JobState.RUNNING}), JobState.QUEUED, JobActor.WORKER),
    Transition("retry", _("Try again"), frozenset({JobState.FAILED}), JobState.QUEUED, JobActor.REQUESTER),
)
IN_PROGRESS = frozenset({JobState.QUEUED, JobState.RUNNING})


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=60)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.CASCADE, related_name="jobs")
    content_type = models.ForeignKey(ContentType, verbose_name=_("target type"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(_("target id"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    input_file = models.FileField(_("uploaded file"), upload_to="jobs/input/%Y/", blank=True)
    result_file = models.FileField(_("result"), upload_to="jobs/%Y/", blank=True)
    result_filename = models.CharField(_("result file name"), max_length=200, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # How far a running job has got, in per cent, for kinds that tell (the automatic assignment); None: untold.
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Set when the daily sweep deleted the result file (JOB_RESULT_DAYS after it finished); the row stays.
    expired_at = models.DateTimeField(_("result deleted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The page's latest job of a kind for its target, for the requester.
            models.Index(fields=["requested_by", "kind", "content_type", "object_id", "-created_at"],
                         name="job_latest_idx"),
            models.Index(fields=["state", "created_at"], name="job_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def expired(self) -> bool:
        return self.expired_at is not None


class PdfWithoutFont(models.Model):
    """A generated PDF whose Chinese came out as boxes: rendered while no CJK font was installed (see
    ``jobs.pdf_fonts``); ``manage.py rerender_pdfs`` renders it again once one is."""

    model = models.CharField(_("kind of record"), max_length=60)  # app_label.model of the row holding the PDF
    object_id = models.PositiveBigIntegerField(_("record"))
    missing_glyphs = models.PositiveIntegerField(_("characters drawn as boxes"), default=0)
    font_installed = models.BooleanField(_("a CJK font was installed"), default=False)
    rendered_at = models.DateTimeField(_("rendered at"), auto_now=True)

    class Meta:
        verbose_name = _("PDF rendered without a CJK font")
        verbose_name_plural = _("PDFs rendered without a CJK font")
        constraints = [models.UniqueConstraint(fields=["model", "object_id"], name="jobs_pdf_without_font_once")]

    def __str__(self) -> str:
        return f"{self.model} #{self.object_id}"
