"""State the public API shares across processes: idempotency keys and rate-limit counters (DESIGN.md §8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from doithoai.lib.dates import local_format


class IdempotencyKey(models.Model):
    """The first answer to a request made with an `Idempotency-Key`; a retry gets it back and creates nothing."""

    key = models.CharField(_("khóa"), max_length=200)
    scope = models.CharField(_("phạm vi"), max_length=60)  # "POST /api/v1/petitions"
    request_hash = models.CharField(_("mã băm yêu cầu"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("mã trả lời"), null=True, blank=True)
    response = models.JSONField(_("nội dung trả lời"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("khóa chống gửi lặp")
        verbose_name_plural = _("khóa chống gửi lặp")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class RateCounter(models.Model):
    """Requests of one client address in one bucket ("submit", "lookup") during one minute."""

    client = models.CharField(_("địa chỉ"), max_length=64)
    bucket = models.CharField(_("loại"), max_length=16)
    window = models.DateTimeField(_("phút"))
    count = models.PositiveIntegerField(_("số lượt"), default=0)

    class Meta:
        verbose_name = _("đếm lượt truy cập")
        verbose_name_plural = _("đếm lượt truy cập")
        constraints = [models.UniqueConstraint(fields=["client", "bucket", "window"], name="rate_counter_unique")]
        indexes = [models.Index(fields=["window"])]

    def __str__(self) -> str:
        return f"{self.client} {self.bucket} {local_format(self.window)}: {self.count}"
