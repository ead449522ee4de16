"""Units, organisations, persons and their posts, user accounts and their roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """An administrative unit (đơn vị): a province or a commune; the tenant of every record."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        COMMUNE = "commune", _("Xã")

    name = models.CharField(_("tên đầy đủ"), max_length=200)  # "Xã Tân Yên"
    short_name = models.CharField(_("tên ngắn"), max_length=100)  # "Tân Yên" (for "Tân Yên, ngày …")
    slug = models.SlugField(_("mã đường dẫn"), max_length=60, unique=True)
    level = models.CharField(_("cấp"), max_length=16, choices=Level)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("đơn vị cấp trên")
    )
    party_committee_name = models.CharField(_("tên cấp ủy"), max_length=200, blank=True)  # "ĐẢNG ỦY XÃ TÂN YÊN"
    party_superior_name = models.CharField(
        _("tên cấp ủy cấp trên"), max_length=200, blank=True
    )  # "ĐẢNG BỘ TỈNH BẮC NINH"
    default_place = models.CharField(
        _("địa điểm mặc định"), max_length=200, blank=True, default="Phòng họp tầng 3 - Nhà Hội thảo xã"
    )

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=["province", "commune"]), name="unit_level_valid"),
            models.CheckConstraint(
                condition=Q(level="province") | Q(parent__isnull=False), name="commune_has_province"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganizationKind(models.TextChoices):
    AGENCY = "agency", _("Cơ quan chuyên môn")
    MASS_ORG = "mass_org", _("Mặt trận, tổ chức chính trị - xã hội")
    PARTY_CELL = "party_cell", _("Chi bộ, đảng bộ trực thuộc")
    VILLAGE = "village", _("Thôn, tổ dân phố")
    BUSINESS = "business", _("Doanh nghiệp, hợp tác xã")
    PARTY_BODY = "party_body", _("Cơ quan Đảng")
    HIGHER_AUTHORITY = "higher_authority", _("Cấp có thẩm quyền")


class Organization(models.Model):
    """A body, organisation or business (cơ quan, tổ chức, doanh nghiệp) known to a unit."""

    Kind = OrganizationKind

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="organizations", verbose_name=_("đơn vị"))
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind)
    is_supervisor = models.BooleanField(
        _("giám sát (MTTQ)"),
        default=False,
        help_text=_("Ủy ban MTTQ: được xem ý kiến không mật của đơn vị để giám sát."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    class Meta:
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="organization_unique_name_per_unit"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in OrganizationKind]), name="organization_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["unit", "kind"])]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A person (người) who may hold several posts and own an account."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="persons", verbose_name=_("đơn vị"))
    full_name = models.CharField(_("họ và tên"), max_length=120)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    class Meta:
        verbose_name = _("người")
        verbose_name_plural = _("người")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class Post(models.Model):
    """A post (chức vụ) held by a person in an organisation: "Bí thư Đảng ủy", "Chủ tịch HĐND xã"."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="posts", verbose_name=_("người giữ"))
    organization = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="posts", verbose_name=_("cơ quan, tổ chức")
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="posts", verbose_name=_("đơn vị"))
    title = models.CharField(_("chức vụ"), max_length=160)
    signature_title = models.CharField(
        _("chức danh ký"), max_length=160, blank=True, help_text=_("Viết hoa như ở khối chữ ký, ví dụ: BÍ THƯ.")
    )
    started_on = models.DateField(_("từ ngày"), null=True, blank=True)
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        ordering = ["unit", "title"]
        indexes = [models.Index(fields=["unit", "title"])]

    def __str__(self) -> str:
        return f"{self.title} — {self.person.full_name}"


class User(AbstractUser):
    """A login account (tài khoản), belonging to a person."""

    person = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="accounts", verbose_name=_("người")
    )

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self) -> str:
        return self.display_name

    def get_full_name(self) -> str:
        """The name in Vietnamese order, family name first ("Thân Văn Bình"): the person's full name, else the
        account's family (last_name) and given (first_name) names. Django's own puts the given name first."""
        if self.person_id:
            return self.person.full_name
        return " ".join(part for part in (self.last_name.strip(), self.first_name.strip()) if part)

    def get_short_name(self) -> str:
        """The given name, by which Vietnamese address a person ("Bình")."""
        if self.person_id:
            return self.person.full_name.rsplit(" ", 1)[-1]
        return self.first_name.strip()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def contact_email(self) -> str:
        """Where messages to this account go: its own address, else its person's ("" when neither has one)."""
        return self.email or (self.person.email if self.person_id else "")


class RoleAssignmentRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Văn phòng Đảng ủy (điều phối)")
    CHAIR = "chair", _("Thường trực, chủ trì")
    AGENCY = "agency", _("Cơ quan chuyên môn")
    ORG_REP = "org_rep", _("Đại diện tổ chức")
    PUBLISHER = "publisher", _("Trung tâm Cung ứng dịch vụ (đăng tin)")
    PROVINCE = "province", _("Ban của Tỉnh ủy (xem tổng hợp)")


class RoleAssignment(models.Model):
    """A role of an account in a unit (vai trò), with the organisation the account acts for."""

    Role = RoleAssignmentRole

    user = models.ForeignKey(User, models.CASCADE, related_name="roles", verbose_name=_("tài khoản"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="roles", verbose_name=_("đơn vị"))
    role = models.CharField(_("vai trò"), max_length=16, choices=Role)
    organization = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="roles", verbose_name=_("thay mặt tổ chức")
    )

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role", "organization"],
                condition=Q(organization__isnull=False),
                name="role_unique_with_org",
            ),
            models.UniqueConstraint(
                fields=["user", "unit", "role"], condition=Q(organization__isnull=True), name="role_unique_without_org"
            ),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in RoleAssignmentRole]), name="role_valid"),
            # An agency officer or an organisation's representative always acts for an organisation.
            models.CheckConstraint(
                condition=~Q(role__in=["agency", "org_rep"]) | Q(organization__isnull=False),
                name="role_org_required",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class LoginThrottle(models.Model):
    """Failed log-ins counted for one key (hạn chế đăng nhập sai): a user name from one address, a user name from
    one browser that logged in before (its device cookie), or a user name alone; locked for a while at the limit."""

    class Scope(models.TextChoices):
        ADDRESS = "address", _("tên đăng nhập từ một địa chỉ")
        DEVICE = "device", _("tên đăng nhập từ một trình duyệt quen")
        NAME = "name", _("tên đăng nhập (mọi nơi)")

    key = models.CharField(_("khóa"), max_length=255, unique=True)
    scope = models.CharField(_("phạm vi"), max_length=8, choices=Scope)
    username = models.CharField(_("tên đăng nhập"), max_length=150, db_index=True)  # as folded for the key
    failures = models.PositiveIntegerField(_("số lần sai"), default=0)
    last_failure_at = models.DateTimeField(_("lần sai gần nhất"))
    locked_until = models.DateTimeField(_("khóa đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa đăng nhập")
        verbose_name_plural = _("khóa đăng nhập")
        indexes = [models.Index(fields=["locked_until"]), models.Index(fields=["last_failure_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["address", "device", "name"]), name="login_throttle_scope_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.get_scope_display()}): {self.failures}"
