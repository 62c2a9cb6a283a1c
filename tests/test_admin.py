"""Every model has an admin page an administrator can use, in Chinese."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

OWN_APPS = {"accounts", "audit", "organisations", "programs", "applications"}


def test_admin_registers_every_main_model():
    from django.apps import apps

    registered = {m for m in admin.site._registry}
    expected = {apps.get_model(a, m) for a, m in [
        ("accounts", "User"), ("organisations", "Organisation"), ("organisations", "Region"),
        ("programs", "Program"), ("programs", "Track"), ("programs", "Rubric"), ("applications", "Application"),
        ("audit", "AuditEvent")]}
    assert expected <= registered


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m._meta.app_label in OWN_APPS],
                         ids=lambda m: m._meta.label)
def test_admin_changelist_renders_in_chinese(client, admin, model):
    client.force_login(admin)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.content.decode()


def test_admin_track_change_page_renders(client, admin):
    from programs.models import Track

    client.force_login(admin)
    track = Track.objects.get(program__code="yuexiu-2018-ip-operation-fund-plan", code="7")
    body = client.get(reverse("admin:programs_track_change", args=[track.pk])).content.decode()
    assert "600000.00" in body and "不超过10个" in body


def test_admin_hidden_from_non_staff(client, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _tranche_plan(track, rows):
    from django.forms import inlineformset_factory

    from programs.admin import TranchePlanFormSet
    from programs.models import Track, Tranche

    FormSet = inlineformset_factory(Track, Tranche, formset=TranchePlanFormSet,
                                    fields=("seq", "share_percent", "trigger"), extra=0, can_delete=True)
    data = {"tranches-TOTAL_FORMS": str(len(rows)), "tranches-INITIAL_FORMS": "0"}
    for i, (seq, share, trigger) in enumerate(rows):
        data.update({f"tranches-{i}-seq": seq, f"tranches-{i}-share_percent": share, f"tranches-{i}-trigger": trigger})
    return FormSet(data, instance=track, prefix="tranches")


def test_admin_tranche_plan_shares_must_add_up_to_100():
    from programs.models import Track

    track = Track.objects.get(program__code="guangdong-2021-ip-cluster-centers", code="1")  # the guide states none
    short = _tranche_plan(track, [("1", "50", "on_contract"), ("2", "40", "on_acceptance")])
    assert not short.is_valid()
    assert "90" in " ".join(short.non_form_errors()) and "100" in " ".join(short.non_form_errors())
    whole = _tranche_plan(track, [("1", "50", "on_contract"), ("2", "50", "on_acceptance")])
    assert whole.is_valid(), whole.errors
    whole.save()
    assert [(t.seq, t.share_percent) for t in track.tranches.order_by("seq")] == [(1, 50), (2, 50)]
    assert _tranche_plan(Track.objects.get(pk=track.pk), []).is_valid()  # no plan: one tranche on approval
