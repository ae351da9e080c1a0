"""The header navigation, built from url names so pages appear as their apps add them.

To add a page to the nav, add a NavItem below with the url names it may have; an item whose
names do not resolve yet (the app has not shipped it) is left out rather than breaking the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    label: str
    url_names: tuple[str, ...]  # the first that resolves is used
    login_required: bool = False


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Gallery", ("gallery:index",)),
    NavItem("For you", ("recommender:for_you", "for_you"), login_required=True),
    NavItem("Likes", ("gallery:my_likes",), login_required=True),
    NavItem("Stats", ("profiles:stats", "stats")),
    NavItem("Me", ("profiles:me", "profiles:dashboard", "me"), login_required=True),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def _first_url(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


@register.inclusion_tag("partials/nav.html", takes_context=True)
def site_nav(context: template.Context) -> dict[str, object]:
    request = context.get("request")
    path = request.path if request is not None else ""
    user = context.get("user")
    logged_in = bool(user is not None and user.is_authenticated)
    links: list[NavLink] = []
    for item in NAV_ITEMS:
        if item.login_required and not logged_in:
            continue
        url = _first_url(item.url_names)
        if url is not None:
            links.append(NavLink(item.label, url, current=path.startswith(url)))
    return {"links": links, "user": user, "request": request}
