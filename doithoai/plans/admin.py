"""Admin for plans and dialogues: read-only. Plans, dialogues, announcements, invitations and speakers change only
through the actions of plans/actions.py (each with its history, the 7-day rule's evidence included)."""

from django.contrib import admin

from doithoai.lib.admin import ReadOnlyAdmin, ReadOnlyInline
from doithoai.plans.models import (
    AgendaItem,
    Announcement,
    Dialogue,
    DialogueMember,
    Invitation,
    Plan,
    PlanTask,
    SpeakerRequest,
)


class PlanTaskInline(ReadOnlyInline):
    model = PlanTask
    fields = ["section", "organization", "title", "due_on", "dialogue", "done_at"]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "unit", "year", "issued_on", "supersedes"]
    list_filter = ["unit", "year"]
    search_fields = ["title"]
    inlines = [PlanTaskInline]


class AgendaInline(ReadOnlyInline):
    model = AgendaItem


class MemberInline(ReadOnlyInline):
    model = DialogueMember


@admin.register(Dialogue)
class DialogueAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "starts_at", "tentative_month", "unit"]
    list_filter = ["unit", "kind", "status"]
    search_fields = ["title"]
    inlines = [AgendaInline, MemberInline]


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = ["dialogue", "published_at", "on_portal", "on_radio"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["dialogue", "organization", "person", "reply", "attended"]
    list_filter = ["reply"]


@admin.register(SpeakerRequest)
class SpeakerRequestAdmin(ReadOnlyAdmin):
    list_display = ["name", "dialogue", "status", "position"]
    list_filter = ["status"]
