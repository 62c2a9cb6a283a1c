"""The expert pool: one by one, or from Excel with every bad row refused by number; password links."""

import io
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from accounts.models import Role, User
from audit.models import AuditEvent
from reviews import services
from reviews.models import ReviewerProfile
from tests.organisations.factories import OrganisationFactory, make_uscc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inline_tasks")]  # the experts' mail is queued work
HEADER = ["姓名", "电子邮箱", "工作单位", "统一社会信用代码", "职称", "专业领域", "地区代码", "评审上限"]


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_rows():
    return [
        ["李专家", "li@example.org", "华南理工大学", "124400004554162268", "教授", "专利运营、集成电路", "440100", 8],
        ["陈专家", "Chen@Example.org", "广州知识产权服务中心", "", "高级工程师", "知识产权示范企业", "", ""],
    ]


def test_import_creates_accounts_and_sends_password_links(officer, django_capture_on_commit_callbacks):
    university = OrganisationFactory(uscc="124400004554162268", name="华南理工大学")
    with django_capture_on_commit_callbacks(execute=True):
        result = services.reviewer_pool_import(actor=officer, office="gd", content=workbook(good_rows()))
    assert len(result.created) == 2
    li = ReviewerProfile.objects.get(user__username="li@example.org")
    assert (li.affiliation, li.expertise, li.regions, li.load_limit) == (university, ["专利运营", "集成电路"],
                                                                          ["440100"], 8)
    chen = ReviewerProfile.objects.get(user__email="chen@example.org")
    assert chen.load_limit == 10 and chen.user.role == Role.REVIEWER and not chen.user.has_usable_password()
    assert AuditEvent.objects.filter(action="import_reviewer").count() == 2
    assert len(mail.outbox) == 2
    link = re.search(r"/experts/set-password/(\S+)/(\S+)/", mail.outbox[0].body)
    user = User.objects.get(email=mail.outbox[0].to[0])
    assert default_token_generator.check_token(user, link.group(2))


def test_import_with_a_bad_row_imports_nothing_and_names_the_row(officer):
    rows = good_rows() + [["", "not-an-email", "某单位", "91440115MA0000001X", "", "", "999999", "0"]]
    with pytest.raises(ValidationError) as caught:
        services.reviewer_pool_import(actor=officer, office="gd", content=workbook(rows))
    (message,) = caught.value.messages
    assert message.startswith("Row 4:")
    assert "name is empty" in message and "not-an-email" in message and "999999" in message
    assert "check character" in message and "load limit" in message
    assert not ReviewerProfile.objects.exists()


def test_import_refuses_existing_accounts_and_duplicates_in_the_file(officer, reviewer):
    blank = ["", "", "", "", "", ""]
    rows = good_rows() + [["重复", "li@example.org", *blank], ["已有", reviewer.email, *blank]]
    with pytest.raises(ValidationError) as caught:
        services.reviewer_pool_import(actor=officer, office="gd", content=workbook(rows))
    messages = caught.value.messages
    assert messages[0].startswith("Row 4:") and "also in row 2" in messages[0]
    assert messages[1].startswith("Row 5:") and "already exists" in messages[1]
    assert not ReviewerProfile.objects.exists()


def test_import_refuses_a_file_that_is_not_a_workbook_or_lacks_columns(officer):
    with pytest.raises(ValidationError, match="not an Excel workbook"):
        services.reviewer_pool_import(actor=officer, office="gd", content=b"name,email\n")
    with pytest.raises(ValidationError, match="Row 1 must have the columns"):
        services.reviewer_pool_import(actor=officer, office="gd", content=workbook([["x"]], header=["职称"]))


def test_import_accepts_english_headers(officer):
    content = workbook([["Wang", "wang@example.org"]], header=["name", "e-mail"])
    assert len(services.reviewer_pool_import(actor=officer, office="gd", content=content).created) == 1


def test_only_officers_import_or_add(reviewer, applicant):
    for user in (reviewer, applicant):
        with pytest.raises(PermissionDenied):
            services.reviewer_pool_import(actor=user, office="gd", content=workbook(good_rows()))
        with pytest.raises(PermissionDenied):
            services.reviewer_add(actor=user, office="gd", data=services.ReviewerData(name="x", email="x@example.org"))


def test_add_one_reviewer(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.reviewer_add(actor=officer, office="gd", data=services.ReviewerData(
            name="赵专家", email="Zhao@example.org", affiliation_uscc=make_uscc(77)))
    assert profile.user.username == "zhao@example.org" and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="add_reviewer", object_id=str(profile.pk)).exists()
    with pytest.raises(ValidationError, match="already exists"):
        services.reviewer_add(actor=officer, office="gd",
                              data=services.ReviewerData(name="赵", email="zhao@example.org"))
