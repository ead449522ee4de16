"""Admin pieces shared by the apps: the workflow's records are read there, never changed."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record the workflow owns: the admin reads it, never adds, changes or deletes it (actions do, with history)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """The same for rows shown inside another record's page."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
