"""Every message the system sends (confirmation, reminder, digest, escalation), kept once per event: the outbox."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.notifications.redact import mask_recipient, redact

# Kinds of petition whose messages' recipients are masked in the outbox and the admin (a complainant's or a
# denouncer's contact is seen only through the logged identity view of the petition).


class NotificationQuerySet(models.QuerySet):
    def with_about(self) -> "NotificationQuerySet":
        """Annotate the kind and code of the petition each message is about (for masking and links), without
        loading the petitions' texts."""
        return self.annotate(about_kind=F("petition__kind"), about_code=F("petition__code"))


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
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        KEPT = "kept", _("Lưu tại hộp thư, chưa gửi")  # nothing configured to send it (no mail server, no SMS)
        FAILED = "failed", _("Gửi lỗi")
        SKIPPED = "skipped", _("Không gửi (không có địa chỉ)")

    event_key = models.CharField(_("sự kiện"), max_length=200, unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel)
    recipient = models.CharField(_("người nhận"), max_length=254)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tài khoản nhận"),
    )
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    petition = models.ForeignKey(
        "petitions.Petition",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("ý kiến"),
    )
    # The unit whose outbox holds it: the petition's, else the staff recipient's (set by notify).
    unit = models.ForeignKey(
        "accounts.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("đơn vị")
    )
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status, default=Status.QUEUED)
    error = models.CharField(_("lỗi"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # The claim (delivery.py): who took the message to send it and when, and how many times it was taken.
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    claimed_at = models.DateTimeField(_("nhận gửi lúc"), null=True, blank=True)
    claimed_by = models.CharField(_("tiến trình gửi"), max_length=100, blank=True)
    # The id of its task in the queue, so the sweep can tell a message whose task was lost.
    task_id = models.UUIDField(_("mã tác vụ"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo gửi đi")
        verbose_name_plural = _("thông báo gửi đi")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["petition", "created_at"]),
            models.Index(fields=["unit", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=["email", "sms"]), name="notification_channel_valid"),
        ]

    def __str__(self) -> str:
        # No recipient: this text lands in the admin's history and in error messages.
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_confidential(self) -> bool:
        """About a khiếu nại or tố cáo (read from `with_about()` when annotated, else from the petition)."""
        if hasattr(self, "about_kind"):
            return self.about_kind in CONFIDENTIAL_KINDS
        return self.petition_id is not None and self.petition.kind in CONFIDENTIAL_KINDS

    @property
    def shown_recipient(self) -> str:
        """The recipient as staff pages show it: masked for a confidential case."""
        return mask_recipient(self.recipient) if self.is_confidential else self.recipient

    def shown(self, text: str) -> str:
        """A text of this message (subject, body, error) as staff pages show it: for a confidential case, with its
        recipient and any other contact in it masked."""
        if not self.is_confidential or not text:
            return text
        return redact(text.replace(self.recipient, mask_recipient(self.recipient)))
