"""A realistic data set for the benchmark, written in bulk: organisations with members and financial years,
applications on every track in every state, submitted versions and uploaded materials.

Every row it writes is marked (usernames ``bench-``, credit codes ``91449900BM``, references ``BENCH-``) so
``clear()`` removes exactly the benchmark's rows and nothing else. Files are not written: upload rows name a
path, as the lists never open the files.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from applications.models import Application, ApplicationVersion, KPICommitment, MaterialUpload, PdfStatus, Status
from demo.largest import member_of_every_office
from organisations.models import FinancialYear, Membership, Organisation, Region
from organisations.uscc import check_character
from programs.models import Track

from . import activity_seed, bulk, history, project_seed, review_seed

USER_PREFIX = "bench-"
USCC_PREFIX = "91449900BM"
REFERENCE_PREFIX = "BENCH-"
PASSWORD = "ipgrants-bench"
BATCH = 1000

# Earlier editions of every program (history.py), each with this share of --applications, all submitted and
# mostly decided: a province's reviews, projects and audit trail come mostly from past rounds.
EDITIONS = 2
EDITION_SHARE = 0.6
HISTORY_MIX = [(Status.APPROVED, 25), (Status.NOT_FUNDED, 60), (Status.REFUSED, 10), (Status.WITHDRAWN, 5)]

# Share of applications in each state (drafts and withdrawn drafts never submitted included).
STATE_MIX = [
    (Status.DRAFT, 20), (Status.SUBMITTED, 30), (Status.RETURNED, 10), (Status.PASSED, 20),
    (Status.REFUSED, 8), (Status.WITHDRAWN, 12), (Status.APPROVED, 3), (Status.NOT_FUNDED, 3),
]
PLACES = ["南沙", "黄埔", "番禺", "天河", "白云", "花都", "增城", "从化", "防城港", "东兴", "顺德", "南海"]
FIELDS = ["新能源电池", "海洋装备", "生物医药", "集成电路", "智能制造", "新材料", "数字创意", "现代农业",
          "跨境电商", "北斗导航", "氢能", "工业软件"]
WORKS = ["高价值专利组合培育", "专利导航与布局", "知识产权运营服务", "商标品牌培育", "地理标志保护",
         "专利转化实施", "知识产权保护体系建设", "专利密集型产品培育"]
ORG_KINDS = ["科技有限公司", "新材料股份有限公司", "智能装备有限公司", "生物科技有限公司", "电子有限公司"]


def uscc_for(n: int) -> str:
    first17 = f"{USCC_PREFIX}{n:07d}"
    return first17 + check_character(first17)


@dataclass
class Seeded:
    officer: User
    admin: User
    applicant: User  # member of the organisation with the most applications
    organisations: int
    applications: int


def clear() -> None:
    """Remove every row the benchmark wrote (and only those)."""
    with transaction.atomic():
        activity_seed.clear(USER_PREFIX, REFERENCE_PREFIX)
        review_seed.clear(USER_PREFIX)
        project_seed.clear(REFERENCE_PREFIX)
        Application.objects.filter(reference__startswith=REFERENCE_PREFIX).delete()
        history.clear()
        Organisation.objects.filter(uscc__startswith=USCC_PREFIX).delete()
        User.objects.filter(username__startswith=USER_PREFIX).delete()


def _application_type():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Application)


def existing() -> Seeded | None:
    """The seeded data set, if any; ``applications`` counts those of the current programs (the size asked for)."""
    applications = Application.objects.filter(reference__startswith=REFERENCE_PREFIX).exclude(
        track__program__code__startswith=history.CODE_PREFIX).count()
    if not applications:
        return None
    return Seeded(
        officer=User.objects.get(username=f"{USER_PREFIX}officer"),
        admin=User.objects.get(username=f"{USER_PREFIX}admin"),
        applicant=User.objects.get(username=f"{USER_PREFIX}u1"),
        organisations=Organisation.objects.filter(uscc__startswith=USCC_PREFIX).count(),
        applications=applications,
    )


def _pick_state(rng: random.Random, mix=STATE_MIX) -> str:
    total = sum(weight for _state, weight in mix)
    roll = rng.uniform(0, total)
    for state, weight in mix:
        roll -= weight
        if roll <= 0:
            return state
    return Status.DRAFT


def seed(applications: int, *, seed_value: int = 8, out=None) -> Seeded:
    """Write the data set for ``applications`` applications on the current programs (one organisation per five
    applications), plus ``EDITIONS`` earlier editions of every program with ``EDITION_SHARE`` as many each."""
    rng = random.Random(seed_value)
    started = time.perf_counter()
    clear()
    cleared, started = time.perf_counter() - started, time.perf_counter()
    now = timezone.now()
    year = timezone.localdate().year
    password = make_password(PASSWORD)
    regions = list(Region.objects.filter(level="district").values_list("code", flat=True)) or list(
        Region.objects.values_list("code", flat=True)
    )
    tracks = list(Track.objects.exclude(program__code__startswith=history.CODE_PREFIX).select_related("program")
                  .prefetch_related("materials", "kpis").order_by("pk"))
    if not tracks or not regions:
        raise RuntimeError("Load the fixtures first (make load): the benchmark needs regions and guides.")

    with transaction.atomic():
        past = list(Track.objects.filter(pk__in=[t.pk for t in history.clone_programs(EDITIONS)])
                    .select_related("program").prefetch_related("materials", "kpis").order_by("pk"))
        per_edition = len(past) // EDITIONS if EDITIONS else 0
        plan = [(tracks, applications, STATE_MIX, 0)] + [
            (past[e * per_edition:(e + 1) * per_edition], int(applications * EDITION_SHARE), HISTORY_MIX, e + 1)
            for e in range(EDITIONS)]
        officer = User.objects.create(username=f"{USER_PREFIX}officer", role=Role.OFFICER, password=password,
                                      full_name="基准 审核员")
        member_of_every_office(officer)
        admin = User.objects.create(username=f"{USER_PREFIX}admin", role=Role.ADMIN, password=password,
                                    is_staff=True, is_superuser=True)
        n_orgs = max(1, applications // 5)
        organisations = Organisation.objects.bulk_create(
            (
                Organisation(
                    name=f"广州{rng.choice(PLACES)}{rng.choice(FIELDS)}{ORG_KINDS[i % len(ORG_KINDS)]}{i + 1}",
                    uscc=uscc_for(i + 1), region_id=rng.choice(regions), org_type="enterprise",
                    is_legal_person=True, full_time_staff=rng.randint(10, 800),
                )
                for i in range(n_orgs)
            ),
            batch_size=BATCH,
        )
        users = User.objects.bulk_create(
            (User(username=f"{USER_PREFIX}u{i + 1}", role=Role.APPLICANT, password=password) for i in range(n_orgs)),
            batch_size=BATCH,
        )
        Membership.objects.bulk_create(
            (Membership(organisation=o, user=u) for o, u in zip(organisations, users, strict=True)), batch_size=BATCH
        )
        bulk.write(
            FinancialYear,
            (
                FinancialYear(
                    organisation=o, year=y, sales_revenue=Decimal(rng.randint(5, 500)) * 1000000,
                    rd_spend=Decimal(rng.randint(2, 40)) * 100000, ip_spend=Decimal(rng.randint(1, 50)) * 10000,
                )
                for o in organisations for y in range(year - 3, year)
            ),
            batch_size=BATCH,
        )

        rows = []
        for edition_tracks, count, mix, edition in plan:
            for n in range(count):
                track = edition_tracks[n % len(edition_tracks)]
                # The first organisation holds many applications, as a busy applicant's list does.
                index = 0 if n % 50 == 0 else rng.randrange(n_orgs)
                state = _pick_state(rng, mix)
                submitted = edition > 0 or (
                    state not in (Status.DRAFT,) and not (state == Status.WITHDRAWN and rng.random() < 0.5))
                submitted_at = (now - dt.timedelta(days=365 * edition, minutes=rng.randint(1, 90 * 24 * 60))
                                if submitted else None)
                amount = Decimal(rng.randint(10, 300)) * 10000
                rows.append(Application(
                    reference=f"{REFERENCE_PREFIX}{track.program.reference_prefix}-{n + 1:06d}", track=track,
                    organisation=organisations[index], created_by=users[index], status=state,
                    title=f"{rng.choice(PLACES)}{rng.choice(FIELDS)}{rng.choice(WORKS)}项目",
                    requested_amount=amount, matching_funds=amount / 2,
                    draft={"title": "", "plan": "建设高价值专利培育布局中心。" * 5},
                    draft_saved_at=now, verdict={"overall": "pass", "rules": []} if submitted else {},
                    verdict_overall=rng.choice(["pass", "pass", "pass", "fail", "officer"]) if submitted else "",
                    materials_complete=submitted, version=(2 if state == Status.SUBMITTED and rng.random() < 0.2 else 1)
                    if submitted else 0,
                    submitted_at=submitted_at, pdf_status=PdfStatus.READY if submitted else PdfStatus.NONE,
                    pdf_version=1 if submitted else 0,
                ))
        created = Application.objects.bulk_create(rows, batch_size=BATCH)

        versions, uploads, commitments = [], [], []
        track_by_id = {t.pk: t for t in tracks + past}
        for application in created:
            track = track_by_id[application.track_id]
            materials = list(track.materials.all())
            if application.submitted_at is None:
                materials = materials[: rng.randint(0, len(materials))]
            for material in materials:
                uploads.append(MaterialUpload(
                    application=application, material=material,
                    file=f"materials/bench/{application.pk}-{material.pk}.pdf",
                    original_name=f"{material.title[:40]}.pdf", size=rng.randint(50_000, 5_000_000),
                    content_type="application/pdf", sha256=f"{rng.getrandbits(256):064x}",
                    uploaded_by_id=application.created_by_id,
                ))
            if application.submitted_at is None:
                continue
            for kpi in track.kpis.all():
                commitments.append(KPICommitment(application=application, kpi=kpi, value=kpi.target, note="按期完成"))
            for number in range(1, application.version + 1):
                versions.append(ApplicationVersion(
                    application=application, number=number,
                    submitted_at=application.submitted_at - dt.timedelta(days=application.version - number),
                    submitted_by_id=application.created_by_id,
                    snapshot={"title": application.title, "requested_amount": f"{application.requested_amount:.2f}",
                              "plan": "建设高价值专利培育布局中心。", "partners": [], "budget": [],
                              "kpis": project_seed.committed_kpis(track.kpis.all())},
                ))
        bulk.write(MaterialUpload, uploads)
        bulk.write(KPICommitment, commitments)
        bulk.write(ApplicationVersion, versions)
        reviews = review_seed.seed_reviews(rng, officer=officer, password=password, reference_prefix=REFERENCE_PREFIX,
                                           user_prefix=USER_PREFIX, applications=applications)
        projects = project_seed.seed_projects(rng, officer=officer, reference_prefix=REFERENCE_PREFIX)
        activity = activity_seed.seed_activity(rng, officer=officer, versions=versions,
                                               reference_prefix=REFERENCE_PREFIX)
    current = sum(1 for a in created if not a.reference.startswith(f"{REFERENCE_PREFIX}H"))
    if out:
        out.write(f"seeded {n_orgs} organisations, {current} applications (+ {len(created) - current} in "
                  f"{EDITIONS} earlier editions), {len(versions)} versions, {len(uploads)} materials, "
                  f"{reviews.reviews} reviews in {reviews.rounds} rounds ({reviews.smallest}–{reviews.largest} "
                  f"applications each), {projects.projects} projects ({projects.submitted} reports submitted, "
                  f"{projects.accepted} accepted), {activity.notifications} notifications, {activity.events} audit "
                  f"events in {time.perf_counter() - started:.0f} s (the previous set cleared in {cleared:.0f} s)\n")
    return Seeded(officer=officer, admin=admin, applicant=users[0], organisations=n_orgs, applications=current)
