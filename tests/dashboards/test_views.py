import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import TRANSITIONS, Application, Status
from audit.models import AuditEvent
from notifications.services import notify
from programs.models import Program, Track
from tests.applications.conftest import decide_all, make_org, valid_submission

pytestmark = pytest.mark.django_db

ROLES = ["applicant", "reviewer", "officer", "admin"]
PAGES = {"applicant": "dashboards:applicant", "reviewer": "dashboards:reviewer", "officer": "dashboards:officer",
         "admin": "dashboards:admin"}


@pytest.mark.parametrize("role", ROLES)
def test_home_sends_each_role_to_its_dashboard(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(PAGES[role]) and response.status_code == 200


@pytest.mark.parametrize(("page", "allowed"), [
    ("applicant", {"applicant"}), ("reviewer", {"reviewer"}), ("officer", {"officer", "admin"}), ("admin", {"admin"}),
])
def test_each_dashboard_is_404_for_other_roles(client, request, page, allowed):
    for role in ROLES:
        client.force_login(request.getfixturevalue(role))
        assert client.get(reverse(PAGES[page])).status_code == (200 if role in allowed else 404), role


def test_dashboard_anonymous_is_sent_to_sign_in(client):
    assert reverse("accounts:login") in client.get(reverse("dashboards:officer"))["Location"]


# --- applicant -------------------------------------------------------------------------------------


def test_applicant_dashboard_next_action_and_deadline(client, applicant, other_applicant, other_org, draft,
                                                      nansha):
    theirs = services.application_start(actor=other_applicant, track=nansha, organisation=other_org)
    client.force_login(applicant)
    response = client.get(reverse("dashboards:applicant"))
    rows = response.context["rows"]
    assert [a.pk for a, _ in rows] == [draft.pk]  # never another organisation's
    action = rows[0][1]
    assert action.edit and action.deadline == nansha.program.call_closes
    body = response.content.decode()
    assert theirs.reference not in body and reverse("applications:edit", args=[draft.pk]) in body
    assert nansha.program.call_closes.strftime("%Y-%m-%d") in body


def test_applicant_dashboard_states(client, applicant, officer, submitted):
    client.force_login(applicant)
    [(_, action)] = client.get(reverse("dashboards:applicant")).context["rows"]
    assert not action.edit and action.deadline is None  # waits for formal review
    services.application_return(actor=officer, application=submitted, reason="补充")
    [(_, action)] = client.get(reverse("dashboards:applicant")).context["rows"]
    assert action.edit and action.label == TRANSITIONS["resubmit"].label
    services.application_withdraw(actor=applicant, application=submitted)
    [(_, action)] = client.get(reverse("dashboards:applicant")).context["rows"]
    assert action is None


def test_applicant_dashboard_shows_unread_notifications(client, applicant, officer, submitted):
    services.application_return(actor=officer, application=submitted, reason="补充")
    client.force_login(applicant)
    body = client.get(reverse("dashboards:applicant")).content.decode()
    assert f"申报 {submitted.reference} 已退回修改" in body


def test_applicant_dashboard_constant_queries(client, applicant, org, draft, nansha, django_assert_num_queries):
    client.force_login(applicant)
    # session, user, the page's rows (cut on ids; track, program, organisation joined; the count a subquery),
    # projects (none: no more queries), unread list (the header's count a subquery)
    with django_assert_num_queries(5):
        client.get(reverse("dashboards:applicant"))
    for _ in range(25):
        application = services.application_start(actor=applicant, track=nansha, organisation=org)
        notify(recipient=applicant, kind="applications.passed", target=application, reference="x", title="y")
    with django_assert_num_queries(5):
        response = client.get(reverse("dashboards:applicant"))
    assert len(response.context["rows"]) == 20 and response.context["page"].paginator.count == 26
    assert 'id="inbox-unread">25<' in response.content.decode()  # the header shows the count the list read


# --- reviewer --------------------------------------------------------------------------------------


def test_reviewer_dashboard_empty_state(client, reviewer):
    client.force_login(reviewer)
    body = client.get(reverse("dashboards:reviewer")).content.decode()
    assert 'id="assignments"' in body and "暂无评审任务" in body


# --- officer ---------------------------------------------------------------------------------------


def _submit_for(user, track, n: int) -> list[Application]:
    org = make_org(user)
    out = []
    for _ in range(n):
        application = services.application_start(actor=user, track=track, organisation=org)
        from tests.applications.conftest import pdf_upload, valid_draft

        services.application_save_draft(actor=user, application=application, data=valid_draft(track))
        services.material_upload(actor=user, application=application, material=track.materials.get(seq=1),
                                 uploaded_file=pdf_upload())
        out.append(services.application_submit(actor=user, application=application, data=valid_submission(track)))
    return out


def test_officer_dashboard_counts_and_funnel(client, officer, applicant, draft, nansha, other_applicant):
    returned, passed, refused, waiting = _submit_for(other_applicant, nansha, 4)
    services.application_return(actor=officer, application=returned, reason="补充")
    decide_all(officer, passed)
    services.application_pass(actor=officer, application=passed)
    services.application_refuse(actor=officer, application=refused, reason="不符")
    client.force_login(officer)
    response = client.get(reverse("dashboards:officer"))
    counts = {state: n for state, _label, n in response.context["queue"]}
    assert counts == {Status.SUBMITTED: 1, Status.RETURNED: 1, Status.PASSED: 1, Status.REFUSED: 1,
                      Status.WITHDRAWN: 0}
    row = next(r for r in response.context["funnel"] if r.program.pk == nansha.program_id)
    assert row.cells == [1, 1, 1, 1, 1, 0, 0, 0] and row.total == sum(row.cells) == 5  # the draft counted
    others = [r for r in response.context["funnel"] if r.program.pk != nansha.program_id]
    assert all(r.total == 0 for r in others) and len(others) == Program.objects.count() - 1
    body = response.content.decode()
    assert "vendor/chart.js/chart.umd.min.js" in body and 'id="funnel-data"' in body
    assert draft.reference not in body
    nansha_series = {s["state"]: s["data"] for s in response.context["chart"]["series"]}
    index = [r.program.pk for r in response.context["funnel"]].index(nansha.program_id)
    assert nansha_series["passed"][index] == 1


def test_officer_dashboard_constant_queries(client, officer, other_applicant, nansha, django_assert_num_queries):
    _submit_for(other_applicant, nansha, 1)
    client.force_login(officer)
    # session, user, queue counts, round counts, project counts (one aggregate each), funnel (one GROUP BY, one program
    # list), tranches due, reports waiting, money per program (programs, one GROUP BY over tranches), projects reporting
    # KPIs (none: no more queries), unread list (the header's count a subquery)
    with django_assert_num_queries(13):
        client.get(reverse("dashboards:officer"))
    other = Track.objects.exclude(program=nansha.program).select_related("program").first()
    _submit_for(other_applicant, nansha, 5)
    Application.objects.create(reference="X-1", track=other, organisation=make_org(other_applicant),
                               created_by=other_applicant)
    with django_assert_num_queries(13):
        client.get(reverse("dashboards:officer"))


def test_chart_library_is_served_locally(client):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/chart.js/chart.umd.min.js") and finders.find("js/funnel-chart.js")


# --- admin -----------------------------------------------------------------------------------------


def test_admin_dashboard_guides_roles_and_audit(client, admin, applicant, officer, reviewer, submitted):
    client.force_login(admin)
    response = client.get(reverse("dashboards:admin"))
    guides = {p.code: p.track_count for p in response.context["guides"]}
    assert guides["nansha-2024-high-value-patent-center"] == Track.objects.filter(
        program__code="nansha-2024-high-value-patent-center").count()
    assert len(guides) == Program.objects.count()
    roles = {role: n for role, _label, n in response.context["roles"]}
    assert roles == {"applicant": 1, "reviewer": 1, "officer": 1, "admin": 1}
    assert response.context["page"].paginator.count == AuditEvent.objects.count()


def test_admin_dashboard_audit_search_by_object_actor_and_date(client, admin, officer, applicant, submitted,
                                                               other_applicant, nansha):
    [other] = _submit_for(other_applicant, nansha, 1)
    services.application_return(actor=officer, application=submitted, reason="补充")
    client.force_login(admin)
    url = reverse("dashboards:admin")
    by_ref = client.get(url, {"object": submitted.reference}).context["page"]
    assert by_ref.paginator.count > 0 and {e.object_id for e in by_ref} == {str(submitted.pk)}
    by_actor = client.get(url, {"actor": officer.username}).context["page"]
    assert [(e.action, e.actor_id) for e in by_actor] == [("return", officer.pk)]
    today = timezone.localdate()
    assert client.get(url, {"date_from": today, "date_to": today}).context["page"].paginator.count == \
        AuditEvent.objects.count()
    tomorrow = today + dt.timedelta(days=1)
    assert client.get(url, {"date_from": tomorrow}).context["page"].paginator.count == 0
    by_id = client.get(url, {"object": str(other.pk), "actor": other_applicant.username}).context["page"]
    assert {e.object_id for e in by_id} == {str(other.pk)}


def test_admin_dashboard_audit_bad_input_names_the_field(client, admin, submitted):
    client.force_login(admin)
    today = timezone.localdate()
    response = client.get(reverse("dashboards:admin"), {"date_from": today, "date_to": today - dt.timedelta(days=1)})
    assert "date_to" in response.context["form"].errors and response.context["page"].paginator.count == 0
    response = client.get(reverse("dashboards:admin"), {"object": "NO-SUCH-REF"})
    assert "object" in response.context["form"].errors
    response = client.get(reverse("dashboards:admin"), {"date_from": "2025-13-45"})
    assert "date_from" in response.context["form"].errors


def test_admin_dashboard_constant_queries(client, admin, officer, other_applicant, nansha, django_assert_num_queries):
    client.force_login(admin)
    _submit_for(other_applicant, nansha, 1)
    # session, user, guides, users per role, object types and offices (search form), audit count and page, the
    # calendar's last known year, header count
    with django_assert_num_queries(10):
        client.get(reverse("dashboards:admin"))
    for application in _submit_for(other_applicant, nansha, 10):
        services.application_return(actor=officer, application=application, reason="补充")
    assert AuditEvent.objects.count() > 25
    with django_assert_num_queries(10):
        assert len(client.get(reverse("dashboards:admin")).context["page"].object_list) == 25


def test_applicant_dashboard_approved_application_points_to_the_project(client, officer, applicant, org):
    from dashboards.selectors import WAITING
    from tests.milestones.conftest import open_project

    project = open_project(officer, organisation=org)
    client.force_login(applicant)
    response = client.get(reverse("dashboards:applicant"))
    [(application, action)] = response.context["rows"]
    assert application.status == Status.APPROVED and action.label == WAITING[Status.APPROVED]
    assert not action.edit and action.deadline is None
    assert [p.pk for p, _ in response.context["projects"]] == [project.pk]
