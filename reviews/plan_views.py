"""The decision tab's tranche plan (issue 16, the plan before the money): where the guide states none, the officer
sets it here before approving; the approval is refused while it is missing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs.forms import plan_formset, plan_rows
from programs.services import track_plan_set

from .views import _acts, _decision_page, _round_or_404


@login_required
@require_POST
def decision_plan(request, track_id: int):
    """The officer sets the track's tranche plan at approval where the guide states none (audited by the service);
    a refused plan is shown again with what was typed and the problems."""
    review_round = _round_or_404(request, track_id)
    if not _acts(request, review_round):  # the office above reads the decision tab and sets no plan
        raise Http404
    formset = plan_formset(request.POST)
    if formset.is_valid():
        try:
            track_plan_set(actor=request.user, track=review_round.track, rows=plan_rows(formset),
                           reason=request.POST.get("reason", "")[:300])
        except ValidationError as exc:
            for problem in exc.messages:
                messages.error(request, problem)
            return _decision_page(request, review_round, plan=formset)
        messages.success(request, _("The tranche plan is set; projects of this track open with it."))
        return redirect("reviews:decision", track_id=track_id)
    messages.error(request, _("Check the tranche plan: each share is a percentage between 0.01 and 100."))
    return _decision_page(request, review_round, plan=formset)
