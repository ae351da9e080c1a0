"""Who may do what through the API: tokens and their scopes, the browser session with CSRF, likes,
tags, and other people's objects."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from gallery.models import ImageTag, Like
from profiles.accounts.api_tokens import create_api_token, revoke_api_token
from profiles.models import ApiToken
from tests.api.conftest import ApiClient, token_client
from tests.factories import DEFAULT_PASSWORD, make_image, make_image_tag, make_like

pytestmark = pytest.mark.django_db


def test_a_write_token_likes_and_unlikes_a_photo(alice, alice_api):
    image = make_image()
    liked = alice_api.put(f"/api/v1/photos/{image.pk}/like")
    assert liked.status_code == 200
    assert liked.json() == {"liked": True, "like_count": 1}
    assert Like.objects.filter(user=alice, image=image).exists()
    unliked = alice_api.delete(f"/api/v1/photos/{image.pk}/like")
    assert unliked.json() == {"liked": False, "like_count": 0}
    assert not Like.objects.filter(user=alice, image=image).exists()


def test_a_read_token_cannot_like_tag_or_untag(alice):
    image = make_image()
    own = make_image_tag(image, "dusk", user=alice)
    reader = token_client(alice, "read")
    for response in (
        reader.put(f"/api/v1/photos/{image.pk}/like"),
        reader.post(f"/api/v1/photos/{image.pk}/tags", {"name": "sunset"}),
        reader.delete(f"/api/v1/tags/{own.pk}"),
    ):
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
        assert "read-only" in response.json()["detail"]
    assert not Like.objects.exists()
    assert ImageTag.objects.filter(pk=own.pk).exists()
    assert reader.get("/api/v1/me/likes").status_code == 200  # reading is fine


def test_your_likes_list_newest_first_in_cursor_pages(alice, alice_api):
    first, second, third = make_image(), make_image(), make_image()
    for image in (first, second, third):
        make_like(alice, image)
    page = alice_api.get("/api/v1/me/likes", limit=2).json()
    assert [item["photo"]["id"] for item in page["items"]] == [third.pk, second.pk]
    rest = alice_api.get("/api/v1/me/likes", limit=2, cursor=page["next_cursor"]).json()
    assert [item["photo"]["id"] for item in rest["items"]] == [first.pk]
    assert rest["next_cursor"] is None


def test_likes_need_a_signed_in_caller(anonymous_api):
    image = make_image()
    response = anonymous_api.put(f"/api/v1/photos/{image.pk}/like")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert anonymous_api.get("/api/v1/me/likes").status_code == 401


def test_adding_a_tag_normalises_it_and_removing_it_deletes_only_yours(alice, alice_api):
    image = make_image()
    response = alice_api.post(f"/api/v1/photos/{image.pk}/tags", {"name": "#Sunset  Beach"})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "sunset beach"
    assert ImageTag.objects.get(pk=body["id"]).user == alice
    removed = alice_api.delete(f"/api/v1/tags/{body['id']}")
    assert removed.status_code == 204
    assert not ImageTag.objects.filter(pk=body["id"]).exists()


def test_a_tag_that_cannot_be_a_tag_is_a_422_problem(alice_api):
    image = make_image()
    response = alice_api.post(f"/api/v1/photos/{image.pk}/tags", {"name": "###"})
    assert response.status_code == 422
    assert response.json()["title"] == "Unprocessable Entity"


def test_another_persons_token_gets_404_on_your_tag_and_leaves_it(alice, bob_api):
    alices = make_image_tag(make_image(), "dusk", user=alice)
    response = bob_api.delete(f"/api/v1/tags/{alices.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert ImageTag.objects.filter(pk=alices.pk).exists()


def test_another_persons_token_gets_404_on_your_private_profile(alice, bob_api):
    response = bob_api.get(f"/api/v1/users/{alice.username}/profile")
    assert response.status_code == 404


def test_a_revoked_token_fails_on_the_very_next_request(alice):
    new = create_api_token(user=alice, name="script", scope="write")
    api = ApiClient(new.secret)
    assert api.get("/api/v1/me/likes").status_code == 200
    revoke_api_token(token=new.token)
    response = api.get("/api/v1/me/likes")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_an_unknown_token_is_refused_even_on_public_reads(db):
    make_image()
    response = ApiClient("imgsite_made-up").get("/api/v1/photos")
    assert response.status_code == 401


def test_only_a_hash_and_a_prefix_of_a_token_are_stored(alice):
    new = create_api_token(user=alice, name="script", scope="read")
    row = ApiToken.objects.get(pk=new.token.pk)
    stored = [str(value) for value in ApiToken.objects.filter(pk=row.pk).values_list()[0]]
    assert new.secret not in stored
    assert new.secret.startswith(row.prefix)
    assert len(row.key_hash) == 64


def test_the_browser_session_writes_with_a_csrf_token_and_is_refused_without(alice):
    image = make_image()
    browser = Client(enforce_csrf_checks=True)
    browser.login(username=alice.username, password=DEFAULT_PASSWORD)
    refused = browser.put(f"/api/v1/photos/{image.pk}/like")
    assert refused.status_code == 403
    assert not Like.objects.exists()
    browser.get("/account/")  # sets the CSRF cookie, as any page does
    token = browser.cookies["csrftoken"].value
    allowed = browser.put(f"/api/v1/photos/{image.pk}/like", headers={"X-CSRFToken": token})
    assert allowed.status_code == 200
    assert Like.objects.filter(user=alice, image=image).exists()


def test_an_anonymous_write_is_told_to_sign_in_not_about_csrf(db):
    image = make_image()
    response = Client(enforce_csrf_checks=True).put(f"/api/v1/photos/{image.pk}/like")
    assert response.status_code == 401


def test_the_account_page_creates_a_token_shows_it_once_and_revokes_it(alice):
    browser = Client()
    browser.force_login(alice)
    created = browser.post("/account/tokens/", {"name": "class script", "scope": "read"})
    assert created.status_code == 200
    secret = created.context["new_secret"]
    assert secret in created.content.decode()
    assert ApiClient(secret).get("/api/v1/me/likes").status_code == 200
    again = browser.get("/account/")
    assert secret not in again.content.decode()
    assert "class script" in again.content.decode()
    token = ApiToken.objects.get(user=alice)
    browser.post(f"/account/tokens/{token.pk}/revoke/")
    assert ApiClient(secret).get("/api/v1/me/likes").status_code == 401


def test_nobody_can_revoke_someone_elses_token_on_the_account_page(alice, bob):
    alices = create_api_token(user=alice, name="script", scope="read")
    browser = Client()
    browser.force_login(bob)
    response = browser.post(f"/account/tokens/{alices.token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=alices.token.pk).revoked_at is None


def test_staff_revoke_a_token_in_the_admin_and_it_stops_working(alice, admin_client):
    new = create_api_token(user=alice, name="leaked", scope="write")
    response = admin_client.post(
        "/admin/profiles/apitoken/", {"action": "revoke", "_selected_action": [new.token.pk]}
    )
    assert response.status_code == 302
    assert ApiClient(new.secret).get("/api/v1/me/likes").status_code == 401


def test_the_account_page_shows_when_a_token_was_last_used(alice):
    new = create_api_token(user=alice, name="script", scope="read")
    browser = Client()
    browser.force_login(alice)
    assert "<td>never</td>" in browser.get("/account/").content.decode()
    ApiClient(new.secret).get("/api/v1/me/likes")
    assert ApiToken.objects.get(pk=new.token.pk).last_used_at is not None
    assert "<td>never</td>" not in browser.get("/account/").content.decode()


def test_your_data_download_lists_your_tokens_without_their_secrets(alice):
    new = create_api_token(user=alice, name="script", scope="write")
    browser = Client()
    browser.force_login(alice)
    text = browser.get("/account/data/").content.decode()
    data = json.loads(text)
    assert [(t["name"], t["prefix"], t["scope"]) for t in data["api_tokens"]] == [
        ("script", new.token.prefix, "write")
    ]
    assert new.secret not in text
    assert new.token.key_hash not in text
