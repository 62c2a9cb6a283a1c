"""Who may see which application, and the reads behind each page."""

from __future__ import annotations

import difflib
from decimal import Decimal, InvalidOperation

from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from audit.selectors import history_for
from core.counts import count_of
from core.money import format_amount
from offices.selectors import acts_flag, office_scope, works_for_every_office
from organisations.choices import OrgType
from organisations.models import Organisation, PatentKind, PatentStatus
from organisations.uscc import normalise_uscc
from programs.models import Track

from .eligibility import Outcome, RuleResult
from .models import (
    Application,
    ApplicationVersion,
    BudgetLine,
    ConditionDecision,
    MaterialUpload,
    Status,
    submitted_files,
)


def submitted_applications() -> QuerySet[Application]:
    """Applications submitted at least once: all an officer ever sees (never-submitted drafts, withdrawn or not,
    stay the applicant's)."""
    return Application.objects.filter(submitted_at__isnull=False)


def in_offices_of(user, *, act: bool = False) -> Q:
    """Applications of the programs of the user's offices (``act``: only those it works for; otherwise also those
    it reads from above), as a subquery on the track ids: the application query itself joins nothing."""
    if works_for_every_office(user):
        return Q()
    return Q(track_id__in=Track.objects.filter(office_scope(user, "program__office", act=act)).values("pk"))


def organisation_scope(user, *, act: bool = False) -> Q:
    """Which organisations an officer sees (``act``: takes steps on), registered with ``organisations.hooks``:
    those with a submitted application in a program of its offices, and those that have submitted nothing yet (no
    office's applicants: a unit an officer registers, a profile entered once for every office). Another office's
    applicants stay out of sight. Every one for a platform admin."""
    if works_for_every_office(user):
        return Q()
    # Hidden: the organisations whose every submitted application is another office's. One pass over the
    # submitted applications' (organisation, track) index, grouped, and one anti-join: at 10,000 applications about
    # half the cost of "has one of ours, or none at all" (two subqueries per organisation), the same rows.
    ours = Track.objects.filter(office_scope(user, "program__office", act=act)).values("pk")
    hidden = (submitted_applications().order_by().values("organisation_id")
              .annotate(of_ours=Max(Case(When(track_id__in=ours, then=Value(1)), default=Value(0))))
              .filter(of_ours=0).values("organisation_id"))
    return ~Q(pk__in=hidden)


def applications_visible_to(user) -> QuerySet[Application]:
    """Members see their organisations' applications; officers see the submitted ones of the programs of the
    offices they work for or read; others nothing."""
    if not user.is_authenticated:
        return Application.objects.none()
    if user.is_officer:
        return submitted_applications().filter(in_offices_of(user))
    if user.is_applicant:
        return Application.objects.filter(organisation__memberships__user=user)
    return Application.objects.none()


def application_for(user, pk: int) -> Application:
    """The application, or 404 for one that does not exist or that the user may not see. For an officer it carries
    ``officer_acts``: whether the officer works for the program's office (or only reads it from above)."""
    queryset = applications_visible_to(user).select_related(
        "track", "track__program", "organisation", "organisation__region", "created_by")
    if user.is_authenticated and user.is_officer:
        queryset = queryset.annotate(officer_acts=acts_flag(user, "track__program__office"))
    application = queryset.filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def application_for_member(user, pk: int) -> Application:
    """The application for its organisation's members only (the applicant's own work pages); 404 otherwise."""
    if not (user.is_authenticated and user.is_applicant):
        raise Http404
    return application_for(user, pk)  # applicants see only their organisations' applications


def my_applications(user) -> QuerySet[Application]:
    return (
        applications_visible_to(user)
        .select_related("track", "track__program", "organisation")
        .order_by("-updated_at")
    )


# The queue's sort keys; nulls placed explicitly so SQLite and PostgreSQL give the same order, and the
# primary key last so equal values keep a stable order across pages.
QUEUE_ORDERINGS = {
    "-submitted": (F("submitted_at").desc(nulls_last=True), F("pk").desc()),
    "submitted": (F("submitted_at").asc(nulls_last=True), F("pk").asc()),
    "reference": (F("reference").asc(),),
    "organisation": (F("organisation__name").asc(), F("pk").asc()),
    "-amount": (F("requested_amount").desc(nulls_last=True), F("pk").desc()),
    "amount": (F("requested_amount").asc(nulls_last=True), F("pk").asc()),
}
QUEUE_DEFAULT_ORDER = "-submitted"


def officer_queue(user) -> QuerySet[Application]:
    """The rows of the formal-review queue (the programs of the officer's offices), cut on ids first
    (``officer_queue_rows`` loads the page)."""
    return applications_visible_to(user).order_by(*QUEUE_ORDERINGS[QUEUE_DEFAULT_ORDER])


# Up to this many organisations matching a search are passed to the application query as ids, so PostgreSQL
# combines the trigram indexes and the organisation index (BitmapOr); a broader term falls back to a subquery.
SEARCH_ORGANISATION_IDS = 500


def queue_search(queryset: QuerySet[Application], term: str) -> QuerySet[Application]:
    """Reference, title, organisation name or credit code containing the term (case-insensitive). Each column
    has a trigram index on PostgreSQL; nothing is joined before the page is cut."""
    term = term.strip()
    if not term:
        return queryset
    code = normalise_uscc(term)
    organisations = Organisation.objects.filter(Q(name__icontains=term) | Q(uscc__contains=code)).values_list(
        "pk", flat=True
    )
    ids = list(organisations[: SEARCH_ORGANISATION_IDS + 1])
    by_organisation = Q(organisation_id__in=ids if len(ids) <= SEARCH_ORGANISATION_IDS else organisations)
    return queryset.filter(Q(reference__icontains=term) | Q(title__icontains=term) | by_organisation)


def officer_queue_rows(ids) -> QuerySet[Application]:
    """The queue page's rows with their organisation, and their counts as subqueries over these rows only. ``ids``
    is the page's cut (a sliced id query, run as a subquery of this one, or a list). Tracks, their programs and
    required-material counts are not joined: ``with_queue_tracks`` takes them from the filter's track list."""
    uploaded = MaterialUpload.objects.filter(application=OuterRef("pk"))
    # A second application by the same organisation to the same track (withdrawn ones aside).
    sibling = (
        submitted_applications().filter(track=OuterRef("track_id"), organisation=OuterRef("organisation_id"))
        .exclude(pk=OuterRef("pk")).exclude(status=Status.WITHDRAWN)
    )
    return (
        Application.objects.filter(pk__in=ids)
        .select_related("organisation")
        .only(*QUEUE_ROW_FIELDS)
        .annotate(uploaded_count=count_of(uploaded), has_sibling=Exists(sibling.values("pk")))
    )


# The columns the queue shows (the wide ones, draft, verdict and comments, are never read).
QUEUE_ROW_FIELDS = (
    "reference", "title", "requested_amount", "status", "verdict_overall", "submitted_at", "track_id",
    "organisation_id", "organisation__name", "organisation__uscc",
)


def queue_tracks(user) -> list[Track]:
    """Every track of the programs the officer's offices work for or read, with its program and its number of
    required materials, in the queue filter's order: one query gives both dropdowns and the track column of
    every row (``with_queue_tracks``)."""
    return list(
        Track.objects.filter(office_scope(user, "program__office")).select_related("program")
        .only("code", "title", "position", "program__code", "program__title", "program__short_title",
              "program__year")
        .annotate(required_count=Count("materials", filter=Q(materials__required=True)))
        .order_by("program__code", "position", "pk")
    )


def with_queue_tracks(rows: list[Application], tracks: list[Track]) -> list[Application]:
    """The queue's rows with their track (and its program) and required-material count from ``queue_tracks``."""
    by_pk = {track.pk: track for track in tracks}
    for row in rows:
        row.track = by_pk[row.track_id]
        row.required_count = row.track.required_count
    return rows


def organisation_snapshot(organisation_id: int) -> dict:
    """The organisation's profile as it stood at submission: what the rules read, for the officer."""
    org = Organisation.objects.select_related("region").prefetch_related(
        "financial_years", "patents", "certifications"
    ).get(pk=organisation_id)
    return {
        "name": org.name, "uscc": org.uscc, "region": str(org.region), "org_type": org.org_type,
        "is_legal_person": org.is_legal_person, "full_time_staff": org.full_time_staff,
        "financial_years": [
            {"year": y.year, "sales_revenue": f"{y.sales_revenue:.2f}", "rd_spend": f"{y.rd_spend:.2f}",
             "ip_spend": f"{y.ip_spend:.2f}"}
            for y in sorted(org.financial_years.all(), key=lambda y: y.year)
        ],
        "patents": [
            {"kind": p.kind, "number": p.number, "title": p.title, "granted_on": p.granted_on.isoformat(),
             "status": p.status}
            for p in org.patents.all()
        ],
        "certifications": [
            {"standard": c.standard, "certificate_number": c.certificate_number,
             "valid_from": c.valid_from.isoformat(), "valid_until": c.valid_until.isoformat()}
            for c in org.certifications.all()
        ],
    }


def needs_decision(result: dict) -> bool:
    """Whether an officer must judge this rule result: rules only an officer can judge, and soft conditions
    (原则上) the applicant did not meet and explained."""
    outcome = result.get("outcome")
    return outcome == Outcome.OFFICER or (outcome == Outcome.FAIL and bool(result.get("soft")))


def conditions_to_decide(application: Application) -> list[dict]:
    """The rule results of the submitted version that need an officer's 符合 / 不符合, in rule order."""
    results = (application.verdict or {}).get("results") or []
    return [r for r in results if needs_decision(r)]


def condition_decisions(application: Application) -> dict[int, ConditionDecision]:
    """The officer's decisions on the current version's conditions, by rule id."""
    return {
        d.rule_id: d
        for d in application.condition_decisions.filter(version=application.version).select_related("decided_by")
    }


def previous_decisions(application: Application) -> dict[int, ConditionDecision]:
    """The latest judgement of each condition on an earlier version (an application returned and resubmitted), by
    rule id: offered to the officer to confirm or change, never counted as a judgement of this version."""
    return _split_decisions(application, earlier=True)[1]


def _split_decisions(application: Application, *, earlier: bool):
    """This version's decisions and (with ``earlier``) the latest of each earlier version's, by rule id: one
    query."""
    wanted = application.condition_decisions.filter(version__lte=application.version) if earlier else \
        application.condition_decisions.filter(version=application.version)
    current: dict[int, ConditionDecision] = {}
    previous: dict[int, ConditionDecision] = {}
    for d in wanted.select_related("decided_by").order_by("version", "pk"):
        (current if d.version == application.version else previous)[d.rule_id] = d
    return current, previous


def conditions_with_decisions(application: Application, *,
                              versions=None) -> list[tuple[dict, ConditionDecision | None]]:
    """Each condition to decide with its reason in the reader's language, the applicant's explanation of a soft
    failure, and the officer's decision so far. A condition not yet judged in this version carries, as
    ``previous``, the judgement of an earlier version (None if there is none), and ``explanation_changed`` when
    the applicant's explanation differs from the one that judgement read. The decisions are one query; the
    earlier explanations come from ``versions`` (the application's, with their snapshots) when given."""
    explanations = application.explanations or {}
    conditions = conditions_to_decide(application)
    decisions, earlier = _split_decisions(application, earlier=application.version > 1 and bool(conditions))
    numbers = {d.version for d in earlier.values()}
    if versions is not None:
        earlier_explanations = {v.number: (v.snapshot or {}).get("explanations") or {}
                                for v in versions if v.number in numbers}
    else:
        earlier_explanations = _explanations_of_versions(application, numbers)
    rows = []
    for r in conditions:
        rule_id = int(r["rule_id"])
        decision = decisions.get(rule_id)
        previous = earlier.get(rule_id) if decision is None else None
        explanation = explanations.get(str(rule_id), "")
        changed = previous is not None and earlier_explanations.get(previous.version, {}).get(
            str(rule_id), "") != explanation
        shown = dict(r, reason=RuleResult.from_dict(r).reason, explanation=explanation, previous=previous,
                     explanation_changed=changed)
        rows.append((shown, decision))
    return rows


def _explanations_of_versions(application: Application, numbers: set[int]) -> dict[int, dict]:
    if not numbers:
        return {}
    return {number: explanations or {} for number, explanations in
            application.versions.filter(number__in=numbers).values_list("number", "snapshot__explanations")}


def earlier_applications(organisation_ids, track: Track) -> QuerySet[Application]:
    """Applications (not withdrawn) the given organisations already have for this track."""
    return (
        Application.objects.filter(organisation_id__in=organisation_ids, track=track)
        .exclude(status=Status.WITHDRAWN)
        .select_related("organisation")
        .order_by("created_at")
    )


def latest_version(application: Application) -> ApplicationVersion | None:
    return application.versions.order_by("-number").first()


def tracks_with_materials(track: Track):
    return track.materials.order_by("seq")


def uploads_by_material(application: Application) -> dict[int, list[MaterialUpload]]:
    """Each material's uploaded files, in the order uploaded (one query)."""
    return group_uploads(application.uploads.all())


def group_uploads(uploads) -> dict[int, list[MaterialUpload]]:
    grouped: dict[int, list[MaterialUpload]] = {}
    for upload in uploads:
        grouped.setdefault(upload.material_id, []).append(upload)
    return grouped


def track_materials(track: Track) -> QuerySet:
    """The track's materials in the guide's order (one query on the materials alone)."""
    return track.materials.order_by("seq", "pk")


def upload_for(user, application_pk: int, upload_pk: int) -> MaterialUpload:
    application = application_for(user, application_pk)
    upload = application.uploads.filter(pk=upload_pk).first()
    if upload is None:
        raise Http404
    return upload


def versions_of(application: Application) -> QuerySet[ApplicationVersion]:
    return application.versions.select_related("submitted_by").order_by("number")


def application_history(application: Application):
    return history_for(application)


def _decimal(value) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


def submitted_view(application: Application, version: ApplicationVersion, *, materials=None, uploads=None) -> dict:
    """Everything in a submitted version, ready to show: what the officer reviews without the PDF. ``materials``
    (the track's) and ``uploads`` (the application's), when the caller has read them already, are not read
    again."""
    snap = version.snapshot
    kpis = {str(k.pk): k for k in application.track.kpis.all()}
    materials = {str(m.pk): m for m in (application.track.materials.all() if materials is None else materials)}
    # A submitted file can be opened while it is still the one uploaded (same material, same checksum).
    uploads = {(str(u.material_id), u.sha256): u
               for u in (application.uploads.all() if uploads is None else uploads)}
    org = snap.get("organisation") or {}
    return {
        "version": version,
        "title": snap.get("title", ""),
        "plan": snap.get("plan", ""),
        "requested_amount": _decimal(snap.get("requested_amount")),
        "matching_funds": _decimal(snap.get("matching_funds")),
        "matching_committed": bool(snap.get("matching_committed")),
        "partners": [{**p, "org_type_label": _label(OrgType.choices, p.get("org_type"))}
                     for p in snap.get("partners") or []],
        "budget": [{**b, "source_label": _label(BudgetLine.Source.choices, b.get("source")),
                    "amount": _decimal(b.get("amount"))} for b in snap.get("budget") or []],
        "kpis": [{"kpi": kpis.get(kpi_id), "value": _decimal(value), "note": note or ""}
                 for kpi_id, (value, note) in (snap.get("kpis") or {}).items()],
        "organisation": {
            **org, "org_type_label": _label(OrgType.choices, org.get("org_type")),
            "financial_years": [{**y, **{k: _decimal(y.get(k)) for k in ("sales_revenue", "rd_spend", "ip_spend")}}
                                for y in org.get("financial_years") or []],
            "patents": [{**p, "kind_label": _label(PatentKind.choices, p.get("kind")),
                         "status_label": _label(PatentStatus.choices, p.get("status"))}
                        for p in org.get("patents") or []],
        } if org else None,
        "materials": [
            {"title": materials[mid].title if mid in materials else ", ".join(f.get("name", "") for f in files),
             "files": [{"name": f.get("name", ""), "sha256": (f.get("sha256") or "")[:12],
                        "upload": uploads.get((mid, f.get("sha256")))} for f in files]}
            for mid, files in ((mid, submitted_files(entry)) for mid, entry in (snap.get("materials") or {}).items())
        ],
        "declaration": snap.get("declaration") or {},
        "decisions": snap.get("decisions") or [],
    }


LONG_TEXT = 80  # characters: longer values are compared line by line


def _money(value) -> str:
    amount = _decimal(value)
    if amount is None:
        return str(value or "")
    return format_amount(amount)


def _flatten(snapshot: dict, kpi_labels: dict[str, str], material_labels: dict[str, str]) -> dict[str, tuple]:
    """Each submitted value by a stable key, with its translated label; amounts formatted."""
    flat: dict[str, tuple[str, str]] = {
        "title": (_("Project title"), str(snapshot.get("title", ""))),
        "plan": (_("Project plan"), str(snapshot.get("plan", ""))),
        "requested_amount": (_("Requested amount"), _money(snapshot.get("requested_amount"))),
        "matching_funds": (_("Matching funds"), _money(snapshot.get("matching_funds"))),
    }
    for i, p in enumerate(snapshot.get("partners", []), 1):
        parts = [p.get("name", ""), p.get("uscc", ""), _label(OrgType.choices, p.get("org_type")), p.get("role", "")]
        flat[f"partner-{i}"] = (_("Partner %(n)s") % {"n": i}, " / ".join(str(x) for x in parts if x))
    for kpi_id, (value, note) in snapshot.get("kpis", {}).items():
        flat[f"kpi-{kpi_id}"] = (_("KPI: %(name)s") % {"name": kpi_labels.get(kpi_id, kpi_id)},
                                 f"{value or ''} {note or ''}".strip())
    for i, b in enumerate(snapshot.get("budget", []), 1):
        flat[f"budget-{i}"] = (_("Budget line %(n)s") % {"n": i}, " / ".join(
            [str(b.get("item", "")), _label(BudgetLine.Source.choices, b.get("source")), _money(b.get("amount"))]))
    for mid, entry in snapshot.get("materials", {}).items():
        flat[f"material-{mid}"] = (_("Material: %(name)s") % {"name": material_labels.get(mid, mid)},
                                   "\n".join(f"{f.get('name')} ({(f.get('sha256') or '')[:12]})"
                                              for f in submitted_files(entry)))
    return flat


def _line_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(kind, line) pairs, kind one of "same", "removed", "added"; unchanged runs kept short."""
    lines = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if lines:  # a gap between two changed stretches
                lines.append(("gap", "…"))
        elif line.startswith("-"):
            lines.append(("removed", line[1:]))
        elif line.startswith("+"):
            lines.append(("added", line[1:]))
        else:
            lines.append(("same", line[1:]))
    return lines


def version_changes(application: Application, older: ApplicationVersion, newer: ApplicationVersion) -> list[dict]:
    """What changed between two submitted versions, field by field (long texts line by line)."""
    kpi_labels = {str(k.pk): k.metric for k in application.track.kpis.all()}
    material_labels = {str(m.pk): m.title for m in application.track.materials.all()}
    a = _flatten(older.snapshot, kpi_labels, material_labels)
    b = _flatten(newer.snapshot, kpi_labels, material_labels)
    changes = []
    for key in list(dict.fromkeys([*a, *b])):
        label, before = a.get(key, ("", ""))
        label_b, after = b.get(key, ("", ""))
        if before != after:
            long = max(len(before), len(after)) > LONG_TEXT or "\n" in before or "\n" in after
            changes.append({"key": key, "field": label or label_b, "before": before, "after": after,
                            "lines": _line_diff(before, after) if long else None})
    return changes
