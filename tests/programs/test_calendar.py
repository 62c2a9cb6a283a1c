"""The PRC working calendar the office keeps: the years chinese-calendar knows, a year's schedule entered from the
State Council's notice, the provisional count for a year not entered, the admin page and the dashboard warning.

The 2027 schedule below is an example of a notice's shape (the State Council had not published 2027's when this
was written): 春节 off Saturday 6 – Sunday 14 February, Saturday 20 February worked."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from programs.calendar_file import read_schedule
from programs.calendar_services import calendar_day_set, calendar_load_package, calendar_year_enter
from programs.models import CalendarDay, CalendarSource, CalendarYear, DayKind
from programs.workdays import calendar_coverage, period_end
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"
SPRING_2027 = [(n, dt.date(2027, 2, 6) + dt.timedelta(days=n - 1), "休", "春节") for n in range(1, 10)]
SPRING_2027.append((10, dt.date(2027, 2, 20), "班", "春节"))
YAML_2027 = "days:\n" + "".join(f"  - {{date: {d.isoformat()}, kind: {k}, name: {name}}}\n"
                                 for _n, d, k, name in SPRING_2027)


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English (the msgids); the pages answer in Chinese, the default."""
    from django.utils import translation

    with translation.override("en"):
        yield


def enter_2027(admin):
    return calendar_year_enter(actor=admin, year=2027, notice_title=NOTICE_2027, raw=SPRING_2027)


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    from core.spreadsheet import book_bytes

    book = Workbook()
    for row in [("日期", "类型", "名称"), *rows]:
        book.active.append(row)
    return book_bytes(book)


# --- the table and the count ----------------------------------------------------------------------------------


def test_calendar_table_holds_the_years_chinese_calendar_knows():
    years = CalendarYear.objects.filter(source=CalendarSource.PACKAGE)
    assert years.filter(year=2004).exists() and years.filter(year=2026).exists()
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).kind == "workday"  # the adjusted Saturday
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_period_end_2027_counts_an_entered_schedule(admin, django_assert_num_queries):
    enter_2027(admin)
    with django_assert_num_queries(1):
        # Thursday 4 (1), Friday 5 (2), 6–14 off, 15, 16, 17 (3–5)
        assert period_end(dt.date(2027, 2, 4), 5, DayKind.WORKING) == (dt.date(2027, 2, 17), False)
    # Thursday 18 (1), Friday 19 (2), Saturday 20 worked (3), Monday 22 (4), Tuesday 23 (5)
    assert period_end(dt.date(2027, 2, 18), 5, DayKind.WORKING) == (dt.date(2027, 2, 23), False)


def test_period_end_2027_falls_back_to_weekends_and_statutory_holidays_and_says_provisional(
        django_assert_num_queries):
    with django_assert_num_queries(1):
        # the holidays package: 5 (除夕), 6–8 (春节), 9–10 (补假) off. Thursday 4 (1), 11, 12, 15, 16 (2–5)
        assert period_end(dt.date(2027, 2, 4), 5, DayKind.WORKING) == (dt.date(2027, 2, 16), True)
    # no adjusted working day is known: Saturday 20 is a weekend
    assert period_end(dt.date(2027, 2, 18), 5, DayKind.WORKING) == (dt.date(2027, 2, 24), True)


def test_period_end_from_late_december_2026_runs_into_the_provisional_year():
    # 28–31 December (1–4), 1 January 2027 元旦 off (statutory), weekend, Monday 4 January (5)
    assert period_end(dt.date(2026, 12, 28), 5, DayKind.WORKING) == (dt.date(2027, 1, 4), True)
    assert period_end(dt.date(2026, 12, 21), 5, DayKind.WORKING) == (dt.date(2026, 12, 25), False)
    assert period_end(dt.date(2026, 12, 28), 7, DayKind.CALENDAR) == (dt.date(2027, 1, 3), False)


# --- entering a year --------------------------------------------------------------------------------------------


def test_calendar_year_enter_writes_the_days_and_the_audit(admin):
    entry = enter_2027(admin)
    assert (entry.source, entry.notice_title, entry.entered_by) == (CalendarSource.OFFICE, NOTICE_2027, admin)
    assert CalendarDay.objects.filter(year=entry, kind="holiday").count() == 9
    assert CalendarDay.objects.get(date=dt.date(2027, 2, 20)).kind == "workday"
    event = AuditEvent.objects.get(action="calendar_enter", object_id=str(entry.pk))
    assert (event.actor, event.to_state, event.reason, event.data["holidays"], event.data["workdays"]) == (
        admin, "office", NOTICE_2027, 9, 1)


def test_calendar_year_enter_replaces_a_package_year(admin):
    calendar_year_enter(actor=admin, year=2026, notice_title="国务院办公厅关于2026年部分节假日安排的通知",
                        raw=[(1, "2026-10-01", "休", "国庆节")])
    year = CalendarYear.objects.get(year=2026)
    assert year.source == CalendarSource.OFFICE and list(year.days.values_list("name", flat=True)) == ["国庆节"]
    assert AuditEvent.objects.get(action="calendar_enter").from_state == "package"


@pytest.mark.parametrize(("raw", "message"), [
    ([(3, "2027-02-30", "休", "春节")], "Line 3: “2027-02-30” is not a date"),
    ([(4, "2027-02-06", "vacation", "春节")], "Line 4: the kind “vacation” is neither 休"),
    ([(2, "2027-02-06", "休", "春节"), (7, "2027-02-06", "班", "春节")], "Line 7: 2027-02-06 is also on line 2"),
    ([(5, "2026-12-31", "休", "")], "Line 5: 2026-12-31 is not in 2027"),
    ([], "lists no days"),
])
def test_calendar_year_enter_refuses_bad_lines_naming_them_and_changes_nothing(admin, raw, message):
    with pytest.raises(ValidationError) as refused:
        calendar_year_enter(actor=admin, year=2027, notice_title=NOTICE_2027, raw=raw)
    assert any(m.startswith(message) or message in m for m in refused.value.messages), refused.value.messages
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEvent.objects.filter(action="calendar_enter").exists()


def test_calendar_year_enter_keeps_the_year_when_a_replacement_is_refused(admin):
    enter_2027(admin)
    with pytest.raises(ValidationError, match="Line 2"):
        calendar_year_enter(actor=admin, year=2027, notice_title=NOTICE_2027,
                            raw=[(1, "2027-01-01", "休", "元旦"), (2, "2027-13-01", "休", "")])
    assert CalendarDay.objects.filter(date__year=2027).count() == 10


def test_calendar_year_enter_needs_the_notice_title_and_an_admin(admin, officer):
    with pytest.raises(ValidationError, match="title of the State Council"):
        calendar_year_enter(actor=admin, year=2027, notice_title=" ", raw=SPRING_2027)
    with pytest.raises(PermissionDenied):
        calendar_year_enter(actor=officer, year=2027, notice_title=NOTICE_2027, raw=SPRING_2027)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_read_schedule_reads_yaml_and_names_yaml_lines():
    days, problems = read_schedule(year=2027, text=YAML_2027)
    assert problems == [] and len(days) == 10 and days[0].line == 2 and days[-1].kind == "workday"
    days, problems = read_schedule(year=2027, text="- {date: 2027-02-06, kind: 休}\n- {date: 2027-2-x, kind: 休}\n")
    assert problems == ["Line 2: “2027-2-x” is not a date; write it as 2027-02-06."]
    assert read_schedule(year=2027, text="- [unclosed\n")[1][0].startswith("Line 2: this is not YAML")


def test_read_schedule_reads_excel_and_names_its_rows():
    content = xlsx([(dt.datetime(2027, 2, 6), "休", "春节"), ("2027-02-20", "班", "春节"), ("2027-02-07", "x", "")])
    days, problems = read_schedule(year=2027, content=content)
    assert problems == ["Line 4: the kind “x” is neither 休 (holiday) nor 班 (adjusted working day)."]
    assert [(d.line, d.date, d.kind) for d in days] == [(2, dt.date(2027, 2, 6), "holiday"),
                                                        (3, dt.date(2027, 2, 20), "workday")]


def test_calendar_day_set_corrects_a_day_of_a_known_year_only(admin):
    day = calendar_day_set(actor=admin, date=dt.date(2026, 12, 31), kind="holiday", name="示例补充放假")
    assert day.year.year == 2026 and day.year.source == CalendarSource.OFFICE
    event = AuditEvent.objects.get(action="calendar_day")
    assert (event.from_state, event.to_state, event.data["date"]) == ("", "holiday", "2026-12-31")
    with pytest.raises(ValidationError, match="no schedule for 2027"):
        calendar_day_set(actor=admin, date=dt.date(2027, 2, 6), kind="holiday")
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_load_prc_calendar_adds_only_missing_years(admin):
    CalendarYear.objects.filter(year=2026).delete()
    enter_2027(admin)
    call_command("load_prc_calendar", stdout=io.StringIO())
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.PACKAGE
    assert CalendarYear.objects.get(year=2027).source == CalendarSource.OFFICE
    assert calendar_load_package() == []


# --- the admin page -----------------------------------------------------------------------------------------------


def test_calendar_page_lists_the_years_for_the_admin(client, admin):
    enter_2027(admin)
    response = client_for(client, admin).get(reverse("programs:calendar") + "?year=2027")
    page = response.content.decode()
    assert 'data-year="2027"' in page and NOTICE_2027 in page and 'data-day="2027-02-20"' in page


@pytest.mark.parametrize("role", ["officer", "reviewer", "applicant"])
def test_calendar_page_is_not_found_for_others(client, role, request):
    client = client_for(client, request.getfixturevalue(role))
    assert client.get(reverse("programs:calendar")).status_code == 404
    response = client.post(reverse("programs:calendar_enter"),
                           {"year": 2027, "notice_title": NOTICE_2027, "rows": "[]"})
    assert response.status_code == 404
    assert client.post(reverse("programs:calendar_day"), {"date": "2026-12-31", "kind": "holiday"}).status_code == 404
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_calendar_page_sends_visitors_to_sign_in(client):
    response = client.get(reverse("programs:calendar"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_calendar_page_runs_the_same_queries_with_more_years(client, admin, django_assert_num_queries):
    client = client_for(client, admin)
    with django_assert_num_queries(5) as few:  # session, user, coverage, unread count, years with their counts
        client.get(reverse("programs:calendar"))
    enter_2027(admin)
    calendar_year_enter(actor=admin, year=2028, notice_title="示例", raw=[(1, "2028-01-01", "休", "元旦")])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("programs:calendar"))


def test_calendar_import_previews_then_enters(client, admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(client, admin)
    upload = SimpleUploadedFile("2027.yaml", YAML_2027.encode(), content_type="application/x-yaml")
    preview = client.post(reverse("programs:calendar_preview"),
                          {"year": 2027, "notice_title": NOTICE_2027, "file": upload})
    assert 'id="calendar-preview"' in preview.content.decode() and len(preview.context["days"]) == 10
    assert not CalendarYear.objects.filter(year=2027).exists()  # a preview enters nothing
    response = client.post(reverse("programs:calendar_enter"), {
        "year": 2027, "notice_title": NOTICE_2027, "rows": preview.context["rows"]})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).days.count() == 10
    assert period_end(dt.date(2027, 2, 4), 5, DayKind.WORKING) == (dt.date(2027, 2, 17), False)


@pytest.mark.parametrize("rows", ['[["x"]]', '{"a": 1}', '["abcd"]', '5', "not json"])
def test_calendar_enter_with_rows_not_from_the_preview_says_so_and_enters_nothing(client, admin, rows):
    client = client_for(client, admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(reverse("programs:calendar_enter"),
                           {"year": 2027, "notice_title": NOTICE_2027, "rows": rows}, follow=True)
    assert "upload the schedule again" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_calendar_import_shows_each_bad_line_and_enters_nothing(client, admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = xlsx([("2027-02-06", "休", "春节"), ("2027-02-06", "休", "春节"), ("2027-02-31", "班", "")])
    upload = SimpleUploadedFile("2027.xlsx", content)
    response = client_for(client, admin).post(reverse("programs:calendar_preview"),
                                              {"year": 2027, "notice_title": NOTICE_2027, "file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="calendar-problems"' in page
    assert response.context["problems"] == [
        "第 3 行：2027-02-06 与第 2 行重复。",
        "第 4 行：“2027-02-31”不是日期，请按 2027-02-06 的格式填写。"]
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_calendar_import_asks_for_a_file_or_text(client, admin):
    response = client_for(client, admin).post(reverse("programs:calendar_preview"),
                                              {"year": 2027, "notice_title": NOTICE_2027})
    assert "请选择节假日安排文件，或在下方输入日期。" in response.content.decode()


def test_calendar_day_form_saves_and_names_a_year_not_entered(client, admin):
    client = client_for(client, admin)
    response = client.post(reverse("programs:calendar_day"), {"date": "2027-02-06", "kind": "holiday"})
    assert "工作日历尚无 2027 年的节假日安排" in response.content.decode()
    response = client.post(reverse("programs:calendar_day"), {"date": "2026-12-31", "kind": "holiday", "name": "示例"})
    assert response.status_code == 302 and CalendarDay.objects.get(date=dt.date(2026, 12, 31)).name == "示例"


# --- the dashboard warning ----------------------------------------------------------------------------------------


def test_admin_dashboard_warns_sixty_days_before_the_last_known_day(client, admin):
    client = client_for(client, admin)
    with time_machine.travel(dt.datetime(2026, 11, 1, 4, tzinfo=dt.UTC), tick=False):  # 60 days before 31 Dec
        page = client.get(reverse("dashboards:admin")).content.decode()
        assert 'id="calendar-warning"' in page and "2026-12-31" in page
    with time_machine.travel(dt.datetime(2026, 10, 31, 4, tzinfo=dt.UTC), tick=False):  # 61 days before
        assert 'id="calendar-warning"' not in client.get(reverse("dashboards:admin")).content.decode()
    enter_2027(admin)
    with time_machine.travel(dt.datetime(2026, 12, 2, 4, tzinfo=dt.UTC), tick=False):
        assert 'id="calendar-warning"' not in client.get(reverse("dashboards:admin")).content.decode()
        assert calendar_coverage(dt.date(2026, 12, 2)).last_day == dt.date(2027, 12, 31)
