"""/for-you/, "not interested", the home page and the image page's related photos."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gallery.models import Image, Like
from recommender import services
from recommender.models import NotInterested
from tests.factories import make_image, make_like, make_user
from tests.recommender.site_factories import TwoTasteSite

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_model_cache")]

FOR_YOU = "/for-you/"


def card_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/photos/(\d+)/[^"]*" class="card__link"', html)]


def logged_in(client: Client, site: TwoTasteSite, username: str = "alice") -> Client:
    client.force_login(getattr(site, username))
    return client


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(FOR_YOU)

    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={FOR_YOU}"


def test_with_no_model_yet_the_page_says_so_and_shows_popular_photos(
    client: Client, site: TwoTasteSite
) -> None:
    response = logged_in(client, site).get(FOR_YOU)
    html = response.content.decode()
    shown = card_ids(html)

    assert response.status_code == 200
    assert "still being prepared" in html
    assert shown
    assert not set(shown) & {image.pk for image in site.sea[:3]}  # never what alice already liked
    assert "Popular right now" in html


def test_picks_follow_the_users_taste_and_explain_themselves_with_real_likes(
    client: Client, site: TwoTasteSite
) -> None:
    services.build_model(tune=False)
    html = logged_in(client, site).get(FOR_YOU).content.decode()
    shown = card_ids(html)
    reasons = [int(pk) for pk in re.findall(r'Because you liked <a href="/photos/(\d+)/"', html)]

    assert "still being prepared" not in html
    assert shown[0] in {image.pk for image in site.sea[3:]}  # an unseen seascape leads
    assert {image.pk for image in site.sea[3:]} <= set(shown[:4])  # MMR may slip one food photo in
    assert reasons
    alice_likes = set(Like.objects.filter(user=site.alice).values_list("image_id", flat=True))
    assert set(reasons) <= alice_likes


def test_a_cold_user_is_told_the_picks_are_broad(client: Client, site: TwoTasteSite) -> None:
    services.build_model(tune=False)
    make_like(site.bob, site.food[0])

    html = logged_in(client, site, "bob").get(FOR_YOU).content.decode()

    assert "With only a few likes" in html
    assert card_ids(html)[0] in {image.pk for image in site.food}


def test_not_interested_hides_the_photo_and_offers_an_undo(client: Client, site: TwoTasteSite) -> None:
    services.build_model(tune=False)
    client = logged_in(client, site)
    target = site.sea[3]

    response = client.post(f"/for-you/not-interested/{target.pk}/")
    page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert target.pk not in card_ids(page)
    assert "You will see fewer photos like it" in page
    assert f"/for-you/not-interested/{target.pk}/undo/" in page
    assert NotInterested.objects.filter(user=site.alice, image=target).exists()


def test_undo_brings_the_photo_back(client: Client, site: TwoTasteSite) -> None:
    services.build_model(tune=False)
    client = logged_in(client, site)
    target = site.sea[3]
    client.post(f"/for-you/not-interested/{target.pk}/")

    client.post(f"/for-you/not-interested/{target.pk}/undo/")

    assert target.pk in card_ids(client.get(FOR_YOU).content.decode())


def test_not_interested_cannot_be_recorded_for_someone_else(client: Client, site: TwoTasteSite) -> None:
    services.build_model(tune=False)
    target = site.sea[3]
    NotInterested.objects.create(user=site.bob, image=site.sea[4])

    logged_in(client, site).post(
        f"/for-you/not-interested/{target.pk}/", {"user": site.bob.pk, "user_id": site.bob.pk}
    )
    logged_in(client, site).post(f"/for-you/not-interested/{site.sea[4].pk}/undo/")

    assert list(NotInterested.objects.filter(image=target).values_list("user__username", flat=True)) == [
        "alice"
    ]
    assert NotInterested.objects.filter(user=site.bob, image=site.sea[4]).exists()  # bob's own stays


def test_not_interested_needs_a_signed_in_post(client: Client, site: TwoTasteSite) -> None:
    target = site.sea[3]

    anonymous = client.post(f"/for-you/not-interested/{target.pk}/")
    by_get = logged_in(Client(), site).get(f"/for-you/not-interested/{target.pk}/")

    assert anonymous.status_code == 302
    assert "/account/login/" in anonymous["Location"]
    assert by_get.status_code == 405
    assert not NotInterested.objects.exists()


def test_not_interested_is_csrf_protected(site: TwoTasteSite) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(site.alice)

    response = client.post(f"/for-you/not-interested/{site.sea[3].pk}/")

    assert response.status_code == 403
    assert not NotInterested.objects.exists()


def test_a_hidden_photo_counts_against_its_look_alikes_at_once(client: Client, site: TwoTasteSite) -> None:
    services.build_model(tune=False)
    before = services.for_you(site.alice)
    hidden = before.picks[0].image
    services.mark_not_interested(user=site.alice, image=hidden)

    after = services.for_you(site.alice)

    assert hidden.pk not in [pick.image.pk for pick in after.picks]


def test_a_like_after_a_visit_counts_at_once(site: TwoTasteSite) -> None:
    services.build_model(tune=False)
    before = services.for_you(site.alice)
    liked = before.picks[0].image

    make_like(site.alice, liked)
    after = services.for_you(site.alice)

    assert liked.pk not in [pick.image.pk for pick in after.picks]
    assert after.like_count == before.like_count + 1
    assert liked.pk in {pk for interest in after.interests for pk in interest.image_ids}


def test_the_image_page_shows_similar_photos_and_co_likes(
    client: Client, site: TwoTasteSite, django_assert_max_num_queries
) -> None:
    services.build_model(tune=False)
    services.current_model()  # load once, as a warm process would have

    with django_assert_max_num_queries(14):
        html = client.get(f"/photos/{site.sea[0].pk}/").content.decode()

    similar = html.split("Similar photos")[1].split("People who liked this also liked")[0]
    co_liked = html.split("People who liked this also liked")[1]
    assert set(card_ids(similar)[:5]) == {image.pk for image in site.sea[1:]}
    assert site.sea[0].pk not in card_ids(similar)
    assert set(card_ids(co_liked)) <= {image.pk for image in site.sea[1:]}
    assert card_ids(co_liked)


def test_the_image_page_works_without_a_model(client: Client, site: TwoTasteSite) -> None:
    html = client.get(f"/photos/{site.sea[0].pk}/").content.decode()

    assert "Similar photos" not in html
    assert "People who liked this also liked" in html  # co-likes come straight from the likes


def test_the_home_page_shows_popular_and_new_photos_to_visitors(client: Client, site: TwoTasteSite) -> None:
    newest = make_image(title="Brand new")

    response = client.get("/")
    html = response.content.decode()
    popular = html.split('id="popular-heading"')[1].split('id="fresh-heading"')[0]
    fresh = html.split('id="fresh-heading"')[1]

    assert response.status_code == 200
    assert card_ids(popular)[0] in {image.pk for image in site.sea[:5]}  # liked by five people
    assert card_ids(fresh)[0] == newest.pk
    assert "Picked for you" not in html


def test_the_home_page_greets_a_signed_in_user_with_picks(client: Client, site: TwoTasteSite) -> None:
    services.build_model(tune=False)

    html = logged_in(client, site).get("/").content.decode()

    assert "Picked for you" in html
    assert 'href="/for-you/"' in html


def test_picks_and_home_lists_show_one_version_of_a_near_duplicate_group(
    client: Client, site: TwoTasteSite
) -> None:
    best, copy = site.sea[0], site.sea[1]  # both liked by the sea fans
    Image.objects.filter(pk__in=[best.pk, copy.pk]).update(duplicate_group=best.pk, is_group_best=False)
    Image.objects.filter(pk=best.pk).update(is_group_best=True)
    services.build_model(tune=False)

    home = client.get("/").content.decode()
    popular = card_ids(home.split('id="popular-heading"')[1].split('id="fresh-heading"')[0])
    picks = [pick.image.pk for pick in services.for_you(site.bob, count=12).picks]

    assert best.pk in popular
    assert copy.pk not in popular
    assert copy.pk not in picks
    assert copy.pk not in card_ids(client.get(f"/photos/{site.sea[2].pk}/").content.decode())


def hide_form(html: str, pk: int) -> dict[str, str]:
    """The fields of the "Not interested" form on photo `pk`'s pick card, and where it posts ("url")."""
    found = re.search(
        rf'<form method="post" action="(/for-you/not-interested/{pk}/)" class="pick__hide">(.*?)</form>',
        html,
        re.S,
    )
    assert found, f"no hide form for photo {pk}"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', found.group(2)))
    return {"url": found.group(1), **fields}


def test_each_persons_pick_cards_carry_their_own_token_and_follow_like_counts(site: TwoTasteSite) -> None:
    services.build_model(tune=False)
    bobs = Client(enforce_csrf_checks=True)
    bobs.force_login(site.bob)
    alices = Client(enforce_csrf_checks=True)
    alices.force_login(site.alice)
    alices.get(FOR_YOU)  # her cards are rendered first, and kept
    html = bobs.get(FOR_YOU).content.decode()
    first = card_ids(html)[0]
    make_like(make_user(), Image.objects.get(pk=first))
    likes = Like.objects.filter(image_id=first).count()
    assert f'aria-label="{likes} likes">♥ {likes}<' in bobs.get(FOR_YOU).content.decode()

    form = hide_form(html, first)
    assert bobs.post(form.pop("url"), form).status_code == 302
    assert list(NotInterested.objects.values_list("user_id", "image_id")) == [(site.bob.pk, first)]
