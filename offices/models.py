"""Offices (主管部门): the authorities that publish calls on the portal, and the staff who work for them.

A program belongs to one office. Officers are members of one or more offices and take steps only in their
offices' programs; an office's parent may read its programs (a province sees its cities' figures) when the
office allows it, but takes no step in them unless its staff are made members.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Office(models.Model):
    code = models.SlugField(_("code"), max_length=40, primary_key=True,
                            help_text=_("Short and stable, for example gz-nansha; guides name their office by it."))
    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.ForeignKey("organisations.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="offices")
    parent = models.ForeignKey("self", verbose_name=_("parent office"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    parent_reads = models.BooleanField(
        _("the parent office may read its programs"), default=True,
        help_text=_("Staff of the office above see this office's programs, figures and files, and take no steps."),
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class OfficeRole(models.TextChoices):
    OFFICER = "officer", _("Officer")
    ADMIN = "admin", _("Office administrator")


class OfficeMembership(models.Model):
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE,
                               related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="office_memberships")
    role = models.CharField(_("role in the office"), max_length=10, choices=OfficeRole.choices,
                            default=OfficeRole.OFFICER)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("office membership")
        verbose_name_plural = _("office memberships")
        ordering = ["office", "user"]
        constraints = [models.UniqueConstraint(fields=["office", "user"], name="office_membership_once")]
        indexes = [models.Index(fields=["user", "office"], name="office_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.office}"
