"""A funded project and its tranche schedule, as approval (立项) creates them.

The projects issue adds the contract, releases, KPI reports and acceptance on top of these rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.models import TrancheTrigger


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

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return str(self.application)


class TrancheState(models.TextChoices):
    PLANNED = "planned", _("Planned")


class ProjectTranche(models.Model):
    """One payment of a project's award; the amounts of a project's tranches add up to its award."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="tranches")
    seq = models.PositiveSmallIntegerField(_("tranche"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    condition = models.CharField(_("paid"), max_length=15, choices=TrancheTrigger.choices)
    state = models.CharField(_("state"), max_length=10, choices=TrancheState.choices, default=TrancheState.PLANNED)

    class Meta:
        verbose_name = _("project tranche")
        verbose_name_plural = _("project tranches")
        ordering = ["project", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="project_tranche_seq_unique")]

    def __str__(self) -> str:
        return f"{self.seq}: {self.amount}"
