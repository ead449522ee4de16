from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from doithoai.accounts.models import LoginThrottle, Organization, Person, Post, RoleAssignment, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "is_supervisor", "is_active"]
    list_filter = ["unit", "kind", "is_active"]
    search_fields = ["name", "short_name"]


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "unit", "phone"]
    list_filter = ["unit"]
    search_fields = ["full_name"]
    inlines = [PostInline]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "person", "organization", "unit"]
    list_filter = ["unit"]
    search_fields = ["title", "person__full_name"]
    autocomplete_fields = ["person", "organization"]


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [*BaseUserAdmin.fieldsets, ("Đối thoại", {"fields": ["person"]})]
    list_display = ["username", "person", "is_active", "is_staff"]
    autocomplete_fields = ["person"]
    inlines = [RoleInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "organization"]
    list_filter = ["role", "unit"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Failed log-ins and locks: read-only; deleting a row lifts its lock (the coordinator's page does the same)."""

    list_display = ["username", "scope", "failures", "last_failure_at", "locked_until"]
    list_filter = ["scope"]
    search_fields = ["username"]
    fields = ["username", "scope", "failures", "last_failure_at", "locked_until"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
