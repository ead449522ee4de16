"""A small world for the plans tests: a commune and its neighbour, one account per role, a plan with a dialogue."""

from dataclasses import dataclass

import pytest

from doithoai.accounts.models import Organization, Post, User
from doithoai.plans.models import Dialogue, Plan
from tests import factories


@dataclass
class PlansWorld:
    c: factories.CommuneSet  # Xã Tân Yên
    other: factories.CommuneSet  # Xã Ngọc Thiện
    coordinator: User  # Văn phòng Đảng ủy
    chair: User
    publisher: User  # Trung tâm Cung ứng dịch vụ
    agency: User  # Phòng Kinh tế
    org_rep: User  # Hội Nông dân
    secretary: User  # Phòng Văn hóa - Xã hội, secretary of `dialogue` only
    receiver: User  # Ủy ban MTTQ, receiver at `dialogue` only
    foreign_coordinator: User  # the neighbour's coordinator
    citizen: User  # an account with no role
    party_body: Organization  # Đảng ủy xã: issues the plans
    secretary_post: Post  # Bí thư Đảng ủy xã
    foreign_post: Post  # the neighbour's Bí thư
    plan: Plan
    dialogue: Dialogue  # a conference, still "dự kiến tháng 12/2026"
    other_dialogue: Dialogue  # another conference of the same plan


@pytest.fixture
def plans_world(commune, other_commune, user_with_role, frozen_demo_now) -> PlansWorld:
    unit = commune.unit
    party_body = Organization.objects.create(unit=unit, name="Đảng ủy xã", kind=Organization.Kind.PARTY_BODY)
    factories.PartyTermFactory(unit=unit)
    plan = factories.PlanFactory(unit=unit, place="Hội trường Nhà văn hóa xã")
    dialogue = factories.DialogueFactory(
        unit=unit, plan=plan, title="Hội nghị tiếp xúc, đối thoại tháng 12", tentative_month="2026-12-01"
    )
    other_dialogue = factories.DialogueFactory(unit=unit, plan=plan, title="Đối thoại với doanh nghiệp")
    secretary = user_with_role("agency", unit, commune.culture, username="thuky")
    receiver = user_with_role("org_rep", unit, commune.front, username="tiepnhan")
    factories.DialogueMemberFactory(dialogue=dialogue, user=secretary, role="secretary")
    factories.DialogueMemberFactory(dialogue=dialogue, user=receiver, role="receiver")
    return PlansWorld(
        c=commune,
        other=other_commune,
        coordinator=user_with_role("coordinator", unit, username="vanphong"),
        chair=user_with_role("chair", unit, username="thuongtruc"),
        publisher=user_with_role("publisher", unit, commune.service_centre, username="trungtam"),
        agency=user_with_role("agency", unit, commune.economy, username="phongkinhte"),
        org_rep=user_with_role("org_rep", unit, commune.farmers, username="hoinongdan"),
        secretary=secretary,
        receiver=receiver,
        foreign_coordinator=user_with_role("coordinator", other_commune.unit, username="vanphong-ngocthien"),
        citizen=factories.UserFactory(username="congdan"),
        party_body=party_body,
        secretary_post=factories.PostFactory(person__unit=unit, person__full_name="Nguyễn Viết Toàn"),
        foreign_post=factories.PostFactory(person__unit=other_commune.unit),
        plan=plan,
        dialogue=dialogue,
        other_dialogue=other_dialogue,
    )
