"""The task book (任务书) names the partners (joint applicants) with their tasks and shares of the grant, and
has signature, seal and date lines for each party: 甲方 the office, 乙方 the lead unit, each partner."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from applications.models import ApplicationVersion
from milestones.exports import task_book_pdf
from milestones.services import project_open
from tests.organisations.factories import OrganisationFactory
from tests.reviews.conftest import passed_application

from .conftest import NANSHA, track_of
from .test_pdfs import text_of

pytestmark = pytest.mark.django_db
PARTNERS = [("华南理工大学", "专利挖掘与导航分析", "30.00"), ("广州知识产权运营研究院", "专利运营与转化", "20.00")]


def joint_project(officer, partners=PARTNERS):
    """A project whose application names ``partners`` (name, tasks, share of the grant in %) as submitted."""
    track = track_of(NANSHA, "1")
    organisations = [OrganisationFactory(name=name) for name, _task, _share in partners]
    with transaction.atomic():
        application = passed_application(track, partners=organisations)
        version = ApplicationVersion.objects.get(application=application)
        for row, (_name, task, share) in zip(version.snapshot["partners"], partners, strict=True):
            row.update(role=task, share_percent=share)
        version.save(update_fields=["snapshot"])
        application.status = "approved"
        application.save(update_fields=["status"])
        return project_open(actor=officer, application=application, award=Decimal("300000"),
                            starts_on=dt.date(2024, 9, 1))


def test_task_book_names_partners_with_tasks_and_shares(officer):
    project = joint_project(officer)
    text = text_of(task_book_pdf(project)).replace(" ", "").replace("\n", "")
    partners = text.split("合作单位及分工")[1].split("签署")[0]
    for name, task, share in PARTNERS:
        assert name in partners and task in partners and f"{share}%" in partners
    lead = project.application.organisation.name
    assert lead in partners and "50.00%" in partners  # the lead unit's share: what the partners leave


def test_task_book_has_signature_seal_and_date_lines_for_every_party(officer):
    project = joint_project(officer)
    text = text_of(task_book_pdf(project)).replace(" ", "").replace("\n", "")
    signatures = text.split("签署")[-1]
    parties = [project.application.track.program.issuer, project.application.organisation.name,
               *(name for name, _task, _share in PARTNERS)]
    assert signatures.index("甲方") < signatures.index(parties[0]) < signatures.index("乙方") < signatures.index(
        parties[1]) < signatures.index(parties[2]) < signatures.index(parties[3])
    assert signatures.count("签字") == 4 and signatures.count("盖章") == 4 and signatures.count("日期") == 4


def test_task_book_without_partners_has_two_parties(officer):
    from .conftest import open_project

    text = text_of(task_book_pdf(open_project(officer))).replace(" ", "").replace("\n", "")
    assert "合作单位及分工" not in text
    signatures = text.split("签署")[-1]
    assert "甲方" in signatures and "乙方" in signatures and signatures.count("签字") == 2
