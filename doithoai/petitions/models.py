"""Petitions (ý kiến, kiến nghị), their topics, assignments, answers and history."""

import datetime as dt
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Length, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from doithoai.lib import clock
from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.lib.dates import local_format

# Tracking codes: 13 characters from a 31-letter alphabet without 0/O, 1/I/L (about 64 random bits),
# printed in groups of four for reading aloud on the phone ("K7QX-M3RW-9HTD-B").
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters
CODE_LENGTH = 13


def new_tracking_code() -> str:
    """A fresh random tracking code (mã theo dõi), grouped for reading: XXXX-XXXX-XXXX-X."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


class Topic(models.Model):
    """A topic (lĩnh vực): one of the 13 canonical codes, or a unit's own topic under a canonical parent."""

    unit = models.ForeignKey(
        "accounts.Unit", models.CASCADE, null=True, blank=True, related_name="topics", verbose_name=_("đơn vị")
    )
    code = models.SlugField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=120)
    scope = models.TextField(_("phạm vi"), blank=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("lĩnh vực gốc")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(unit__isnull=True), name="topic_canonical_code_unique"
            ),
            models.UniqueConstraint(
                fields=["unit", "code"], condition=Q(unit__isnull=False), name="topic_unit_code_unique"
            ),
            # Canonical topics have no unit and no parent; a unit's topic always has a canonical parent.
            models.CheckConstraint(
                condition=(Q(unit__isnull=True) & Q(parent__isnull=True))
                | (Q(unit__isnull=False) & Q(parent__isnull=False)),
                name="topic_canonical_or_child",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def canonical(self) -> "Topic":
        return self.parent if self.parent_id else self

    @property
    def canonical_code(self) -> str:
        return self.parent.code if self.parent_id else self.code


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    CLASSIFIED = "classified", _("Đã phân loại")
    ASSIGNED = "assigned", _("Đã giao xử lý")
    FORWARDED = "forwarded", _("Đã chuyển cấp có thẩm quyền")
    ANSWERED_AT_DIALOGUE = "answered_at_dialogue", _("Đã trả lời tại hội nghị")
    ANSWER_PENDING = "answer_pending", _("Chờ duyệt trả lời")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã hoàn thành")
    MERGED = "merged", _("Đã gộp")
    DECLINED = "declined", _("Không thụ lý")
    LEGAL_TRACK = "legal_track", _("Đã chuyển xử lý theo quy định")


class PetitionKind(models.TextChoices):
    GOP_Y = "gop_y", _("Góp ý")
    KIEN_NGHI = "kien_nghi", _("Kiến nghị")
    PHAN_ANH = "phan_anh", _("Phản ánh")
    CAU_HOI = "cau_hoi", _("Câu hỏi")
    KHIEU_NAI = "khieu_nai", _("Khiếu nại")
    TO_CAO = "to_cao", _("Tố cáo")


class PetitionChannel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    QR_AT_DIALOGUE = "qr_at_dialogue", _("Quét mã QR tại hội nghị")
    SPOKEN_AT_DIALOGUE = "spoken_at_dialogue", _("Phát biểu tại hội nghị")
    WRITTEN_AT_DIALOGUE = "written_at_dialogue", _("Phiếu ghi ý kiến tại hội nghị")
    ORG_BATCH = "org_batch", _("Tổ chức tổng hợp gửi")
    RECEPTION = "reception", _("Tiếp công dân")
    PHONE = "phone", _("Điện thoại")
    LETTER = "letter", _("Thư, đơn")


def excerpt_annotations(field: str = "content", length: int = 140, *, hidden_kinds=()) -> dict:
    """`excerpt` (the first `length` characters of an opinion's text, read by the database, not the whole text) and
    `content_length` (to know whether it was cut), for lists; of `hidden_kinds` (a khiếu nại's, a tố cáo's in the
    inbox) neither. `field` reaches the text from another model ("petition__content" from an assignment)."""
    excerpt, size = Substr(field, 1, length), Length(field)
    if hidden_kinds:
        kind = field.removesuffix("content") + "kind"
        excerpt = Case(
            When(**{f"{kind}__in": list(hidden_kinds)}, then=Value("")),
            default=excerpt,
            output_field=models.CharField(),
        )
        size = Case(When(**{f"{kind}__in": list(hidden_kinds)}, then=Value(0)), default=size)
    return {"excerpt": excerpt, "content_length": size}


class PetitionQuerySet(models.QuerySet):
    def with_excerpt(self, length: int = 140, *, hidden_kinds=()) -> "PetitionQuerySet":
        """Each opinion with `excerpt` and `content_length` (excerpt_annotations)."""
        return self.annotate(**excerpt_annotations(length=length, hidden_kinds=hidden_kinds))

    def overdue(self, today: dt.date | None = None) -> "PetitionQuerySet":
        """Still awaiting an answer, past the deadline (derived, never stored; today in Asia/Ho_Chi_Minh)."""
        return self.filter(overdue_q(today or clock.today()))


class Petition(models.Model):
    """An opinion or recommendation (ý kiến, kiến nghị, phản ánh) received by a unit: the unit of work."""

    Channel = PetitionChannel

    Kind = PetitionKind

    class Jurisdiction(models.TextChoices):
        COMMUNE = "commune", _("Thuộc thẩm quyền của xã")
        HIGHER = "higher", _("Thuộc thẩm quyền cấp trên")

    Status = PetitionStatus

    unit = models.ForeignKey("accounts.Unit", models.PROTECT, related_name="petitions", verbose_name=_("đơn vị"))
    code = models.CharField(_("mã theo dõi"), max_length=20, unique=True, default=new_tracking_code, editable=False)
    content = models.TextField(_("nội dung"))
    search_key = models.TextField(_("khóa tìm kiếm"), blank=True, editable=False)
    public_summary = models.TextField(_("tóm tắt công khai"), blank=True)
    # Folded (no diacritics) public summary and published answer, for the public search ("duong xuong cap").
    public_search_key = models.TextField(_("khóa tìm kiếm công khai"), blank=True, editable=False)
    submitter_name = models.CharField(_("họ và tên"), max_length=120, blank=True)
    submitter_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    submitter_email = models.EmailField(_("thư điện tử"), blank=True)
    submitter_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    village = models.ForeignKey(
        "accounts.Organization",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="village_petitions",
        limit_choices_to={"kind": "village"},
        verbose_name=_("thôn"),
    )
    submitter_organization = models.ForeignKey(
        "accounts.Organization",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_petitions",
        verbose_name=_("tổ chức, doanh nghiệp gửi"),
    )
    submitter_organization_name = models.CharField(_("tên tổ chức, doanh nghiệp"), max_length=200, blank=True)
    anonymous = models.BooleanField(_("ẩn danh"), default=False)
    consent_at = models.DateTimeField(_("đồng ý xử lý dữ liệu cá nhân lúc"), null=True, blank=True)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=24, choices=Channel)
    dialogue = models.ForeignKey(
        "plans.Dialogue", models.PROTECT, null=True, blank=True, related_name="petitions", verbose_name=_("buổi")
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind, default=Kind.KIEN_NGHI)
    topic = models.ForeignKey(
        Topic, models.PROTECT, null=True, blank=True, related_name="petitions", verbose_name=_("lĩnh vực")
    )
    jurisdiction = models.CharField(_("thẩm quyền"), max_length=16, choices=Jurisdiction, blank=True)
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status, default=Status.RECEIVED, editable=False)
    deadline = models.DateField(_("hạn trả lời"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="merged_children", verbose_name=_("gộp vào")
    )
    is_public = models.BooleanField(_("công khai"), default=False, editable=False)
    decline_reason = models.TextField(_("lý do không thụ lý"), blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người nhập")
    )
    imported_in = models.ForeignKey(
        "PetitionImport",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("nhập từ tệp"),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    # The one-time token of the form it came from (lib/form_token.py): the same form posted twice is one petition.
    submission_key = models.CharField(_("mã lần gửi"), max_length=64, blank=True, editable=False)
    # The key of the list row it was imported from (importing.row_key): the same row sent again is found by it.
    import_key = models.CharField(_("khóa dòng nhập"), max_length=64, blank=True, editable=False)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("ý kiến, kiến nghị")
        verbose_name_plural = _("ý kiến, kiến nghị")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status", "deadline"]),
            models.Index(fields=["unit", "topic"]),
            models.Index(fields=["unit", "received_at"]),
            models.Index(fields=["unit", "kind"]),
            models.Index(fields=["unit", "channel"]),
            models.Index(fields=["dialogue", "status"]),
            models.Index(fields=["submitter_organization", "received_at"]),
            models.Index(fields=["village", "received_at"]),
            models.Index(fields=["unit", "import_key"], condition=~Q(import_key=""), name="petition_import_key"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PetitionStatus]), name="petition_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in PetitionKind]), name="petition_kind_valid"),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in PetitionChannel]), name="petition_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(jurisdiction__in=["", "commune", "higher"]), name="petition_jurisdiction_valid"
            ),
            # Merged exactly when it points to a parent, and never to itself.
            models.CheckConstraint(
                condition=(Q(status="merged") & Q(merged_into__isnull=False))
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="petition_merged_has_parent",
            ),
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="petition_not_merged_into_itself"),
            # Complaints and denunciations are never merged and never public.
            models.CheckConstraint(
                condition=~Q(kind__in=list(CONFIDENTIAL_KINDS)) | (Q(is_public=False) & Q(merged_into__isnull=True)),
                name="petition_legal_kinds_private",
            ),
            models.CheckConstraint(
                condition=~Q(anonymous=True) | (Q(submitter_name="") & Q(submitter_phone="") & Q(submitter_email="")),
                name="petition_anonymous_has_no_identity",
            ),
            models.UniqueConstraint(
                fields=["unit", "submission_key"],
                condition=~Q(submission_key=""),
                name="petition_submission_key_unique",
            ),
        ]

    def __str__(self) -> str:
        # The code only: wherever a petition is named (the admin's lists and links, logs), its text is not shown,
        # and a denunciation's first words cannot leak through a label.
        return self.code

    def get_status_url(self) -> str:
        """The public status page of this opinion's tracking code (tra cứu), a path."""
        return reverse("portal:petition_status", args=[self.code])

    @property
    def is_overdue(self) -> bool:
        """Still awaiting an answer and the deadline has passed (the deadline day itself is in time)."""
        return self.status in AWAITING_ANSWER and self.deadline is not None and self.deadline < clock.today()

    @property
    def is_confidential(self) -> bool:
        """Khiếu nại and tố cáo follow their own laws: never public, never merged."""
        return self.kind in CONFIDENTIAL_KINDS

    def refresh_public_search_key(self, answer_text: str = "") -> None:
        """Fold what the public may read (summary and published answer) into the search key."""
        from doithoai.lib.text import fold

        self.public_search_key = fold(f"{self.public_summary} {answer_text}") if self.is_public else ""


# The status the public sees for each internal status (DESIGN.md §3); merged shows its parent's.
PUBLIC_STATUS_LABELS = {
    Petition.Status.RECEIVED: _("Đã tiếp nhận"),
    Petition.Status.CLASSIFIED: _("Đang xem xét"),
    Petition.Status.ASSIGNED: _("Đang giải quyết"),
    Petition.Status.FORWARDED: _("Đã chuyển cấp có thẩm quyền"),
    Petition.Status.ANSWERED_AT_DIALOGUE: _("Đã trả lời tại hội nghị"),
    Petition.Status.ANSWER_PENDING: _("Đang giải quyết"),
    Petition.Status.ANSWERED: _("Đã trả lời"),
    Petition.Status.CLOSED: _("Đã hoàn thành"),
    Petition.Status.DECLINED: _("Không thụ lý"),
    Petition.Status.LEGAL_TRACK: _("Đã chuyển xử lý theo quy định"),
}

# Statuses in which the petition is still being handled.
OPEN_STATUSES = (
    Petition.Status.RECEIVED,
    Petition.Status.CLASSIFIED,
    Petition.Status.ASSIGNED,
    Petition.Status.FORWARDED,
    Petition.Status.ANSWER_PENDING,
)
# Statuses in which the answer itself is still awaited: past the deadline, these are overdue.
# (An answer awaiting approval was given in time or not; its delay is no longer the handler's.)
AWAITING_ANSWER = (
    Petition.Status.RECEIVED,
    Petition.Status.CLASSIFIED,
    Petition.Status.ASSIGNED,
    Petition.Status.FORWARDED,
)


def overdue_q(today: dt.date) -> Q:
    """The overdue rule as a filter (PetitionQuerySet.overdue, counts and the inbox's "Quá hạn" view)."""
    return Q(status__in=AWAITING_ANSWER, deadline__lt=today)


class Assignment(models.Model):
    """Giao xử lý / chuyển cấp trên: a petition handed to a lead organisation, with coordinating ones."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Đã giao")
        ACCEPTED = "accepted", _("Đã nhận xử lý")
        ANSWERED = "answered", _("Đã trả lời")
        RETURNED = "returned", _("Trả lại")

    petition = models.ForeignKey(Petition, models.CASCADE, related_name="assignments", verbose_name=_("ý kiến"))
    lead = models.ForeignKey(
        "accounts.Organization", models.PROTECT, related_name="lead_assignments", verbose_name=_("cơ quan chủ trì")
    )
    coordinating = models.ManyToManyField(
        "accounts.Organization", blank=True, related_name="coordinating_assignments", verbose_name=_("cơ quan phối hợp")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người giao")
    )
    assigned_at = models.DateTimeField(_("giao lúc"))
    instructions = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.ASSIGNED, editable=False)
    returned_reason = models.TextField(_("lý do trả lại"), blank=True)
    outgoing_number = models.CharField(_("số công văn chuyển"), max_length=40, blank=True)
    outgoing_date = models.DateField(_("ngày công văn chuyển"), null=True, blank=True)
    is_current = models.BooleanField(_("đang hiệu lực"), default=True)

    class Meta:
        verbose_name = _("giao xử lý")
        verbose_name_plural = _("giao xử lý")
        ordering = ["-assigned_at"]
        indexes = [
            models.Index(fields=["lead", "status", "deadline"]),
            models.Index(fields=["petition", "is_current"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["assigned", "accepted", "answered", "returned"]), name="assignment_status_valid"
            ),
            models.UniqueConstraint(
                fields=["petition"], condition=Q(is_current=True), name="assignment_one_current_per_petition"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition.code} → {self.lead}"

    @property
    def is_overdue(self) -> bool:
        """Still in the organisation's hands (assigned or accepted) and its deadline has passed."""
        return self.status in ASSIGNMENT_IN_HAND and self.deadline is not None and self.deadline < clock.today()

    @property
    def is_forwarding(self) -> bool:
        return self.lead.kind == "higher_authority"


# An assignment still in the organisation's hands: given to it (accepted or not yet), not answered or returned.
ASSIGNMENT_IN_HAND = (Assignment.Status.ASSIGNED, Assignment.Status.ACCEPTED)


class ExtensionRequest(models.Model):
    """A request for more time on an assignment (xin gia hạn), granted or refused by the coordinator."""

    class Status(models.TextChoices):
        REQUESTED = "extension_requested", _("Xin gia hạn")
        GRANTED = "extension_granted", _("Được gia hạn")
        REFUSED = "extension_refused", _("Không được gia hạn")

    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="extensions", verbose_name=_("giao xử lý"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người xin")
    )
    requested_at = models.DateTimeField(_("xin lúc"))
    requested_deadline = models.DateField(_("hạn đề nghị"))
    reason = models.TextField(_("lý do"))
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status, default=Status.REQUESTED, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("xin gia hạn")
        verbose_name_plural = _("xin gia hạn")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["extension_requested", "extension_granted", "extension_refused"]),
                name="extension_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.get_status_display()}"


class Answer(models.Model):
    """An answer (trả lời, giải trình) to a petition, approved before it is published."""

    class Source(models.TextChoices):
        CHAIR = "chair", _("Chủ trì trả lời tại hội nghị")
        AGENCY = "agency", _("Cơ quan chuyên môn")
        HIGHER_AUTHORITY = "higher_authority", _("Cấp có thẩm quyền")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Hài lòng")
        UNSATISFIED = "unsatisfied", _("Chưa hài lòng")

    petition = models.ForeignKey(Petition, models.CASCADE, related_name="answers", verbose_name=_("ý kiến"))
    assignment = models.ForeignKey(
        Assignment, models.SET_NULL, null=True, blank=True, related_name="answers", verbose_name=_("giao xử lý")
    )
    text = models.TextField(_("nội dung trả lời"))
    public_text = models.TextField(_("nội dung công khai"), blank=True)
    source = models.CharField(_("người trả lời"), max_length=20, choices=Source)
    at_dialogue = models.BooleanField(_("trả lời tại hội nghị"), default=False)
    organization = models.ForeignKey(
        "accounts.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("cơ quan trả lời"),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người nhập")
    )
    answered_at = models.DateTimeField(_("trả lời lúc"))
    document_number = models.CharField(_("số văn bản"), max_length=40, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    document_file = models.FileField(_("tệp văn bản"), upload_to="answers/%Y/", blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người duyệt")
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)
    satisfaction = models.CharField(_("mức độ hài lòng"), max_length=16, choices=Satisfaction, blank=True)
    satisfaction_reason = models.TextField(_("lý do chưa hài lòng"), blank=True)
    satisfaction_at = models.DateTimeField(_("đánh giá lúc"), null=True, blank=True)
    is_current = models.BooleanField(_("đang hiệu lực"), default=True)

    class Meta:
        verbose_name = _("trả lời")
        verbose_name_plural = _("trả lời")
        ordering = ["-answered_at"]
        indexes = [
            models.Index(fields=["petition", "is_current"]),
            models.Index(fields=["published_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["chair", "agency", "higher_authority"]), name="answer_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__in=["", "satisfied", "unsatisfied"]), name="answer_satisfaction_valid"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(approved_at__isnull=False),
                name="answer_published_after_approval",
            ),
            models.UniqueConstraint(
                fields=["petition"], condition=Q(is_current=True), name="answer_one_current_per_petition"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition.code}: {self.text[:60]}"


class HistoryQuerySet(models.QuerySet):
    """History is append-only: bulk updates and deletes are refused too."""

    def update(self, **kwargs):
        raise ValidationError(_("Lịch sử xử lý chỉ được ghi thêm, không được sửa."))

    def delete(self):
        raise ValidationError(_("Lịch sử xử lý không được xóa."))


class HistoryAction(models.TextChoices):
    """The steps of a petition's timeline, as staff read them (HistoryEntry.action)."""

    RECEIVE = "receive", _("Tiếp nhận")
    CLASSIFY = "classify", _("Phân loại")
    EDIT_SUMMARY = "edit_summary", _("Sửa tóm tắt công khai")
    MERGE = "merge", _("Gộp vào ý kiến khác")
    MERGE_IN = "merge_in", _("Nhận ý kiến gộp vào")
    DECLINE = "decline", _("Không thụ lý")
    LEGAL_TRACK = "legal_track", _("Chuyển xử lý theo quy định")
    ASSIGN = "assign", _("Giao xử lý")
    FORWARD = "forward", _("Chuyển cấp có thẩm quyền")
    ACCEPT = "accept", _("Nhận xử lý")
    RETURN = "return", _("Trả lại")
    EXTENSION_REQUESTED = "extension_requested", _("Xin gia hạn")
    EXTENSION_GRANTED = "extension_granted", _("Đồng ý gia hạn")
    EXTENSION_REFUSED = "extension_refused", _("Không đồng ý gia hạn")
    ANSWER_AT_DIALOGUE = "answer_at_dialogue", _("Trả lời tại hội nghị")
    RECORD_ANSWER = "record_answer", _("Ghi trả lời")
    APPROVE = "approve", _("Duyệt trả lời")
    RETURN_ANSWER = "return_answer", _("Trả lại trả lời")
    PUBLISH = "publish", _("Công khai")
    CLOSE = "close", _("Kết thúc")
    FEEDBACK = "feedback", _("Người gửi đánh giá")
    REOPEN = "reopen", _("Mở lại xem xét")


class HistoryEntry(models.Model):
    """One step of a petition's timeline: who did what, when, from which state to which. Append-only."""

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="history", verbose_name=_("ý kiến"))
    at = models.DateTimeField(_("lúc"))
    # PROTECT: an account that acted is deactivated, never deleted (the timeline cannot be rewritten).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_label = models.CharField(_("người, đơn vị thực hiện"), max_length=200, blank=True)
    action = models.CharField(_("thao tác"), max_length=40, choices=HistoryAction)
    from_status = models.CharField(_("từ trạng thái"), max_length=24, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=24, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    is_public = models.BooleanField(_("hiện cho người gửi"), default=False)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("lịch sử xử lý")
        verbose_name_plural = _("lịch sử xử lý")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["petition", "at"])]

    def __str__(self) -> str:
        return f"{local_format(self.at)} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Lịch sử xử lý chỉ được ghi thêm, không được sửa."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Lịch sử xử lý không được xóa."))


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Stored under a generated name: what the submitter called the file never reaches the disk."""
    return f"attachments/{local_format(instance.uploaded_at, '%Y/%m')}/{secrets.token_hex(16)}{instance.extension}"


def answer_document_path(checked) -> str:
    """An answer's document under a generated name, keeping only the checked extension."""
    return f"answers/{secrets.token_hex(16)}{checked.extension}"


class Attachment(models.Model):
    """A file sent with a petition (tệp đính kèm): image, PDF, DOCX or XLSX, checked by content."""

    petition = models.ForeignKey(Petition, models.CASCADE, related_name="attachments", verbose_name=_("ý kiến"))
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    extension = models.CharField(_("đuôi tệp"), max_length=8)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["petition", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class IdentityView(models.Model):
    """A record that someone read a submitter's identity (every view of a denouncer's identity is logged)."""

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="identity_views", verbose_name=_("ý kiến"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người xem"))
    at = models.DateTimeField(_("lúc"))
    context = models.CharField(_("ở đâu"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lượt xem danh tính")
        verbose_name_plural = _("nhật ký xem danh tính")
        ordering = ["-at"]
        indexes = [models.Index(fields=["petition", "at"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.petition.code} — {local_format(self.at)}"


class DeadlineRule(models.Model):
    """A unit's answer deadline in working days, per kind and jurisdiction (blank = any)."""

    unit = models.ForeignKey("accounts.Unit", models.CASCADE, related_name="deadline_rules", verbose_name=_("đơn vị"))
    kind = models.CharField(_("loại"), max_length=16, choices=PetitionKind, blank=True)
    jurisdiction = models.CharField(_("thẩm quyền"), max_length=16, choices=Petition.Jurisdiction, blank=True)
    working_days = models.PositiveSmallIntegerField(_("số ngày làm việc"))

    class Meta:
        verbose_name = _("thời hạn trả lời")
        verbose_name_plural = _("thời hạn trả lời")
        ordering = ["unit", "kind", "jurisdiction"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "jurisdiction"], name="deadline_rule_unique"),
            models.CheckConstraint(condition=Q(working_days__gte=1, working_days__lte=365), name="deadline_rule_range"),
        ]

    def __str__(self) -> str:
        kind = self.get_kind_display() if self.kind else "Mọi loại"
        jurisdiction = self.get_jurisdiction_display() if self.jurisdiction else "mọi thẩm quyền"
        return f"{kind}, {jurisdiction}: {self.working_days} ngày làm việc"


class CalendarDay(models.Model):
    """A day-swap the state announces (hoán đổi ngày làm việc): an extra day off or an extra working day."""

    day = models.DateField(_("ngày"), unique=True)
    is_working_day = models.BooleanField(_("là ngày làm việc"), help_text=_("Bỏ chọn nếu là ngày nghỉ thêm."))
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ngày hoán đổi")
        verbose_name_plural = _("lịch hoán đổi ngày làm việc")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {'làm việc' if self.is_working_day else 'nghỉ'}"


def import_path(instance, filename: str) -> str:
    """Uploaded lists are stored under a random name; the original name is kept on the record only."""
    return f"imports/{secrets.token_hex(16)}{Path(filename).suffix.lower()[:6]}"


class PetitionImport(models.Model):
    """Nhập từ Excel: one uploaded list of opinions, from upload to the import report.

    The record is the single source of truth for an import: its file until it has been read once (then deleted,
    as it holds personal data), its rows as read (ImportRow, until imported or abandoned), the columns chosen,
    the counts of the check, the progress of a background step (kept in the database so any process can show it)
    and the report. Each move of status is a conditional update, so a step delivered twice runs once and a list
    submitted twice is imported once.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Đang chờ đọc tệp")
        READING = "reading", _("Đang đọc tệp")
        CHECKING = "checking", _("Đang kiểm tra các dòng")
        PREVIEWED = "previewed", _("Chờ xác nhận")
        QUEUED = "queued", _("Đang chờ nhập")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        FAILED = "failed", _("Không nhập được")
        EXPIRED = "expired", _("Đã hủy, hết hạn")

    unit = models.ForeignKey("accounts.Unit", models.PROTECT, related_name="petition_imports", verbose_name=_("đơn vị"))
    organization = models.ForeignKey(
        "accounts.Organization", models.PROTECT, related_name="petition_imports", verbose_name=_("tổ chức gửi")
    )
    dialogue = models.ForeignKey(
        "plans.Dialogue",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="petition_imports",
        verbose_name=_("cho buổi"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="petition_imports", verbose_name=_("người tải lên")
    )
    created_at = models.DateTimeField(_("tải lên lúc"))
    file = models.FileField(_("tệp"), upload_to=import_path, max_length=200, blank=True)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    file_hash = models.CharField(_("mã băm SHA-256 của tệp"), max_length=64, blank=True, editable=False)
    source = models.CharField(_("loại tệp"), max_length=200, blank=True)
    header_line = models.PositiveIntegerField(_("dòng tiêu đề"), null=True, blank=True)
    columns = models.JSONField(_("cột đã chọn"), default=dict, blank=True)  # field → 0-based column index
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.PREVIEWED)
    skip_errors = models.BooleanField(_("bỏ qua dòng lỗi"), default=False)
    rows_total = models.PositiveIntegerField(_("số dòng"), default=0)
    rows_valid = models.PositiveIntegerField(_("số dòng hợp lệ"), default=0)
    rows_flagged = models.PositiveIntegerField(_("số dòng có lỗi hoặc lưu ý"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("số dòng trùng"), default=0)  # valid rows sent before
    confirmed = models.JSONField(_("dòng trùng vẫn nhập"), default=list, blank=True)  # lines the user confirmed
    rows_done = models.PositiveIntegerField(_("đã lưu"), default=0)
    skipped = models.JSONField(_("dòng bỏ qua"), default=list, blank=True)  # [{"line": 7, "errors": [...]}]
    error = models.TextField(_("lỗi"), blank=True)
    started_at = models.DateTimeField(_("bắt đầu nhập lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập từ tệp")
        verbose_name_plural = _("các lần nhập từ tệp")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_by", "created_at"]),
            models.Index(fields=["unit", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["organization", "file_hash"], name="petition_import_file_hash"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "uploaded",
                        "reading",
                        "checking",
                        "previewed",
                        "queued",
                        "running",
                        "done",
                        "failed",
                        "expired",
                    ]
                ),
                name="petition_import_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, round(100 * self.rows_done / self.rows_valid)) if self.rows_valid else 0

    @property
    def is_being_read(self) -> bool:
        return self.status in (self.Status.UPLOADED, self.Status.READING, self.Status.CHECKING)

    @property
    def rows_invalid(self) -> int:
        return self.rows_total - self.rows_valid


class ImportRow(models.Model):
    """One non-blank row of an uploaded list as read from its file, once (the file is then deleted): its cells,
    so the rows can be checked again with other columns, and the verdict of the last check, so the preview lists
    and counts them without reading anything again. Deleted once the list is imported or abandoned."""

    class State(models.IntegerChoices):
        IGNORED = 0, _("không phải dòng ý kiến")  # at or above the header row, or blank in the chosen columns
        OK = 1, _("hợp lệ")
        WARNING = 2, _("hợp lệ, có lưu ý")
        ERROR = 3, _("có lỗi")

    batch = models.ForeignKey(PetitionImport, models.CASCADE, related_name="rows", verbose_name=_("lần nhập"))
    line = models.PositiveIntegerField(_("dòng"))  # as Excel numbers it
    cells = models.JSONField(_("các ô"), default=list)  # texts of the first columns, trailing empty ones left out
    formulas = models.JSONField(_("ô công thức"), default=list, blank=True)  # 0-based columns holding a formula
    state = models.PositiveSmallIntegerField(_("kết quả kiểm tra"), choices=State, default=State.IGNORED)
    # A valid row sent before: the opinion already imported from the same row, or the earlier line of this file.
    duplicate_of = models.CharField(_("trùng với ý kiến"), max_length=20, blank=True)
    duplicate_line = models.PositiveIntegerField(_("trùng với dòng"), null=True, blank=True)

    class Meta:
        verbose_name = _("dòng của tệp nhập")
        verbose_name_plural = _("các dòng của tệp nhập")
        ordering = ["batch", "line"]
        constraints = [models.UniqueConstraint(fields=["batch", "line"], name="import_row_line_unique")]
        indexes = [models.Index(fields=["batch", "state", "line"])]

    def __str__(self) -> str:
        return f"{self.batch_id}: dòng {self.line}"
