"""The officer's condition judgements as officers and applicants read them: after a return and resubmission the
previous version's judgement is offered for the officer to confirm or change; the eligibility table shows a
judgement once made; the applicant is told what the officer will do, not given the officer's instruction."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications import services
from applications.models import ConditionDecision
from applications.selectors import conditions_to_decide, conditions_with_decisions
from organisations.models import FinancialYear

from .conftest import decide_all, valid_submission

pytestmark = pytest.mark.django_db

OFFICER_INSTRUCTION = "通过形式审查前，请逐条判定。"
APPLICANT_WORDS = "项目主管将在形式审查中逐条判定。"


def page(client, user, application) -> str:
    client.force_login(user)
    return client.get(reverse("applications:detail", args=[application.pk])).content.decode()


def condition_card(body: str, rule_id: int) -> str:
    match = re.search(rf'<div class="card mb-2 condition" data-rule="{rule_id}">.*?</form>', body, re.S)
    assert match, f"no card for rule {rule_id}"
    return match.group(0)


def table_row(body: str, rule_id: int) -> str:
    match = re.search(rf'<tr id="rule-{rule_id}".*?</tr>', body, re.S)
    assert match, f"no row for rule {rule_id}"
    return match.group(0)


@pytest.fixture
def resubmitted(applicant, officer, submitted, nansha):
    """Version 1 judged (the first condition not met, the others met), returned, resubmitted as version 2."""
    decide_all(officer, submitted, note="经核查符合")
    first = int(conditions_to_decide(submitted)[0]["rule_id"])
    services.condition_decide(actor=officer, application=submitted, rule_id=first, decision="not_met",
                              note="缺少实施证明")
    services.application_return(actor=officer, application=submitted, reason="请补充实施证明")
    return services.application_resubmit(actor=applicant, application=submitted, data=valid_submission(nansha))


def test_conditions_with_decisions_offers_the_previous_versions_judgement(resubmitted):
    rows = conditions_with_decisions(resubmitted)
    assert rows and all(decision is None for _result, decision in rows)  # version 2 is not judged yet
    previous = [result["previous"] for result, _decision in rows]
    assert all(p is not None and p.version == 1 for p in previous)
    assert [p.decision for p in previous] == ["not_met"] + ["met"] * (len(rows) - 1)
    assert previous[0].note == "缺少实施证明"


def test_officer_page_prefills_the_previous_judgement_marked_as_such(client, officer, resubmitted):
    body = page(client, officer, resubmitted)
    first, *others = [int(c["rule_id"]) for c in conditions_to_decide(resubmitted)]
    card = condition_card(body, first)
    assert "第 1 版的判定" in card and "请确认或修改" in card
    assert re.search(r'value="not_met" id="c\d+-not_met" checked', card)  # pre-filled, not recorded
    assert "缺少实施证明</textarea>" in card and ">确认</button>" in card
    for rule_id in others:
        assert re.search(r'value="met" id="c\d+-met" checked', condition_card(body, rule_id))
    assert not ConditionDecision.objects.filter(application=resubmitted, version=2).exists()


def test_confirming_the_previous_judgement_records_it_for_the_new_version(client, officer, resubmitted):
    rule_id = int(conditions_to_decide(resubmitted)[1]["rule_id"])
    client.force_login(officer)
    client.post(reverse("applications:decide_condition", args=[resubmitted.pk]),
                {"rule_id": rule_id, "decision": "met", "note": "经核查符合"})
    decision = ConditionDecision.objects.get(application=resubmitted, version=2, rule_id=rule_id)
    assert decision.decision == "met"
    card = condition_card(page(client, officer, resubmitted), rule_id)
    assert "第 1 版的判定" not in card and ">修改</button>" in card


def test_a_first_version_has_no_previous_judgement(client, officer, submitted):
    assert all(result["previous"] is None for result, _decision in conditions_with_decisions(submitted))
    assert "第 1 版的判定" not in page(client, officer, submitted)


def test_eligibility_table_shows_the_judgement_once_made(client, officer, applicant, submitted):
    first, second, *_rest = [int(c["rule_id"]) for c in conditions_to_decide(submitted)]
    services.condition_decide(actor=officer, application=submitted, rule_id=first, decision="met", note="")
    services.condition_decide(actor=officer, application=submitted, rule_id=second, decision="not_met",
                              note="无证明")
    for user in (officer, applicant):
        body = page(client, user, submitted)
        assert "项目主管判定：符合" in table_row(body, first) and "项目主管判定：不符合" in table_row(body, second)
        for rule_id in (first, second):
            assert ">项目主管判定<" not in table_row(body, rule_id).replace("</i> ", ">")
    # A condition not yet judged still says the officer decides.
    for rule_id in [int(c["rule_id"]) for c in conditions_to_decide(submitted)][2:]:
        assert "项目主管判定：" not in table_row(body, rule_id)


def test_applicant_page_says_what_the_officer_will_do(client, officer, applicant, submitted):
    applicant_body = page(client, applicant, submitted)
    assert OFFICER_INSTRUCTION not in applicant_body and APPLICANT_WORDS in applicant_body
    officer_body = page(client, officer, submitted)
    assert OFFICER_INSTRUCTION in officer_body and APPLICANT_WORDS not in officer_body


def test_previous_judgement_of_a_soft_condition_says_when_the_explanation_changed(client, applicant, officer, org,
                                                                                  ready_draft, nansha):
    rule = nansha.rules.get(kind="rd_intensity")
    nansha.rules.filter(pk=rule.pk).update(soft=True)
    FinancialYear.objects.filter(organisation=org).update(rd_spend=Decimal("290000"))  # 2.9 %: not met
    data = valid_submission(nansha)
    data.explanations = {rule.pk: "2025年研发投入已达4%"}
    application = services.application_submit(actor=applicant, application=ready_draft, data=data)
    decide_all(officer, application)
    services.application_return(actor=officer, application=application, reason="请说明")
    application = services.application_resubmit(actor=applicant, application=application, data=data)  # the same
    (soft,) = [result for result, _d in conditions_with_decisions(application) if result["rule_id"] == rule.pk]
    assert soft["previous"].version == 1 and not soft["explanation_changed"]
    decide_all(officer, application)
    services.application_return(actor=officer, application=application, reason="请补充")
    data.explanations = {rule.pk: "2026年研发投入预计达5%，附审计报告"}
    application = services.application_resubmit(actor=applicant, application=application, data=data)
    (soft,) = [result for result, _d in conditions_with_decisions(application) if result["rule_id"] == rule.pk]
    assert soft["previous"].version == 2 and soft["explanation_changed"]
    assert "申报单位的说明在该判定之后有修改。" in condition_card(page(client, officer, application), rule.pk)
