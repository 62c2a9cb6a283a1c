"""One small world for the permission matrix and the bad-input corpus: an applicant's organisation with a
draft and a submitted application (with an upload), another applicant's organisation, a pending invitation,
a project record, and one user per role."""

from dataclasses import dataclass

from applications import services
from applications.models import Application
from drafting.models import GuideDraft
from organisations.models import Invitation, Membership, Organisation, ProjectRecord
from organisations.services import invitation_create
from programs.models import Track
from tests.applications.conftest import make_org, pdf_upload, valid_draft, valid_submission
from tests.organisations.factories import ProjectRecordFactory


@dataclass
class World:
    track: Track
    org: Organisation
    other_org: Organisation
    draft: Application
    submitted: Application
    upload_pk: int
    membership: Membership
    invitation: Invitation
    record: ProjectRecord
    guide_draft: GuideDraft


def build_world(*, applicant, other_applicant, officer, nansha, capture) -> World:
    org = make_org(applicant)
    other_org = make_org(other_applicant, name="另一家公司")
    draft = services.application_start(actor=applicant, track=nansha, organisation=org)
    draft = services.application_save_draft(actor=applicant, application=draft, data=valid_draft(nansha))
    submitted = services.application_start(actor=applicant, track=nansha, organisation=org)
    submitted = services.application_save_draft(actor=applicant, application=submitted, data=valid_draft(nansha))
    upload = services.material_upload(actor=applicant, application=submitted, material=nansha.materials.get(seq=1),
                                      uploaded_file=pdf_upload())
    with capture(execute=False):
        submitted = services.application_submit(actor=applicant, application=submitted,
                                                data=valid_submission(nansha))
        submitted = services.application_return(actor=officer, application=submitted, reason="请补充")
        submitted = services.application_resubmit(actor=applicant, application=submitted,
                                                  data=valid_submission(nansha))
    services.application_render_pdf(application_id=submitted.pk, version=submitted.version)
    submitted.refresh_from_db()
    invitation = invitation_create(actor=applicant, organisation=org, username=other_applicant.username)
    return World(
        track=nansha, org=org, other_org=other_org, draft=draft, submitted=submitted, upload_pk=upload.pk,
        membership=Membership.objects.get(organisation=org, user=applicant), invitation=invitation,
        record=ProjectRecordFactory(organisation=org),
        # A guide draft with a flagged item: loading it is refused, so a request of the matrix loads nothing.
        guide_draft=GuideDraft.objects.create(source_name="guide.txt", source_text="2024年度某区项目申报指南",
                                              draft_yaml="program:\n  code: x\n", problems=["program: incomplete"]),
    )
