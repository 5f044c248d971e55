import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def test_member_signs_in_with_email_and_lands_in_the_member_area(client):
    user = UserFactory(email="kari@celle.no")
    response = client.post(
        reverse("account_login"), {"login": "Kari@Celle.no", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("members:home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="kari@celle.no")
    response = client.post(reverse("account_login"), {"login": "kari@celle.no", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


def test_sign_up_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "intruder@example.no",
            "password1": "a-long-secret-1",
            "password2": "a-long-secret-1",
        },
    )
    assert response.status_code == 200
    assert "account/signup_closed" in " ".join(t.name for t in response.templates if t.name)
    from members.models import User

    assert not User.objects.filter(email="intruder@example.no").exists()


def test_after_five_failed_logins_even_the_right_password_is_refused(client):
    UserFactory(email="kari@celle.no")
    login = reverse("account_login")
    for _ in range(5):
        client.post(login, {"login": "kari@celle.no", "password": "wrong"})
    response = client.post(login, {"login": "kari@celle.no", "password": PASSWORD})
    assert "Too many failed login attempts" in str(response.context["form"].errors)
    assert "_auth_user_id" not in client.session


def test_many_login_requests_from_one_address_get_429(client):
    login = reverse("account_login")
    statuses = [
        client.post(login, {"login": f"u{n}@example.no", "password": "x"}).status_code
        for n in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_password_reset_sends_a_link_to_a_known_address(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="kari@celle.no")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        response = client.post(reverse("account_reset_password"), {"email": "kari@celle.no"})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["kari@celle.no"]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_admin_login_goes_through_the_protected_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
