"""The document register (sổ đăng ký văn bản) and the documents it numbers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doithoai.lib.dates import vietnamese_date


class PartyTerm(models.Model):
    """A term of the Party committee (nhiệm kỳ): Party documents are numbered from 01 within it (HD 36)."""

    unit = models.ForeignKey("accounts.Unit", models.PROTECT, related_name="party_terms", verbose_name=_("đơn vị"))
    label = models.CharField(_("nhiệm kỳ"), max_length=20)  # "2025 - 2030"
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))

    class Meta:
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")
        ordering = ["unit", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "label"], name="party_term_unique_label"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="party_term_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"Nhiệm kỳ {self.label}"


class DocumentRegister(models.Model):
    """A numbering sequence: one issuing body, one document type, one period (a Party term or a year)."""

    class Style(models.TextChoices):
        PARTY = "party", _("Văn bản của Đảng (HD 36-HD/VPTW)")
        STATE = "state", _("Văn bản hành chính (NĐ 30/2020/NĐ-CP)")

    class DocType(models.TextChoices):
        KE_HOACH = "KH", _("Kế hoạch")
        THONG_BAO = "TB", _("Thông báo")
        GIAY_MOI = "GM", _("Giấy mời")
        CHUONG_TRINH = "CTr", _("Chương trình")
        BIEN_BAN = "BB", _("Biên bản")
        BAO_CAO = "BC", _("Báo cáo")
        CONG_VAN = "CV", _("Công văn")

    unit = models.ForeignKey("accounts.Unit", models.PROTECT, related_name="registers", verbose_name=_("đơn vị"))
    issuing_body = models.ForeignKey(
        "accounts.Organization", models.PROTECT, related_name="registers", verbose_name=_("cơ quan ban hành")
    )
    style = models.CharField(_("thể thức"), max_length=8, choices=Style)
    doc_type = models.CharField(_("loại văn bản"), max_length=8, choices=DocType)
    body_symbol = models.CharField(_("ký hiệu cơ quan"), max_length=20)  # "ĐU", "VPĐU", "UBND"
    party_term = models.ForeignKey(
        PartyTerm, models.PROTECT, null=True, blank=True, related_name="registers", verbose_name=_("nhiệm kỳ")
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    numbers_before_system = models.PositiveIntegerField(
        _("số đã cấp trước khi dùng hệ thống"),
        default=0,
        help_text=_("Số cuối cùng đã cấp trên sổ giấy trong kỳ này; hệ thống cấp tiếp từ số sau."),
    )

    class Meta:
        verbose_name = _("sổ đăng ký văn bản")
        verbose_name_plural = _("sổ đăng ký văn bản")
        constraints = [
            # Party registers run per term, state registers per calendar year.
            models.CheckConstraint(
                condition=(Q(style="party") & Q(party_term__isnull=False) & Q(year__isnull=True))
                | (Q(style="state") & Q(party_term__isnull=True) & Q(year__isnull=False)),
                name="register_period_matches_style",
            ),
            models.UniqueConstraint(
                fields=["issuing_body", "doc_type", "party_term"],
                condition=Q(style="party"),
                name="register_unique_party",
            ),
            models.UniqueConstraint(
                fields=["issuing_body", "doc_type", "year"], condition=Q(style="state"), name="register_unique_state"
            ),
        ]

    def __str__(self) -> str:
        period = self.party_term.label if self.party_term_id else str(self.year)
        return f"{self.issuing_body} — {self.get_doc_type_display()} — {period}"

    def format_code(self, number: int) -> str:
        """The number and symbol as printed: Party "67-KH/ĐU", state "12/TB-UBND" (with "Số:" on the paper)."""
        if self.style == self.Style.PARTY:
            return f"{number:02d}-{self.doc_type}/{self.body_symbol}"
        return f"{number:02d}/{self.doc_type}-{self.body_symbol}"


class Document(models.Model):
    """A numbered document (văn bản) kept with its files: number, date, summary, signer."""

    register = models.ForeignKey(DocumentRegister, models.PROTECT, related_name="documents", verbose_name=_("sổ"))
    number = models.PositiveIntegerField(_("số"))
    issued_on = models.DateField(_("ngày ban hành"))
    summary = models.CharField(_("trích yếu"), max_length=400)
    signer_post = models.ForeignKey(
        "accounts.Post",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_documents",
        verbose_name=_("người ký"),
    )
    docx_file = models.FileField(_("tệp DOCX"), upload_to="documents/%Y/", blank=True)
    pdf_file = models.FileField(_("tệp PDF"), upload_to="documents/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người lập")
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="document_unique_number_per_register"),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.summary}"

    @property
    def code(self) -> str:
        return self.register.format_code(self.number)

    @property
    def issued_on_text(self) -> str:
        return vietnamese_date(self.issued_on)
