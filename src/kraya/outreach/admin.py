from django.contrib import admin

from kraya.outreach.models import Attendance, Event, EventAttribution, EventImport, Feedback


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "title", "state", "district", "starts_on", "ends_on"]
    list_filter = ["kind", "state"]
    search_fields = ["code", "title", "title_hi", "district"]
    readonly_fields = ["code", "created_by", "created_at", "updated_at"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["event", "name", "attendee_type", "organisation"]
    list_filter = ["attendee_type"]
    raw_id_fields = ["event", "firm", "recorded_by"]


@admin.register(EventAttribution)
class EventAttributionAdmin(admin.ModelAdmin):
    list_display = ["event", "firm", "how", "created_at"]
    raw_id_fields = ["event", "firm"]

    def has_change_permission(self, request, obj=None):
        return False  # OUT-1: the first event wins; credit is never moved by hand


@admin.register(EventImport)
class EventImportAdmin(admin.ModelAdmin):
    list_display = ["event", "batch", "created_at"]
    raw_id_fields = ["event", "batch"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["id", "side", "state", "topic", "sentiment", "status", "created_at"]
    list_filter = ["status", "topic", "sentiment", "side"]
    readonly_fields = [f.name for f in Feedback._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False  # status changes go through the inbox (services), audited
