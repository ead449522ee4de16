"""factory-boy factories for the domain, and a small commune set for permission tests."""

import datetime as dt
from dataclasses import dataclass

import factory
from django.utils import timezone

from doithoai.accounts.models import Organization, Person, Post, RoleAssignment, Unit, User
from doithoai.documents.models import DocumentRegister, PartyTerm
from doithoai.petitions.models import Answer, Assignment, HistoryEntry, Petition, Topic
from doithoai.petitions.topics import ensure_canonical_topics
from doithoai.plans.models import Dialogue, DialogueMember, Plan, PlanTask


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["slug"]

    name = "Tỉnh Bắc Ninh"
    short_name = "Bắc Ninh"
    slug = "bac-ninh"
    level = Unit.Level.PROVINCE


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["slug"]

    name = "Xã Tân Yên"
    short_name = factory.LazyAttribute(lambda o: o.name.removeprefix("Xã ").strip())
    slug = "tan-yen"
    level = Unit.Level.COMMUNE
    parent = factory.SubFactory(ProvinceFactory)
    party_committee_name = "ĐẢNG ỦY XÃ TÂN YÊN"
    party_superior_name = "ĐẢNG BỘ TỈNH BẮC NINH"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    unit = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Cơ quan số {n}")
    kind = Organization.Kind.AGENCY


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    unit = factory.SubFactory(CommuneFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    person = factory.SubFactory(PersonFactory)
    unit = factory.SelfAttribute("person.unit")
    title = "Bí thư Đảng ủy xã"
    signature_title = "BÍ THƯ"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("mat-khau-thu-2026")


def user_with_role(
    role: str, unit: Unit, organization: Organization | None = None, username: str | None = None
) -> User:
    user = UserFactory(**({"username": username} if username else {}))
    RoleAssignment.objects.create(user=user, unit=unit, role=role, organization=organization)
    return user


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    unit = factory.SubFactory(CommuneFactory)
    year = 2026
    title = "Kế hoạch tiếp xúc, đối thoại năm 2026"
    issued_on = dt.date(2026, 4, 24)


class DialogueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dialogue

    unit = factory.SubFactory(CommuneFactory)
    plan = factory.SubFactory(PlanFactory, unit=factory.SelfAttribute("..unit"))
    kind = Dialogue.Kind.CONFERENCE
    title = "Hội nghị tiếp xúc, đối thoại trực tiếp"
    tentative_month = dt.date(2026, 6, 1)
    place = "Phòng họp tầng 3 - Nhà Hội thảo xã"


def canonical_topic(code: str = "giao_thong_xay_dung") -> Topic:
    # A transactional (browser) test flushes the migration's topics; bring them back when needed.
    ensure_canonical_topics()
    return Topic.objects.get(unit__isnull=True, code=code)


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Petition

    unit = factory.SubFactory(CommuneFactory)
    content = factory.Sequence(lambda n: f"Đề nghị sửa chữa đoạn đường số {n} bị xuống cấp.")
    public_summary = "Đề nghị sửa chữa đường bị xuống cấp."
    submitter_name = "Trần Thị Mẫu"
    submitter_phone = "0987654321"
    submitter_address = "Số 12, thôn Trung"
    channel = Petition.Channel.ONLINE
    kind = Petition.Kind.KIEN_NGHI
    received_at = factory.LazyFunction(timezone.now)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    petition = factory.SubFactory(PetitionFactory)
    lead = factory.SubFactory(OrganizationFactory, unit=factory.SelfAttribute("..petition.unit"))
    assigned_at = factory.LazyFunction(timezone.now)


@dataclass
class CommuneSet:
    """A commune with one organisation of each kind the permission rules care about."""

    unit: Unit
    province: Unit
    economy: Organization  # Phòng Kinh tế (agency)
    culture: Organization  # Phòng Văn hóa - Xã hội (agency)
    front: Organization  # Ủy ban MTTQ (mass organisation, supervisor)
    farmers: Organization  # Hội Nông dân (mass organisation)
    service_centre: Organization  # Trung tâm Cung ứng dịch vụ sự nghiệp công
    higher: Organization  # UBND tỉnh (higher authority)

    @classmethod
    def create(cls, name: str = "Xã Tân Yên", slug: str = "tan-yen") -> "CommuneSet":
        unit = CommuneFactory(name=name, slug=slug)

        def org(org_name, kind, **extra):
            return OrganizationFactory(unit=unit, name=org_name, kind=kind, **extra)

        return cls(
            unit=unit,
            province=unit.parent,
            economy=org("Phòng Kinh tế", Organization.Kind.AGENCY),
            culture=org("Phòng Văn hóa - Xã hội", Organization.Kind.AGENCY),
            front=org("Ủy ban MTTQ xã", Organization.Kind.MASS_ORG, is_supervisor=True),
            farmers=org("Hội Nông dân xã", Organization.Kind.MASS_ORG),
            service_centre=org("Trung tâm Cung ứng dịch vụ sự nghiệp công", Organization.Kind.AGENCY),
            higher=org("UBND tỉnh Bắc Ninh", Organization.Kind.HIGHER_AUTHORITY),
        )


# ---------------------------------------------------------------- more factories (dialogue seats, tasks, answers,
# history, document registers)


class DialogueMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DialogueMember

    dialogue = factory.SubFactory(DialogueFactory)
    user = factory.SubFactory(UserFactory)
    role = DialogueMember.Role.SECRETARY


class PlanTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanTask

    plan = factory.SubFactory(PlanFactory)
    organization = factory.SubFactory(OrganizationFactory, unit=factory.SelfAttribute("..plan.unit"))
    section = "III.2"
    title = "Nắm bắt tâm tư, nguyện vọng, tổng hợp ý kiến báo cáo trước hội nghị"
    due_on = dt.date(2026, 6, 1)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    petition = factory.SubFactory(PetitionFactory)
    text = "Ủy ban nhân dân xã đã bố trí kinh phí sửa chữa trong quý III năm 2026."
    source = Answer.Source.AGENCY
    answered_at = factory.LazyFunction(timezone.now)


class HistoryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HistoryEntry

    petition = factory.SubFactory(PetitionFactory)
    at = factory.LazyFunction(timezone.now)
    action = "receive"
    to_status = Petition.Status.RECEIVED


def _organization(unit: Unit, name: str, kind: str) -> Organization:
    """The unit's organisation of that name, made on first use (several registers share one issuing body)."""
    return Organization.objects.get_or_create(unit=unit, name=name, defaults={"kind": kind})[0]


class PartyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyTerm

    unit = factory.SubFactory(CommuneFactory)
    label = "2025 - 2030"
    starts_on = dt.date(2025, 10, 1)
    ends_on = dt.date(2030, 9, 30)


class PartyRegisterFactory(factory.django.DjangoModelFactory):
    """The Party Committee's register of plans (Kế hoạch … -KH/ĐU) for one term."""

    class Meta:
        model = DocumentRegister

    party_term = factory.SubFactory(PartyTermFactory)
    unit = factory.SelfAttribute("party_term.unit")
    issuing_body = factory.LazyAttribute(lambda o: _organization(o.unit, "Đảng ủy xã", Organization.Kind.PARTY_BODY))
    style = DocumentRegister.Style.PARTY
    doc_type = DocumentRegister.DocType.KE_HOACH
    body_symbol = "ĐU"


class StateRegisterFactory(factory.django.DjangoModelFactory):
    """A commune People's Committee register of one document type for one calendar year (NĐ 30)."""

    class Meta:
        model = DocumentRegister

    unit = factory.SubFactory(CommuneFactory)
    issuing_body = factory.LazyAttribute(lambda o: _organization(o.unit, "UBND xã", Organization.Kind.AGENCY))
    style = DocumentRegister.Style.STATE
    doc_type = DocumentRegister.DocType.THONG_BAO
    body_symbol = "UBND"
    year = 2026
