"""Recommender models in the admin: their status, weights and metrics, and a button to rebuild now."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from recommender import services
from recommender.models import NotInterested, RecommenderModel


@admin.register(RecommenderModel)
class RecommenderModelAdmin(admin.ModelAdmin[RecommenderModel]):
    change_list_template = "recommender/admin/change_list.html"
    list_display = ["id", "status", "built_at", "n_users", "n_items", "n_interactions", "weights_text"]
    list_filter = ["status"]
    readonly_fields = [
        "status",
        "algorithm",
        "weights_text",
        "metrics_text",
        "n_users",
        "n_items",
        "n_interactions",
        "artefact_size_text",
        "error",
        "created_at",
        "built_at",
    ]
    exclude = ["weights", "metrics"]
    actions = ["rebuild_now"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecommenderModel]:
        return super().get_queryset(request).defer("artefact")  # the arrays can be megabytes

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # models are built, not typed in: use "Rebuild now"

    def has_change_permission(self, request: HttpRequest, obj: RecommenderModel | None = None) -> bool:
        return False

    @admin.display(description="weights")
    def weights_text(self, obj: RecommenderModel) -> str:
        return ", ".join(f"{name} {weight:g}" for name, weight in obj.weights.items()) or "-"

    @admin.display(description="metrics")
    def metrics_text(self, obj: RecommenderModel) -> SafeString:
        return format_html("<pre>{}</pre>", json.dumps(obj.metrics, indent=2, sort_keys=True))

    @admin.display(description="stored arrays")
    def artefact_size_text(self, obj: RecommenderModel) -> str:
        return f"{obj.artefact_size / 1024:.0f} KiB"

    @admin.action(description="Rebuild the recommender now")
    def rebuild_now(self, request: HttpRequest, queryset: QuerySet[RecommenderModel]) -> None:
        if services.schedule_rebuild():
            self.message_user(request, "A rebuild has been queued.", messages.SUCCESS)
        else:
            self.message_user(request, services.REBUILD_NOT_QUEUED, messages.ERROR)

    def get_urls(self) -> list[URLPattern]:
        rebuild = self.admin_site.admin_view(require_POST(self.rebuild_view))
        return [path("rebuild/", rebuild, name="recommender_recommendermodel_rebuild"), *super().get_urls()]

    def rebuild_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("recommender.view_recommendermodel"):
            messages.error(request, "You may not rebuild the recommender.")
        elif services.schedule_rebuild():
            messages.success(request, "A rebuild has been queued; refresh this page to see it.")
        else:
            messages.error(request, services.REBUILD_NOT_QUEUED)
        return redirect("admin:recommender_recommendermodel_changelist")


@admin.register(NotInterested)
class NotInterestedAdmin(admin.ModelAdmin[NotInterested]):
    list_display = ["user", "image", "created_at"]
    list_select_related = ["user", "image"]
    raw_id_fields = ["user", "image"]
    search_fields = ["user__username"]
