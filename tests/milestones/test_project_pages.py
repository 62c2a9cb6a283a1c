"""The project pages look like the rest of the portal: Bootstrap forms (a label above each box, boxes styled), the
拨付 button on one line, a breadcrumb back to the dashboard and the project list."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from milestones.services import contract_record

from .conftest import pdf

pytestmark = pytest.mark.django_db
STYLED = {"form-control", "form-select", "form-check-input"}


class _Boxes(HTMLParser):
    """Every visible input, select and textarea inside a <form>, with its classes."""

    def __init__(self):
        super().__init__()
        self.in_form, self.boxes = 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form += 1
        elif self.in_form and tag in {"input", "select", "textarea"} and attrs.get("type") not in {
                "hidden", "submit", "button"}:
            self.boxes.append((attrs.get("name"), set((attrs.get("class") or "").split())))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form -= 1


def unstyled_boxes(page: str) -> list[str]:
    parser = _Boxes()
    parser.feed(page)
    assert parser.boxes, "no form on the page"
    return [name for name, classes in parser.boxes if not classes & STYLED]


def breadcrumb(page: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav aria-label="breadcrumb">(.*?)</nav>', page, re.S)
    assert nav, "no breadcrumb"
    return [(href or "", re.sub(r"<[^>]+>", "", text).strip())
            for href, text in re.findall(r'<li class="breadcrumb-item[^"]*"[^>]*>(?:<a href="([^"]*)">)?(.*?)</li>',
                                         nav.group(1), re.S)]


def test_project_page_forms_are_styled_and_release_stays_on_one_line(client, nansha_project, officer):
    contract_record(actor=officer, project=nansha_project, signed_on=dt.date(2024, 9, 10), signed_file=pdf())
    client.force_login(officer)
    page = client.get(reverse("milestones:project", args=[nansha_project.pk])).content.decode()
    assert 'id="midterm-form"' in page and 'data-release="1"' in page
    assert unstyled_boxes(page) == []
    assert re.search(r'<label\s+for="id_checked_on" class="form-label', page)  # a label above the box
    release = re.search(r'<button[^>]*data-release-button[^>]*>', page).group(0)
    assert "text-nowrap" in release


def test_report_page_forms_are_styled(client, nansha_project, officer, unit):
    report = nansha_project.reports.get(seq=1)
    client.force_login(unit)
    page = client.get(reverse("milestones:report", args=[nansha_project.pk, report.pk])).content.decode()
    assert 'id="report-form"' in page and unstyled_boxes(page) == []


def test_project_pages_breadcrumb_leads_back_to_the_dashboard_and_the_list(client, nansha_project, officer, unit):
    project_url = reverse("milestones:project", args=[nansha_project.pk])
    reference = nansha_project.application.reference
    client.force_login(officer)
    assert breadcrumb(client.get(project_url).content.decode()) == [
        (reverse("home"), "工作台"), (reverse("milestones:projects"), "立项项目"), ("", reference)]
    client.force_login(unit)
    assert breadcrumb(client.get(project_url).content.decode()) == [
        (reverse("home"), "工作台"), (reverse("milestones:projects"), "我的项目"), ("", reference)]
    report = nansha_project.reports.get(seq=1)
    trail = breadcrumb(client.get(reverse("milestones:report", args=[nansha_project.pk, report.pk])).content.decode())
    assert trail[:3] == [(reverse("home"), "工作台"), (reverse("milestones:projects"), "我的项目"),
                         (project_url, reference)] and len(trail) == 4
