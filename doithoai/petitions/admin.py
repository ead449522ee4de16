"""Admin for petitions: a view of the data; statuses and history are read-only (changes go through actions)."""

from django.contrib import admin

from doithoai.petitions.models import (
    Answer,
    Assignment,
    Attachment,
    CalendarDay,
    DeadlineRule,
    ExtensionRequest,
    HistoryEntry,
    IdentityView,
    Petition,
    Topic,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "unit", "parent", "position"]
    list_filter = ["unit"]
    search_fields = ["name", "code"]


class HistoryInline(admin.TabularInline):
    model = HistoryEntry
    extra = 0
    can_delete = False
    fields = ["at", "actor_label", "action", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["code", "status", "kind", "topic", "channel", "received_at", "deadline", "unit"]
    list_filter = ["unit", "status", "kind", "channel", "topic"]
    search_fields = ["code", "search_key"]
    date_hierarchy = "received_at"
    readonly_fields = ["code", "status", "is_public", "merged_into", "search_key"]
    list_select_related = ["topic", "unit"]
    inlines = [HistoryInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_exclude(self, request, obj=None):
        """A complainant's or denouncer's identity is read on the staff page (logged), not in the admin."""
        if obj is not None and obj.is_confidential:
            return [*IDENTITY_FIELDS]
        return super().get_exclude(request, obj)


IDENTITY_FIELDS = ("submitter_name", "submitter_phone", "submitter_email", "submitter_address", "village")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["petition", "lead", "status", "deadline", "is_current"]
    list_filter = ["status"]
    readonly_fields = ["status", "is_current"]
    list_select_related = ["petition", "lead"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["assignment", "requested_deadline", "status"]
    readonly_fields = ["status", "decided_by", "decided_at"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["petition", "source", "answered_at", "approved_at", "published_at", "satisfaction"]
    readonly_fields = ["approved_by", "approved_at", "published_at", "satisfaction", "satisfaction_reason", "is_current"]
    list_select_related = ["petition"]


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    """Append-only: the admin can read the timeline, never add, edit or delete it."""

    list_display = ["petition", "at", "actor_label", "action", "from_status", "to_status"]
    list_select_related = ["petition"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    """A unit's answer deadlines in working days (blank kind or jurisdiction = any)."""

    list_display = ["unit", "kind", "jurisdiction", "working_days"]
    list_filter = ["unit"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The state's day-swaps for the year: extra days off and Saturdays worked."""

    list_display = ["day", "is_working_day", "note"]
    date_hierarchy = "day"


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "petition", "content_type", "size", "uploaded_at"]
    readonly_fields = ["petition", "file", "original_name", "content_type", "extension", "size", "sha256", "uploaded_at"]
    list_select_related = ["petition"]

    def has_add_permission(self, request):
        return False


@admin.register(IdentityView)
class IdentityViewAdmin(admin.ModelAdmin):
    """Who read a complaint's or denunciation's identity, and when: a log, never edited."""

    list_display = ["at", "user", "petition", "context"]
    list_select_related = ["user", "petition"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
