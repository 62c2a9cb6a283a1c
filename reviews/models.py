"""Expert review and the funding decision: the expert pool, a review round per track, assignments, reviews,
awards, publicity objections. Each lifecycle has one transition table here, read by services and templates."""


from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.lifecycle import Transition, transition_table

SCORE_MIN = 0
SCORE_MAX = 100  # every criterion is scored on a hundred-point scale; the weighted total is on the same scale


class Actor(models.TextChoices):
    OFFICER = "officer", _("Program officer")
    REVIEWER = "reviewer", _("Reviewer")
    APPLICANT = "applicant", _("The applicant organisation")
    USER = "user", _("Any signed-in user")


_table = transition_table


# --- the expert pool ---------------------------------------------------------------------------------------------


class PasswordMail(models.TextChoices):
    """The mail with the link to set a password: queued after the account is made, then sent or failed."""

    QUEUED = "queued", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class ReviewerProfile(models.Model):
    """An expert in the pool (专家库). The account is a reviewer; the affiliation drives conflict checks."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
                                related_name="reviewer_profile")
    name = models.CharField(_("name"), max_length=100)
    affiliation_name = models.CharField(_("affiliation"), max_length=200, blank=True)
    affiliation_uscc = models.CharField(_("affiliation's credit code"), max_length=18, blank=True, db_index=True)
    affiliation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("affiliation in the portal"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="reviewers",
    )
    office = models.ForeignKey(
        "offices.Office", verbose_name=_("pool"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="experts",
        help_text=_("The office whose own pool holds the expert; empty: the shared pool every office draws from."),
    )
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    expertise = models.JSONField(_("expertise"), default=list, blank=True,
                                 help_text=_("Keywords; a keyword found in a track's title or tasks matches it."))
    regions = models.JSONField(_("regions"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    load_limit = models.PositiveSmallIntegerField(_("most applications per round"), default=10,
                                                  validators=[MinValueValidator(1)])
    active = models.BooleanField(_("active"), default=True, db_index=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    password_mail = models.CharField(_("password link mail"), max_length=10, choices=PasswordMail.choices,
                                     blank=True)
    password_mail_at = models.DateTimeField(_("password link mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("reviewer")
        verbose_name_plural = _("expert pool")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class DeclaredConflict(models.Model):
    """A tie the reviewer declared: with one application (at assignment), or standing, with an organisation."""

    reviewer = models.ForeignKey(ReviewerProfile, verbose_name=_("reviewer"), on_delete=models.CASCADE,
                                 related_name="declared_conflicts")
    application = models.ForeignKey("applications.Application", verbose_name=_("application"), null=True,
                                    blank=True, on_delete=models.CASCADE, related_name="+")
    uscc = models.CharField(_("organisation's credit code"), max_length=18, blank=True)
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        ordering = ["reviewer", "declared_at"]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.reason[:40]}"


# --- the round ---------------------------------------------------------------------------------------------------


class RoundState(models.TextChoices):
    ASSIGNING = "assigning", _("Assigning reviewers")
    REVIEWING = "reviewing", _("Expert review")
    PROPOSED = "proposed", _("Awards proposed")
    PUBLICITY = "publicity", _("In publicity (公示)")
    DECIDED = "decided", _("Decided")


ROUND_TRANSITIONS = _table(
    Transition("start_review", _("Confirm the assignment and start the review"), frozenset({RoundState.ASSIGNING}),
               RoundState.REVIEWING, Actor.OFFICER),
    # No change of state: the officer accepts that some applications start with fewer reviewers than wanted.
    Transition("confirm_shortfall", _("Confirm the shortfall"), frozenset({RoundState.ASSIGNING}),
               RoundState.ASSIGNING, Actor.OFFICER, needs_reason=True),
    Transition("propose", _("Propose awards"), frozenset({RoundState.REVIEWING}), RoundState.PROPOSED,
               Actor.OFFICER),
    Transition("withdraw_proposal", _("Withdraw the proposal"), frozenset({RoundState.PROPOSED}),
               RoundState.REVIEWING, Actor.OFFICER, needs_reason=True),
    Transition("start_publicity", _("Publish the proposed list (公示)"), frozenset({RoundState.PROPOSED}),
               RoundState.PUBLICITY, Actor.OFFICER),
    Transition("confirm_publicity_end", _("Confirm the end of the publicity"), frozenset({RoundState.PUBLICITY}),
               RoundState.PUBLICITY, Actor.OFFICER),
    Transition("close", _("Close the round"), frozenset({RoundState.PUBLICITY}), RoundState.DECIDED,
               Actor.OFFICER),
    # A guide's tie-break an officer must judge (成员结构更完善 …): the officer orders the tied applications while
    # the review runs; the round stays where it is.
    Transition("order_tie", _("Order the tied applications"), frozenset({RoundState.REVIEWING}),
               RoundState.REVIEWING, Actor.OFFICER, needs_reason=True),
    # Taken by upholding an appeal (复审) against "not funded": the application is a candidate again, so the round
    # goes back to where awards are proposed.
    Transition("reopen", _("Reopen for an upheld appeal"), frozenset({RoundState.DECIDED}), RoundState.REVIEWING,
               Actor.OFFICER, needs_reason=True),
)


# The officer's work inside a round that does not move it, with the round states that allow it. The services
# refuse it in any other state and the pages offer it only there (``reviews.offers``).
ROUND_WORK: dict[str, frozenset[str]] = {
    "change_settings": frozenset({RoundState.ASSIGNING}),
    "propose_assignment": frozenset({RoundState.ASSIGNING, RoundState.REVIEWING}),
    "assign_by_hand": frozenset({RoundState.ASSIGNING, RoundState.REVIEWING}),
    "confirm_assignment": frozenset({RoundState.REVIEWING}),
    "remove_assignment": frozenset({RoundState.ASSIGNING, RoundState.REVIEWING}),
    "reopen_review": frozenset({RoundState.REVIEWING}),
    "score": frozenset({RoundState.REVIEWING}),  # the reviewer's: save and submit scores
    "adjust_award": frozenset({RoundState.PROPOSED}),
    "decide_award": frozenset({RoundState.PUBLICITY}),
}


class ReviewRound(models.Model):
    """The expert review of one track's applications, from assignment to the decision."""

    track = models.OneToOneField("programs.Track", verbose_name=_("track"), on_delete=models.PROTECT,
                                 related_name="review_round")
    state = models.CharField(_("state"), max_length=10, choices=RoundState.choices, default=RoundState.ASSIGNING,
                             db_index=True)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), validators=[MinValueValidator(1), MaxValueValidator(15)])
    deadline = models.DateField(_("review deadline"), null=True, blank=True)
    blind = models.BooleanField(_("blind review"), default=True,
                                help_text=_("Reviewers see no organisation names, people, credit codes or partners."))
    random_draw = models.BooleanField(_("random draw among the qualified (随机抽取)"), default=False)
    seed = models.BigIntegerField(_("random seed of the last draw"), null=True, blank=True)
    publicity_starts = models.DateField(_("publicity starts"), null=True, blank=True)
    publicity_ends = models.DateField(_("publicity ends"), null=True, blank=True)
    publicity_ends_provisional = models.BooleanField(
        _("publicity end provisional"), default=False,
        help_text=_("Counted through a year whose holiday schedule is not entered yet; an officer confirms it."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The officer's confirmation of a shortfall of reviewers, for the assignment it was given for (``stamp``, see
    # ``selectors.round_shortfall``): once the assignment changes it no longer counts.
    shortfall_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("shortfall confirmed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    shortfall_confirmed_at = models.DateTimeField(_("shortfall confirmed"), null=True, blank=True)
    shortfall_reason = models.TextField(_("reason for the shortfall"), blank=True)
    shortfall_missing = models.PositiveIntegerField(_("reviewer places confirmed missing"), null=True, blank=True)
    shortfall_stamp = models.CharField(_("assignment the shortfall was confirmed for"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["track"]

    def __str__(self) -> str:
        return str(self.track)

    @property
    def publicity_over(self) -> bool:
        """The publicity period has ended by the office's date: the awards may now be approved."""
        return self.publicity_ends is not None and timezone.localdate() > self.publicity_ends

    @property
    def stage(self) -> str:
        """The state as the officer should read it today: a round still in publicity after its last day is
        ``publicity_over`` (awaiting approval), not 公示中."""
        if self.state == RoundState.PUBLICITY and self.publicity_over:
            return "publicity_over"
        return self.state

    def get_stage_display(self) -> str:
        if self.stage == "publicity_over":
            return str(_("Publicity over: awaiting approval"))
        return self.get_state_display()



class TieOrder(models.Model):
    """The officer's order of applications tied on score where the guide's next tie-break is one an officer
    judges, with the reason. It holds only while the same applications stay tied on the same score at the same
    tie-break: a changed score (or guide) brings the tie back to the ranking page."""

    round = models.ForeignKey(ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="tie_orders")
    members = models.CharField(_("tied applications"), max_length=500,
                               help_text=_("The ids of the tied applications, ascending, comma-separated."))
    order = models.JSONField(_("order"), default=list, help_text=_("Application ids, best first."))
    tie_break = models.CharField(_("tie-break judged"), max_length=30)
    score = models.DecimalField(_("score when ordered"), max_digits=7, decimal_places=2)
    reason = models.TextField(_("reason"))
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ordered by"), on_delete=models.PROTECT,
                                   related_name="+")
    ordered_at = models.DateTimeField(_("ordered"))

    class Meta:
        verbose_name = _("order of a tie")
        verbose_name_plural = _("orders of ties")
        constraints = [models.UniqueConstraint(fields=["round", "members"], name="tie_order_unique_members")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.members}"


# --- assignments -------------------------------------------------------------------------------------------------


class AssignmentState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Assigned; conflict declaration awaited")
    ACCEPTED = "accepted", _("No conflict declared")
    CONFLICT = "conflict", _("Conflict declared; to be replaced")
    REMOVED = "removed", _("Removed by the officer")


ACTIVE_ASSIGNMENT = frozenset({AssignmentState.PROPOSED, AssignmentState.CONFIRMED, AssignmentState.ACCEPTED})

ASSIGNMENT_TRANSITIONS = _table(
    Transition("confirm", _("Confirm"), frozenset({AssignmentState.PROPOSED}), AssignmentState.CONFIRMED,
               Actor.OFFICER),
    Transition("accept", _("I have no conflict of interest"), frozenset({AssignmentState.CONFIRMED}),
               AssignmentState.ACCEPTED, Actor.REVIEWER),
    Transition("declare_conflict", _("Declare a conflict of interest"), frozenset({AssignmentState.CONFIRMED}),
               AssignmentState.CONFLICT, Actor.REVIEWER, needs_reason=True),
    Transition("remove", _("Remove"), ACTIVE_ASSIGNMENT, AssignmentState.REMOVED, Actor.OFFICER, needs_reason=True),
)


class Assignment(models.Model):
    class Source(models.TextChoices):
        AUTOMATIC = "auto", _("Automatic")
        MANUAL = "manual", _("Added by the officer")

    round = models.ForeignKey(ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="assignments")
    application = models.ForeignKey("applications.Application", verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="review_assignments")
    reviewer = models.ForeignKey(ReviewerProfile, verbose_name=_("reviewer"), on_delete=models.PROTECT,
                                 related_name="assignments")
    state = models.CharField(_("state"), max_length=10, choices=AssignmentState.choices,
                             default=AssignmentState.PROPOSED, db_index=True)
    source = models.CharField(_("source"), max_length=6, choices=Source.choices, default=Source.AUTOMATIC)
    expertise_match = models.BooleanField(_("expertise matches the track"), default=False)
    # The declared conflict whose place this assignment fills (by hand or by a proposal of replacements).
    replaces = models.ForeignKey("self", verbose_name=_("replaces"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="replacements")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="assignment_unique"),
        ]
        indexes = [models.Index(fields=["reviewer", "state"]), models.Index(fields=["round", "state"])]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.reviewer}"

    @property
    def is_active(self) -> bool:
        """The reviewer still holds the place (not removed, no conflict declared)."""
        return self.state in ACTIVE_ASSIGNMENT


# --- reviews -----------------------------------------------------------------------------------------------------


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("state", "Submitted")


REVIEW_TRANSITIONS = _table(
    Transition("submit", _("Submit the review"), frozenset({ReviewState.DRAFT}), ReviewState.SUBMITTED,
               Actor.REVIEWER),
    Transition("reopen", _("Reopen the review"), frozenset({ReviewState.SUBMITTED}), ReviewState.DRAFT,
               Actor.OFFICER, needs_reason=True),
)


class Recommendation(models.TextChoices):
    FUND = "fund", _("Fund")
    FUND_WITH_CHANGES = "fund_with_changes", _("Fund after changes")
    DO_NOT_FUND = "do_not_fund", _("Do not fund")


class Review(models.Model):
    assignment = models.OneToOneField(Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE,
                                      related_name="review")
    state = models.CharField(_("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT,
                             db_index=True)
    opinion = models.TextField(_("overall opinion"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices,
                                      blank=True)
    # The weighted total (0–100), fixed when the review is submitted.
    total = models.DecimalField(_("weighted total"), max_digits=6, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["assignment"]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.total}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("programs.Criterion", verbose_name=_("criterion"), on_delete=models.PROTECT,
                                  related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)])
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["review", "criterion__seq"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="review_score_unique")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class Dossier(models.Model):
    """The PDF a reviewer opens: the application book, redacted for blind review; generated in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        RUNNING = "running", _("Being generated")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    application = models.OneToOneField("applications.Application", verbose_name=_("application"),
                                       on_delete=models.CASCADE, related_name="review_dossier")
    blind = models.BooleanField(_("redacted"), default=True)
    status = models.CharField(_("PDF"), max_length=10, choices=Status.choices, default=Status.PENDING)
    pdf_file = models.FileField(_("reviewer's PDF"), upload_to="review/%Y/", blank=True)

    class Meta:
        verbose_name = _("reviewer's PDF")
        verbose_name_plural = _("reviewers' PDFs")

    def __str__(self) -> str:
        return str(self.application_id)


# The reviewer's PDF is made in the background (pending → running → ready or failed; back to pending while a
# passing error waits for the next try); a failed one is made again on request (by the assigned reviewer who opens
# it, or an officer). When the withholding rules change, the operator makes every made one again
# (``manage.py redact_dossiers_again``).
DOSSIER_TRANSITIONS = _table(
    Transition("retry", _("Try again"), frozenset({Dossier.Status.FAILED}), Dossier.Status.PENDING, Actor.REVIEWER),
    Transition("redact_again", _("Make again with the current withholding rules"),
               frozenset({Dossier.Status.READY, Dossier.Status.FAILED}), Dossier.Status.PENDING, Actor.OFFICER),
)


# --- the decision ------------------------------------------------------------------------------------------------


class AwardState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved (立项)")
    NOT_FUNDED = "not_funded", _("Not funded")


AWARD_TRANSITIONS = _table(
    Transition("adjust", _("Change the amount"), frozenset({AwardState.PROPOSED}), AwardState.PROPOSED,
               Actor.OFFICER, needs_reason=True),
    Transition("approve", _("Approve (立项)"), frozenset({AwardState.PROPOSED}), AwardState.APPROVED, Actor.OFFICER),
    Transition("not_fund", _("Mark not funded"), frozenset({AwardState.PROPOSED}), AwardState.NOT_FUNDED,
               Actor.OFFICER, needs_reason=True),
)


class Award(models.Model):
    """A proposed award for one application; approval fixes it and opens the project."""

    round = models.ForeignKey(ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="awards")
    application = models.OneToOneField("applications.Application", verbose_name=_("application"),
                                       on_delete=models.PROTECT, related_name="award")
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.DecimalField(_("score at the proposal"), max_digits=6, decimal_places=2, null=True, blank=True)
    proposed_amount = models.DecimalField(_("amount the portal proposed (yuan)"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("award (yuan)"), max_digits=14, decimal_places=2)
    state = models.CharField(_("state"), max_length=10, choices=AwardState.choices, default=AwardState.PROPOSED,
                             db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    notice_status = models.CharField(_("approval notice"), max_length=10, blank=True,
                                     choices=Dossier.Status.choices)
    notice_file = models.FileField(_("approval notice (立项通知书)"), upload_to="notices/%Y/", blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["round", "rank"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.amount}"

    @property
    def request_difference(self):
        """The award minus what the application asked for (negative: less than asked); None if it named none."""
        requested = self.application.requested_amount
        return None if requested is None else self.amount - requested


# The approval notice (立项通知书) is made in the background on approval, like the reviewer's PDF; a failed one is
# made again when an officer or a member of the applicant organisation asks.
NOTICE_TRANSITIONS = _table(
    Transition("retry", _("Try again"), frozenset({Dossier.Status.FAILED}), Dossier.Status.PENDING, Actor.APPLICANT),
)


class ObjectionState(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


OBJECTION_TRANSITIONS = _table(
    Transition("uphold", _("Uphold"), frozenset({ObjectionState.OPEN}), ObjectionState.UPHELD, Actor.OFFICER,
               needs_reason=True),
    Transition("dismiss", _("Dismiss"), frozenset({ObjectionState.OPEN}), ObjectionState.DISMISSED, Actor.OFFICER,
               needs_reason=True),
)


class Objection(models.Model):
    """An objection lodged during publicity (公示异议), and how the office resolved it."""

    round = models.ForeignKey(ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="objections")
    award = models.ForeignKey(Award, verbose_name=_("award objected to"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="objections")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("lodged by"), on_delete=models.PROTECT,
                                  related_name="+")
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=ObjectionState.choices,
                             default=ObjectionState.OPEN, db_index=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    created_at = models.DateTimeField(_("lodged"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["round", "created_at"]

    def __str__(self) -> str:
        return self.reason[:40]


# --- appeals (复审) ------------------------------------------------------------------------------------------------


class AppealStage(models.TextChoices):
    FORMAL = "formal", _("Refused in formal review")
    FUNDING = "funding", _("Not funded")


class AppealState(models.TextChoices):
    LODGED = "lodged", _("Lodged; awaiting the office's decision")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


APPEAL_TRANSITIONS = _table(
    Transition("lodge", _("Lodge an appeal (复审)"), frozenset({""}), AppealState.LODGED, Actor.APPLICANT,
               needs_reason=True),
    Transition("uphold", _("Uphold: back to the stage that refused it"), frozenset({AppealState.LODGED}),
               AppealState.UPHELD, Actor.OFFICER, needs_reason=True),
    Transition("dismiss", _("Dismiss"), frozenset({AppealState.LODGED}), AppealState.DISMISSED, Actor.OFFICER,
               needs_reason=True),
)


class Appeal(models.Model):
    """An applicant's request for a second look (复审) at a refusal in formal review or a "not funded", lodged
    within the track's appeal period; one per decision. Lives here, not in applications, because upholding one
    against "not funded" reopens the review round, which applications may not reach."""

    application = models.ForeignKey("applications.Application", verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="appeals")
    # The refusal appealed against: its audit event (one appeal per decision).
    decision = models.OneToOneField("audit.AuditEvent", verbose_name=_("decision appealed against"),
                                    on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=10, choices=AppealStage.choices)
    period_ends = models.DateField(_("appeal period ends"))
    reasons = models.TextField(_("reasons"))
    state = models.CharField(_("state"), max_length=10, choices=AppealState.choices, default=AppealState.LODGED,
                             db_index=True)
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("lodged by"), on_delete=models.PROTECT,
                                  related_name="+")
    lodged_at = models.DateTimeField(_("lodged"), auto_now_add=True)
    resolution = models.TextField(_("the office's reasons"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal (复审)")
        verbose_name_plural = _("appeals (复审)")
        ordering = ["-lodged_at", "-pk"]
        indexes = [models.Index(fields=["state", "lodged_at"])]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.get_state_display()}"
