from django.contrib import admin

from doithoai.lib.admin import ReadOnlyAdmin
from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.notifications.models import Notification

HIDDEN = "(ẩn: khiếu nại, tố cáo)"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """What was sent, to whom and when: a record, not something to edit. For a khiếu nại or tố cáo the recipient
    is masked and the text hidden, and searching by recipient never finds it (a denouncer's identity is read only
    on the petition, where each view is logged)."""

    list_display = ["created_at", "kind", "channel", "recipient_shown", "status", "attempts", "unit"]
    list_filter = ["kind", "channel", "status"]
    search_fields = ["event_key"]  # and the recipient, outside confidential cases: get_search_results
    list_select_related = ["unit"]
    fields = [
        "created_at",
        "kind",
        "channel",
        "recipient_shown",
        "recipient_user",
        "unit",
        "petition_code",
        "subject_shown",
        "body_shown",
        "status",
        "attempts",
        "claimed_at",
        "claimed_by",
        "sent_at",
        "error_shown",
        "event_key",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).with_about()

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            by_recipient = queryset.filter(recipient__icontains=term).exclude(petition__kind__in=CONFIDENTIAL_KINDS)
            found = found | by_recipient
        return found, duplicates

    @admin.display(description="người nhận")
    def recipient_shown(self, obj: Notification) -> str:
        return obj.shown_recipient

    @admin.display(description="ý kiến")
    def petition_code(self, obj: Notification) -> str:
        # The code only: a petition's own label carries the start of its text, a denunciation's included.
        return obj.about_code or "-"

    @admin.display(description="tiêu đề")
    def subject_shown(self, obj: Notification) -> str:
        return obj.shown(obj.subject)

    @admin.display(description="nội dung")
    def body_shown(self, obj: Notification) -> str:
        return HIDDEN if obj.is_confidential else obj.body

    @admin.display(description="lỗi")
    def error_shown(self, obj: Notification) -> str:
        return obj.shown(obj.error)
