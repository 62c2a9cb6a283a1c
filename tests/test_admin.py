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
