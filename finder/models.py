"""What the funding finder keeps: the demand forecast, one row per track and phase (before its call opened, since),
rewritten by each bulk match. Matches themselves are never stored: they are worked out from the profiles when read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    BEFORE = "before", _("Before the call opened")
    AFTER = "after", _("Since the call opened")


class DemandSnapshot(models.Model):
    """How many registered organisations matched a track, by verdict (finder.verdicts), at the last bulk match of
    its phase."""

    track = models.ForeignKey("programs.Track", verbose_name=_("track"), on_delete=models.CASCADE,
                              related_name="+")
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    computed_at = models.DateTimeField(_("computed"))
    organisations = models.PositiveIntegerField(_("organisations evaluated"))
    eligible = models.PositiveIntegerField(_("eligible"), default=0)
    soft = models.PositiveIntegerField(_("eligible, with a condition to explain"), default=0)
    officer = models.PositiveIntegerField(_("needs an officer's judgement"), default=0)
    near = models.PositiveIntegerField(_("nearly eligible"), default=0)
    not_eligible = models.PositiveIntegerField(_("not eligible"), default=0)

    class Meta:
        verbose_name = _("demand forecast")
        verbose_name_plural = _("demand forecasts")
        constraints = [models.UniqueConstraint(fields=["track", "phase"], name="demand_snapshot_once")]

    def __str__(self) -> str:
        return f"{self.track_id} {self.phase}: {self.matching}"

    @property
    def matching(self) -> int:
        """Organisations that may apply or nearly may (the ones told when the call opens)."""
        return self.eligible + self.soft + self.officer + self.near
