"""Follow-ups in the Django admin: ratings are read-only, departments' memberships are edited here, feedback items are read-mostly."""

from django.contrib import admin

from followups.models import DepartmentMembership, FeedbackItem, SatisfactionRating


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    list_display = ["ticket", "source", "score", "raised_complaint", "created_at"]
    list_filter = ["source", "score", "raised_complaint"]
    search_fields = ["ticket__reference", "comment"]
    list_select_related = ["ticket"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department"]
    list_filter = ["department"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    """Read-mostly: departments acknowledge and answer in the feedback inbox, where each act is
    on the ticket's timeline. Only a misrouted item's department can be changed here."""

    list_display = [
        "fault_code",
        "ticket",
        "department",
        "status",
        "model",
        "component",
        "batch",
        "created_at",
        "acknowledge_due",
        "acknowledged_at",
        "answered_at",
    ]
    list_filter = ["status", "department"]
    search_fields = ["ticket__reference", "fault_code", "component", "batch", "model__code"]
    list_select_related = ["ticket", "model"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [field.name for field in FeedbackItem._meta.fields if field.name != "department"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# CSI survey programs and responses.
from followups.csi import admin as csi_admin  # noqa: E402,F401
