"""The approval notice's status box (立项通知书: queued, running, ready or failed with "try again"), shown on the
decision page and, through ``applications.hooks``, on the application's page to officers and its applicant."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from jobs.status import StatusBox, pdf_box

from .models import Award, AwardState, ReviewerProfile
from .selectors import application_award_notice


def notice_box(award: Award) -> StatusBox | None:
    if award.state != AwardState.APPROVED or not award.notice_status:
        return None
    return pdf_box(prefix=f"notice-{award.pk}", title=_("Approval notice"), status=award.notice_status,
                   label=award.get_notice_status_display(),
                   status_url=reverse("reviews:notice_status", args=[award.pk]),
                   download_url=reverse("reviews:notice_pdf", args=[award.pk]),
                   retry_url=reverse("reviews:notice_retry", args=[award.pk]))


def application_notice_panel(request, application):
    award = application_award_notice(request.user, application)
    return ("reviews/_notice_panel.html", {"box": notice_box(award)}) if award is not None else None


POOL_PANEL_ROWS = 100


def office_pool_panel(request, office):
    """The office's own expert pool on its page (offices.hooks): its experts, and the link to the pool page where
    experts are added."""
    experts = list(ReviewerProfile.objects.filter(office=office).select_related("user")
                   .only("pk", "name", "title", "affiliation_name", "active", "user__email")
                   .order_by("name", "pk")[:POOL_PANEL_ROWS + 1])
    return ("reviews/_office_pool_panel.html", {"experts": experts[:POOL_PANEL_ROWS],
                                                "more": len(experts) > POOL_PANEL_ROWS})
