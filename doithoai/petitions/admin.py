"""Admin for petitions: the workflow's records are read-only here (every change goes through an action, with its
history); only the unit's settings — topics, deadline rules, the state's day-swaps — are edited in the admin."""

from django.contrib import admin

from doithoai.lib.admin import ReadOnlyAdmin, ReadOnlyInline
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


class HistoryInline(ReadOnlyInline):
    model = HistoryEntry
    fields = ["at", "actor_label", "action", "from_status", "to_status", "note"]


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    """Kind, unit, content, status, dates, answers and identity change only through the actions (with history)."""

    list_display = ["code", "status", "kind", "topic", "channel", "received_at", "deadline", "unit"]
    list_filter = ["unit", "status", "kind", "channel", "topic"]
    search_fields = ["code"]
    date_hierarchy = "received_at"
    list_select_related = ["topic", "unit"]
    inlines = [HistoryInline]

    def get_fields(self, request, obj=None):
        """A complainant's or denouncer's identity is read on the staff page (every view logged), not here."""
        fields = [f.name for f in Petition._meta.fields if f.name != "id"]
        if obj is not None and obj.is_confidential:
            return [f for f in fields if f not in IDENTITY_FIELDS]
        return fields


IDENTITY_FIELDS = (
    "submitter_name",
    "submitter_phone",
    "submitter_email",
    "submitter_address",
    "village",
    "submitter_organization",
    "submitter_organization_name",
)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["petition", "lead", "status", "deadline", "is_current"]
    list_filter = ["status"]
    list_select_related = ["petition", "lead"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "requested_deadline", "status"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["petition", "source", "answered_at", "approved_at", "published_at", "satisfaction"]
    list_select_related = ["petition"]


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin):
    """Append-only: the admin can read the timeline, never add, edit or delete it."""

    list_display = ["petition", "at", "actor_label", "action", "from_status", "to_status"]
    list_select_related = ["petition"]


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
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "petition", "content_type", "size", "uploaded_at"]
    list_select_related = ["petition"]


@admin.register(IdentityView)
class IdentityViewAdmin(ReadOnlyAdmin):
    """Who read a complaint's or denunciation's identity, and when: a log, never edited."""

    list_display = ["at", "user", "petition", "context"]
    list_select_related = ["user", "petition"]
