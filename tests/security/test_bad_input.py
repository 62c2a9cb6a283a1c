"""The bad-input corpus: every form and upload answers bad input with a message naming what to fix, in the
user's language, and changes nothing (what an applicant typed is kept, never lost).

Each case posts a valid baseline with one thing wrong, then checks: no 500; the page shows the expected
message; the database is as it was (for the application form, the draft keeps exactly what was typed and
nothing else changes).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from applications.models import Application, ApplicationVersion, ConditionDecision, MaterialUpload
from audit.models import AuditEvent
from organisations.models import (
    Certification,
    FinancialYear,
    Invitation,
    Membership,
    Organisation,
    Patent,
    ProjectRecord,
)
from programs.models import Program
from tests.applications.conftest import PDF_BYTES, valid_draft
from tests.organisations.factories import make_uscc
from tests.organisations.test_views import edit_data

from .world import World, build_world

pytestmark = pytest.mark.django_db
NANSHA = "nansha-2024-high-value-patent-center"


@dataclass(frozen=True)
class Bad:
    role: str
    url: Callable[[World], str]
    data: Callable  # (client, world) -> dict
    says: str  # a fragment of the message shown (English: the corpus runs in English)
    files: Callable | None = None
    keeps_draft: bool = False  # the application form: the draft keeps what was typed
    ids: str = field(default="")


def _digest(world: World, *, but_draft: bool = False) -> str:
    """Everything a bad input must not change; ``but_draft``: the draft application's own row, which a save
    updates with what was typed (checked separately: kept exactly)."""
    parts = []
    for model, fields in (
        (Organisation, ("name", "uscc", "region_id", "org_type", "is_legal_person", "full_time_staff", "blacklisted")),
        (FinancialYear, ("organisation_id", "year", "sales_revenue", "rd_spend", "ip_spend")),
        (Patent, ("number", "kind", "granted_on", "status")), (Certification, ("valid_from", "valid_until")),
        (ProjectRecord, ("title", "awarded_on", "accepted_on", "level")), (Membership, ("user_id", "role")),
        (Invitation, ("state",)), (Program, ("call_opens", "call_closes", "published_at")),
        (Application, ("status", "version", "title", "requested_amount", "explanations")),
        (ApplicationVersion, ("number",)), (MaterialUpload, ("sha256",)), (ConditionDecision, ("decision",)),
        (User, ("username",)),
    ):
        rows = model.objects.order_by("pk")
        if but_draft and model is Application:
            rows = rows.exclude(pk=world.draft.pk)
        parts.append(repr(list(rows.values_list("pk", *fields))))
    parts.append(str(AuditEvent.objects.count()))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def org_edit(**overrides):
    return lambda client, w: edit_data(client, w.org, **overrides)


def registration(**overrides):
    base = {"username": "newuser", "full_name": "王五", "email": "wangwu@example.org", "phone": "",
            "password1": "Str0ng-passphrase-42", "password2": "Str0ng-passphrase-42"}
    return lambda client, w: base | overrides


def organisation(**overrides):
    base = {"name": "广州南沙新创科技有限公司", "uscc": make_uscc(4242), "region": "440115", "org_type": "enterprise",
            "is_legal_person": "on", "full_time_staff": "35", "park_enterprise_count": "", "address": "",
            "contact_name": "李四", "contact_phone": "020-88888888"}
    return lambda client, w: base | overrides


def draft(**overrides):
    return lambda client, w: valid_draft(w.track) | {"action": "save", "declaration": "on"} | overrides


def submit(**overrides):
    return lambda client, w: valid_draft(w.track) | {"action": "submit", "declaration": "on"} | overrides


def upload(name, content, material=None):
    def files(w):
        return {"file": SimpleUploadedFile(name, content), "material": str(material(w) if material else
                                                                           w.track.materials.get(seq=1).pk)}
    return files


def _fy(i, key):
    return f"fy-{i}-{key}"


ORG_EDIT = lambda w: reverse("organisations:edit", args=[w.org.pk])  # noqa: E731
EDIT = lambda w: reverse("applications:edit", args=[w.draft.pk])  # noqa: E731
SUBMITTED = lambda w: w.submitted.pk  # noqa: E731
MATERIALS = lambda w: reverse("applications:materials", args=[w.draft.pk])  # noqa: E731
REGISTER = lambda w: reverse("accounts:register")  # noqa: E731
CREATE = lambda w: reverse("organisations:create")  # noqa: E731

CASES: list[Bad] = [
    # --- registration
    Bad("anonymous", REGISTER, registration(username=""), "This field is required"),
    Bad("anonymous", REGISTER, registration(username="a" * 200), "at most 150 characters"),
    Bad("anonymous", REGISTER, registration(username="bad name!"), "Enter a valid username"),
    Bad("anonymous", REGISTER, registration(username="applicant_a"), "already exists"),
    Bad("anonymous", REGISTER, registration(password2="different-42"), "didn’t match"),
    Bad("anonymous", REGISTER, registration(password1="123", password2="123"), "too short"),
    Bad("anonymous", REGISTER, registration(password1="password", password2="password"), "too common"),
    Bad("anonymous", REGISTER, registration(password1="84736291", password2="84736291"), "entirely numeric"),
    Bad("anonymous", REGISTER, registration(email="not-an-email"), "valid email"),
    Bad("anonymous", REGISTER, registration(full_name=""), "This field is required"),
    # --- organisation: create
    Bad("applicant", CREATE, organisation(name=""), "This field is required"),
    Bad("applicant", CREATE, organisation(name="公" * 201), "at most 200 characters"),
    Bad("applicant", CREATE, organisation(uscc="91440115MA5"), "it needs 18"),
    Bad("applicant", CREATE, organisation(uscc=make_uscc(4242)[:17] + "0"), "check character"),
    Bad("applicant", CREATE, organisation(uscc="91440115MA5Z!@#$%^"), "character"),
    Bad("applicant", CREATE, organisation(uscc="I1440115MA5ZZZZZZ0"), "character"),
    Bad("applicant", CREATE, organisation(region=""), "This field is required"),
    Bad("applicant", CREATE, organisation(region="999999"), "Select a valid choice"),
    Bad("applicant", CREATE, organisation(org_type="spaceship"), "Select a valid choice"),
    Bad("applicant", CREATE, organisation(full_time_staff="-3"), "greater than or equal to 0"),
    Bad("applicant", CREATE, organisation(full_time_staff="many"), "Enter a whole number"),
    Bad("applicant", CREATE, organisation(park_enterprise_count="-1"), "greater than or equal to 0"),
    Bad("applicant", CREATE, organisation(name="   "), "This field is required"),
    Bad("applicant", CREATE, organisation(contact_phone="1" * 40), "at most 30 characters"),
    Bad("applicant", CREATE, organisation(uscc=""), "This field is required"),
    # --- organisation: edit, financial years
    Bad("applicant", ORG_EDIT, org_edit(**{_fy(0, "sales_revenue"): "三十万"}), "Enter an amount in yuan"),
    Bad("applicant", ORG_EDIT, org_edit(**{_fy(0, "sales_revenue"): "30w"}), "Enter an amount in yuan"),
    Bad("applicant", ORG_EDIT, org_edit(**{_fy(0, "sales_revenue"): "1,00,000"}), "Enter an amount in yuan"),
    Bad("applicant", ORG_EDIT, org_edit(**{_fy(0, "sales_revenue"): "-5"}), "greater than or equal to 0"),
    Bad("applicant", ORG_EDIT, org_edit(**{_fy(0, "rd_spend"): "abc"}), "Enter an amount in yuan"),
    Bad("applicant", ORG_EDIT, org_edit(**{_fy(0, "rd_spend"): "1e9"}), "Enter an amount in yuan"),
    Bad("applicant", ORG_EDIT, org_edit(**{_fy(0, "ip_spend"): "12.345"}), "2 decimal places"),
    Bad("applicant", ORG_EDIT, org_edit(**{_fy(0, "ip_spend"): "9" * 20}), "digits in total"),
    Bad("applicant", ORG_EDIT, org_edit(**{_fy(0, "year"): "1899"}), "greater than or equal to"),
    Bad("applicant", ORG_EDIT, org_edit(**{_fy(0, "year"): "twenty"}), "Enter a whole number"),
    Bad("applicant", ORG_EDIT, org_edit(**{_fy(0, "sales_revenue"): ""}), "This field is required"),
    Bad("applicant", ORG_EDIT, org_edit(name=""), "This field is required"),
    Bad("applicant", ORG_EDIT, org_edit(uscc="123"), "it needs 18"),
    Bad("applicant", ORG_EDIT, org_edit(region="000000"), "Select a valid choice"),
    Bad("officer", ORG_EDIT, org_edit(**{_fy(0, "sales_revenue"): "三十万"}), "Enter an amount in yuan"),
]


def _year_rows(prefix, rows):
    """Extra rows for a formset (patents, certificates) with TOTAL_FORMS raised to include them."""
    def data(client, w):
        base = edit_data(client, w.org)
        total = int(base[f"{prefix}-TOTAL_FORMS"])
        for key, value in rows.items():
            base[f"{prefix}-{total}-{key}"] = value
        base[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
        return base
    return data


PATENT = {"kind": "invention", "number": "ZL202110000001.X", "title": "一种装置", "granted_on": "2022-03-01",
          "status": "valid"}
CERT = {"standard": "GB/T 29490", "certificate_number": "C-1", "valid_from": "2024-01-01", "valid_until": "2026-12-31"}
CASES += [
    Bad("applicant", ORG_EDIT, _year_rows("patent", PATENT | {"granted_on": "0001-01-01"}), "1985"),
    Bad("applicant", ORG_EDIT, _year_rows("patent", PATENT | {"granted_on": "2099-01-01"}), "is not plausible"),
    Bad("applicant", ORG_EDIT, _year_rows("patent", PATENT | {"granted_on": "yesterday"}), "Enter a valid date"),
    Bad("applicant", ORG_EDIT, _year_rows("patent", PATENT | {"granted_on": "2022-02-30"}), "Enter a valid date"),
    Bad("applicant", ORG_EDIT, _year_rows("patent", PATENT | {"kind": "magic"}), "Select a valid choice"),
    Bad("applicant", ORG_EDIT, _year_rows("patent", PATENT | {"status": "zombie"}), "Select a valid choice"),
    Bad("applicant", ORG_EDIT, _year_rows("patent", PATENT | {"number": ""}), "This field is required"),
    Bad("applicant", ORG_EDIT, _year_rows("patent", PATENT | {"number": "Z" * 40}), "at most 30 characters"),
    Bad("applicant", ORG_EDIT, _year_rows("cert", CERT | {"valid_until": "2023-01-01"}), "on or after"),
    Bad("applicant", ORG_EDIT, _year_rows("cert", CERT | {"valid_from": "2010-01-01",
                                                                    "valid_until": "2011-01-01"}), "2013"),
    Bad("applicant", ORG_EDIT, _year_rows("cert", CERT | {"valid_until": "2030-12-31"}), "3 years"),
    Bad("applicant", ORG_EDIT, _year_rows("cert", CERT | {"valid_from": "soon"}), "Enter a valid date"),
    Bad("applicant", ORG_EDIT, _year_rows("cert", CERT | {"valid_until": ""}), "This field is required"),
]

RECORDS = lambda w: reverse("organisations:records", args=[w.org.pk])  # noqa: E731
RECORD = {"title": "某项目", "level": "city", "category": "ip_project", "awarded_on": "2022-03-01",
          "acceptance": "pending", "accepted_on": "", "note": ""}


def record(**overrides):
    return lambda client, w: RECORD | overrides


CASES += [
    Bad("officer", RECORDS, record(awarded_on="2099-01-01"), "is not plausible"),
    Bad("officer", RECORDS, record(awarded_on="1900-01-01"), "1985"),
    Bad("officer", RECORDS, record(acceptance="failed", accepted_on="2021-01-01"), "award"),
    Bad("officer", RECORDS, record(level="galactic"), "Select a valid choice"),
    Bad("officer", RECORDS, record(category="none"), "Select a valid choice"),
    Bad("officer", RECORDS, record(title=""), "This field is required"),
    Bad("officer", RECORDS, record(awarded_on="not a date"), "Enter a valid date"),
    Bad("officer", lambda w: reverse("organisations:blacklist", args=[w.org.pk]),
        lambda client, w: {"blacklisted": "on", "reason": ""}, "reason"),
    Bad("officer", lambda w: reverse("organisations:blacklist", args=[w.org.pk]),
        lambda client, w: {"blacklisted": "on", "reason": "理" * 600}, "at most"),
    Bad("applicant", lambda w: reverse("organisations:members", args=[w.org.pk]),
        lambda client, w: {"username": ""}, "This field is required"),
    Bad("applicant", lambda w: reverse("organisations:members", args=[w.org.pk]),
        lambda client, w: {"username": "u" * 200}, "at most 150 characters"),
]

CALL = lambda w: reverse("programs:call_window", args=[NANSHA])  # noqa: E731
CASES += [
    Bad("officer", CALL, lambda c, w: {"opens": "2026-12-10", "closes": "2026-12-01"}, "on or after the day it opens"),
    Bad("officer", CALL, lambda c, w: {"opens": "next week", "closes": "2026-12-01"}, "Enter a valid date"),
    Bad("officer", CALL, lambda c, w: {"opens": "", "closes": "2026-12-01"}, "This field is required"),
    Bad("officer", CALL, lambda c, w: {"opens": "2026-12-01", "closes": ""}, "This field is required"),
    Bad("officer", CALL, lambda c, w: {"opens": "2026-13-01", "closes": "2026-12-01"}, "Enter a valid date"),
    Bad("officer", CALL, lambda c, w: {"opens": "2026-12-01", "closes": "2026-12-02", "reason": "x" * 400},
        "at most 300 characters"),
]

START = lambda w: reverse("applications:start", args=[w.track.pk])  # noqa: E731
CASES += [
    Bad("applicant", START, lambda c, w: {"organisation": str(w.other_org.pk)}, "Select a valid choice"),
    Bad("applicant", START, lambda c, w: {"organisation": "abc"}, "Select a valid choice"),
    Bad("applicant", START, lambda c, w: {"organisation": ""}, "This field is required"),
]

# --- the application form: each save keeps what was typed in the draft; a submit says what to fix
CASES += [
    Bad("applicant", EDIT, submit(title=""), "This field is required", keeps_draft=True),
    Bad("applicant", EDIT, submit(title="题" * 201), "at most 200 characters", keeps_draft=True),
    Bad("applicant", EDIT, submit(plan=""), "This field is required", keeps_draft=True),
    Bad("applicant", EDIT, submit(requested_amount="三十万"), "Enter an amount in yuan", keeps_draft=True),
    Bad("applicant", EDIT, submit(requested_amount="abc"), "Enter an amount in yuan", keeps_draft=True),
    Bad("applicant", EDIT, submit(requested_amount="-1"), "greater than or equal to 0", keeps_draft=True),
    Bad("applicant", EDIT, submit(requested_amount="0"), "Enter the amount you request", keeps_draft=True),
    Bad("applicant", EDIT, submit(requested_amount="300001", **{"budget-0-amount": "300001"}),
        "fixed 300,000.00 yuan", keeps_draft=True),
    Bad("applicant", EDIT, submit(requested_amount="30万", **{"budget-0-amount": "200000"}),
        "add up to 200,000.00 yuan", keeps_draft=True),
    Bad("applicant", EDIT, submit(matching_committed=""), "Tick the commitment", keeps_draft=True),
    Bad("applicant", EDIT, submit(matching_funds="多"), "Enter an amount in yuan", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"budget-1-amount": "99999"}), "not the 100,000.00 yuan entered",
        keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"budget-0-amount": "一百"}), "Enter an amount in yuan", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"budget-0-source": ""}), "Choose whether the grant", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"budget-0-item": ""}), "Name this budget item", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"budget-0-item": "项" * 61}), "at most 60 characters", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"budget-0-source": "lottery"}), "Select a valid choice", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"partners-0-uscc": "124400004554162260"}), "check character",
        keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"partners-0-uscc": ""}), "18-character unified social credit code",
        keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"partners-0-org_type": ""}), "Choose the partner", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"partners-0-name": ""}), "Enter the partner", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"partners-0-org_type": "alien"}), "Select a valid choice", keeps_draft=True),
    Bad("applicant", EDIT, submit(declaration=""), "declaration", keeps_draft=True),
    Bad("applicant", EDIT, submit(plan="计" * 6001), "6000", keeps_draft=False),
    Bad("applicant", EDIT, draft(plan="计" * 6001), "6000", keeps_draft=False),
    Bad("applicant", EDIT, submit(requested_amount="1,00,000"), "Enter an amount in yuan", keeps_draft=True),
    Bad("applicant", EDIT, submit(requested_amount="12.345"), "2 decimal places", keeps_draft=True),
    Bad("applicant", EDIT, submit(matching_funds="-5"), "greater than or equal to 0", keeps_draft=True),
    Bad("applicant", EDIT, submit(matching_funds="30w"), "Enter an amount in yuan", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"budget-0-amount": "-300000"}), "greater than or equal to 0",
        keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"budget-1-amount": ""}), "Enter the amount of this item", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"partners-0-uscc": "1244"}), "it needs 18", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"partners-0-name": "名" * 201}), "at most 200 characters", keeps_draft=True),
    Bad("applicant", EDIT, submit(**{"partners-0-role": "务" * 301}), "at most 300 characters", keeps_draft=True),
    Bad("applicant", EDIT, submit(title="   "), "This field is required", keeps_draft=True),
]


def _kpi_case(value, says):
    def data(client, w):
        kpi = next(k for k in w.track.kpis.active() if not k.qualitative and k.group_id is None)
        return valid_draft(w.track) | {"action": "submit", "declaration": "on", f"kpi_{kpi.pk}": value}
    return Bad("applicant", EDIT, data, says, keeps_draft=True)


CASES += [
    _kpi_case("", "Enter the value you commit to"),
    _kpi_case("十五", "Enter a number"),
    _kpi_case("0", "below the guide's target"),
    _kpi_case("1e99", "no more than 14 digits"),
    _kpi_case("12.345", "2 decimal places"),
]


def _soft_explanation(text, says):
    def data(client, w):
        from organisations.models import FinancialYear

        FinancialYear.objects.filter(organisation=w.org).update(rd_spend="290000")
        rule = w.track.rules.active().get(kind="rd_intensity")
        return valid_draft(w.track) | {"action": "submit", "declaration": "on", f"explain-{rule.pk}": text}
    return Bad("applicant", EDIT, data, says, keeps_draft=True)


CASES += [
    _soft_explanation("", "explain in a few sentences"),
    _soft_explanation("   ", "explain in a few sentences"),
    _soft_explanation("理" * 1001, "shorten it to 1000"),
]

# --- uploads
CASES += [
    Bad("applicant", MATERIALS, lambda c, w: {}, "accepted file type", files=upload("申报书.exe", b"MZ\x90\x00")),
    Bad("applicant", MATERIALS, lambda c, w: {}, "accepted file type", files=upload("申报书", PDF_BYTES)),
    Bad("applicant", MATERIALS, lambda c, w: {}, "does not look like", files=upload("申报书.pdf", b"GIF89a....")),
    Bad("applicant", MATERIALS, lambda c, w: {}, "does not look like", files=upload("scan.png", PDF_BYTES)),
    Bad("applicant", MATERIALS, lambda c, w: {}, "empty", files=upload("空白.pdf", b"")),
    Bad("applicant", MATERIALS, lambda c, w: {}, "Choose which material",
        files=upload("申报书.pdf", PDF_BYTES, material=lambda w: "abc")),
    Bad("applicant", MATERIALS, lambda c, w: {}, "Choose which material",
        files=upload("申报书.pdf", PDF_BYTES, material=lambda w: "")),
    Bad("applicant", MATERIALS, lambda c, w: {}, "Choose which material",
        files=upload("申报书.pdf", PDF_BYTES, material=lambda w: 999999)),
    Bad("applicant", MATERIALS, lambda c, w: {"material": str(w.track.materials.get(seq=1).pk)},
        "Choose a file to upload"),
]

# --- formal review
DECIDE = lambda step: (lambda w: reverse("applications:decide", args=[w.submitted.pk, step]))  # noqa: E731
CONDITION = lambda w: reverse("applications:decide_condition", args=[w.submitted.pk])  # noqa: E731


def _condition(**overrides):
    def data(client, w):
        from applications.selectors import conditions_to_decide

        rule_id = conditions_to_decide(w.submitted)[0]["rule_id"]
        return {"rule_id": str(rule_id), "decision": "met", "note": ""} | overrides
    return data


CASES += [
    Bad("officer", DECIDE("return"), lambda c, w: {"reason": ""}, "Give a reason"),
    Bad("officer", DECIDE("return"), lambda c, w: {"reason": "   "}, "Give a reason"),
    Bad("officer", DECIDE("refuse"), lambda c, w: {"reason": ""}, "Give a reason"),
    Bad("officer", DECIDE("pass"), lambda c, w: {"confirm": "on"}, "Decide every"),
    Bad("officer", DECIDE("pass"), lambda c, w: {}, "confirm"),
    Bad("officer", CONDITION, _condition(decision="not_met", note=""), "note"),
    Bad("officer", CONDITION, _condition(decision="maybe"), "Select a valid choice"),
    Bad("officer", CONDITION, _condition(rule_id="99999"), "condition"),
    Bad("officer", CONDITION, _condition(rule_id="abc"), "Enter a whole number"),
    Bad("officer", CONDITION, _condition(note="注" * 301), "at most 300 characters"),
    Bad("applicant", lambda w: reverse("applications:withdraw", args=[w.submitted.pk]),
        lambda c, w: {"reason": "因" * 501}, "shorten it to at most 500"),
    Bad("officer", lambda w: reverse("organisations:record_edit", args=[w.org.pk, w.record.pk]),
        record(awarded_on="2099-01-01"), "is not plausible"),
]


def _second_step_due(token_data: dict, *, verified: bool = False):
    """The applicant has an authenticator (made directly: no audit row) and has signed in with the password only,
    or (``verified``) with the code too."""
    def data(client, w):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from twofactor.selectors import HAS_DEVICE_SESSION_KEY

        device = TOTPDevice.objects.create(user=w.membership.user, name="app", confirmed=True)
        session = client.session
        session[HAS_DEVICE_SESSION_KEY] = True
        if verified:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return token_data
    return data


ENROL = lambda w: reverse("twofactor:enrol")  # noqa: E731
VERIFY = lambda w: reverse("twofactor:verify")  # noqa: E731
DISABLE = lambda w: reverse("twofactor:disable")  # noqa: E731
RENEW = lambda w: reverse("twofactor:backup_codes_renew")  # noqa: E731

CASES += [
    # --- two-factor sign-in: enrolment, the second step, turning it off
    Bad("applicant", ENROL, lambda c, w: {"token": ""}, "Type the code your authenticator app shows"),
    Bad("applicant", ENROL, lambda c, w: {"token": "abcdef"}, "That code does not match"),
    Bad("applicant", ENROL, lambda c, w: {"token": "12345"}, "That code does not match"),
    Bad("officer", ENROL, lambda c, w: {"token": "000000"}, "That code does not match"),
    Bad("applicant", ENROL, lambda c, w: {"token": "9" * 40}, "A code is at most 20 characters"),
    Bad("applicant", VERIFY, _second_step_due({"token": ""}), "Type the code your authenticator app shows"),
    Bad("applicant", VERIFY, _second_step_due({"token": "000000"}), "That code is not right"),
    Bad("applicant", VERIFY, _second_step_due({"token": "not-a-backup"}), "That code is not right"),
    Bad("applicant", VERIFY, _second_step_due({"token": "9" * 40}), "A code is at most 20 characters"),
    Bad("applicant", DISABLE, _second_step_due({"disable-token": ""}, verified=True),
        "Type the code your authenticator app shows"),
    Bad("applicant", DISABLE, _second_step_due({"disable-token": "000000"}, verified=True), "That code is not right"),
    Bad("applicant", DISABLE, lambda c, w: {"disable-token": "000000"}, "Two-factor sign-in is not on"),
    Bad("applicant", RENEW, lambda c, w: {"renew-token": "000000"}, "Two-factor sign-in is not on"),
    Bad("applicant", RENEW, _second_step_due({"renew-token": "000000"}, verified=True), "That code is not right"),
    Bad("applicant", RENEW, _second_step_due({"renew-token": "1" * 21}, verified=True),
        "A code is at most 20 characters"),
]


def _id(case: Bad) -> str:
    return f"{case.role}-{case.url.__name__ if hasattr(case.url, '__name__') else 'url'}-{case.says[:24]}"


@pytest.fixture
def world(applicant, other_applicant, officer, nansha, django_capture_on_commit_callbacks):
    return build_world(applicant=applicant, other_applicant=other_applicant, officer=officer, nansha=nansha,
                       capture=django_capture_on_commit_callbacks)


def test_bad_input_corpus_has_at_least_150_cases():
    assert len(CASES) + len(GET_CASES) + len(COMMAND_CASES) >= 150


@pytest.mark.parametrize("case", CASES, ids=[f"{i:03d}" for i in range(len(CASES))])
def test_bad_input_answered_and_nothing_changed(client, request, world, case, django_capture_on_commit_callbacks):
    client.cookies.load({"django_language": "en"})
    if case.role != "anonymous":
        client.force_login(request.getfixturevalue(case.role))
    data = case.data(client, world)
    if case.files:
        data = data | case.files(world)
    before = _digest(world, but_draft=case.keeps_draft)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(case.url(world), data, follow=True)
    assert response.status_code in (200, 400, 409), response.status_code
    body = response.content.decode()
    assert escape(case.says) in body or case.says in body, f"not shown: {case.says!r}"
    assert _digest(world, but_draft=case.keeps_draft) == before, "bad input changed something"
    if case.keeps_draft:
        kept = Application.objects.get(pk=world.draft.pk).draft
        for key, value in data.items():
            if key not in {"action", "csrfmiddlewaretoken"}:
                assert kept.get(key) == value, f"{key} not kept as typed"


GET_CASES = [
    ("programs:catalogue", {"year": "abc"}, "Enter a year"),
    ("programs:catalogue", {"year": "99999"}, "less than or equal to"),
    ("programs:catalogue", {"region": "abc"}, "No program is run in that region"),
    ("programs:catalogue", {"region": "999999"}, "No program is run in that region"),
    ("programs:catalogue", {"level": "galaxy"}, "Select a valid choice"),
    ("programs:catalogue", {"status": "maybe"}, "Select a valid choice"),
    ("programs:catalogue", {"applicant_type": "alien"}, "Select a valid choice"),
    ("applications:officer_queue", {"status": "zzz"}, "Select a valid choice"),
    ("applications:officer_queue", {"sort": "zzz"}, "Select a valid choice"),
    ("applications:officer_queue", {"program": "abc"}, "Select a valid choice"),
    ("applications:officer_queue", {"eligibility": "zzz"}, "Select a valid choice"),
]


@pytest.mark.parametrize(("name", "query", "says"), GET_CASES)
def test_bad_filter_values_are_named(client, officer, world, name, query, says):
    client.cookies.load({"django_language": "en"})
    client.force_login(officer)
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    assert escape(says) in response.content.decode()


COMMAND_CASES = [
    ("program: [unclosed", "not valid YAML"),
    ("[]", "top-level"),
    ("program: {code: x}", "is missing"),
    ("rubric: {code: r, title: t, criteria: [{title: a, weight: 60}]}", "not 100"),
    ("rubric: {code: r, title: t, criteria: [{title: a, weight: abc}]}", "is not a number"),
]


@pytest.mark.parametrize(("text", "says"), COMMAND_CASES)
def test_bad_guide_is_refused_with_its_place_and_nothing_loaded(tmp_path, text, says):
    from django.core.management import CommandError, call_command
    from django.utils import translation

    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    before = Program.objects.count()
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("validate_guide", str(path), stderr=err, stdout=io.StringIO())
    assert says in err.getvalue()
    assert Program.objects.count() == before
