"""A funded project and its tranche schedule, as approval (立项) creates them.

The projects issue adds the contract, releases, KPI reports and acceptance on top of these rows.
"""


from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.lifecycle import Transition
from programs.models import TrancheTrigger


class ProjectState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    ACCEPTANCE_REQUESTED = "acceptance_requested", _("Acceptance requested")
    RECTIFYING = "rectifying", _("Rectification after a failed acceptance")
    ACCEPTED = "accepted", pgettext_lazy("project state", "Accepted")
    CLOSED = "closed", pgettext_lazy("project state", "Closed")
    TERMINATED = "terminated", _("Terminated")


# A project in one of these states has ended: nothing more is asked of the unit.
ENDED_PROJECT_STATES = frozenset({ProjectState.CLOSED, ProjectState.TERMINATED})

class InspectionMode(models.TextChoices):
    WRITTEN = "written", _("Written review")
    ON_SITE = "on_site", _("On-site inspection")


class AcceptanceOutcomeChoice(models.TextChoices):
    PASSED = "passed", pgettext_lazy("acceptance outcome", "Passed")
    FAILED = "failed", pgettext_lazy("acceptance outcome", "Failed")


class MidtermOutcome(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    RECTIFY = "rectify", _("Rectification required")


class PdfStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    RUNNING = "running", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Project(models.Model):
    application = models.OneToOneField(
        "applications.Application", verbose_name=_("application"), on_delete=models.PROTECT, related_name="project"
    )
    award = models.DecimalField(_("award (yuan)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer in charge"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=25, choices=ProjectState.choices,
                             default=ProjectState.IN_PROGRESS, db_index=True)
    contract_signed_on = models.DateField(_("contract signed on"), null=True, blank=True)
    contract_file = models.FileField(_("signed contract"), upload_to="contracts/%Y/", blank=True)
    contract_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("contract recorded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    acceptance_failures = models.PositiveSmallIntegerField(_("failed acceptances"), default=0)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    # The office may require a mid-term check where the guide does not (Track.midterm_check): acceptance then waits
    # for a check that found the project on track, as it does where the guide requires one.
    midterm_required = models.BooleanField(_("mid-term check required by the office"), default=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    record = models.OneToOneField(
        "organisations.ProjectRecord", verbose_name=_("project record"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="portal_project",
        help_text=_("The organisation's record of this award, which later guides' history rules read."),
    )
    task_book = models.FileField(_("task book (PDF)"), upload_to="task-books/%Y/", blank=True)
    task_book_status = models.CharField(_("task book"), max_length=10, choices=PdfStatus.choices,
                                        default=PdfStatus.PENDING)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return str(self.application)


class TrancheState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DUE = "due", _("Due")
    REQUESTED = "requested", _("Payment requested")
    RELEASED = "released", _("Released")


# Money owed to the unit and not yet paid: a tranche whose payment request waits for the second officer is still due.
UNPAID_DUE_STATES = (TrancheState.DUE, TrancheState.REQUESTED)


class ProjectTranche(models.Model):
    """One payment of a project's award; the amounts of a project's tranches add up to its award."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="tranches")
    seq = models.PositiveSmallIntegerField(_("tranche"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    condition = models.CharField(_("paid"), max_length=15, choices=TrancheTrigger.choices)
    state = models.CharField(_("state"), max_length=10, choices=TrancheState.choices, default=TrancheState.PLANNED,
                             db_index=True)
    due_on = models.DateField(_("due since"), null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    released_amount = models.DecimalField(_("released amount (yuan)"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    # The payment request (四眼: one officer requests, a second confirms); blank again when it is cancelled.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("payment requested by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    requested_at = models.DateTimeField(_("payment requested at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("released by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(_("payment confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("project tranche")
        verbose_name_plural = _("project tranches")
        ordering = ["project", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="project_tranche_seq_unique")]

    def __str__(self) -> str:
        return f"{self.seq}: {self.amount}"


class Acceptance(models.Model):
    """One acceptance request (验收申请) and, once the officer records it, its inspection and outcome."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="acceptances")
    seq = models.PositiveSmallIntegerField(_("request"))
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    final_report = models.FileField(_("final report"), upload_to="acceptance/%Y/")
    final_accounts = models.FileField(_("final accounts"), upload_to="acceptance/%Y/")
    mode = models.CharField(_("inspection"), max_length=10, choices=InspectionMode.choices, blank=True)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    expert_opinion = models.TextField(_("experts' opinion"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=AcceptanceOutcomeChoice.choices, blank=True)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    conclusion = models.FileField(_("acceptance conclusion (PDF)"), upload_to="acceptance/%Y/", blank=True)
    # Blank until the outcome is recorded; then the conclusion is made in the background.
    conclusion_status = models.CharField(_("acceptance conclusion"), max_length=10, choices=PdfStatus.choices,
                                         blank=True)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["project", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="acceptance_seq_unique")]

    def __str__(self) -> str:
        return f"{self.project} #{self.seq}"


class MidtermCheck(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="midterm_checks")
    checked_on = models.DateField(_("checked on"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=MidtermOutcome.choices)
    comments = models.TextField(_("comments"), blank=True)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("mid-term check")
        verbose_name_plural = _("mid-term checks")
        ordering = ["project", "checked_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project} {self.checked_on}"


class Actor(models.TextChoices):
    OFFICER = "officer", _("Program officer")
    UNIT = "unit", _("Funded unit")
    SYSTEM = "system", _("The portal, when a condition is met")




# The task book (任务书) is made in the background when the project opens (pending → running → ready or failed;
# back to pending while a passing error waits for the next try); a failed one is made again when the funded unit
# or an officer asks.
TASK_BOOK_TRANSITIONS: dict[str, Transition] = {
    "retry": Transition("retry", _("Try again"), frozenset({PdfStatus.FAILED}), PdfStatus.PENDING, Actor.UNIT),
}
# The acceptance conclusion (验收结论) likewise, made when the outcome is recorded.
CONCLUSION_TRANSITIONS: dict[str, Transition] = {
    "retry": Transition("retry", _("Try again"), frozenset({PdfStatus.FAILED}), PdfStatus.PENDING, Actor.UNIT),
}

# The one table of a tranche's steps: due when its condition holds; an officer requests the payment, a second
# officer confirms it (released, once); the request may be cancelled back to due. With PAYMENT_SECOND_PERSON off
# (a single-officer office) "release" pays a due tranche in one step instead.
TRANCHE_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("make_due", _("Make due"), frozenset({TrancheState.PLANNED}), TrancheState.DUE, Actor.SYSTEM),
        Transition("request_payment", _("Request the payment"), frozenset({TrancheState.DUE}),
                   TrancheState.REQUESTED, Actor.OFFICER),
        Transition("confirm_payment", _("Confirm the payment"), frozenset({TrancheState.REQUESTED}),
                   TrancheState.RELEASED, Actor.OFFICER),
        Transition("cancel_request", _("Cancel the payment request"), frozenset({TrancheState.REQUESTED}),
                   TrancheState.DUE, Actor.OFFICER),
        Transition("release", _("Release"), frozenset({TrancheState.DUE}), TrancheState.RELEASED, Actor.OFFICER),
    )
}

# A due tranche is paid only while its project is alive: not once it is terminated (a second failed acceptance)
# or closed. milestones.payments reads this beside TRANCHE_TRANSITIONS; the project page offers no button otherwise.
PAYING_PROJECT_STATES = frozenset({ProjectState.IN_PROGRESS, ProjectState.ACCEPTANCE_REQUESTED,
                                   ProjectState.RECTIFYING, ProjectState.ACCEPTED})

_OPEN = frozenset({ProjectState.IN_PROGRESS})
# The one table of a project's steps, read by the services and the project pages' buttons.
PROJECT_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("record_contract", _("Record the signed contract"), _OPEN, ProjectState.IN_PROGRESS,
                   Actor.OFFICER),
        Transition("record_midterm", _("Record the mid-term check"), _OPEN, ProjectState.IN_PROGRESS,
                   Actor.OFFICER),
        Transition("require_midterm", _("Require a mid-term check"), _OPEN, ProjectState.IN_PROGRESS,
                   Actor.OFFICER),
        Transition("request_acceptance", _("Request acceptance"),
                   frozenset({ProjectState.IN_PROGRESS, ProjectState.RECTIFYING}), ProjectState.ACCEPTANCE_REQUESTED,
                   Actor.UNIT),
        Transition("acceptance_pass", _("Record acceptance passed"), frozenset({ProjectState.ACCEPTANCE_REQUESTED}),
                   ProjectState.ACCEPTED, Actor.OFFICER),
        Transition("acceptance_fail", _("Record acceptance failed"), frozenset({ProjectState.ACCEPTANCE_REQUESTED}),
                   ProjectState.RECTIFYING, Actor.OFFICER),  # a second failure goes to TERMINATED instead
        Transition("close", _("Close the project"), frozenset({ProjectState.ACCEPTED}), ProjectState.CLOSED,
                   Actor.SYSTEM),
    )
}


class ReportKind(models.TextChoices):
    MIDTERM = "midterm", _("Mid-term report")
    FINAL = "final", _("Final report")
    EXTRA = "extra", _("Additional report")
    # After a failed acceptance or a mid-term check that found rectification required: the KPI values reached after
    # rectifying, due on the rectification deadline; once accepted its values are the project's figures.
    RECTIFICATION = "rectification", _("Rectification report")


class ReportState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SUBMITTED = "submitted", pgettext_lazy("state", "Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")


class KpiReport(models.Model):
    """One KPI report (绩效报告) of a project: per KPI the value reached, evidence, a narrative."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports")
    seq = models.PositiveSmallIntegerField(_("report"))
    kind = models.CharField(_("kind"), max_length=15, choices=ReportKind.choices)
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.SCHEDULED,
                             db_index=True)
    narrative = models.TextField(_("narrative"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    officer_comments = models.TextField(_("officer's comments"), blank=True)
    # When the office accepted it: the project's figures follow the report accepted last.
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("KPI report")
        verbose_name_plural = _("KPI reports")
        ordering = ["project", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="kpi_report_seq_unique")]

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()}"

    @property
    def not_required(self) -> bool:
        """A report not yet submitted (or returned) of a project that has ended is no longer asked for."""
        return (self.state in REPORT_TRANSITIONS["submit"].sources
                and self.project.state in ENDED_PROJECT_STATES)

    @property
    def state_label(self) -> str:
        """The report's state as the pages show it."""
        return _("Not required") if self.not_required else self.get_state_display()


class KpiValue(models.Model):
    report = models.ForeignKey(KpiReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values")
    kpi = models.ForeignKey("programs.KPI", verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value reached"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")
        constraints = [models.UniqueConstraint(fields=["report", "kpi"], name="kpi_value_unique")]

    def __str__(self) -> str:
        return f"{self.kpi_id}: {self.value}"


class KpiEvidence(models.Model):
    report = models.ForeignKey(KpiReport, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="evidence")
    file = models.FileField(_("file"), upload_to="kpi-evidence/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


REPORT_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", _("Submit the report"), frozenset({ReportState.SCHEDULED, ReportState.RETURNED}),
                   ReportState.SUBMITTED, Actor.UNIT),
        Transition("accept", _("Accept the report"), frozenset({ReportState.SUBMITTED}), ReportState.ACCEPTED,
                   Actor.OFFICER),
        Transition("return", _("Return with comments"), frozenset({ReportState.SUBMITTED}), ReportState.RETURNED,
                   Actor.OFFICER),
    )
}
