from typing import Any

from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic.base import RedirectView

from gallery.media import serve_media
from imgsite.api import api
from imgsite.reports.views import download_report
from profiles.accounts.forms import RateLimitedAdminAuthenticationForm

admin.site.site_header = "imgsite curation"
admin.site.site_title = "imgsite curation"
admin.site.index_title = "Collection, jobs and people"
# The admin's login counts failures in the same limiter as the site's.
admin.site.login_form = RateLimitedAdminAuthenticationForm


class FaviconRedirect(RedirectView):
    """Browsers ask for /favicon.ico on their own; answer with the SVG icon base.html links to.

    Resolved per request: the hashed static name is only known once collectstatic has run."""

    permanent = True

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        return static("favicon.svg")


urlpatterns: list[URLPattern | URLResolver] = [
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
    # Before the admin's own URLs, which would otherwise answer "admin/report.pdf" with a 404.
    path("admin/report.pdf", admin.site.admin_view(download_report), name="admin-report"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("account/", include("profiles.accounts.urls")),
    path("", include("recommender.urls")),  # before gallery: its "/" is the home page
    path("", include("gallery.urls")),
    path("", include("profiles.urls")),
]

if settings.IMGSITE_SERVE_MEDIA:
    # In production too: static() only works with DEBUG, and a deploy must show its photos.
    urlpatterns.append(path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", serve_media, name="media"))
