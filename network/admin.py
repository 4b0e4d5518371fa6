from django.contrib import admin

from network.models import ProviderMember, ServiceProvider


class ProviderMemberInline(admin.TabularInline):
    model = ProviderMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "contact_name", "phone", "accept_hours", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_zh", "contact_name", "phone"]
    inlines = [ProviderMemberInline]
