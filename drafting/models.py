"""A guide's fixture draft, kept from upload to loading so nothing an admin typed is lost."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.lifecycle import Transition, transition_table


class DraftStatus(models.TextChoices):
    DRAFTED = "drafted", _("drafted")
    LOADED = "loaded", _("loaded")


# A draft is worked on until it is loaded as a program; then it stays as the record of that load.
DRAFT_TRANSITIONS = transition_table(
    Transition("save", _("Save and check"), frozenset({DraftStatus.DRAFTED}), DraftStatus.DRAFTED, "admin"),
    Transition("fill", _("Fill in"), frozenset({DraftStatus.DRAFTED}), DraftStatus.DRAFTED, "admin"),
    Transition("load", _("Load the program"), frozenset({DraftStatus.DRAFTED}), DraftStatus.LOADED, "admin"),
)


class SourceKind(models.TextChoices):
    TEXT = "text", _("text")
    DOCX = "docx", _("Word (.docx)")
    PDF = "pdf", _("PDF")


class GuideDraft(models.Model):
    """The guide's text as uploaded, the fixture draft made from it (edited by the admin) and its last check."""

    source_name = models.CharField(_("guide file"), max_length=200)
    source_kind = models.CharField(_("file type"), max_length=5, choices=SourceKind.choices, default=SourceKind.TEXT)
    source_text = models.TextField(_("guide text"))
    draft_yaml = models.TextField(_("fixture draft"))
    problems = models.JSONField(_("problems found by validate_guide"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.DRAFTED)
    program = models.ForeignKey("programs.Program", verbose_name=_("program loaded"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("guide draft")
        verbose_name_plural = _("guide drafts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.source_name
