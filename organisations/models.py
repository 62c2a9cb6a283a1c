from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AwardCategory, OrgType, RecordLevel, RegionLevel
from .uscc import validate_uscc

__all__ = ["OrgType", "RegionLevel"]


class Region(models.Model):
    """An administrative region (GB/T 2260 code): province, city or district."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        parts = []
        node: Region | None = self
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return "".join(reversed(parts))

    def lineage_codes(self) -> list[str]:
        """Codes of this region and every region containing it."""
        codes = []
        node: Region | None = self
        while node is not None:
            codes.append(node.code)
            node = node.parent
        return codes


class Organisation(models.Model):
    """An applicant organisation's profile, entered once and reused by every application."""

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    region = models.ForeignKey(Region, verbose_name=_("registered region"), on_delete=models.PROTECT)
    org_type = models.CharField(_("organisation type"), max_length=30, choices=OrgType.choices, db_index=True)
    is_legal_person = models.BooleanField(
        _("independent legal person"), default=True,
    )
    is_separately_counted_branch = models.BooleanField(
        _("branch counted separately in statistics (单独入统)"), default=False,
        help_text=_("A branch that is separately registered for statistics; some guides treat it as an "
                    "independent legal person."),
    )
    full_time_staff = models.PositiveIntegerField(_("full-time staff"), null=True, blank=True)
    park_enterprise_count = models.PositiveIntegerField(
        _("qualifying enterprises in the park"), null=True, blank=True,
        help_text=_("Parks only: above-scale and high-tech enterprises located in the park."),
    )
    blacklisted = models.BooleanField(
        _("listed on a national or provincial credit blacklist"), default=False,
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    members = models.ManyToManyField(
        "accounts.User", through="Membership", related_name="organisations", verbose_name=_("members")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    """Owners manage the members (invite, remove, change roles); every member may edit and apply."""

    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    """A user who may act for an organisation."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


# The invitation lifecycle: which state may follow which (read by the services and the templates).
INVITATION_TRANSITIONS = {
    InvitationState.PENDING: {InvitationState.ACCEPTED, InvitationState.DECLINED, InvitationState.CANCELLED},
    InvitationState.ACCEPTED: set(),
    InvitationState.DECLINED: set(),
    InvitationState.CANCELLED: set(),
}


class Invitation(models.Model):
    """An owner's (or an officer's) invitation to act for an organisation; the invitee accepts or declines it."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="invitations"
    )
    invitee = models.ForeignKey(
        "accounts.User", verbose_name=_("invitee"), on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        "accounts.User", verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "invitee"], condition=models.Q(state="pending"),
                name="invitation_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["invitee", "state"])]

    def __str__(self) -> str:
        return f"{self.invitee} → {self.organisation}"


class FinancialYear(models.Model):
    """Figures for one year: sales revenue, R&D spend, IP spend (yuan)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="financial_years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sales_revenue = models.DecimalField(_("sales revenue (yuan)"), max_digits=16, decimal_places=2)
    rd_spend = models.DecimalField(_("R&D spend (yuan)"), max_digits=16, decimal_places=2)
    ip_spend = models.DecimalField(_("IP spend (yuan)"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("financial year")
        verbose_name_plural = _("financial years")
        ordering = ["organisation", "-year"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="financial_year_unique")]

    def __str__(self) -> str:
        return str(self.year)


class PatentKind(models.TextChoices):
    INVENTION = "invention", _("Invention")
    UTILITY = "utility", _("Utility model")
    DESIGN = "design", _("Design")


class PatentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    LAPSED = "lapsed", _("Lapsed")
    INVALIDATED = "invalidated", _("Invalidated")


class Patent(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="patents"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PatentKind.choices)
    number = models.CharField(_("patent number"), max_length=30)
    title = models.CharField(_("title"), max_length=300, blank=True)
    granted_on = models.DateField(_("grant date"))
    status = models.CharField(
        _("status"), max_length=12, choices=PatentStatus.choices, default=PatentStatus.VALID
    )

    class Meta:
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        ordering = ["organisation", "-granted_on"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="patent_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class Certification(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="certifications"
    )
    standard = models.CharField(_("standard"), max_length=50, default="GB/T 29490")
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["organisation", "-valid_until"]

    def __str__(self) -> str:
        return f"{self.standard} ({self.valid_from} – {self.valid_until})"


class AcceptanceOutcome(models.TextChoices):
    PENDING = "pending", _("Not yet accepted")
    PASSED = "passed", _("Passed acceptance")
    FAILED = "failed", _("Failed acceptance")


class ProjectRecord(models.Model):
    """A past award and its acceptance outcome; officers enter those that predate the portal."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="project_records"
    )
    title = models.CharField(_("project"), max_length=300)
    level = models.CharField(
        _("level"), max_length=10,
        choices=RecordLevel.choices,
    )
    category = models.CharField(
        _("award category"), max_length=30,
        choices=AwardCategory.choices,
    )
    awarded_on = models.DateField(_("awarded on"))
    issuer = models.CharField(_("awarded by"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region of the awarding office"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    acceptance = models.CharField(
        _("acceptance"), max_length=10, choices=AcceptanceOutcome.choices, default=AcceptanceOutcome.PENDING
    )
    accepted_on = models.DateField(_("acceptance date"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=10,
        choices=[("officer", _("Entered by an officer")), ("portal", _("Portal"))],
        default="officer",
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("project record")
        verbose_name_plural = _("project records")
        ordering = ["organisation", "-awarded_on"]

    def __str__(self) -> str:
        return self.title
