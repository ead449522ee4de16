from django.contrib import admin

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


class PlanTaskInline(admin.TabularInline):
    model = PlanTask
    extra = 0
    fields = ["section", "organization", "title", "due_on", "dialogue", "done_at"]
    readonly_fields = ["done_at"]
    autocomplete_fields = ["organization"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "unit", "year", "issued_on", "supersedes"]
    list_filter = ["unit", "year"]
    search_fields = ["title"]
    inlines = [PlanTaskInline]


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class MemberInline(admin.TabularInline):
    model = DialogueMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Dialogue)
class DialogueAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "starts_at", "tentative_month", "unit"]
    list_filter = ["unit", "kind", "status"]
    search_fields = ["title"]
    readonly_fields = ["status", "results_published_at"]
    inlines = [AgendaInline, MemberInline]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["dialogue", "published_at", "on_portal", "on_radio"]
    readonly_fields = ["published_at", "published_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["dialogue", "organization", "person", "reply", "attended"]
    list_filter = ["reply"]


@admin.register(SpeakerRequest)
class SpeakerRequestAdmin(admin.ModelAdmin):
    list_display = ["name", "dialogue", "status", "position"]
    list_filter = ["status"]
    readonly_fields = ["status", "petition"]
