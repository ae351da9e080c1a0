from django.contrib import admin

from profiles.models import ProfileSnapshot, SimulatedTaste, UserProfile


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
