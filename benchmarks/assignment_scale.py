"""The automatic assignment at a province's scale, for ``manage.py benchmark`` and by hand:

    from benchmarks.assignment_scale import solve_assignment_at_scale, round_page_at_scale
    solve_assignment_at_scale(2000, 500, 3)   # seconds of the whole service (plan + commit) on this database
    round_page_at_scale(1000)                 # the round page against the admin changelist of its assignments

Both seed their own rows (reference prefix ``ASGB-``, usernames ``asgbench_``, credit codes ``91440101A``...) on a
track with no review round, and remove them afterwards. Conflicts come in blocks, as a province's do: two in five
experts work for one of sixty universities and institutes, which lead one application in ten and are partners in
half of them; a few experts declared a conflict with one application. ``scale_problem`` is the same shape in
memory, for the solver alone.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from applications.models import Application, Partner, Status
from demo.largest import member_of_every_office
from organisations.models import Organisation, Region
from organisations.uscc import check_character
from programs.models import Track
from reviews.assignment import Problem
from reviews.models import DeclaredConflict, ReviewerProfile, ReviewRound

PREFIX = "ASGB-"
USERS = "asgbench_"
USCC = "91440101A"  # + 8 digits + check character
UNIVERSITIES = 60
GOAL_SECONDS = 5.0
BATCH = 1000


def _uscc(n: int) -> str:
    first17 = f"{USCC}{n:08d}"
    return first17 + check_character(first17)


def _shape(rng: random.Random, apps: int, experts: int):
    """(lead, partners) per application and the employer per expert, as organisation numbers (the first
    ``UNIVERSITIES`` are the universities), and the application each declaring expert declared."""
    companies = range(UNIVERSITIES, UNIVERSITIES + max(1, apps))
    applications = []
    for _ in range(apps):
        lead = rng.randrange(UNIVERSITIES) if rng.random() < 0.1 else rng.choice(companies)
        partners = set()
        if rng.random() < 0.5:
            partners.add(rng.randrange(UNIVERSITIES))
        if rng.random() < 0.3:
            partners.add(rng.choice(companies))
        applications.append((lead, partners - {lead}))
    employers = [rng.randrange(UNIVERSITIES) if rng.random() < 0.4 else None for _ in range(experts)]
    declared = [rng.randrange(apps) if rng.random() < 0.05 else None for _ in range(experts)]
    limits = [rng.choice([10, 15, 15, 15, 20]) for _ in range(experts)]
    return applications, employers, declared, limits


def scale_problem(apps: int, experts: int, per_app: int, *, seed: int = 0) -> Problem:
    """The solver's input for a round of this shape, built in memory (no database)."""
    rng = random.Random(seed)
    applications, employers, declared, limits = _shape(rng, apps, experts)
    by_employer: dict[int, set[int]] = {}
    for expert, employer in enumerate(employers):
        if employer is not None:
            by_employer.setdefault(employer, set()).add(expert)
    forbidden = {}
    for a, (lead, partners) in enumerate(applications):
        forbidden[a] = set().union(*(by_employer.get(o, set()) for o in (lead, *partners)))
    for expert, application in enumerate(declared):
        if application is not None:
            forbidden[application].add(expert)
    return Problem(needs={a: per_app for a in range(apps)}, capacity=dict(enumerate(limits)), load={},
                   forbidden=forbidden, matching=frozenset(e for e in range(experts) if rng.random() < 0.5))


def clear() -> None:
    from audit.models import AuditEvent

    with transaction.atomic():
        AuditEvent.objects.filter(actor__username__startswith=USERS).delete()
        ReviewRound.objects.filter(created_by__username__startswith=USERS).delete()
        Application.objects.filter(reference__startswith=PREFIX).delete()
        ReviewerProfile.objects.filter(user__username__startswith=USERS).delete()
        User.objects.filter(username__startswith=USERS).delete()
        Organisation.objects.filter(uscc__startswith=USCC).delete()
        Track.objects.filter(code=OWN_TRACK, review_round__isnull=True, applications__isnull=True).delete()


OWN_TRACK = "ASGB"  # the benchmark's own track, made when every track already has a review round


def _free_track() -> Track:
    """A track without a review round; when every track has one (the benchmark's seeded data set), a copy of the
    first track under the code ``ASGB``, removed by ``clear``."""
    track = Track.objects.filter(review_round__isnull=True).select_related("program").order_by("pk").first()
    if track is not None:
        return track
    track = Track.objects.select_related("program").order_by("pk").first()
    track.pk, track.id, track.code, track.position = None, None, OWN_TRACK, 999
    track.title = "分配基准方向"
    track.save()
    return Track.objects.select_related("program").get(pk=track.pk)


@transaction.atomic
def seed_round(apps: int, experts: int, per_app: int, *, seed: int = 0) -> tuple[User, ReviewRound]:
    """A round in assignment on a free track: ``apps`` applications in expert review, a pool of ``experts``."""
    rng = random.Random(seed)
    applications, employers, declared, limits = _shape(rng, apps, experts)
    track = _free_track()
    password = make_password(None)
    region = Region.objects.filter(level="district").values_list("code", flat=True).first() or \
        Region.objects.values_list("code", flat=True).first()
    officer = User.objects.create(username=f"{USERS}officer", role=Role.OFFICER, password=password,
                                  full_name="分配基准 审核员")
    member_of_every_office(officer)
    organisations = Organisation.objects.bulk_create(
        (Organisation(name=(f"基准大学{i + 1}" if i < UNIVERSITIES else f"基准分配企业{i + 1}有限公司"),
                      uscc=_uscc(i + 1), org_type="university" if i < UNIVERSITIES else "enterprise",
                      region_id=region, is_legal_person=True) for i in range(UNIVERSITIES + apps)),
        batch_size=BATCH)
    applicant = User.objects.create(username=f"{USERS}applicant", role=Role.APPLICANT, password=password)
    now = timezone.now()
    created = Application.objects.bulk_create(
        (Application(reference=f"{PREFIX}{track.code}-{n + 1:06d}", track=track, organisation=organisations[lead],
                     created_by=applicant, status=Status.PASSED, title=f"分配基准项目{n + 1}", version=1,
                     submitted_at=now) for n, (lead, _partners) in enumerate(applications)), batch_size=BATCH)
    Partner.objects.bulk_create(
        (Partner(application=application, seq=i, name=organisations[p].name, uscc=organisations[p].uscc,
                 org_type=organisations[p].org_type, organisation=organisations[p])
         for application, (_lead, partners) in zip(created, applications, strict=True)
         for i, p in enumerate(sorted(partners), 1)), batch_size=BATCH)
    users = User.objects.bulk_create(
        (User(username=f"{USERS}expert{i + 1}", role=Role.REVIEWER, password=password, full_name=f"分配专家{i + 1}")
         for i in range(experts)), batch_size=BATCH)
    words = track.title[:2]
    profiles = ReviewerProfile.objects.bulk_create(
        (ReviewerProfile(user=user, name=user.full_name, load_limit=limits[i],
                         affiliation=organisations[employers[i]] if employers[i] is not None else None,
                         affiliation_uscc=organisations[employers[i]].uscc if employers[i] is not None else "",
                         affiliation_name=organisations[employers[i]].name if employers[i] is not None else "独立专家",
                         expertise=[words] if i % 2 else ["其他领域"])
         for i, user in enumerate(users)), batch_size=BATCH)
    DeclaredConflict.objects.bulk_create(
        DeclaredConflict(reviewer=profiles[i], application=created[a], reason="曾参与")
        for i, a in enumerate(declared) if a is not None)
    review_round = ReviewRound.objects.create(track=track, reviewers_per_application=per_app, created_by=officer)
    return officer, review_round


def solve_assignment_at_scale(apps: int = 2000, experts: int = 500, per_app: int = 3, *, seed: int = 0,
                              keep: bool = False) -> dict:
    """Seed a round of this size, run the automatic assignment's service (what the job runs) and time it: the
    whole, and each step as the job's progress reports it. ``passed``: the whole within ``GOAL_SECONDS``."""
    from reviews.services import assignment_propose

    clear()
    try:
        officer, review_round = seed_round(apps, experts, per_app, seed=seed)
        marks: list[tuple[int, float]] = []
        started = time.perf_counter()
        proposal = assignment_propose(actor=officer, review_round=review_round,
                                      progress=lambda percent: marks.append((percent, time.perf_counter())))
        seconds = time.perf_counter() - started
        steps = {}
        ends = [*(t for _p, t in marks[1:]), started + seconds]
        for (percent, at), end in zip(marks, ends, strict=True):
            steps[percent] = round(end - at, 3)
        return {"applications": apps, "experts": experts, "per_application": per_app,
                "seconds": round(seconds, 3), "steps": steps, "created": proposal.created,
                "missing": sum(proposal.shortfall.values()), "goal_seconds": GOAL_SECONDS,
                "passed": seconds <= GOAL_SECONDS}
    finally:
        if not keep:
            clear()


def _timed(client: Client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    took = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return took, len(response.content)


def round_page_at_scale(apps: int = 1000, experts: int = 200, per_app: int = 3, *, runs: int = 5,
                        out: Callable[[str], None] | None = None) -> dict:
    """The round page (first page, as an officer) against the admin changelist of the round's assignments (as a
    superuser), on a round of ``apps`` applications with its assignment proposed: the best of ``runs``
    interleaved runs of each. ``ratio`` ≤ 1.0 is the issue's goal."""
    from reviews.services import assignment_propose

    clear()
    try:
        officer, review_round = seed_round(apps, experts, per_app)
        assignment_propose(actor=officer, review_round=review_round)
        admin = User.objects.create(username=f"{USERS}admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
        page, changelist = Client(), Client()
        page.force_login(officer)
        changelist.force_login(admin)
        urls = (reverse("reviews:round", args=[review_round.track_id]),
                f"{reverse('admin:reviews_assignment_changelist')}?round__id__exact={review_round.pk}")
        times: dict[str, list[float]] = {"page": [], "admin": []}
        sizes = {}
        for _ in range(runs):
            for name, client, url in (("page", page, urls[0]), ("admin", changelist, urls[1])):
                took, sizes[name] = _timed(client, url)
                times[name].append(took)
        best = {name: min(values) for name, values in times.items()}
        result = {"applications": apps, "page_seconds": round(best["page"], 4),
                  "admin_seconds": round(best["admin"], 4), "ratio": round(best["page"] / best["admin"], 2),
                  "page_bytes": sizes["page"], "admin_bytes": sizes["admin"], "passed": best["page"] <= best["admin"]}
        if out:
            out(str(result))
        return result
    finally:
        clear()
