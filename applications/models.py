"""An application to one track: the draft as typed, its submitted versions, materials and verdict."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.lifecycle import Transition
from organisations.choices import OrgType


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting formal review")
    RETURNED = "returned", _("Returned for revision")
    PASSED = "passed", _("Passed formal review; in expert review")
    REFUSED = "refused", _("Refused in formal review")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    APPROVED = "approved", _("Approved for funding (立项)")
    NOT_FUNDED = "not_funded", _("Not funded")


class Actor(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    OFFICER = "officer", _("Program officer")
    # Taken by a program officer through the funding decision (reviews' services), never from the
    # application page: templates show no button for it.
    DECISION = "decision", _("Funding decision")
    # Taken by a program officer who upholds an appeal (复审, reviews' appeal services); no button here either.
    APPEAL = "appeal", _("Appeal (复审) upheld")


# The one table of allowed steps; services enforce it and templates read it to show buttons.
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", _("Submit"), frozenset({Status.DRAFT}), Status.SUBMITTED, Actor.APPLICANT),
        Transition("resubmit", _("Resubmit"), frozenset({Status.RETURNED}), Status.SUBMITTED, Actor.APPLICANT),
        Transition("return", _("Return for revision"), frozenset({Status.SUBMITTED}), Status.RETURNED,
                   Actor.OFFICER, needs_reason=True),
        Transition("pass", _("Pass to expert review"), frozenset({Status.SUBMITTED}), Status.PASSED, Actor.OFFICER),
        Transition("refuse", _("Refuse"), frozenset({Status.SUBMITTED}), Status.REFUSED, Actor.OFFICER,
                   needs_reason=True),
        # A draft never submitted is deleted, not withdrawn: there is nothing to withdraw from (no target state).
        Transition("delete", _("Delete draft"), frozenset({Status.DRAFT}), "", Actor.APPLICANT),
        Transition("withdraw", _("Withdraw"), frozenset({Status.SUBMITTED, Status.RETURNED, Status.PASSED}),
                   Status.WITHDRAWN, Actor.APPLICANT, needs_reason=False),
        Transition("approve", _("Approve for funding"), frozenset({Status.PASSED}), Status.APPROVED, Actor.DECISION),
        Transition("not_fund", _("Mark not funded"), frozenset({Status.PASSED}), Status.NOT_FUNDED, Actor.DECISION),
        # An upheld appeal (复审) puts the application back at the stage that refused it.
        Transition("reopen", _("Back to formal review (appeal upheld)"), frozenset({Status.REFUSED}),
                   Status.SUBMITTED, Actor.APPEAL, needs_reason=True),
        Transition("reinstate", _("Back to the ranking (appeal upheld)"), frozenset({Status.NOT_FUNDED}),
                   Status.PASSED, Actor.APPEAL, needs_reason=True),
    )
}
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


class PdfStatus(models.TextChoices):
    NONE = "none", _("Not generated")
    PENDING = "pending", _("Queued")
    RUNNING = "running", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReferenceCounter(models.Model):
    """The last sequence number used for a program's application references."""

    program = models.OneToOneField("programs.Program", on_delete=models.CASCADE, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.program_id}: {self.last}"


class Application(models.Model):
    reference = models.CharField(_("reference number"), max_length=30, unique=True)
    track = models.ForeignKey(
        "programs.Track", verbose_name=_("track"), on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("lead organisation"), on_delete=models.PROTECT,
        related_name="applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # What the applicant typed, exactly as typed (strings), saved on every autosave and explicit save.
    draft = models.JSONField(_("draft"), default=dict, blank=True)
    draft_saved_at = models.DateTimeField(_("draft saved"), null=True, blank=True)
    # Normalised values, written from the draft when they parse.
    title = models.CharField(_("project title"), max_length=200, blank=True)
    requested_amount = models.DecimalField(
        _("requested amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    matching_funds = models.DecimalField(
        _("matching funds (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    verdict = models.JSONField(_("eligibility verdict at submission"), default=dict, blank=True)
    # The applicant's explanation for each soft condition not met, by rule id (strings as typed).
    explanations = models.JSONField(_("explanations of soft conditions"), default=dict, blank=True)
    verdict_overall = models.CharField(_("eligibility"), max_length=10, blank=True, db_index=True)
    materials_complete = models.BooleanField(_("materials complete"), default=False)
    version = models.PositiveIntegerField(_("submitted version"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    last_comment = models.TextField(_("latest officer comment"), blank=True)
    pdf_status = models.CharField(_("PDF"), max_length=10, choices=PdfStatus.choices, default=PdfStatus.NONE)
    pdf_file = models.FileField(_("application PDF"), upload_to="pdf/%Y/", blank=True)
    pdf_version = models.PositiveIntegerField(_("PDF of version"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["track", "status"]), models.Index(fields=["organisation", "status"]),
            # Projects and their money by program, and the fund ledger's order (track, reference), read an
            # application's track and reference from this index alone (PostgreSQL's index-only scan), never the
            # table with its JSON columns. Other databases ignore a covering index.
            models.Index(fields=["track"], include=["id", "reference"], name="application_track_covering_idx"),
            # An organisation's applications, the latest changed first (its members' dashboard and list): the page
            # is cut and counted from this index alone, never the table's rows.
            models.Index(fields=["organisation", "-updated_at", "-id"], name="application_by_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


class Partner(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    seq = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("partner name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    org_type = models.CharField(_("organisation type"), max_length=30, choices=OrgType.choices)
    # The partner's profile in the portal, matched by USCC, so rules for every member can read it.
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("registered organisation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="partnerships",
    )
    role = models.CharField(_("tasks in the project"), max_length=300, blank=True)
    # The partner's share of the grant (经费分配比例), as the applicant states it; the lead unit keeps the rest.
    share_percent = models.DecimalField(_("share of the grant (%)"), max_digits=5, decimal_places=2, null=True,
                                        blank=True)

    class Meta:
        ordering = ["application", "seq"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


class Exclusion(models.Model):
    """An expert the applicant asked not to review the application (回避申请), as submitted. Officers see these;
    reviewers never do."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="exclusions")
    seq = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("expert's name"), max_length=100)
    employer = models.CharField(_("expert's employer"), max_length=200)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["application", "seq"]
        verbose_name = _("expert excluded by the applicant")
        verbose_name_plural = _("experts excluded by the applicant")

    def __str__(self) -> str:
        return f"{self.name} ({self.employer})"


class KPICommitment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="kpi_commitments")
    kpi = models.ForeignKey("programs.KPI", verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("committed value"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("how it will be met"), max_length=500, blank=True)

    class Meta:
        ordering = ["application", "kpi__seq"]
        verbose_name = _("KPI commitment")
        verbose_name_plural = _("KPI commitments")
        constraints = [models.UniqueConstraint(fields=["application", "kpi"], name="kpi_commitment_unique")]

    def __str__(self) -> str:
        return f"{self.kpi_id}: {self.value}"


class BudgetLine(models.Model):
    class Source(models.TextChoices):
        GRANT = "grant", _("Grant")
        MATCHING = "matching", _("Matching funds")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    seq = models.PositiveSmallIntegerField(_("order"))
    item = models.CharField(_("budget item"), max_length=200)
    source = models.CharField(_("paid from"), max_length=10, choices=Source.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["application", "seq"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return f"{self.item}: {self.amount}"


class MaterialUpload(models.Model):
    """One uploaded file for a material (a material may have several); stored privately, served through a checked
    view."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="uploads")
    material = models.ForeignKey("programs.Material", verbose_name=_("material"), on_delete=models.PROTECT,
                                 related_name="+")
    file = models.FileField(_("file"), upload_to="materials/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("file type"), max_length=100)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["application", "material__seq", "uploaded_at", "pk"]
        verbose_name = _("uploaded material")
        verbose_name_plural = _("uploaded materials")

    def __str__(self) -> str:
        return self.original_name


def submitted_files(entry) -> list[dict]:
    """The files a version's snapshot records for one material, each ``{"name", "sha256"}``. Versions submitted
    before a material could take several files hold one such dict instead of a list."""
    if isinstance(entry, dict):
        return [entry]
    return [f for f in entry or [] if isinstance(f, dict)]


class ApplicationVersion(models.Model):
    """Everything submitted, frozen at each submission so returns and resubmissions can be compared."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(_("content as submitted"))

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="version_number_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} v{self.number}"


class ConditionDecision(models.Model):
    """An officer's judgement (符合 / 不符合) on one condition of one submitted version."""

    class Decision(models.TextChoices):
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="condition_decisions")
    version = models.PositiveIntegerField(_("version"))
    rule_id = models.PositiveIntegerField(_("rule"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("condition decision")
        verbose_name_plural = _("condition decisions")
        ordering = ["application", "version", "rule_id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "version", "rule_id"], name="one_decision_per_condition")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} v{self.version} rule {self.rule_id}: {self.decision}"
