"""Every message the system sends (confirmation, reminder, digest, escalation), kept once per event."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one recipient; `event_key` is unique, so an event is never notified twice."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS")

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Xác nhận tiếp nhận")
        STATUS = "status", _("Cập nhật trạng thái")
        ASSIGNED = "assigned", _("Giao xử lý")
        DUE_SOON = "due_soon", _("Nhắc sắp đến hạn")
        OVERDUE = "overdue", _("Nhắc quá hạn")
        DIGEST = "digest", _("Tổng hợp hằng ngày")
        ESCALATION = "escalation", _("Báo cáo quá hạn kéo dài")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")
        SKIPPED = "skipped", _("Không gửi (không có địa chỉ)")

    event_key = models.CharField(_("sự kiện"), max_length=200, unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel)
    recipient = models.CharField(_("người nhận"), max_length=254)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("tài khoản nhận")
    )
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    petition = models.ForeignKey(
        "petitions.Petition", models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("ý kiến"),
    )
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status, default=Status.QUEUED)
    error = models.CharField(_("lỗi"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo gửi đi")
        verbose_name_plural = _("thông báo gửi đi")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["petition", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=["email", "sms"]), name="notification_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"
