"""Plans, their dialogues and tasks, announcements, invitations and speaker requests."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doithoai.lib import clock
from doithoai.lib.dates import local_format


class Plan(models.Model):
    """A yearly plan (kế hoạch) of the Party Standing Committee; may supersede an earlier one."""

    unit = models.ForeignKey("accounts.Unit", models.PROTECT, related_name="plans", verbose_name=_("đơn vị"))
    document = models.OneToOneField(
        "documents.Document", models.PROTECT, null=True, blank=True, related_name="plan", verbose_name=_("số văn bản")
    )
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("trích yếu"), max_length=400)
    issuing_authority = models.CharField(_("cơ quan ban hành"), max_length=200, default="Ban Thường vụ Đảng ủy")
    legal_bases = models.TextField(_("căn cứ"), blank=True)
    purposes = models.TextField(_("mục đích"), blank=True)
    requirements = models.TextField(_("yêu cầu"), blank=True)
    audiences = models.TextField(_("đối tượng"), blank=True)
    content = models.TextField(_("nội dung"), blank=True)
    forms = models.TextField(_("hình thức và chế độ"), blank=True)
    schedule = models.TextField(_("thời gian tổ chức"), blank=True)
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    proceedings = models.TextField(_("trình tự"), blank=True)
    implementation = models.TextField(_("tổ chức thực hiện"), blank=True)
    closing = models.TextField(_("điều khoản cuối"), blank=True)
    distribution = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    signing_authority = models.CharField(_("thẩm quyền ký"), max_length=100, default="T/M BAN THƯỜNG VỤ")
    signer_post = models.ForeignKey(
        "accounts.Post", models.PROTECT, null=True, blank=True, related_name="signed_plans", verbose_name=_("người ký")
    )
    supersedes = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="superseded_by", verbose_name=_("thay thế kế hoạch")
    )
    is_demo_number = models.BooleanField(
        _("số, ngày là giá trị minh họa"), default=False, help_text=_("Bản gốc chưa có số và ngày; dữ liệu mẫu tự đặt.")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year", "-issued_on"]
        indexes = [models.Index(fields=["unit", "year"])]
        constraints = [
            models.CheckConstraint(condition=~Q(supersedes=models.F("id")), name="plan_not_superseding_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}" if self.document_id else self.title

    @property
    def code(self) -> str:
        return self.document.code if self.document_id else ""

    @property
    def distribution_lines(self) -> list[str]:
        return [line.strip() for line in self.distribution.splitlines() if line.strip()]


class DialogueKind(models.TextChoices):
    REGULAR = "regular", _("Giao ban với các đoàn thể (thường xuyên)")
    CONFERENCE = "conference", _("Hội nghị tiếp xúc, đối thoại trực tiếp")
    BUSINESS = "business", _("Đối thoại với doanh nghiệp")
    RECEPTION = "reception", _("Ngày tiếp công dân")
    AD_HOC = "ad_hoc", _("Đối thoại đột xuất")


# The 7-day rule (plan III.3, DESIGN §4): conferences and business dialogues are announced on the portal and the radio
# at least 7 calendar days before they start.
NOTICE_DAYS = 7
KINDS_WITH_NOTICE = (DialogueKind.CONFERENCE, DialogueKind.BUSINESS)


class DialogueStatus(models.TextChoices):
    PLANNED = "planned", _("Dự kiến")
    SCHEDULED = "scheduled", _("Đã lên lịch")
    ANNOUNCED = "announced", _("Đã thông báo")
    HELD = "held", _("Đã tổ chức")
    CONCLUDED = "concluded", _("Đã kết luận")
    CANCELLED = "cancelled", _("Đã hủy")


class Dialogue(models.Model):
    """A dialogue (buổi tiếp xúc, đối thoại) or conference of the plan, or a citizen reception day."""

    Kind = DialogueKind

    Status = DialogueStatus

    unit = models.ForeignKey("accounts.Unit", models.PROTECT, related_name="dialogues", verbose_name=_("đơn vị"))
    plan = models.ForeignKey(
        Plan, models.PROTECT, null=True, blank=True, related_name="dialogues", verbose_name=_("kế hoạch")
    )
    kind = models.CharField(_("hình thức"), max_length=16, choices=Kind)
    title = models.CharField(_("tên buổi"), max_length=300)
    audience = models.TextField(_("thành phần, đối tượng"), blank=True)
    content = models.TextField(_("nội dung"), blank=True)
    tentative_month = models.DateField(
        _("tháng dự kiến"), null=True, blank=True, help_text=_("Ngày đầu tháng, khi chưa có ngày giờ cụ thể.")
    )
    starts_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    ends_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    chair_post = models.ForeignKey(
        "accounts.Post",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_dialogues",
        verbose_name=_("chủ trì"),
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.PLANNED)
    minutes = models.TextField(_("biên bản"), blank=True)
    conclusion = models.TextField(_("kết luận"), blank=True)
    results_published_at = models.DateTimeField(_("công bố kết quả lúc"), null=True, blank=True)
    cancellation_reason = models.TextField(_("lý do hủy"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("buổi tiếp xúc, đối thoại")
        verbose_name_plural = _("buổi tiếp xúc, đối thoại")
        ordering = ["starts_at", "tentative_month", "id"]
        indexes = [
            models.Index(fields=["unit", "starts_at"]),
            models.Index(fields=["unit", "kind", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in DialogueKind]), name="dialogue_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DialogueStatus]), name="dialogue_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=False) | Q(tentative_month__isnull=False), name="dialogue_has_time"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="dialogue_ends_after_start",
            ),
            # Only a dialogue with a date and time can be announced, held or concluded (a planned one may be cancelled).
            models.CheckConstraint(
                condition=Q(status__in=["planned", "cancelled"]) | Q(starts_at__isnull=False),
                name="dialogue_dated_beyond_planned",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def month(self) -> dt.date | None:
        """The month the dialogue falls in (first day), dated or tentative."""
        if self.starts_at:
            from django.utils import timezone

            local = timezone.localtime(self.starts_at)
            return dt.date(local.year, local.month, 1)
        return self.tentative_month

    @property
    def speaker_queue_closed(self) -> bool:
        """Once concluded, the speaker queue is part of the conference's record: nobody joins it, nobody is moved,
        accepted or withdrawn; a cancelled dialogue has no queue to work. While held (the day itself, until the
        conclusion) the hall's staff still work it."""
        return self.status in (self.Status.CONCLUDED, self.Status.CANCELLED)

    @property
    def needs_announcement(self) -> bool:
        """Conferences and business dialogues are announced at least 7 days before (plan III.3)."""
        return self.kind in KINDS_WITH_NOTICE

    @property
    def last_announcement_day(self) -> dt.date | None:
        """The last local day the announcement may be published on time (start date − 7 days, inclusive); None when
        the rule does not apply (another kind) or there is no date yet."""
        if not self.needs_announcement or not self.starts_at:
            return None
        return timezone.localdate(self.starts_at) - dt.timedelta(days=NOTICE_DAYS)

    def announcement_is_late(self, published_at: dt.datetime) -> bool:
        """Published on a local day after the last allowed one (the day itself, up to 23:59, is on time)."""
        last = self.last_announcement_day
        if last is None:
            return False
        if timezone.is_naive(published_at):
            published_at = timezone.make_aware(published_at)
        return timezone.localdate(published_at) > last

    def announcement_days_left(self, today: dt.date | None = None) -> int | None:
        """Calendar days from today to the last allowed publication day; 0 on the day, negative once passed."""
        last = self.last_announcement_day
        return None if last is None else (last - (today or clock.today())).days

    @property
    def has_started(self) -> bool:
        """Its date and time have come (Asia/Ho_Chi_Minh, the product's clock); a tentative month or a cancelled
        dialogue never has."""
        return self.starts_at is not None and self.starts_at <= clock.now() and self.status != self.Status.CANCELLED


class AgendaItem(models.Model):
    """One step of a dialogue's programme (trình tự), pre-filled from plan section II.4."""

    dialogue = models.ForeignKey(Dialogue, models.CASCADE, related_name="agenda", verbose_name=_("buổi"))
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.TextField(_("nội dung"))
    presenter = models.CharField(_("người thực hiện"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("mục chương trình")
        verbose_name_plural = _("chương trình")
        ordering = ["dialogue", "position"]
        constraints = [models.UniqueConstraint(fields=["dialogue", "position"], name="agenda_unique_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title[:60]}"


class DialogueMember(models.Model):
    """A per-dialogue role: the secretary (thư ký) or a receiver (bộ phận tiếp nhận, tổng hợp ý kiến)."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", _("Thư ký")
        RECEIVER = "receiver", _("Tiếp nhận, tổng hợp ý kiến")

    dialogue = models.ForeignKey(Dialogue, models.CASCADE, related_name="members", verbose_name=_("buổi"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="dialogue_roles", verbose_name=_("tài khoản")
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role)

    class Meta:
        verbose_name = _("vai trò tại buổi")
        verbose_name_plural = _("vai trò tại buổi")
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "user", "role"], name="dialogue_member_unique"),
            models.CheckConstraint(condition=Q(role__in=["secretary", "receiver"]), name="dialogue_member_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


class PlanTask(models.Model):
    """A task of section III of a plan (nhiệm vụ tổ chức thực hiện) for one organisation."""

    class Purpose(models.TextChoices):
        OTHER = "", _("Khác")
        PASS_ON = "pass_on", _("Quán triệt, phổ biến kế hoạch")
        GATHER = "gather", _("Tổng hợp ý kiến của hội viên, báo cáo trước hội nghị")
        ATTEND = "attend", _("Dự hội nghị, trả lời ý kiến")
        ORGANISE = "organise", _("Chuẩn bị nội dung, chương trình, giấy mời")
        ANNOUNCE = "announce", _("Thông báo trên Cổng thông tin và Đài truyền thanh")
        CONSOLIDATE = "consolidate", _("Tổng hợp, phân loại, giao xử lý ý kiến")
        REPORT = "report", _("Báo cáo kết quả")

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="tasks", verbose_name=_("kế hoạch"))
    organization = models.ForeignKey(
        "accounts.Organization", models.PROTECT, related_name="plan_tasks", verbose_name=_("cơ quan, tổ chức")
    )
    dialogue = models.ForeignKey(
        Dialogue, models.CASCADE, null=True, blank=True, related_name="tasks", verbose_name=_("buổi")
    )
    section = models.CharField(_("mục"), max_length=20, blank=True)  # "III.1"
    purpose = models.CharField(_("loại nhiệm vụ"), max_length=16, choices=Purpose, blank=True, default="")
    title = models.CharField(_("nhiệm vụ"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    done_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xác nhận"),
    )

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ tổ chức thực hiện")
        ordering = ["plan", "due_on", "section", "id"]
        indexes = [
            models.Index(fields=["plan", "organization"]),
            models.Index(fields=["plan", "due_on"]),
            models.Index(fields=["dialogue", "purpose"]),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.title}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        """Not done and its due day has passed (today in Asia/Ho_Chi_Minh)."""
        return self.done_at is None and self.due_on is not None and self.due_on < clock.today()


class Announcement(models.Model):
    """The announcement (thông báo) of a dialogue on the portal and the radio."""

    dialogue = models.ForeignKey(Dialogue, models.CASCADE, related_name="announcements", verbose_name=_("buổi"))
    portal_text = models.TextField(_("nội dung đăng Cổng thông tin"))
    radio_script = models.TextField(_("bài đọc trên Đài truyền thanh"), blank=True)
    broadcast_schedule = models.JSONField(_("lịch phát thanh"), default=list, blank=True)
    on_portal = models.BooleanField(_("đăng Cổng thông tin"), default=True)
    on_radio = models.BooleanField(_("phát trên Đài truyền thanh"), default=True)
    published_at = models.DateTimeField(_("đăng lúc"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người đăng")
    )
    # Kept as evidence at publication: the last allowed day then in force, and whether the publication was late.
    last_allowed_on = models.DateField(_("hạn đăng chậm nhất"), null=True, blank=True)
    is_late = models.BooleanField(_("đăng muộn"), default=False)
    late_reason = models.TextField(_("lý do đăng muộn"), blank=True)
    created_at = models.DateTimeField(_("soạn lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["dialogue", "-published_at"]
        indexes = [models.Index(fields=["dialogue", "published_at"])]

    def __str__(self) -> str:
        return f"Thông báo: {self.dialogue}"


class Invitation(models.Model):
    """An invitation (giấy mời) to a dialogue, for an organisation or a person, with its reply and attendance."""

    class Reply(models.TextChoices):
        PENDING = "pending", _("Chưa trả lời")
        ACCEPTED = "accepted", _("Tham dự")
        DECLINED = "declined", _("Vắng")

    dialogue = models.ForeignKey(Dialogue, models.CASCADE, related_name="invitations", verbose_name=_("buổi"))
    organization = models.ForeignKey(
        "accounts.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("tổ chức"),
    )
    person = models.ForeignKey(
        "accounts.Person", models.PROTECT, null=True, blank=True, related_name="invitations", verbose_name=_("người")
    )
    reply = models.CharField(_("trả lời"), max_length=16, choices=Reply, default=Reply.PENDING)
    replied_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    attended = models.BooleanField(_("có mặt"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("giấy mời")
        verbose_name_plural = _("giấy mời")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(person__isnull=False), name="invitation_has_invitee"
            ),
            models.UniqueConstraint(
                fields=["dialogue", "organization"],
                condition=Q(organization__isnull=False),
                name="invitation_unique_org",
            ),
            models.UniqueConstraint(
                fields=["dialogue", "person"], condition=Q(person__isnull=False), name="invitation_unique_person"
            ),
            models.CheckConstraint(
                condition=Q(reply__in=["pending", "accepted", "declined"]), name="invitation_reply_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization or self.person)


class SpeakerRequest(models.Model):
    """A request to speak at a dialogue (đăng ký phát biểu), online or on a printed slip."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Đã đăng ký")
        ACCEPTED = "accepted", _("Được phát biểu")
        SPOKE = "spoke", _("Đã phát biểu")
        WITHDRAWN = "withdrawn", _("Rút đăng ký")

    dialogue = models.ForeignKey(Dialogue, models.CASCADE, related_name="speaker_requests", verbose_name=_("buổi"))
    name = models.CharField(_("họ và tên"), max_length=120)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    on_behalf_of = models.CharField(_("thay mặt"), max_length=200, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaker_requests",
        verbose_name=_("tổ chức"),
    )
    topic = models.ForeignKey(
        "petitions.Topic", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lĩnh vực")
    )
    summary = models.TextField(_("tóm tắt nội dung"))
    as_business = models.BooleanField(_("thay mặt doanh nghiệp"), default=False)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.REQUESTED)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    slip_code = models.CharField(_("mã phiếu in sẵn"), max_length=20, null=True, blank=True, unique=True)
    petition = models.OneToOneField(
        "petitions.Petition",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaker_request",
        verbose_name=_("ý kiến phát sinh"),
    )
    created_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký phát biểu")
        verbose_name_plural = _("đăng ký phát biểu")
        ordering = ["dialogue", "position", "created_at"]
        indexes = [models.Index(fields=["dialogue", "status", "position"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "accepted", "spoke", "withdrawn"]), name="speaker_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.summary[:50]}"


class DialogueEventAction(models.TextChoices):
    """The steps of a dialogue's history (nhật ký buổi), as staff read them (DialogueEvent.action)."""

    CREATE = "create", _("Tạo buổi")
    SCHEDULE = "schedule", _("Ấn định thời gian, địa điểm")
    RESCHEDULE = "reschedule", _("Đổi thời gian")
    MEMBERS = "members", _("Phân công thư ký, bộ phận tiếp nhận")
    AGENDA = "agenda", _("Sửa chương trình")
    ANNOUNCE = "announce", _("Đăng thông báo")
    INVITE = "invite", _("Gửi giấy mời")
    ATTENDANCE = "attendance", _("Điểm danh")
    HOLD = "hold", _("Đã tổ chức")
    PRINT_SLIPS = "print_slips", _("In phiếu")
    CONCLUDE = "conclude", _("Kết luận")
    CANCEL = "cancel", _("Hủy buổi")


class DialogueEvent(models.Model):
    """The history of a dialogue (nhật ký buổi): every action on it, who did it, when, from which status to which.
    Append-only: written by plans.actions in the same transaction as the change."""

    dialogue = models.ForeignKey(Dialogue, models.CASCADE, related_name="events", verbose_name=_("buổi"))
    at = models.DateTimeField(_("lúc"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người làm")
    )
    action = models.CharField(_("thao tác"), max_length=32, choices=DialogueEventAction)
    from_status = models.CharField(_("từ trạng thái"), max_length=16, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=16, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("nhật ký buổi")
        verbose_name_plural = _("nhật ký buổi")
        ordering = ["dialogue", "at", "id"]
        indexes = [models.Index(fields=["dialogue", "at"])]

    def __str__(self) -> str:
        return f"{self.dialogue}: {self.action} ({local_format(self.at)})"


class PrintedSlip(models.Model):
    """A pre-printed slip (phiếu đăng ký phát biểu / phiếu ghi ý kiến) with its code, for people without a phone.
    The code is printed before the dialogue; what is written on the slip is typed in later under that code."""

    class Kind(models.TextChoices):
        SPEAKER = "speaker", _("Phiếu đăng ký phát biểu")
        OPINION = "opinion", _("Phiếu ghi ý kiến")

    dialogue = models.ForeignKey(Dialogue, models.CASCADE, related_name="slips", verbose_name=_("buổi"))
    kind = models.CharField(_("loại phiếu"), max_length=16, choices=Kind)
    code = models.CharField(_("mã phiếu"), max_length=20, unique=True)
    printed_at = models.DateTimeField(_("in lúc"))
    used_at = models.DateTimeField(_("nhập lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu in sẵn")
        verbose_name_plural = _("phiếu in sẵn")
        ordering = ["dialogue", "kind", "code"]
        indexes = [models.Index(fields=["dialogue", "kind"])]
        constraints = [models.CheckConstraint(condition=Q(kind__in=["speaker", "opinion"]), name="slip_kind_valid")]

    def __str__(self) -> str:
        return self.code
