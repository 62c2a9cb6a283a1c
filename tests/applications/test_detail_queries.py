"""The application page reads each thing once (the versions with their submitters, the track's materials, the
uploads) and hands it to every part that shows it: its query count is fixed, whatever the number of uploads,
materials and versions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from programs.models import Material, Origin

from .conftest import PDF_BYTES, make_org, valid_draft, valid_submission

pytestmark = pytest.mark.django_db

# session, user, application, versions (with submitters), materials, uploads, condition decisions, KPIs (the
# submitted content), the track's rules and the organisation's region chain (the verdict), the approval-notice
# panel, the appeals (复审) panel, the exclusions (回避申请) panel, the header's unread count, history
DETAIL_QUERIES = 15


def _submitted_with_many_uploads(user, track, django_capture_on_commit_callbacks):
    organisation = make_org(user, name="广州南沙多材料科技有限公司")
    application = services.application_start(actor=user, track=track, organisation=organisation)
    services.application_save_draft(actor=user, application=application, data=valid_draft(track))
    for material in track.materials.order_by("seq")[:3]:
        for n in range(2):
            services.material_upload(actor=user, application=application, material=material, uploaded_file=(
                SimpleUploadedFile(f"材料{material.seq}-{n}.pdf", PDF_BYTES + f"%{material.seq}-{n}\n".encode(),
                                   content_type="application/pdf")))
    with django_capture_on_commit_callbacks(execute=False):
        return services.application_submit(actor=user, application=application, data=valid_submission(track))


def _queries(client, application) -> list[str]:
    url = reverse("applications:detail", args=[application.pk])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_detail_page_query_count_is_fixed_with_one_and_many_uploads_and_materials(
        client, officer, submitted, other_applicant, nansha, django_capture_on_commit_callbacks):
    client.force_login(officer)
    one = _queries(client, submitted)
    assert submitted.uploads.count() == 1
    assert len(one) == DETAIL_QUERIES, "\n".join(one)
    for seq in range(1001, 1004):  # office materials: the track asks for more
        Material.objects.create(track=nansha, seq=seq, title=f"补充材料{seq}", origin=Origin.OFFICE,
                                required=False)
    many = _submitted_with_many_uploads(other_applicant, nansha, django_capture_on_commit_callbacks)
    assert many.uploads.count() == 6
    assert len(_queries(client, many)) == DETAIL_QUERIES
    assert len(_queries(client, submitted)) == DETAIL_QUERIES


def test_detail_page_reads_uploads_materials_versions_and_users_once(client, applicant, officer, submitted,
                                                                   django_capture_on_commit_callbacks):
    services.application_return(actor=officer, application=submitted, reason="请补充说明")
    submitted.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        services.application_resubmit(actor=applicant, application=submitted,
                                      data=valid_submission(submitted.track))
    assert submitted.versions.count() == 2
    client.force_login(applicant)
    queries = _queries(client, submitted)
    for table in ("applications_materialupload", "programs_material", "applications_applicationversion"):
        assert sum(f'FROM "{table}"' in sql for sql in queries) == 1, table
    # the user is read for the session, and joined where a row names one (versions, history), never alone again
    assert sum(sql.startswith('SELECT "accounts_user"') for sql in queries) == 1
    # the approval-notice panel does not read the application again
    assert sum('FROM "applications_application"' in sql for sql in queries) == 1


def test_detail_page_shows_the_materials_and_the_submitted_files(client, officer, submitted):
    client.force_login(officer)
    body = client.get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    upload = submitted.uploads.get()
    assert reverse("applications:material_download", args=[submitted.pk, upload.pk]) in body
    assert upload.original_name in body
