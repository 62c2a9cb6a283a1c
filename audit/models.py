from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One recorded step: who did what to which object, when, from which state to which, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=40)
    target = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # The code of the office whose program the target belongs to (an application's, a project's, an office's
    # own), filled by ``record_event`` from the paths apps register; a code, not a foreign key: audit sits below
    # offices. Empty for targets of no office (an organisation, a user's setting).
    office = models.CharField(_("office"), max_length=40, null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            # The log of one actor, newest first (the admin dashboard's search by actor): the page is the index's
            # first rows, never a sort of every event of a busy officer.
            models.Index(fields=["actor", "-at", "-id"], name="audit_actor_newest_idx"),
            # An office's log, newest first (the office's audit page, the admin search by office).
            models.Index(fields=["office", "-at", "-id"], name="audit_office_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.from_state}→{self.to_state}"
