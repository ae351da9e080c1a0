"""Accounts: sign up, log in and out, passwords, the login rate limit, data export and deletion."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from gallery.models import Image, ImageTag, Like, Tag
from profiles.models import ProfileSnapshot, UserProfile
from recommender.models import NotInterested
from tests.factories import DEFAULT_PASSWORD, make_image, make_image_tag, make_like, make_user

pytestmark = pytest.mark.django_db


def _login(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/account/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


# --- Sign up, log in, log out --------------------------------------------------------------------


def test_signing_up_creates_the_account_and_logs_in(client):
    response = client.post(
        "/account/signup/",
        {
            "username": "carol",
            "email": "carol@example.com",
            "password1": "a-Long-pass-phrase-42",
            "password2": "a-Long-pass-phrase-42",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/gallery/"
    assert User.objects.get(username="carol").email == "carol@example.com"
    assert response.context["user"].username == "carol"
    assert "Welcome, carol!" in response.content.decode()


def test_sign_up_needs_an_email_address(client):
    response = client.post(
        "/account/signup/",
        {
            "username": "carol",
            "email": "",
            "password1": "a-Long-pass-phrase-42",
            "password2": "a-Long-pass-phrase-42",
        },
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


def test_sign_up_applies_the_password_validators(client):
    response = client.post(
        "/account/signup/",
        {"username": "carol", "email": "c@example.com", "password1": "12345", "password2": "12345"},
    )
    html = response.content.decode()
    assert "This password is too short." in html
    assert "This password is entirely numeric." in html
    assert not User.objects.filter(username="carol").exists()


def test_logging_in_and_out(client):
    make_user("alice")
    response = _login(client, "alice", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert "Log out" in client.get("/gallery/").content.decode()
    assert client.get("/account/logout/").status_code == 405  # logging out is POST only
    client.post("/account/logout/")
    assert "Log in" in client.get("/gallery/").content.decode()
    assert client.get("/account/").status_code == 302


def test_a_wrong_password_is_refused_with_a_clear_message(client):
    make_user("alice")
    response = _login(client, "alice", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()


def test_the_account_page_needs_login(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/account/"


# --- Passwords -----------------------------------------------------------------------------------


def test_changing_the_password(client):
    user = make_user("alice")
    client.force_login(user)
    response = client.post(
        "/account/password/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "another-Long-phrase-7",
            "new_password2": "another-Long-phrase-7",
        },
    )
    assert response["Location"] == "/account/password/done/"
    user.refresh_from_db()
    assert user.check_password("another-Long-phrase-7")


def test_changing_the_password_needs_the_old_one(client):
    user = make_user("alice")
    client.force_login(user)
    response = client.post(
        "/account/password/",
        {
            "old_password": "wrong",
            "new_password1": "another-Long-phrase-7",
            "new_password2": "another-Long-phrase-7",
        },
    )
    assert "Your old password was entered incorrectly." in response.content.decode()


def test_resetting_a_forgotten_password_by_email(client):
    user = make_user("alice", email="alice@example.com")
    response = client.post("/account/password-reset/", {"email": "alice@example.com"})
    assert response["Location"] == "/account/password-reset/sent/"
    assert len(mail.outbox) == 1
    found = re.search(r"http://testserver(/account/reset/\S+/)", str(mail.outbox[0].body))
    assert found, mail.outbox[0].body
    link = found.group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    response = client.post(
        form_url, {"new_password1": "fresh-Long-phrase-9", "new_password2": "fresh-Long-phrase-9"}
    )
    assert response["Location"] == "/account/reset/done/"
    user.refresh_from_db()
    assert user.check_password("fresh-Long-phrase-9")


def test_every_account_page_renders(client):
    client.force_login(make_user("alice"))
    for url in ["/account/", "/account/password/", "/account/password/done/", "/account/delete/"]:
        assert client.get(url).status_code == 200, url
    client.post("/account/logout/")
    for url in [
        "/account/login/",
        "/account/signup/",
        "/account/password-reset/",
        "/account/password-reset/sent/",
        "/account/reset/done/",
    ]:
        assert client.get(url).status_code == 200, url


# --- Your data -----------------------------------------------------------------------------------


def test_downloading_my_data_gives_my_likes_tags_and_profile(client):
    alice, bob = make_user("alice", email="alice@example.com"), make_user("bob")
    image, other = make_image(title="Harbour"), make_image()
    make_like(alice, image)
    make_like(bob, other)
    make_image_tag(image, "boats", user=alice)
    make_image_tag(other, "not mine", user=bob)
    client.force_login(alice)
    response = client.get("/account/data/")
    assert response["Content-Type"] == "application/json"
    assert 'filename="imgsite-alice.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["username"] == "alice"
    assert data["profile"]["email"] == "alice@example.com"
    assert [(like["image_id"], like["title"]) for like in data["likes"]] == [(image.pk, "Harbour")]
    assert [(tag["image_id"], tag["tag"]) for tag in data["tags"]] == [(image.pk, "boats")]
    assert data["profile"]["is_public"] is False
    assert "password" not in json.dumps(data)


def test_my_data_includes_my_taste_profile_and_public_setting(client):
    alice = make_user("alice")
    UserProfile.objects.create(user=alice, is_public=True)
    ProfileSnapshot.objects.create(user=alice, data={"like_count": 3, "colours": {"blue": 0.5}}, version=1)
    client.force_login(alice)
    data = json.loads(client.get("/account/data/").content)
    assert data["profile"]["is_public"] is True
    assert data["taste"] == {"like_count": 3, "colours": {"blue": 0.5}}


def test_my_data_includes_the_photos_i_marked_not_interested_and_not_someone_elses(client, alice, bob):
    dull, other = make_image(title="Car park"), make_image(title="Traffic")
    NotInterested.objects.create(user=alice, image=dull)
    NotInterested.objects.create(user=bob, image=other)
    client.force_login(alice)

    data = json.loads(client.get("/account/data/").content)

    assert [(row["image_id"], row["title"]) for row in data["not_interested"]] == [(dull.pk, "Car park")]


def test_downloading_data_needs_login(client):
    assert client.get("/account/data/").status_code == 302


def test_deleting_my_account_removes_my_likes_and_tags_and_nothing_else(client):
    alice, bob = make_user("alice"), make_user("bob")
    image = make_image(tags=["harbour"])
    make_like(alice, image)
    make_like(bob, image)
    make_image_tag(image, "boats", user=alice)
    bobs_tag = make_image_tag(image, "boats", user=bob)
    client.force_login(alice)
    response = client.post("/account/delete/", {"password": DEFAULT_PASSWORD}, follow=True)
    assert "Your account, likes and tags have been deleted." in response.content.decode()
    assert not User.objects.filter(username="alice").exists()
    assert list(Like.objects.values_list("user__username", flat=True)) == ["bob"]
    assert set(ImageTag.objects.values_list("pk", flat=True)) == {
        bobs_tag.pk,
        ImageTag.objects.get(origin="source").pk,
    }
    assert Image.objects.filter(pk=image.pk).exists()
    assert set(Tag.objects.values_list("name", flat=True)) == {"harbour", "boats"}
    assert "_auth_user_id" not in client.session


def test_deleting_my_account_needs_my_password(client):
    alice = make_user("alice")
    client.force_login(alice)
    response = client.post("/account/delete/", {"password": "wrong"})
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()


def test_deleting_an_account_is_post_with_csrf():
    from django.test import Client

    alice = make_user("alice")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post("/account/delete/", {"password": DEFAULT_PASSWORD}).status_code == 403
    assert User.objects.filter(pk=alice.pk).exists()
