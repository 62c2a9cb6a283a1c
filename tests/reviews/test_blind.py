"""Blind review withholds the applicant's identity in every form it is typed in (issue 15, item 16).

One application per way of typing (as registered, lower case, spaced, full-width, with dashes, all at once) carries
the identifying fields of its organisation, people and partners, and an e-mail address, phones and a web address
typed in no field, in every free-text field of the form (title, plan, partners' tasks, KPI notes, budget items,
explanations; see ``submit_identifying_application`` for what fits where). The reviewer opens every page that shows
the application and its PDF: none of the identifying values is left in any form, and the ordinary text still reads.
The normaliser itself is checked with hypothesis and with examples.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from accounts.models import Role
from applications import services as applications
from applications.checks import MAX_EXPLANATION
from applications.models import Partner
from applications.services import BudgetData, PartnerData, SubmissionData
from organisations.models import Certification, FinancialYear, Membership, MembershipRole, Organisation
from programs.models import Material, Program, Track
from reviews import services
from reviews.models import Assignment
from reviews.redaction import WITHHELD, compact, withhold
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.organisations.factories import PatentFactory, make_uscc

from .conftest import make_reviewer, passed_application, track_of

pytestmark = pytest.mark.django_db

LEAD = {
    "name": "广州青源知识产权科技有限公司", "short": "青源", "short_long": "青源知识产权科技",
    "uscc": make_uscc(777001), "address": "广东省广州市南沙区丰泽东路106号3栋1202房", "street": "丰泽东路106号",
    "contact_name": "周敏华", "contact_phone": "020-84681234", "patent": "ZL202310123456.7",
    "certificate": "18124IP0519R0M",
}
OWNER = {"full_name": "欧阳建国", "username": "ouyang_jg", "email": "ouyang.jg@qingyuan-ip.cn"}
PARTNER = {  # registered in the portal
    "name": "华南保密合作研究院", "short": "华南保密合作", "uscc": "12440000MB2C12345X",
    "address": "广东省广州市天河区五山路381号", "contact_name": "郑合作", "contact_phone": "13912345678",
}
OTHER_PARTNER = {"name": "华南理工大学", "short": "华南理工", "uscc": "12440000455416226M"}  # not registered
TYPED = {"email": "patent@qingyuan-ip.cn", "mobile": "138 2600 1234", "landline": "(020) 3456-7890",
         "domain": "www.qingyuan-ip.cn"}  # in the text only, on no form field

SECRETS = {
    **{f"lead {k}": v for k, v in LEAD.items()}, **{f"owner {k}": v for k, v in OWNER.items()},
    **{f"partner {k}": v for k, v in PARTNER.items()}, **{f"other partner {k}": v for k, v in OTHER_PARTNER.items()},
    **{f"typed {k}": v for k, v in TYPED.items()},
}
ORDINARY = "建设高价值专利培育布局中心，计划培育发明专利15件，经费300000元，2026年12月1日启动。"
ORDINARY_EN = "Patent portfolio of the battery line"


def fullwidth(text: str) -> str:
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def dashed(text: str) -> str:
    return "-".join(text[i:i + 3] for i in range(0, len(text), 3)).replace("--", "-")


FORMS = {
    "as registered": lambda s: s,
    "lower case": str.lower,
    "spaced": lambda s: " ".join(s),
    "full-width": fullwidth,
    "dashes": dashed,
    "all at once": lambda s: fullwidth(" ".join(s.lower())),
}


FORM_NAMES = list(FORMS)


def typed(form: str) -> list[str]:
    return [FORMS[form](value) for value in SECRETS.values()]


def packed(values: list[str], limit: int, *, lead: str = "") -> list[str]:
    """``values`` in as few texts of at most ``limit`` characters as they fit, each after ``lead``."""
    texts, current = [], lead
    for value in values:
        if len(current) + len(value) + 1 > limit:
            texts.append(current)
            current = lead
        current += value + "；"
    return [*texts, current]


def open_call(track: Track) -> None:
    today = timezone.localdate()
    Program.objects.filter(pk=track.program_id).update(call_opens=today - dt.timedelta(days=1),
                                                       call_closes=today + dt.timedelta(days=30))


def identifying_organisations():
    """The lead (its owner, patent and certificate) and the registered partner, in the forms the walker met."""
    owner = UserFactory(role=Role.APPLICANT, **OWNER)
    lead = Organisation.objects.create(
        name=LEAD["name"], uscc=LEAD["uscc"], region_id="440115", org_type="enterprise", is_legal_person=True,
        full_time_staff=50, address=LEAD["address"], contact_name=LEAD["contact_name"],
        contact_phone=LEAD["contact_phone"])
    Membership.objects.create(organisation=lead, user=owner, role=MembershipRole.OWNER)
    for year in range(2023, 2027):
        FinancialYear.objects.create(organisation=lead, year=year, sales_revenue=Decimal("10000000"),
                                     rd_spend=Decimal("200000"), ip_spend=Decimal("1000"))  # 2 %: a soft failure
    PatentFactory(organisation=lead, number=LEAD["patent"])
    Certification.objects.create(organisation=lead, standard="GB/T 29490", certificate_number=LEAD["certificate"],
                                 valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2027, 1, 1))
    partner = Organisation.objects.create(
        name=PARTNER["name"], uscc=PARTNER["uscc"], region_id="440106", org_type="research_institute",
        is_legal_person=True, address=PARTNER["address"], contact_name=PARTNER["contact_name"],
        contact_phone=PARTNER["contact_phone"])
    return owner, lead, partner


def submit_identifying_application(track: Track, owner, lead, form: str):
    """Every free-text field of the application form carries the identifying values typed in ``form``: all of them in
    the plan, the KPI notes, the budget items (packed in lines of 60 characters) and the explanations; as many as fit
    in the title (200 characters, starting at a different value for each form) and the two partners' tasks (300
    characters each; the spaced forms need a third row the track does not allow)."""
    values = typed(form)
    application = applications.application_start(actor=owner, track=track, organisation=lead)
    applications.material_upload(actor=owner, application=application, material=track.materials.get(seq=1),
                                 uploaded_file=SimpleUploadedFile(
                                     f"{LEAD['name']}申报书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    roles = packed(values, Partner._meta.get_field("role").max_length, lead="专利挖掘：")
    kpis = {}
    notes = iter(packed(values, 500, lead="按期完成："))
    for kpi in track.kpis.all():
        kpis[kpi.pk] = (None, next(notes, "按期完成")) if kpi.qualitative else (kpi.target, "")
    grant = [BudgetData(item, "grant", Decimal("10000.00")) for item in packed(values, 60, lead="代理费")]
    matching = [BudgetData("研发人员", "matching", Decimal("100000.00"))]
    grant[0].amount += Decimal("300000.00") - sum(b.amount for b in grant)
    data = SubmissionData(
        # The title (200 characters) takes the values that fit, starting where the previous form stopped.
        title=packed(values[FORM_NAMES.index(form) * 5:] + values, 200, lead=f"{ORDINARY_EN} ")[0],
        plan=f"{ORDINARY}\n" + "\n".join(f"本项目由{v}负责实施。" for v in values) + f"\n{ORDINARY}",
        requested_amount=Decimal("300000.00"), matching_funds=Decimal("100000.00"), matching_committed=True,
        partners=[PartnerData(name=FORMS[form](PARTNER["name"]), uscc=PARTNER["uscc"], org_type="research_institute",
                              role=roles[0]),
                  PartnerData(name=OTHER_PARTNER["name"], uscc=OTHER_PARTNER["uscc"], org_type="university",
                              role=roles[1] if len(roles) > 1 else roles[0])],
        kpis=kpis, budget=grant + matching,
        explanations={r.pk: f"{ORDINARY}{''.join(values)}"[:MAX_EXPLANATION] for r in applications.active_rules(track)},
        declaration="本单位承诺所填报的信息真实、准确、完整。",
    )
    return applications.application_submit(actor=owner, application=application, data=data)


@pytest.fixture
def blind_round(officer, django_capture_on_commit_callbacks, inline_tasks):
    """One blind round on Nansha 1 with one application per form, all assigned to one accepting reviewer."""
    from applications.selectors import conditions_to_decide

    track = track_of("nansha-2024-high-value-patent-center", "1")
    Track.objects.filter(pk=track.pk).update(max_awards=10)
    open_call(track)
    track = track_of("nansha-2024-high-value-patent-center", "1")
    Material.objects.get_or_create(track=track, seq=1, defaults={"title": "项目申报书", "required": True})
    owner, lead, _partner = identifying_organisations()
    with django_capture_on_commit_callbacks(execute=False):
        submitted = {form: submit_identifying_application(track, owner, lead, form) for form in FORMS}
        for application in submitted.values():
            for condition in conditions_to_decide(application):
                applications.condition_decide(actor=officer, application=application,
                                              rule_id=int(condition["rule_id"]), decision="met", note="经核查符合")
            applications.application_pass(actor=officer, application=application)
    expert = make_reviewer(load_limit=20)
    with django_capture_on_commit_callbacks(execute=True):
        review_round = services.round_open(actor=officer, track=track, reviewers_per_application=1, blind=True)
        services.assignment_propose(actor=officer, review_round=review_round)
        services.round_start_review(actor=officer, review_round=review_round)
    assignments = {a.application_id: a for a in Assignment.objects.filter(round=review_round, reviewer=expert)}
    return expert, {form: (app, assignments[app.pk]) for form, app in submitted.items()}


def letters_and_digits(text: str) -> str:
    """The test's own folding (not the portal's): NFKC, case-folded, letters and digits only."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def leaks(text: str) -> dict[str, str]:
    """Which identifying values ``text`` still holds, in any form."""
    haystack = letters_and_digits(text)
    return {label: value for label, value in SECRETS.items() if letters_and_digits(value) in haystack}


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_blind_review_withholds_every_identifying_value_in_every_form(client, blind_round,
                                                                      django_capture_on_commit_callbacks):
    expert, by_form = blind_round
    client_for(client, expert.user)
    for form, (application, assignment) in by_form.items():
        declare_page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
        with django_capture_on_commit_callbacks(execute=True):  # the redacted PDF is made on commit
            client.post(reverse("reviews:declare", args=[assignment.pk, "accept"]))
        pages = {
            "declaration": declare_page,
            "assignment": client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode(),
            "queue": client.get(reverse("reviews:queue")).content.decode(),
            "dashboard": client.get(reverse("dashboards:reviewer")).content.decode(),
            "inbox": client.get(reverse("notifications:inbox")).content.decode(),
            "PDF status": client.get(reverse("reviews:dossier_status", args=[assignment.pk])).content.decode(),
            "PDF": pdf_text(client.get(reverse("reviews:dossier_pdf", args=[assignment.pk]))),
        }
        for name, text in pages.items():
            assert not leaks(text), f"{form}: the reviewer's {name} shows {leaks(text)}"
        for name in ("assignment", "PDF"):  # the application still reads
            text = re.sub(r"\s+", "", pages[name])
            assert re.sub(r"\s+", "", ORDINARY) in text and application.reference in text, f"{form}: {name}"
            assert "负责实施" in text and WITHHELD in text and ORDINARY_EN.replace(" ", "") in text


# --- the normaliser --------------------------------------------------------------------------------------------------

CODE = LEAD["uscc"]
SEPARATORS = st.sampled_from([" ", "\u3000", "-", "·", ".", "\t", ""])


@st.composite
def disguised(draw, value: str) -> str:
    """``value`` with each character's case and width chosen at random and separators put between any two."""
    out = []
    for i, char in enumerate(value):
        if i:
            out.append("".join(draw(st.lists(SEPARATORS, max_size=2))))
        char = draw(st.sampled_from([char, char.lower(), char.upper()]))
        out.append(fullwidth(char) if draw(st.booleans()) else char)
    return "".join(out)


AROUND = st.text(alphabet="培育专利组合的项目中心，。、 ABCabc", max_size=20)


@settings(max_examples=150, deadline=None)
@given(before=AROUND, code=disguised(CODE), after=AROUND)
def test_withhold_finds_the_credit_code_however_typed(before, code, after):
    text = f"{before}由{code}牵头{after}"
    cleaned = withhold(text, [compact(CODE)])
    assert compact(CODE) not in compact(cleaned)
    assert cleaned.startswith(before) and cleaned.endswith(f"牵头{after}")


@settings(max_examples=100, deadline=None)
@given(before=AROUND, name=disguised(LEAD["name"]), after=AROUND)
def test_withhold_finds_the_name_however_typed_and_keeps_the_rest(before, name, after):
    cleaned = withhold(f"{before}【{name}】{after}", [compact(LEAD["name"])])
    assert cleaned == f"{before}【{WITHHELD}】{after}"


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.characters(exclude_categories=["Cs", "Nd", "No"], exclude_characters="@＠﹫"),
                    max_size=60))
def test_withhold_leaves_text_without_secrets_alone(text):
    """Without a secret, an e-mail address, a phone number or a code in it, a text comes back as it was."""
    assert withhold(text, []) == text
    if "青源" not in compact(text):
        assert withhold(f"培育专利{text}", [compact("青源")]) == f"培育专利{text}"


@settings(max_examples=100, deadline=None)
@given(prefix=st.sampled_from(["", "+86 ", "86-", "＋８６"]), digits=st.sampled_from(["13826001234", "19912345678"]),
       cuts=st.lists(st.sampled_from([" ", "-", "\u3000", "－"]), min_size=10, max_size=10),
       wide=st.booleans(), cut_at=st.sets(st.integers(0, 9)))
def test_withhold_finds_any_mobile_number_however_spaced(prefix, digits, cuts, wide, cut_at):
    number = "".join(d + (cuts[i] if i in cut_at else "") for i, d in enumerate(digits[:-1])) + digits[-1]
    number = fullwidth(number) if wide else number
    assert withhold(f"联系电话：{prefix}{number}。", []) == f"联系电话：{WITHHELD}。"


@pytest.mark.parametrize("text, expected", [
    ("联系人手机 139-1234-5678。", f"联系人手机 {WITHHELD}。"),
    ("电话：+86 138 2600 1234", f"电话：{WITHHELD}"),
    ("座机（020）3456 7890转12", f"座机{WITHHELD}转12"),
    ("座机0755-88886666", f"座机{WITHHELD}"),
    ("邮箱 Patent@Example.COM。", f"邮箱 {WITHHELD}。"),
    ("邮箱ｉｎｆｏ＠ｑｙ．ｃｎ", f"邮箱{WITHHELD}"),
    ("代码91440115ma0005000x与", f"代码{WITHHELD}与"),
    ("代码 9144 0115 MA00 0500 0X。", f"代码 {WITHHELD}。"),
    # ordinary numbers, dates, amounts and words stay
    ("培育发明专利15件，经费300000.00元，2026-12-01启动，满意度85%。",
     "培育发明专利15件，经费300000.00元，2026-12-01启动，满意度85%。"),
    ("ZL202310123456.7 等专利 13、14、15 件", "ZL202310123456.7 等专利 13、14、15 件"),
])
def test_withhold_examples_without_secrets(text, expected):
    assert withhold(text, []) == expected


def test_withhold_a_latin_secret_only_as_a_whole_word():
    secrets = [compact("Li"), compact("Qingyuan")]
    assert (withhold("A reliable plan by LI and QINGYUAN-tech.", secrets)
            == f"A reliable plan by {WITHHELD} and {WITHHELD}-tech.")


@pytest.mark.parametrize("name, short", [
    ("广州青源知识产权科技有限公司", {"青源知识产权科技", "青源"}),
    ("华南理工大学", {"华南理工"}),
    ("青源（广州）科技股份有限公司", {"青源科技", "青源"}),
    ("广州创新科技有限公司", set()),  # only ordinary words: nothing short is withheld
    ("广州大学", set()),
])
def test_name_forms_give_the_short_names(name, short):
    from reviews.redaction import _region_words, name_forms

    regions = _region_words(["广东省", "广州市", "南沙区"])
    assert name_forms(name, regions) == {compact(name)} | short


def test_address_forms_give_the_street_and_number():
    from reviews.redaction import _region_words, address_forms

    regions = _region_words(["广东省", "广州市", "南沙区"])
    forms = address_forms("广东省广州市南沙区丰泽东路106号3栋1202房", regions)
    assert forms >= {"丰泽东路106号3栋1202房", "丰泽东路106号"}
    assert "海淀路5号" in address_forms("北京市海淀区海淀路5号", regions)  # a division not in the table


def test_redact_dossiers_again_remakes_every_blind_pdf_under_the_current_rules(pool_track, nansha, inline_tasks,
                                                                                 django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from audit.models import AuditEvent
    from reviews.models import Dossier

    made = [Dossier.objects.create(application=passed_application(track), blind=True, status=Dossier.Status.READY)
            for track in (pool_track, nansha)]  # as made under the old rules
    Dossier.objects.create(application=passed_application(pool_track), blind=False, status=Dossier.Status.READY)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        call_command("redact_dossiers_again", stdout=out)
    assert [d.status for d in Dossier.objects.filter(blind=True)] == [Dossier.Status.PENDING] * 2
    assert Dossier.objects.get(blind=False).status == Dossier.Status.READY  # nothing withheld in an open review
    assert len(queued) == 2 and "2" in out.getvalue()
    assert set(AuditEvent.objects.filter(action="redact_again").values_list("object_id", flat=True)) == {
        str(d.pk) for d in made}
    for callback in queued:
        callback()
    assert {d.status for d in Dossier.objects.filter(blind=True)} == {Dossier.Status.READY}


@pytest.mark.parametrize("phone, typed", [
    ("020-84681234", "电话8468 1234"), ("+86 139 1234 5678", "手机13912345678"), ("（0755）8888 6666", "88886666"),
])
def test_phone_forms_withhold_the_number_without_country_or_area_code(phone, typed):
    from reviews.redaction import phone_forms

    assert compact(phone) not in compact(withhold(typed, phone_forms(phone))) and WITHHELD in withhold(
        typed, phone_forms(phone))
