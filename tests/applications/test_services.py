import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.models import Application, ApplicationVersion, PdfStatus, Status
from audit.models import AuditEvent
from organisations.models import FinancialYear, Organisation
from programs.models import Program

from .conftest import decide_all, make_org, open_call, pdf_upload, valid_submission

pytestmark = pytest.mark.django_db


def events(application, action):
    return AuditEvent.objects.filter(object_id=str(application.pk), action=action)


# --- start and reference numbers --------------------------------------------------------------


def test_application_start_gives_readable_sequential_references(applicant, org, nansha):
    first = services.application_start(actor=applicant, track=nansha, organisation=org)
    second = services.application_start(actor=applicant, track=nansha, organisation=org)
    assert first.reference == "NS2024-01-0001" and second.reference == "NS2024-01-0002"
    assert first.status == Status.DRAFT and events(first, "start").get().actor == applicant


def test_application_start_refused_when_call_closed(applicant, org, nansha):
    Program.objects.filter(pk=nansha.program_id).update(call_opens=dt.date(2024, 6, 1),
                                                         call_closes=dt.date(2024, 7, 31))
    nansha.program.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.application_start(actor=applicant, track=nansha, organisation=org)
    assert exc.value.code == "call_closed"
    assert not Application.objects.exists()


def test_application_start_refused_for_another_organisation(other_applicant, org, nansha):
    with pytest.raises(PermissionDenied):
        services.application_start(actor=other_applicant, track=nansha, organisation=org)


@pytest.mark.parametrize("role", ["reviewer", "officer"])
def test_application_start_refused_for_wrong_role(request, role, org, nansha):
    with pytest.raises(PermissionDenied):
        services.application_start(actor=request.getfixturevalue(role), track=nansha, organisation=org)


# --- drafts -----------------------------------------------------------------------------------


def test_application_save_draft_keeps_invalid_input_exactly(applicant, draft):
    data = dict(draft.draft, requested_amount="30万", title="新的标题")
    saved = services.application_save_draft(actor=applicant, application=draft, data=data)
    saved.refresh_from_db()
    assert saved.draft["requested_amount"] == "30万"
    assert saved.requested_amount is None and saved.title == "新的标题"


def test_application_save_draft_refused_for_other_applicant(other_applicant, draft):
    with pytest.raises(PermissionDenied):
        services.application_save_draft(actor=other_applicant, application=draft, data={"title": "x"})
    draft.refresh_from_db()
    assert draft.title == "南沙新能源电池高价值专利组合培育"


# --- submit -----------------------------------------------------------------------------------


def test_application_submit_stores_verdict_version_rows_and_audit(applicant, submitted, nansha):
    app = Application.objects.get(pk=submitted.pk)
    assert app.status == Status.SUBMITTED and app.version == 1
    assert app.verdict["overall"] == app.verdict_overall == "officer"  # Nansha has officer-judged rules
    assert {r["kind"] for r in app.verdict["results"]} >= {"rd_intensity", "ip_spend_share", "region"}
    assert app.requested_amount == Decimal("300000.00") and app.pdf_status == PdfStatus.PENDING
    assert app.partners.get().name == "华南理工大学"
    assert app.kpi_commitments.count() == nansha.kpis.count()
    assert sum(b.amount for b in app.budget_lines.all()) == Decimal("400000.00")
    version = ApplicationVersion.objects.get(application=app)
    assert version.snapshot["title"] == "南沙新能源电池高价值专利组合培育"
    event = events(app, "submit").get()
    assert (event.actor, event.from_state, event.to_state) == (applicant, "draft", "submitted")


def test_application_submit_queues_the_pdf_on_commit(applicant, ready_draft, nansha, settings,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        app = services.application_submit(actor=applicant, application=ready_draft, data=valid_submission(nansha))
    # The PDF first, then the confirmation email to the organisation's member (notifications).
    assert len(callbacks) == 2 and app.pdf_status == PdfStatus.PENDING
    if settings.CELERY_TASK_ALWAYS_EAGER:
        callbacks[0]()  # the embedded default runs the task at once
        app.refresh_from_db()
        assert app.pdf_status == PdfStatus.READY and app.pdf_file.name.endswith(".pdf")
    else:  # a real broker: the message is in Redis, addressed to the PDF task, for this application
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        before = client.llen("celery")
        callbacks[0]()
        messages = [json.loads(m) for m in client.lrange("celery", 0, -1)]
        assert client.llen("celery") == before + 1
        assert any(m["headers"]["task"] == "applications.generate_application_pdf"
                   and f"'application_id': {app.pk}" in m["headers"]["kwargsrepr"] for m in messages)


def test_application_submit_twice_refused(applicant, submitted, nansha):
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=applicant, application=submitted, data=valid_submission(nansha))
    assert exc.value.code == "already_submitted"
    assert Application.objects.get(pk=submitted.pk).version == 1


def test_application_submit_refused_when_a_hard_rule_fails(applicant, ready_draft, nansha, org):
    # Registered in Yuexiu, not Nansha: "南沙区企业" is a hard condition.
    Organisation.objects.filter(pk=org.pk).update(region_id="440104")
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=applicant, application=ready_draft, data=valid_submission(nansha))
    assert "__all__" in exc.value.message_dict
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.DRAFT and ready_draft.version == 0
    assert ready_draft.draft["title"]  # nothing typed is lost


def test_application_submit_with_failed_soft_rule_needs_an_explanation(applicant, ready_draft, nansha, org):
    FinancialYear.objects.filter(organisation=org).update(rd_spend=Decimal("210000"))
    rule = nansha.rules.get(kind="rd_intensity")
    assert rule.soft  # 原则上不低于3%
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=applicant, application=ready_draft, data=valid_submission(nansha))
    assert list(exc.value.message_dict) == [f"explain-{rule.pk}"]
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.DRAFT and ready_draft.version == 0

    data = valid_submission(nansha)
    data.explanations = {rule.pk: "研发投入集中在2025年，比例正在提高"}
    app = services.application_submit(actor=applicant, application=ready_draft, data=data)
    assert app.status == Status.SUBMITTED and app.verdict_overall == "soft_fail"
    assert app.explanations == {str(rule.pk): "研发投入集中在2025年，比例正在提高"}
    (result,) = [r for r in app.verdict["results"] if r["rule_id"] == rule.pk]
    assert result["outcome"] == "fail" and result["soft"] is True
    assert app.versions.get().snapshot["explanations"] == app.explanations


def test_application_submit_refused_outside_call_window(applicant, ready_draft, nansha):
    Program.objects.filter(pk=nansha.program_id).update(call_opens=dt.date(2024, 6, 1),
                                                         call_closes=dt.date(2024, 7, 31))
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=applicant, application=ready_draft, data=valid_submission(nansha))
    assert exc.value.code == "call_closed"
    assert Application.objects.get(pk=ready_draft.pk).status == Status.DRAFT


@pytest.mark.parametrize("role", ["other_applicant", "officer", "reviewer"])
def test_application_submit_refused_for_wrong_actor(request, role, ready_draft, nansha):
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=request.getfixturevalue(role), application=ready_draft,
                                    data=valid_submission(nansha))
    assert Application.objects.get(pk=ready_draft.pk).status == Status.DRAFT


def test_submission_problems_name_each_field(draft, nansha):
    data = valid_submission(nansha)
    kpi = nansha.kpis.filter(qualitative=False).first()
    data.kpis[kpi.pk] = (kpi.target - 1, "")
    data.requested_amount = Decimal("400000")
    data.partners = data.partners * 3
    data.matching_committed = False
    problems = services.submission_problems(draft, data)
    assert set(problems) >= {f"kpi_{kpi.pk}", "requested_amount", "partners", "matching_committed", "budget",
                             "materials"}


# --- officer steps ----------------------------------------------------------------------------


def test_application_return_then_resubmit_keeps_both_versions(applicant, officer, submitted, nansha):
    returned = services.application_return(actor=officer, application=submitted, reason="请补充合作协议")
    assert returned.status == Status.RETURNED and returned.last_comment == "请补充合作协议"
    assert events(returned, "return").get().reason == "请补充合作协议"
    data = valid_submission(nansha)
    data.title = "修改后的标题"
    again = services.application_resubmit(actor=applicant, application=returned, data=data)
    assert again.status == Status.SUBMITTED and again.version == 2
    assert [v.snapshot["title"] for v in again.versions.order_by("number")] == [
        "南沙新能源电池高价值专利组合培育", "修改后的标题"]
    from applications.selectors import version_changes

    v1, v2 = again.versions.order_by("number")
    changes = {c["key"]: c for c in version_changes(again, v1, v2)}
    assert changes["title"]["before"] == "南沙新能源电池高价值专利组合培育"
    assert changes["title"]["after"] == "修改后的标题"


def test_application_return_needs_a_reason(officer, submitted):
    with pytest.raises(ValidationError):
        services.application_return(actor=officer, application=submitted, reason="  ")
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_application_pass_and_refuse(officer, admin, submitted, applicant, org, nansha):
    decide_all(officer, submitted)
    passed = services.application_pass(actor=officer, application=submitted)
    assert passed.status == Status.PASSED and events(passed, "pass").get().actor == officer
    with pytest.raises(ValidationError):
        services.application_pass(actor=officer, application=passed)  # twice
    other = services.application_start(actor=applicant, track=nansha, organisation=org)
    with pytest.raises(ValidationError):
        services.application_refuse(actor=admin, application=other, reason="不符合")  # wrong state: draft


@pytest.mark.parametrize("step", ["application_return", "application_pass", "application_refuse"])
@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_officer_steps_refused_for_wrong_role(request, submitted, step, role):
    with pytest.raises(PermissionDenied):
        getattr(services, step)(actor=request.getfixturevalue(role), application=submitted, reason="x")
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert not AuditEvent.objects.filter(object_id=str(submitted.pk), action=step.split("_")[1]).exists()


def test_application_refuse_records_reason(officer, submitted):
    refused = services.application_refuse(actor=officer, application=submitted, reason="非南沙区企业")
    event = events(refused, "refuse").get()
    assert (refused.status, event.reason, event.from_state) == (Status.REFUSED, "非南沙区企业", "submitted")


# --- withdraw ---------------------------------------------------------------------------------


def test_application_withdraw_before_approval(applicant, submitted):
    application = submitted  # a never-submitted draft is deleted instead (test_draft_delete.py)
    withdrawn = services.application_withdraw(actor=applicant, application=application, reason="改报其他项目")
    assert withdrawn.status == Status.WITHDRAWN
    assert events(withdrawn, "withdraw").get().reason == "改报其他项目"
    with pytest.raises(ValidationError):
        services.application_withdraw(actor=applicant, application=withdrawn)


def test_application_withdraw_refused_for_officer_and_other_applicant(officer, other_applicant, draft):
    for actor in (officer, other_applicant):
        with pytest.raises(PermissionDenied):
            services.application_withdraw(actor=actor, application=draft)
    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT


# --- materials --------------------------------------------------------------------------------


def test_material_upload_stores_privately_with_hash(applicant, draft, nansha, settings):
    upload = services.material_upload(actor=applicant, application=draft, material=nansha.materials.get(seq=1),
                                      uploaded_file=pdf_upload())
    assert upload.size > 0 and len(upload.sha256) == 64 and upload.content_type == "application/pdf"
    assert str(settings.PRIVATE_MEDIA_ROOT) in upload.file.path


@pytest.mark.parametrize(
    ("name", "content"),
    [("virus.exe", b"MZ\x90\x00"), ("renamed.pdf", b"MZ\x90\x00 not a pdf"), ("empty.pdf", b"")],
)
def test_material_upload_refuses_wrong_type(applicant, draft, nansha, name, content):
    with pytest.raises(ValidationError):
        services.material_upload(actor=applicant, application=draft, material=nansha.materials.get(seq=1),
                                 uploaded_file=SimpleUploadedFile(name, content))
    assert not draft.uploads.exists()


def test_material_upload_refuses_oversize(applicant, draft, nansha, monkeypatch):
    from applications import inputs

    monkeypatch.setattr(inputs, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(ValidationError) as exc:
        services.material_upload(actor=applicant, application=draft, material=nansha.materials.get(seq=1),
                                 uploaded_file=pdf_upload())
    assert "申报书.pdf" in str(exc.value)
    assert not draft.uploads.exists()


def test_material_upload_refused_after_submission(applicant, submitted, nansha):
    with pytest.raises(ValidationError):
        services.material_upload(actor=applicant, application=submitted, material=nansha.materials.get(seq=1),
                                 uploaded_file=pdf_upload())


def test_application_lists_are_per_organisation(applicant, other_applicant, draft, other_org, nansha):
    from applications.selectors import applications_visible_to

    theirs = services.application_start(actor=other_applicant, track=nansha, organisation=other_org)
    assert list(applications_visible_to(applicant)) == [draft]
    assert list(applications_visible_to(other_applicant)) == [theirs]


def test_make_org_helper_is_eligible_for_nansha(applicant, nansha):
    org = make_org(applicant, name="x公司")
    open_call(nansha.program)
    from django.utils import timezone

    from applications.eligibility import evaluate, facts_for

    verdict = evaluate(nansha.rules.all(), facts_for(organisation_id=org.pk, requested_amount=Decimal("300000"),
                                                     matching_funds=Decimal("0"), partner_count=1,
                                                     on=timezone.localdate()))
    assert verdict.overall == "officer"
