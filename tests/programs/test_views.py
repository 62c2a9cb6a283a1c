import datetime as dt

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from audit.models import AuditEvent
from programs.models import Program

pytestmark = pytest.mark.django_db

NANSHA = "nansha-2024-high-value-patent-center"
YUEXIU = "yuexiu-2018-ip-operation-fund-plan"


def test_catalogue_lists_five_programs_in_chinese(client):
    response = client.get(reverse("programs:catalogue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "2024年度南沙区高价值专利培育布局中心" in body
    assert "5 个项目" in body or "共 5" in body or "5 programs" not in body
    assert len(response.context["page"]) == 5
    assert "筛选" in body  # the Chinese UI


def test_catalogue_in_english(client):
    client.cookies.load({"django_language": "en"})
    body = client.get(reverse("programs:catalogue")).content.decode()
    assert "5 programs" in body and "Filter" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"level": "district"}, {NANSHA, YUEXIU}),
        ({"year": "2022"}, {"fangchenggang-2022-ip-projects"}),
        ({"region": "440100"}, {NANSHA, YUEXIU}),
        ({"office": "gz-yuexiu"}, {YUEXIU}),
        ({"office": "qingyuan"}, {"qingyuan-2023-ip-reserve-projects"}),
        ({"region": "440000"}, {NANSHA, YUEXIU, "guangdong-2021-ip-cluster-centers",
                                "qingyuan-2023-ip-reserve-projects"}),
        # No guide states an application window (Nansha's 2024年6月—7月 is its start-up phase, not a window).
        ({"status": "closed"}, set()),
        ({"status": "unscheduled"}, {NANSHA, YUEXIU, "guangdong-2021-ip-cluster-centers",
                                     "qingyuan-2023-ip-reserve-projects", "fangchenggang-2022-ip-projects"}),
    ],
)
def test_catalogue_filters(client, query, expected):
    response = client.get(reverse("programs:catalogue"), query)
    assert {p.code for p in response.context["page"]} == expected


def test_catalogue_filter_by_office_offers_the_publishing_offices_and_refuses_others(client):
    response = client.get(reverse("programs:catalogue"), {"office": "gz"})  # publishes no program
    assert response.context["filter"].form.errors["office"]
    codes = {str(value) for value, _label in response.context["filter"].form.fields["office"].choices if value}
    assert codes == {"gd", "qingyuan", "gz-yuexiu", "gz-nansha", "fangchenggang"}
    assert "广州市南沙区市场监督管理局" in response.content.decode()


def test_catalogue_filter_by_applicant_type_includes_unrestricted_tracks(client):
    response = client.get(reverse("programs:catalogue"), {"applicant_type": "university"})
    codes = {p.code for p in response.context["page"]}
    # Yuexiu and Fangchenggang have tracks open to any type; Nansha is enterprises only.
    assert YUEXIU in codes and "fangchenggang-2022-ip-projects" in codes and NANSHA not in codes


def test_catalogue_status_follows_the_call_window(client):
    today = timezone.localdate()
    Program.objects.filter(code=YUEXIU).update(call_opens=today - dt.timedelta(days=1),
                                                call_closes=today + dt.timedelta(days=3))
    Program.objects.filter(code=NANSHA).update(call_opens=today + dt.timedelta(days=3),
                                                call_closes=today + dt.timedelta(days=9))
    response = client.get(reverse("programs:catalogue"), {"status": "open"})
    assert [p.code for p in response.context["page"]] == [YUEXIU]
    response = client.get(reverse("programs:catalogue"), {"status": "upcoming"})
    assert [p.code for p in response.context["page"]] == [NANSHA]


def test_catalogue_query_count_is_fixed(client, django_assert_num_queries, django_assert_max_num_queries):
    Program.objects.exclude(code=NANSHA).delete()
    with django_assert_max_num_queries(10) as one:
        client.get(reverse("programs:catalogue"))
    from django.core.management import call_command

    from tests.conftest import FIXTURES

    call_command("loaddata", *FIXTURES, verbosity=0)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("programs:catalogue"))
    assert len(response.context["page"]) == 5


def test_program_page_shows_tracks_amounts_and_window(client):
    response = client.get(reverse("programs:program", args=[YUEXIU]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "支持高价值专利(组合)创造及运用项目" in body
    assert "170 万元" in body and "1,000 万元" in body
    assert "不超过 10" in body or "最多 10" in body


def test_program_page_in_english(client):
    client.cookies.load({"django_language": "en"})
    body = client.get(reverse("programs:program", args=[YUEXIU])).content.decode()
    assert "Tracks" in body and "CNY 1,700,000" in body and "up to 10" in body


def test_program_page_unknown_program_404(client):
    assert client.get(reverse("programs:program", args=["no-such-guide"])).status_code == 404


def test_track_page_shows_kpis_rules_tranches_and_rubric(client):
    response = client.get(reverse("programs:track", args=[NANSHA, "1"]))
    body = response.content.decode()
    assert "≥ 15" in body and "件" in body  # the invention-patent portfolio KPI
    assert "近三年研发投入占销售收入的比例原则上不低于3%" in body
    assert "在与项目承担单位签订合同后预先支付50%" not in body or "50 %" in body
    assert "15 万元" in body  # each tranche of 300k at 50/50
    assert "平台默认评审细则" in body  # labelled as the portal's own
    assert "最多 2 家合作单位" in body


def test_track_page_in_english(client):
    client.cookies.load({"django_language": "en"})
    body = client.get(reverse("programs:track", args=[NANSHA, "1"])).content.decode()
    assert "Performance targets (KPIs)" in body and "Tranche plan" in body and "at most 2 partners" in body


def test_track_page_for_track_without_amount_says_not_stated(client):
    body = client.get(reverse("programs:track", args=["fangchenggang-2022-ip-projects", "1"])).content.decode()
    assert "指南未载明" in body


def test_track_page_unknown_track_404(client):
    assert client.get(reverse("programs:track", args=[NANSHA, "99"])).status_code == 404


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_call_window_hidden_from_non_officers(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("programs:call_window", args=[NANSHA])).status_code == 404


def test_call_window_anonymous_redirects_to_login(client):
    response = client.get(reverse("programs:call_window", args=[NANSHA]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_call_window_officer_opens_a_call_and_it_is_audited(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    today = timezone.localdate()
    response = client.post(
        reverse("programs:call_window", args=[NANSHA]),
        {"opens": today.isoformat(), "closes": (today + dt.timedelta(days=30)).isoformat(), "reason": "2025 call"},
    )
    assert response.status_code == 302
    program = Program.objects.get(code=NANSHA)
    assert program.call_opens == today
    event = AuditEvent.objects.get(action="set_call_window", object_id=str(program.pk))
    assert event.actor == user and event.reason == "2025 call" and event.from_state == "–"  # no window before


def test_call_window_refuses_closing_before_opening(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("programs:call_window", args=[NANSHA]), {"opens": "2026-12-10", "closes": "2026-12-01"}
    )
    assert response.status_code == 200
    assert "截止日期" in response.content.decode() or "close on or after" in response.content.decode()
    assert Program.objects.get(code=NANSHA).call_opens is None


@pytest.mark.parametrize("role", ["applicant", "other_applicant", "reviewer", "officer", "admin"])
@pytest.mark.parametrize(
    "url",
    [reverse_lazy("programs:catalogue"), reverse_lazy("programs:program", args=[NANSHA]),
     reverse_lazy("programs:track", args=[NANSHA, "1"])],
)
def test_program_pages_are_public_for_every_role(client, request, role, url):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url)
    assert response.status_code == 200
    assert "高价值专利培育布局中心建设" in response.content.decode()
