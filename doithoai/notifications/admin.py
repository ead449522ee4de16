from django.contrib import admin

from doithoai.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was sent, to whom and when: a record, not something to edit."""

    list_display = ["created_at", "kind", "channel", "recipient", "status"]
    list_filter = ["kind", "channel", "status"]
    search_fields = ["recipient", "event_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
