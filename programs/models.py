"""A published guide (申报指南) as data: program, tracks, tranches, KPIs, rules, materials, rubrics."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organisations.choices import AwardCategory, OrgType


class Level(models.TextChoices):
    PROVINCE = "province", _("Provincial")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


class CallStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    UNSCHEDULED = "unscheduled", _("Dates not announced")


class FundingMode(models.TextChoices):
    PRE_FUNDED = "pre_funded", _("Funded on approval, in tranches (事前立项资助 / 前补助)")
    ONE_OFF = "one_off", _("One-off award after recognition (一次性无偿资助)")


class JointPolicy(models.TextChoices):
    UNSTATED = "unstated", _("Not stated by the guide")
    ALLOWED = "allowed", _("Joint application allowed")
    REQUIRED = "required", _("Joint application required")
    REFUSED = "refused", _("Joint application not accepted")


class TrancheTrigger(models.TextChoices):
    ON_APPROVAL = "on_approval", _("After approval")
    ON_CONTRACT = "on_contract", _("After the contract is signed")
    ON_ACCEPTANCE = "on_acceptance", _("After acceptance")


class Comparator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    EQ = "eq", "="
    LTE = "lte", "≤"


class RuleKind(models.TextChoices):
    REGION = "region", _("Registered in region")
    ORG_TYPE = "org_type", _("Organisation type")
    LEGAL_PERSON = "legal_person", _("Independent legal person")
    MATCHING_FUNDS = "matching_funds", _("Minimum matching funds")
    RD_INTENSITY = "rd_intensity", _("R&D spend as a share of sales")
    IP_SPEND_SHARE = "ip_spend_share", _("IP spend as a share of R&D")
    PATENT_COUNT = "patent_count", _("Valid patents held")
    CERTIFICATION = "certification", _("Certification held")
    NO_BLACKLIST = "no_blacklist", _("Not on a credit blacklist")
    NO_FAILED_ACCEPTANCE = "no_failed_acceptance", _("No failed acceptance")
    NO_PRIOR_AWARD = "no_prior_award", _("No prior award of this kind")
    PARTNER_LIMIT = "partner_limit", _("Partner limit")
    PARK_SIZE = "park_size", _("Park size")
    PARTNER_TYPES = "partner_types", _("Partners of a required type")
    OFFICER = "officer", _("Judged by an officer")


class GuideStatus(models.TextChoices):
    FINAL = "final", _("Published guide")
    DRAFT_FOR_COMMENT = "draft_for_comment", _("Draft for comment (征求意见稿)")


class AwardMode(models.TextChoices):
    """How a track's budget becomes awards."""

    UNSTATED = "", _("Not stated by the guide")
    FIXED = "fixed", _("A fixed amount per award")
    CAP = "cap", _("A cap per award")
    POOL = "pool", _("A pool shared by the track's awards")


class Allocation(models.TextChoices):
    """How a pool is shared among its awards."""

    UNSTATED = "", _("Not stated by the guide")
    EQUAL = "equal", _("Equal shares")
    BY_SCORE = "by_score", _("By review score")
    OFFICER = "officer", _("Decided by the office")


class Aggregation(models.TextChoices):
    UNSTATED = "", _("Portal default")
    MEAN = "mean", _("Mean of the reviews")
    TRIMMED_MEAN = "trimmed_mean", _("Mean without the highest and the lowest score")


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days (PRC calendar)")


class Origin(models.TextChoices):
    """Whether a row comes from the guide fixture (the loader manages it) or was added by the office."""

    GUIDE = "guide", _("From the guide")
    OFFICE = "office", _("Added by the office")


class AppliesTo(models.TextChoices):
    LEAD = "lead", _("The lead organisation")
    ALL_MEMBERS = "all_members", _("The lead organisation and every partner")


class GuideRowQuerySet(models.QuerySet):
    """Rows a guide fixture manages: a row dropped from the fixture but used by applications is archived."""

    def active(self):
        """The rows the guide has now (forms, pages, checks and PDFs read these)."""
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


def in_language(chinese: str, english: str) -> str:
    """The English wording on English pages when there is one; the Chinese (the guide's words) otherwise."""
    return english if english and (get_language() or "").startswith("en") else chinese


class Rubric(models.Model):
    """Weighted review criteria. The guides state none: the portal ships a default, marked as its own."""

    class Source(models.TextChoices):
        PORTAL = "portal", _("Portal default (not from the guide)")
        GUIDE = "guide", _("Stated by the guide")
        OFFICE = "office", _("Set by the office")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.OFFICE)
    is_portal_default = models.BooleanField(_("portal default"), default=False)

    class Meta:
        verbose_name = _("review rubric")
        verbose_name_plural = _("review rubrics")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_portal_default"],
                condition=models.Q(is_portal_default=True),
                name="one_portal_default_rubric",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def display_title(self) -> str:
        return in_language(self.title, self.title_en)


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("rubric"))
    seq = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    title_en = models.CharField(_("criterion in English"), max_length=200, blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["rubric", "seq"]
        constraints = [models.UniqueConstraint(fields=["rubric", "seq"], name="criterion_seq_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.weight})"

    @property
    def display_title(self) -> str:
        return in_language(self.title, self.title_en)

    @property
    def display_description(self) -> str:
        return in_language(self.description, self.description_en)


class Program(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    short_title = models.CharField(_("short title"), max_length=100, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    region = models.ForeignKey(
        "organisations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="programs"
    )
    office = models.ForeignKey(
        "offices.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="programs",
        help_text=_("The office that publishes the call, pays and whose staff run it."),
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    call_opens = models.DateField(_("call opens"), null=True, blank=True, db_index=True)
    call_closes = models.DateField(_("call closes"), null=True, blank=True, db_index=True)
    call_window_text = models.CharField(
        _("call window as the guide states it"), max_length=300, blank=True,
        help_text=_("What the guide says about the application period, quoted."),
    )
    total_budget = models.DecimalField(
        _("total budget (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    budget_text = models.TextField(_("budget as the guide states it"), blank=True)
    contact = models.TextField(_("contact"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    source_file = models.CharField(_("source guide file"), max_length=200, blank=True)
    reference_prefix = models.CharField(
        _("reference prefix"), max_length=20,
        help_text=_("Short prefix used in application reference numbers, for example NS2024."),
    )
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("review rubric"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guide_status = models.CharField(
        _("guide status"), max_length=20, choices=GuideStatus.choices, default=GuideStatus.FINAL,
        help_text=_("What the published document is: a final guide or a draft for comment."),
    )
    published_at = models.DateTimeField(
        _("opened for applications by the office"), null=True, blank=True,
        help_text=_("A draft for comment takes applications only once an officer publishes it."),
    )
    published_by = models.ForeignKey(
        "accounts.User", verbose_name=_("published by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    timeline_text = models.TextField(
        _("schedule as the guide states it"), blank=True,
        help_text=_("Phases and dates the guide gives that are not the application window."),
    )
    encoding_notes = models.TextField(
        _("how the portal reads this guide"), blank=True,
        help_text=_("The fixture's explanations of its encoding choices, for officers and admins."),
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.short_title or self.title

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def is_draft_for_comment(self) -> bool:
        return self.guide_status == GuideStatus.DRAFT_FOR_COMMENT

    @property
    def takes_applications(self) -> bool:
        """A final guide takes applications; a draft for comment only once an officer has published it."""
        return not self.is_draft_for_comment or self.published_at is not None


class Track(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tracks", verbose_name=_("program"))
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    tasks = models.TextField(_("tasks"), blank=True)
    kpi_text = models.TextField(_("performance targets as the guide states them"), blank=True)
    period_months = models.PositiveSmallIntegerField(_("period (months)"), null=True, blank=True)
    period_is_maximum = models.BooleanField(_("period is a maximum"), default=False)
    period_text = models.CharField(_("period as the guide states it"), max_length=200, blank=True)
    funding_mode = models.CharField(_("funding mode"), max_length=12, choices=FundingMode.choices, blank=True)
    funding_text = models.CharField(_("funding as the guide states it"), max_length=300, blank=True)
    eligible_org_types = models.JSONField(_("eligible applicant types"), default=list, blank=True)
    applicant_text = models.TextField(_("eligible applicants as the guide states them"), blank=True)
    joint_policy = models.CharField(
        _("joint application"), max_length=10, choices=JointPolicy.choices, default=JointPolicy.UNSTATED
    )
    partner_limit = models.PositiveSmallIntegerField(_("maximum number of partners"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    max_awards = models.PositiveSmallIntegerField(_("number of awards"), null=True, blank=True)
    awards_is_maximum = models.BooleanField(_("number of awards is a maximum"), default=False)
    award_text = models.CharField(_("awards as the guide states them"), max_length=300, blank=True)
    award_category = models.CharField(
        _("award category"), max_length=30, choices=AwardCategory.choices, default=AwardCategory.IP_PROJECT
    )
    award_mode = models.CharField(
        _("award money"), max_length=10, choices=AwardMode.choices, default=AwardMode.UNSTATED, blank=True
    )
    allocation = models.CharField(
        _("pool allocation"), max_length=10, choices=Allocation.choices, default=Allocation.UNSTATED, blank=True
    )
    # Procedure parameters; empty means the guide is silent and the portal default applies.
    reviewers_per_application = models.PositiveSmallIntegerField(_("reviewers per application"), null=True, blank=True)
    score_aggregation = models.CharField(
        _("score aggregation"), max_length=15, choices=Aggregation.choices, default=Aggregation.UNSTATED, blank=True
    )
    tie_breaks = models.JSONField(_("tie-break preferences"), default=list, blank=True)
    publicity_days = models.PositiveSmallIntegerField(_("publicity period (days)"), null=True, blank=True)
    publicity_day_kind = models.CharField(
        _("publicity counted in"), max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR, blank=True
    )
    # 复审: how long a refused or unfunded applicant has to appeal, counted from the refusal notice.
    appeal_days = models.PositiveSmallIntegerField(_("appeal period (days)"), null=True, blank=True)
    appeal_day_kind = models.CharField(
        _("appeal period counted in"), max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR, blank=True
    )
    midterm_check = models.BooleanField(_("mid-term check required"), null=True, blank=True)
    procedure_text = models.TextField(_("procedure as the guide states it"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    encoding_notes = models.TextField(_("how the portal reads this track"), blank=True)
    archived_at = models.DateTimeField(
        _("archived"), null=True, blank=True,
        help_text=_("Dropped from the guide fixture but kept because applications point to it."),
    )
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("review rubric"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = GuideRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["program", "position"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="track_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def natural_key(self) -> tuple[str, str]:
        return (self.program.code, self.code)

    @property
    def eligible_org_type_labels(self) -> list[str]:
        labels = dict(OrgType.choices)
        return [str(labels.get(code, code)) for code in self.eligible_org_types]


class Tranche(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="tranches", verbose_name=_("track"))
    seq = models.PositiveSmallIntegerField(_("tranche"))
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    trigger = models.CharField(_("paid"), max_length=15, choices=TrancheTrigger.choices)
    text = models.CharField(_("as the guide states it"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranche plan")
        ordering = ["track", "seq"]
        constraints = [models.UniqueConstraint(fields=["track", "seq"], name="tranche_seq_unique")]

    def __str__(self) -> str:
        return f"{self.seq}: {self.share_percent}%"


class KPIGroup(models.Model):
    """KPIs of which at least ``min_count`` must be committed at or above target ("二者满足其一" is 1 of 2)."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="kpi_groups", verbose_name=_("track"))
    code = models.CharField(_("code"), max_length=20)
    min_count = models.PositiveSmallIntegerField(_("at least this many"), validators=[MinValueValidator(1)])
    text = models.TextField(_("as the guide states it"), blank=True)

    class Meta:
        verbose_name = _("KPI group")
        verbose_name_plural = _("KPI groups")
        ordering = ["track", "code"]
        constraints = [models.UniqueConstraint(fields=["track", "code"], name="kpi_group_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}: ≥ {self.min_count}"


class KPI(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("track"))
    seq = models.PositiveSmallIntegerField(_("order"))
    group = models.ForeignKey(
        KPIGroup, verbose_name=_("group"), null=True, blank=True, on_delete=models.SET_NULL, related_name="kpis"
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.GUIDE)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    metric = models.CharField(_("metric"), max_length=300)
    comparator = models.CharField(_("comparator"), max_length=3, choices=Comparator.choices, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    qualitative = models.BooleanField(_("qualitative (no number)"), default=False)
    text = models.TextField(_("as the guide states it"), blank=True)

    objects = GuideRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["track", "seq"]
        constraints = [models.UniqueConstraint(fields=["track", "seq"], name="kpi_seq_unique")]

    def __str__(self) -> str:
        if self.qualitative:
            return self.metric
        return f"{self.metric} {self.get_comparator_display()} {self.target.normalize():f} {self.unit}"


class EligibilityRule(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="rules", verbose_name=_("track"))
    seq = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=30, choices=RuleKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    text = models.TextField(_("the guide's sentence"))
    soft = models.BooleanField(
        _("soft condition"), default=False,
        help_text=_("The guide says 原则上 or lets the office weigh it: a failure does not block submission; "
                    "the applicant explains and an officer decides."),
    )
    applies_to = models.CharField(
        _("applies to"), max_length=12, choices=AppliesTo.choices, default=AppliesTo.LEAD
    )
    encoding_note = models.TextField(_("how the portal reads this rule"), blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.GUIDE)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = GuideRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["track", "seq"]
        constraints = [models.UniqueConstraint(fields=["track", "seq"], name="rule_seq_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class Material(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="materials", verbose_name=_("track"))
    seq = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("material"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.GUIDE)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = GuideRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        ordering = ["track", "seq"]
        constraints = [models.UniqueConstraint(fields=["track", "seq"], name="material_seq_unique")]

    def __str__(self) -> str:
        return self.title


# --- the PRC working calendar (节假日安排) -----------------------------------------------------------------------


class CalendarSource(models.TextChoices):
    """Where a year's holidays and adjusted working days come from. A year with no row is provisional: counting
    then uses weekends and the statutory holidays of the ``holidays`` package, and says so."""

    PACKAGE = "package", _("chinese-calendar package")
    OFFICE = "office", _("Entered by the office")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("holiday (day off)")
    WORKDAY = "workday", _("adjusted working day (调休上班)")


class CalendarYear(models.Model):
    """One year of the State Council's holiday schedule (国务院办公厅关于……部分节假日安排的通知)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=10, choices=CalendarSource.choices)
    notice_title = models.CharField(_("State Council notice"), max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the weekend rule: a holiday on a weekday or weekend, or a weekend worked (调休)."""

    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("year"))
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"
