"""Formal review as officers do it: the whole submission on the page, officer-judged conditions decided
(符合 / 不符合 with a note) before passing, the integrity declaration, the version comparison."""

import io
import time
from decimal import Decimal

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications import services
from applications.exports import application_pdf
from applications.inputs import BUDGET_ITEM_MAX, CONDITION_NOTE_MAX, MAX_BUDGET_LINES, PLAN_MAX_CHARS
from applications.models import Application, ConditionDecision, PdfStatus, Status
from applications.selectors import conditions_to_decide, version_changes
from audit.models import AuditEvent
from core.pdf import html_to_pdf
from organisations.models import FinancialYear
from tests.organisations.factories import CertificationFactory, PatentFactory

from .conftest import DECLARATION, decide_all, make_org, valid_draft, valid_submission

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def events(application, action):
    return AuditEvent.objects.filter(object_id=str(application.pk), action=action)


def first_condition(application) -> int:
    return int(conditions_to_decide(application)[0]["rule_id"])


# --- conditions to decide -----------------------------------------------------------------------


def test_conditions_to_decide_are_the_officer_results_of_the_submitted_verdict(submitted):
    conditions = conditions_to_decide(submitted)
    assert conditions and all(c["outcome"] == "officer" for c in conditions)
    officer_ids = {r["rule_id"] for r in submitted.verdict["results"] if r["outcome"] == "officer"}
    assert {c["rule_id"] for c in conditions} == officer_ids


def test_condition_decide_records_decision_and_audit(officer, submitted):
    rule_id = first_condition(submitted)
    decision = services.condition_decide(actor=officer, application=submitted, rule_id=rule_id, decision="met",
                                         note="经核查其专利已实施")
    assert (decision.version, decision.decision, decision.decided_by) == (1, "met", officer)
    event = events(submitted, "decide_condition").get()
    assert event.to_state == "met" and event.data["rule_id"] == rule_id and event.reason == "经核查其专利已实施"
    # Changing one's mind updates the one decision and records the change.
    services.condition_decide(actor=officer, application=submitted, rule_id=rule_id, decision="not_met",
                              note="无实施证明")
    assert ConditionDecision.objects.get(application=submitted, rule_id=rule_id).decision == "not_met"
    assert events(submitted, "decide_condition").last().from_state == "met"


def test_condition_decide_not_met_needs_a_note(officer, submitted):
    with pytest.raises(ValidationError) as exc:
        services.condition_decide(actor=officer, application=submitted, rule_id=first_condition(submitted),
                                  decision="not_met", note=" ")
    assert "note" in exc.value.message_dict and not ConditionDecision.objects.exists()


def test_condition_decide_refuses_a_rule_that_needs_no_decision(officer, submitted):
    passing = next(r for r in submitted.verdict["results"] if r["outcome"] == "pass")
    with pytest.raises(ValidationError) as exc:
        services.condition_decide(actor=officer, application=submitted, rule_id=passing["rule_id"], decision="met")
    assert exc.value.code == "no_condition"


def test_condition_decide_wrong_state(officer, submitted):
    services.application_return(actor=officer, application=submitted, reason="补充")
    with pytest.raises(ValidationError) as exc:
        services.condition_decide(actor=officer, application=submitted, rule_id=first_condition(submitted),
                                  decision="met")
    assert exc.value.code == "wrong_state" and not ConditionDecision.objects.exists()


@pytest.mark.parametrize("role", ["applicant", "other_applicant", "reviewer"])
def test_condition_decide_wrong_role(request, submitted, role):
    with pytest.raises(PermissionDenied):
        services.condition_decide(actor=request.getfixturevalue(role), application=submitted,
                                  rule_id=first_condition(submitted), decision="met")
    assert not ConditionDecision.objects.exists()


# --- passing -------------------------------------------------------------------------------------


def test_pass_refused_until_every_condition_is_decided(officer, submitted):
    conditions = conditions_to_decide(submitted)
    for condition in conditions[:-1]:
        services.condition_decide(actor=officer, application=submitted, rule_id=int(condition["rule_id"]),
                                  decision="met")
    with pytest.raises(ValidationError) as exc:
        services.application_pass(actor=officer, application=submitted)
    assert exc.value.code == "undecided"
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED and not events(submitted, "pass")


def test_pass_refused_when_a_condition_is_not_met(officer, submitted):
    decide_all(officer, submitted)
    services.condition_decide(actor=officer, application=submitted, rule_id=first_condition(submitted),
                              decision="not_met", note="无证明")
    with pytest.raises(ValidationError) as exc:
        services.application_pass(actor=officer, application=submitted)
    assert exc.value.code == "not_met"
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_pass_puts_decisions_in_audit_version_and_pdf(officer, submitted, django_capture_on_commit_callbacks):
    decide_all(officer, submitted, note="经核查符合要求")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        passed = services.application_pass(actor=officer, application=submitted)
    assert passed.status == Status.PASSED and passed.pdf_status == PdfStatus.PENDING  # the PDF is prepared again
    assert callbacks  # queued on commit
    count = len(conditions_to_decide(submitted))
    assert len(events(passed, "pass").get().data["decisions"]) == count
    snapshot = passed.versions.get(number=1).snapshot
    assert [d["decision"] for d in snapshot["decisions"]] == ["met"] * count
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(application_pdf(passed))).pages)
    assert "经核查符合要求" in text and "符合" in text


def test_pass_wrong_state_and_wrong_role(officer, applicant, reviewer, submitted):
    decide_all(officer, submitted)
    for actor in (applicant, reviewer):
        with pytest.raises(PermissionDenied):
            services.application_pass(actor=actor, application=submitted)
    services.application_pass(actor=officer, application=submitted)
    with pytest.raises(ValidationError) as exc:
        services.application_pass(actor=officer, application=submitted)
    assert exc.value.code == "wrong_state"


def test_pass_view_asks_for_confirmation(client, officer, submitted):
    decide_all(officer, submitted)
    url = reverse("applications:decide", args=[submitted.pk, "pass"])
    response = login(client, officer).post(url, {})
    assert response.status_code == 200 and 'name="confirm"' in response.content.decode()
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert Application.objects.get(pk=submitted.pk).status == Status.PASSED


def test_pass_view_before_decisions_says_what_is_open(client, officer, submitted):
    response = login(client, officer).post(reverse("applications:decide", args=[submitted.pk, "pass"]),
                                           {"confirm": "on"}, follow=True)
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


# --- the condition view, per role -----------------------------------------------------------------


def test_decide_condition_view_officer_records(client, officer, submitted):
    rule_id = first_condition(submitted)
    response = login(client, officer).post(reverse("applications:decide_condition", args=[submitted.pk]),
                                           {"rule_id": rule_id, "decision": "met", "note": "符合"})
    assert response.status_code == 302
    assert ConditionDecision.objects.get(application=submitted, rule_id=rule_id).decided_by == officer


def test_decide_condition_view_bad_input_says_so(client, officer, submitted):
    response = login(client, officer).post(reverse("applications:decide_condition", args=[submitted.pk]),
                                           {"rule_id": first_condition(submitted), "decision": "not_met"})
    assert response.status_code == 200 and not ConditionDecision.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize("role", ["applicant", "other_applicant", "reviewer"])
def test_decide_condition_view_404_for_non_officers(client, request, submitted, role):
    response = login(client, request.getfixturevalue(role)).post(
        reverse("applications:decide_condition", args=[submitted.pk]),
        {"rule_id": first_condition(submitted), "decision": "met"})
    assert response.status_code == 404 and not ConditionDecision.objects.exists()


def test_decide_condition_view_anonymous_redirected(client, submitted):
    response = client.post(reverse("applications:decide_condition", args=[submitted.pk]), {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_decide_condition_view_admin_records(client, admin, submitted):
    login(client, admin).post(reverse("applications:decide_condition", args=[submitted.pk]),
                              {"rule_id": first_condition(submitted), "decision": "met"})
    assert ConditionDecision.objects.get(application=submitted).decided_by == admin


# --- the officer's page shows everything submitted ------------------------------------------------


def test_officer_page_shows_everything_submitted_as_at_submission(client, officer, applicant, ready_draft, nansha,
                                                                 org, django_capture_on_commit_callbacks):
    PatentFactory(organisation=org, number="ZL202110000001.X", title="一种固态电池电极")
    CertificationFactory(organisation=org, certificate_number="IPMS-777777")
    with django_capture_on_commit_callbacks(execute=False):
        submitted = services.application_submit(actor=applicant, application=ready_draft,
                                                data=valid_submission(nansha))
    # Later changes to the profile do not change what was submitted.
    FinancialYear.objects.filter(organisation=org).update(sales_revenue=Decimal("1"))
    org.patents.all().delete()
    body = login(client, officer).get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    for text in ("建设高价值专利培育布局中心。", "华南理工大学", "专利申请与代理费", "300,000.00",
                 "10,000,000.00", "ZL202110000001.X", "一种固态电池电极", "IPMS-777777", "申报书.pdf", DECLARATION):
        assert text in body, text
    for kpi in nansha.kpis.all():
        assert kpi.metric in body
    upload = submitted.uploads.get()
    assert reverse("applications:material_download", args=[submitted.pk, upload.pk]) in body
    # Each officer-judged condition has its 符合 / 不符合 form.
    assert body.count('name="rule_id"') == len(conditions_to_decide(submitted))


def test_applicant_page_shows_the_submission_but_no_decision_forms(client, applicant, submitted):
    body = login(client, applicant).get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert "建设高价值专利培育布局中心。" in body and 'name="rule_id"' not in body


# --- integrity declaration ------------------------------------------------------------------------


def test_submit_without_the_declaration_is_refused(applicant, ready_draft, nansha):
    data = valid_submission(nansha)
    data.declaration = ""
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=applicant, application=ready_draft, data=data)
    assert "declaration" in exc.value.message_dict
    assert Application.objects.get(pk=ready_draft.pk).status == Status.DRAFT


def test_submit_view_without_the_declaration_marks_it(client, applicant, ready_draft, nansha):
    data = {k: v for k, v in valid_draft(nansha).items() if k != "declaration"}
    response = login(client, applicant).post(reverse("applications:edit", args=[ready_draft.pk]),
                                             {**data, "action": "submit"})
    assert response.status_code == 200 and response.context["forms"].main.errors["declaration"]
    assert Application.objects.get(pk=ready_draft.pk).status == Status.DRAFT


def test_declaration_recorded_with_the_version(client, applicant, ready_draft, nansha):
    login(client, applicant).post(reverse("applications:edit", args=[ready_draft.pk]),
                                  {**valid_draft(nansha), "action": "submit"})
    from applications.forms import DECLARATION_TEXT

    version = ready_draft.versions.get()
    declaration = version.snapshot["declaration"]
    assert declaration["text"] == str(DECLARATION_TEXT) and declaration["by"] == applicant.username
    assert declaration["at"] == version.submitted_at.isoformat()


# --- version comparison --------------------------------------------------------------------------


@pytest.fixture
def two_versions(applicant, officer, submitted, nansha):
    services.application_return(actor=officer, application=submitted, reason="请修改")
    data = valid_submission(nansha)
    data.plan = "第一行不变\n" + "第二行修改后的内容\n" * 3 + "最后一行"
    data.requested_amount = Decimal("300000.00")
    data.title = "修订后的标题"
    first = submitted.versions.get(number=1)
    first.snapshot = {**first.snapshot, "plan": "第一行不变\n第二行原来的内容\n最后一行"}
    first.save()
    return services.application_resubmit(actor=applicant, application=submitted, data=data)


def test_version_changes_line_diff_of_long_texts(two_versions):
    v1, v2 = two_versions.versions.order_by("number")
    changes = {c["key"]: c for c in version_changes(two_versions, v1, v2)}
    lines = changes["plan"]["lines"]
    assert ("removed", "第二行原来的内容") in lines and ("added", "第二行修改后的内容") in lines
    assert ("same", "第一行不变") in lines
    assert changes["title"]["lines"] is None


def test_version_page_uses_labels_formatted_amounts_and_links_back(client, officer, two_versions):
    v1 = two_versions.versions.get(number=1)
    v1.snapshot = {**v1.snapshot, "requested_amount": "250000.00"}
    v1.save()
    body = login(client, officer).get(reverse("applications:versions", args=[two_versions.pk])).content.decode()
    assert "250,000.00" in body and "300,000.00" in body
    assert ">title<" not in body and ">requested_amount<" not in body
    assert "项目名称" in body or "Project title" in body
    assert reverse("applications:detail", args=[two_versions.pk]) in body
    assert "diff-removed" in body and "diff-added" in body


@pytest.mark.parametrize("role", ["other_applicant", "reviewer"])
def test_version_page_404_for_outsiders(client, request, two_versions, role):
    response = login(client, request.getfixturevalue(role)).get(
        reverse("applications:versions", args=[two_versions.pk]))
    assert response.status_code == 404


def test_version_page_for_the_applicant(client, applicant, two_versions):
    assert login(client, applicant).get(reverse("applications:versions", args=[two_versions.pk])).status_code == 200


# --- a second application to the same track ------------------------------------------------------


def test_start_page_warns_about_an_earlier_application(client, applicant, draft, nansha):
    body = login(client, applicant).get(reverse("applications:start", args=[nansha.pk])).content.decode()
    assert 'id="earlier-applications"' in body and draft.reference in body


def test_start_second_application_warns_after_start(client, applicant, draft, nansha, org):
    response = login(client, applicant).post(reverse("applications:start", args=[nansha.pk]),
                                             {"organisation": org.pk}, follow=True)
    assert Application.objects.filter(organisation=org, track=nansha).count() == 2
    shown = list(response.context["messages"])
    assert [m.level_tag for m in shown] == ["success", "warning"] and draft.reference in str(shown[1])


def test_start_page_no_warning_for_a_first_or_withdrawn_application(client, applicant, other_applicant, draft,
                                                                   nansha):
    make_org(other_applicant)
    body = login(client, other_applicant).get(reverse("applications:start", args=[nansha.pk])).content.decode()
    assert 'id="earlier-applications"' not in body  # another organisation's application is not shown
    Application.objects.filter(pk=draft.pk).update(status=Status.WITHDRAWN)  # withdrawn before drafts were deleted
    body = login(client, applicant).get(reverse("applications:start", args=[nansha.pk])).content.decode()
    assert 'id="earlier-applications"' not in body


# --- the PDF of the largest allowed application -----------------------------------------------------


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def plain_pages_html() -> str:
    """About eighteen A4 pages of Chinese paragraphs in the application book's font, size, line height and margins."""
    paragraph = "本项目围绕固态电池开展专利导航、高价值专利培育与运营，形成专利组合并推动转化实施。" * 12
    return ('<html><head><meta charset="utf-8"><style>@page { size: A4; margin: 22mm 20mm 24mm 20mm } html { '
            'font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; font-size: 10.5pt; '
            'line-height: 1.55 }</style></head><body>' + f"<p>{paragraph}</p>" * 60 + "</body></html>")


def test_pdf_of_the_largest_allowed_application_costs_per_page_what_plain_text_does(
        officer, applicant, ready_draft, nansha, django_capture_on_commit_callbacks):
    data = valid_submission(nansha)
    line = "本项目围绕固态电池开展专利导航、高价值专利培育与运营，形成专利组合并推动转化实施。"
    plan = line * (PLAN_MAX_CHARS // len(line) + 1)
    data.plan = "\n".join(plan[i:i + 300] for i in range(0, len(plan), 300))[:PLAN_MAX_CHARS]
    data.title = "高" * 200
    limit = services.row_limits(nansha)["partners"]
    data.partners = [services.PartnerData(name=f"合作单位{i}" * 10, org_type="university", uscc="9" * 18,
                                          role="任务" * 150) for i in range(limit)]
    data.budget = [services.BudgetData("专" * BUDGET_ITEM_MAX, "grant", Decimal("15000.00"))
                   for _ in range(MAX_BUDGET_LINES)]
    data.matching_funds, data.matching_committed = Decimal("0"), False
    with django_capture_on_commit_callbacks(execute=False):
        application = services.application_submit(actor=applicant, application=ready_draft, data=data)
    decide_all(officer, application, note="核" * CONDITION_NOTE_MAX)
    with django_capture_on_commit_callbacks(execute=False):
        services.application_pass(actor=officer, application=application)
    # Its seconds depend on the machine (the benchmark reports them against issue 17's goal); what the suite holds
    # on any machine is the cost of a page: no more than 1.6 times a page of plain paragraphs in the same font,
    # rendered alternately with it (CPU time; the best ratio of three). A layout that lays text out twice (a row
    # kept whole across a page break, a table measuring every cell) costs two to four times as much.
    application_pdf(application)  # fonts loaded once per process, as in a worker
    reference_html = plain_pages_html()
    html_to_pdf(reference_html)
    ratios = []
    for _ in range(3):
        start = time.process_time()
        pdf = application_pdf(application)
        book = time.process_time() - start
        start = time.process_time()
        reference = html_to_pdf(reference_html)
        plain = time.process_time() - start
        ratios.append((book / page_count(pdf)) / (plain / page_count(reference)))
    print(f"largest allowed application PDF: {book:.2f} s CPU for {page_count(pdf)} pages; per page "
          f"{min(ratios):.2f}× a page of plain text ({plain:.2f} s for {page_count(reference)} pages)")
    assert min(ratios) <= 1.6, ratios
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert data.plan[-20:].replace("\n", "") in text.replace("\n", "")


def test_check_page_asks_for_the_declaration_beside_submit(client, applicant, ready_draft, nansha):
    from applications.forms import DECLARATION_TEXT

    draft = {k: v for k, v in valid_draft(nansha).items() if k != "declaration"}
    services.application_save_draft(actor=applicant, application=ready_draft, data=draft)
    body = login(client, applicant).get(reverse("applications:check", args=[ready_draft.pk])).content.decode()
    assert 'value="submit"' in body and 'name="declaration"' in body and str(DECLARATION_TEXT)[:10] in body


def test_resubmission_asks_for_the_declaration_again(client, applicant, officer, submitted, nansha):
    assert "declaration" not in Application.objects.get(pk=submitted.pk).draft
    services.application_return(actor=officer, application=submitted, reason="请修改")
    body = login(client, applicant).get(reverse("applications:edit", args=[submitted.pk])).content.decode()
    assert 'name="declaration" id="id_declaration" checked' not in body
