"""The report's download in the admin. `imgsite/urls.py` wraps it in `admin.site.admin_view`, so only
active staff reach it; everyone else is sent to the admin login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from imgsite.reports.services import build_collection_report


@require_GET
def download_report(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(build_collection_report(), content_type="application/pdf")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="imgsite-report-{stamp}.pdf"'
    return response
