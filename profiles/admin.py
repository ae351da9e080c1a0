from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from profiles.accounts.api_tokens import revoke_api_token
from profiles.models import ApiToken, ProfileSnapshot, SimulatedTaste, UserProfile
from profiles.services import remove_simulated_users


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "is_public"]
    list_filter = ["is_public"]
    search_fields = ["user__username"]


@admin.register(ProfileSnapshot)
class ProfileSnapshotAdmin(admin.ModelAdmin):
    list_display = ["user", "computed_at", "version", "like_count"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "data", "version", "computed_at"]


@admin.register(SimulatedTaste)
class SimulatedTasteAdmin(admin.ModelAdmin):
    list_display = ["user", "seed", "is_cold", "created_at"]
    list_filter = ["is_cold", "seed"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "interests", "seed", "is_cold", "created_at"]
    actions = ["remove_simulated_users"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A hidden taste marks its user as simulated (and deletable with remove_simulated_users): only
        # simulate_users makes them, never a hand-added row on a real account.
        return False

    @admin.action(
        description="Delete the selected simulated users with their likes and tags",
        permissions=["delete"],
    )
    def remove_simulated_users(self, request: HttpRequest, queryset: QuerySet[SimulatedTaste]) -> None:
        removed = remove_simulated_users(user_ids=list(queryset.values_list("user_id", flat=True)))
        self.message_user(
            request,
            f"Deleted {removed.users} simulated users with {removed.likes} likes and {removed.tags} tags; "
            "real users' likes and tags are untouched. Rebuild the recommender so it forgets them.",
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Staff can see who holds API tokens and revoke one (a leaked token, say); only owners make them."""

    list_display = ["prefix", "name", "user", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "key_hash",
        "scope",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_api_token(token=token)
        self.message_user(
            request, "The tokens are revoked; they fail from the next request on.", messages.SUCCESS
        )
