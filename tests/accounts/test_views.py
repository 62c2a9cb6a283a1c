import pytest
from django.urls import reverse

from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_register_creates_an_applicant_and_signs_in(client):
    response = client.post(
        reverse("accounts:register"),
        {"username": "zhang", "full_name": "张三", "email": "z@example.org", "phone": "",
         "password1": "a-long-pass-phrase-1", "password2": "a-long-pass-phrase-1"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="zhang")
    assert user.role == Role.APPLICANT and user.full_name == "张三"
    assert client.session["_auth_user_id"] == str(user.pk)



def test_register_welcome_links_to_the_organisation_form(client):
    response = client.post(
        reverse("accounts:register"),
        {"username": "zhao", "full_name": "赵六", "email": "zh@example.org", "phone": "",
         "password1": "a-long-pass-phrase-1", "password2": "a-long-pass-phrase-1"},
        follow=True,
    )
    body = response.content.decode()
    assert "欢迎！请先填写单位信息。" in body
    assert f'href="{reverse("organisations:create")}"' in body

def test_register_cannot_choose_a_role(client):
    client.post(
        reverse("accounts:register"),
        {"username": "li", "full_name": "李四", "email": "l@example.org", "role": "officer",
         "password1": "a-long-pass-phrase-1", "password2": "a-long-pass-phrase-1"},
    )
    assert User.objects.get(username="li").role == Role.APPLICANT


def test_register_bad_input_names_the_field_and_keeps_input(client):
    response = client.post(
        reverse("accounts:register"),
        {"username": "wang", "full_name": "王五", "email": "not-an-email",
         "password1": "a-long-pass-phrase-1", "password2": "different-pass-phrase"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "password2"}
    assert 'id="error_1_id_email"' in body  # the message stands next to the field
    assert 'value="王五"' in body
    assert not User.objects.filter(username="wang").exists()


def test_login_page_renders_in_chinese_and_english(client):
    assert "登录" in client.get(reverse("accounts:login")).content.decode()
    client.cookies.load({"django_language": "en"})
    assert "Sign in" in client.get(reverse("accounts:login")).content.decode()


def test_home_anonymous_shows_the_portal(client):
    body = client.get(reverse("home")).content.decode()
    assert "浏览项目" in body


@pytest.mark.parametrize(
    ("role", "target"),
    [("applicant", "/dashboard/applicant/"), ("reviewer", "/dashboard/reviewer/"),
     ("officer", "/dashboard/officer/"), ("admin", "/dashboard/admin/")],
)
def test_home_sends_each_role_to_its_work(client, request, role, target):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(target)


def test_reviewer_home_lists_assignment_notice(client, reviewer):
    client.force_login(reviewer)
    assert "专家评审" in client.get(reverse("dashboards:reviewer")).content.decode()


def test_logout_signs_out(client, applicant):
    client.force_login(applicant)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_language_switch_from_any_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/programs/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
