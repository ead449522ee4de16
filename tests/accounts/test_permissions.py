"""The permission matrix (DESIGN.md §1 and §3): role × object × action, as decided by accounts/permissions.py.

Every cell of the table states what DESIGN.md requires. Where permissions.py disagrees, the cell is listed in
CONTRADICTIONS and runs as a strict xfail, so fixing the code turns it into a failure that asks for the mark
to be removed.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import override_settings

from doithoai.accounts import permissions
from doithoai.accounts.models import RoleAssignment
from doithoai.petitions.models import Assignment, Petition
from doithoai.plans.models import DialogueMember
from tests import factories

Role = RoleAssignment.Role
Kind = Petition.Kind
Channel = Petition.Channel

# ---------------------------------------------------------------- the people

HERE = {
    "coordinator",
    "chair",
    "agency_kinh_te",  # Phòng Kinh tế
    "agency_vhxh",  # Phòng Văn hóa - Xã hội
    "org_rep_nong_dan",  # Hội Nông dân
    "org_rep_mttq",  # Ủy ban MTTQ (supervisor)
    "publisher",  # Trung tâm Cung ứng dịch vụ sự nghiệp công
    "secretary",  # thư ký of the dialogue, no unit role
    "receiver",  # bộ phận tiếp nhận of the dialogue, no unit role
}
THERE = {f"other_{name}" for name in HERE}  # the same roles in Xã Ngọc Thiện
ROLES = (
    sorted(HERE)
    + [
        "province",  # Ban Tuyên giáo và Dân vận of Bắc Ninh, the province of both communes
        "other_province",  # a province officer of another province
        "no_role",
        "anonymous",
    ]
    + sorted(THERE)
)


@dataclass
class World:
    users: dict
    objects: dict


def _build_commune_world(cs: factories.CommuneSet, prefix: str, users: dict, objects: dict) -> None:
    """Accounts with every role, a dialogue with its seats, a plan with tasks and the petitions of one commune."""
    unit = cs.unit

    def person(name, role, org=None):
        users[prefix + name] = factories.user_with_role(role, unit, org, username=f"{prefix}{name}")

    person("coordinator", Role.COORDINATOR)
    person("chair", Role.CHAIR)
    person("agency_kinh_te", Role.AGENCY, cs.economy)
    person("agency_vhxh", Role.AGENCY, cs.culture)
    person("org_rep_nong_dan", Role.ORG_REP, cs.farmers)
    person("org_rep_mttq", Role.ORG_REP, cs.front)
    person("publisher", Role.PUBLISHER, cs.service_centre)

    dialogue = factories.DialogueFactory(unit=unit)
    for seat in ("secretary", "receiver"):
        users[prefix + seat] = factories.UserFactory(username=f"{prefix}{seat}")
        DialogueMember.objects.create(dialogue=dialogue, user=users[prefix + seat], role=seat)

    def petition(**fields):
        return factories.PetitionFactory(unit=unit, **fields)

    def assign(pet, lead, *coordinating, is_current=True):
        assignment = factories.AssignmentFactory(petition=pet, lead=lead, is_current=is_current)
        assignment.coordinating.set(coordinating)
        return assignment

    objects[prefix + "dialogue"] = dialogue
    objects[prefix + "plan"] = dialogue.plan
    objects[prefix + "unit"] = unit
    objects[prefix + "nong_dan"] = cs.farmers
    objects[prefix + "mttq"] = cs.front
    objects[prefix + "task_nong_dan"] = factories.PlanTaskFactory(plan=dialogue.plan, organization=cs.farmers)
    objects[prefix + "task_thong_bao"] = factories.PlanTaskFactory(
        plan=dialogue.plan,
        organization=cs.service_centre,
        section="III.3",
        title="Thông báo rộng rãi trên Cổng thông tin điện tử và Đài truyền thanh xã trước 07 ngày",
    )

    assigned = objects[prefix + "assigned"] = petition(content="Đường trục thôn Trung xuống cấp nghiêm trọng.")
    assign(assigned, cs.economy, cs.culture)
    objects[prefix + "from_nong_dan"] = petition(
        kind=Kind.PHAN_ANH,
        channel=Channel.ORG_BATCH,
        submitter_organization=cs.farmers,
        content="Hội viên phản ánh giá phân bón tăng cao.",
    )
    to_cao = objects[prefix + "to_cao"] = petition(
        kind=Kind.TO_CAO,
        channel=Channel.WRITTEN_AT_DIALOGUE,
        dialogue=dialogue,
        content="Tố cáo cán bộ địa chính nhận tiền khi làm thủ tục đất đai.",
    )
    assign(to_cao, cs.economy)
    objects[prefix + "khieu_nai"] = petition(
        kind=Kind.KHIEU_NAI, channel=Channel.RECEPTION, content="Khiếu nại quyết định thu hồi đất."
    )
    objects[prefix + "at_dialogue"] = petition(
        channel=Channel.SPOKEN_AT_DIALOGUE, dialogue=dialogue, content="Đề nghị lắp đèn chiếu sáng đường liên thôn."
    )
    # Phòng Kinh tế returned it ("không thuộc lĩnh vực"); Phòng Văn hóa - Xã hội now leads.
    reassigned = objects[prefix + "reassigned"] = petition(content="Nhà văn hóa thôn Đông bị dột.")
    assign(reassigned, cs.economy, is_current=False)
    assign(reassigned, cs.culture)


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker):
    """Two communes of Bắc Ninh with every role, built once for the whole table and rolled back at the end.

    The table only reads, so its ~2,000 cells share one world instead of building one each (speed); each cell
    still runs in its own savepoint (django_db on the class).
    """
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        users: dict = {}
        objects: dict = {}
        here = factories.CommuneSet.create()  # as the `commune` fixture
        there = factories.CommuneSet.create(name="Xã Ngọc Thiện", slug="ngoc-thien")  # as `other_commune`
        _build_commune_world(here, "", users, objects)
        _build_commune_world(there, "other_", users, objects)
        users["province"] = factories.user_with_role(Role.PROVINCE, here.province, username="province")
        elsewhere = factories.ProvinceFactory(name="Tỉnh Thái Nguyên", short_name="Thái Nguyên", slug="thai-nguyen")
        users["other_province"] = factories.user_with_role(Role.PROVINCE, elsewhere, username="other_province")
        users["no_role"] = factories.UserFactory(username="no_role")
        users["anonymous"] = AnonymousUser()
        yield World(users, objects)
        transaction.set_rollback(True)


# ---------------------------------------------------------------- the table: (action, object) → who may

PETITIONS = ["assigned", "from_nong_dan", "to_cao", "khieu_nai", "at_dialogue", "reassigned", "other_assigned"]
OTHER_STAFF = {"other_coordinator", "other_chair"}

# Who opens each petition (petitions_visible_to and petition.view): DESIGN §1 and §3.
VISIBLE = {
    "assigned": {"coordinator", "chair", "agency_kinh_te", "agency_vhxh", "org_rep_mttq"},
    "from_nong_dan": {"coordinator", "chair", "org_rep_nong_dan", "org_rep_mttq"},
    # Complaints and denunciations: never in the MTTQ's supervisory view, never on a dialogue's console.
    "to_cao": {"coordinator", "chair", "agency_kinh_te"},
    "khieu_nai": {"coordinator", "chair"},
    "at_dialogue": {"coordinator", "chair", "org_rep_mttq", "secretary", "receiver"},
    "reassigned": {"coordinator", "chair", "agency_vhxh", "org_rep_mttq"},
    # The other commune's petition led by its Phòng Kinh tế with its Phòng Văn hóa - Xã hội.
    "other_assigned": OTHER_STAFF | {"other_agency_kinh_te", "other_agency_vhxh", "other_org_rep_mttq"},
}
# Who reads the submitter's name and contacts: a denouncer's only the coordinator and the chair; the MTTQ's
# supervisory view never; the province never.
IDENTITY = {
    "assigned": {"coordinator", "chair", "agency_kinh_te", "agency_vhxh"},
    "from_nong_dan": {"coordinator", "chair", "org_rep_nong_dan"},
    "to_cao": {"coordinator", "chair"},
    "khieu_nai": {"coordinator", "chair"},
    "at_dialogue": {"coordinator", "chair"},
    "reassigned": {"coordinator", "chair", "agency_vhxh"},
    "other_assigned": OTHER_STAFF | {"other_agency_kinh_te", "other_agency_vhxh"},
}
RECORD_ANSWER = {  # the coordinator, or the lead agency of the current assignment (it drafts the giải trình)
    "assigned": {"coordinator", "agency_kinh_te"},
    "from_nong_dan": {"coordinator"},
    "to_cao": {"coordinator", "agency_kinh_te"},
    "khieu_nai": {"coordinator"},
    "at_dialogue": {"coordinator"},
    "reassigned": {"coordinator", "agency_vhxh"},
    "other_assigned": {"other_coordinator", "other_agency_kinh_te"},
}
ACCEPT_ASSIGNMENT = {  # only the current lead (chủ trì), not a coordinating unit
    "assigned": {"agency_kinh_te"},
    "from_nong_dan": set(),
    "to_cao": {"agency_kinh_te"},
    "khieu_nai": set(),
    "at_dialogue": set(),
    "reassigned": {"agency_vhxh"},
    "other_assigned": {"other_agency_kinh_te"},
}
ANSWER_AT_DIALOGUE = {  # the chair answers on the spot; the coordinator or that dialogue's secretary records it
    "assigned": {"coordinator", "chair"},
    "from_nong_dan": {"coordinator", "chair"},
    "to_cao": {"coordinator", "chair"},
    "khieu_nai": {"coordinator", "chair"},
    "at_dialogue": {"coordinator", "chair", "secretary"},
    "reassigned": {"coordinator", "chair"},
    "other_assigned": OTHER_STAFF,
}


def _unit_only(here_role: str) -> dict:
    return {name: ({f"other_{here_role}"} if name.startswith("other_") else {here_role}) for name in PETITIONS}


TABLE: dict[str, dict[str, set[str]]] = {
    "petition.view": VISIBLE,
    "petition.view_identity": IDENTITY,
    "petition.classify": _unit_only("coordinator"),
    "petition.assign": _unit_only("coordinator"),
    "petition.approve": _unit_only("chair"),
    "petition.return_answer": _unit_only("chair"),  # the chair approves or sends back
    "petition.record_answer": RECORD_ANSWER,
    "petition.accept_assignment": ACCEPT_ASSIGNMENT,
    "petition.answer_at_dialogue": ANSWER_AT_DIALOGUE,
    "dialogue.view": {
        "dialogue": (HERE | {"province"}),
        "other_dialogue": (THERE | {"province"}),
    },
    "dialogue.console": {  # the dialogue's own secretary and receivers, and the unit's staff
        "dialogue": {"coordinator", "chair", "secretary", "receiver"},
        "other_dialogue": OTHER_STAFF | {"other_secretary", "other_receiver"},
    },
    "dialogue.announce": {  # the service centre publishes; the Party Office may too
        "dialogue": {"coordinator", "publisher"},
        "other_dialogue": {"other_coordinator", "other_publisher"},
    },
    "dialogue.edit": {"dialogue": {"coordinator"}, "other_dialogue": {"other_coordinator"}},
    "plan.edit": {"plan": {"coordinator"}, "other_plan": {"other_coordinator"}},
    "plantask.complete": {
        "task_nong_dan": {"coordinator", "org_rep_nong_dan"},
        "task_thong_bao": {"coordinator", "publisher"},
        "other_task_nong_dan": {"other_coordinator", "other_org_rep_nong_dan"},
    },
    "organization.submit_petitions": {
        "nong_dan": {"coordinator", "org_rep_nong_dan"},
        "mttq": {"coordinator", "org_rep_mttq"},
        "other_nong_dan": {"other_coordinator", "other_org_rep_nong_dan"},
    },
    "unit.view_aggregates": {  # the unit's staff, and the province over its communes
        "unit": {"coordinator", "chair", "province"},
        "other_unit": OTHER_STAFF | {"province"},
    },
}

# Cells where permissions.py does not do what DESIGN.md requires run as strict xfails (none today).
CONTRADICTIONS: dict[tuple[str, str, str], str] = {}


def _cells(action: str, rows: dict[str, set[str]]):
    for obj, allowed in rows.items():
        for role in ROLES:
            expected = role in allowed
            marks = ()
            if (role, action, obj) in CONTRADICTIONS:
                marks = pytest.mark.xfail(strict=True, reason=CONTRADICTIONS[(role, action, obj)])
            verb = "may" if expected else "may-not"
            yield pytest.param(role, action, obj, expected, marks=marks, id=f"{role}-{verb}-{action}-{obj}")


PETITION_ACTIONS = [a for a in TABLE if a.startswith("petition.") and a != "petition.view"]


def _unseen():
    """Every (user, petition) pair where DESIGN.md says the user may not open the petition."""
    for obj in PETITIONS:
        for role in ROLES:
            if role in VISIBLE[obj]:
                continue
            key = (role, "acts_only_on_visible", obj)
            marks = pytest.mark.xfail(strict=True, reason=CONTRADICTIONS[key]) if key in CONTRADICTIONS else ()
            yield pytest.param(role, obj, marks=marks, id=f"{role}-cannot-open-{obj}")


@pytest.mark.django_db
class TestPermissionMatrix:
    """One test per cell: may this role do this action on this object?"""

    def test_the_table_names_only_real_rules_roles_and_objects(self):
        assert set(TABLE) <= set(permissions.RULES)
        assert {r for rows in TABLE.values() for allowed in rows.values() for r in allowed} <= set(ROLES)
        assert len(ROLES) == len(set(ROLES)) == 22

    @pytest.mark.parametrize(
        ("role", "action", "obj", "expected"), [cell for action, rows in TABLE.items() for cell in _cells(action, rows)]
    )
    def test_each_role_gets_the_answer_design_md_requires(self, world, role, action, obj, expected):
        assert permissions.can(world.users[role], action, world.objects[obj]) is expected

    @pytest.mark.parametrize(("role", "action", "obj", "expected"), list(_cells("visible_to", VISIBLE)))
    def test_petitions_visible_to_holds_exactly_what_the_user_may_open(self, world, role, action, obj, expected):
        """A petition outside the list is a 404 for that user, never a leak."""
        petition = world.objects[obj]
        assert permissions.petitions_visible_to(world.users[role]).filter(pk=petition.pk).exists() is expected

    @pytest.mark.parametrize(("role", "action", "obj", "expected"), list(_cells("can_see_identity", IDENTITY)))
    def test_can_see_identity_follows_the_identity_rules(self, world, role, action, obj, expected):
        assert permissions.can_see_identity(world.users[role], world.objects[obj]) is expected

    @pytest.mark.parametrize(("role", "obj"), list(_unseen()))
    def test_nobody_may_act_on_a_petition_they_cannot_open(self, world, role, obj):
        assert permissions.allowed_actions(world.users[role], world.objects[obj], PETITION_ACTIONS) == set()


# ---------------------------------------------------------------- rules around the table


def test_an_unknown_action_raises_key_error_for_everyone(commune, user_with_role):
    petition = factories.PetitionFactory(unit=commune.unit)
    for user in (user_with_role(Role.COORDINATOR, commune.unit), AnonymousUser()):
        with pytest.raises(KeyError):
            permissions.can(user, "petition.delete_everything", petition)


def test_require_raises_permission_denied_when_the_rule_refuses(commune, user_with_role):
    petition = factories.PetitionFactory(unit=commune.unit)
    permissions.require(user_with_role(Role.COORDINATOR, commune.unit), "petition.classify", petition)
    with pytest.raises(PermissionDenied):
        permissions.require(user_with_role(Role.CHAIR, commune.unit), "petition.classify", petition)


def _one_of_each(commune) -> dict:
    """An object for every rule of permissions.RULES, all in the commune."""
    petition = factories.PetitionFactory(unit=commune.unit, kind=Kind.TO_CAO)
    factories.AssignmentFactory(petition=petition, lead=commune.economy)
    dialogue = factories.DialogueFactory(unit=commune.unit)
    return {
        "petition": petition,
        "dialogue": dialogue,
        "plan": dialogue.plan,
        "plantask": factories.PlanTaskFactory(plan=dialogue.plan, organization=commune.farmers),
        "organization": commune.farmers,
        "unit": commune.unit,
        "account": factories.user_with_role(Role.CHAIR, commune.unit),
    }


def _everything_refused(user, objects: dict) -> None:
    for action in permissions.RULES:
        obj = objects[action.split(".")[0]]
        assert permissions.can(user, action, obj) is False, action
    assert not permissions.petitions_visible_to(user).exists()
    assert not permissions.dialogues_visible_to(user).exists()
    assert permissions.can_see_identity(user, objects["petition"]) is False


def test_an_inactive_user_can_do_nothing(commune):
    objects = _one_of_each(commune)
    user = factories.UserFactory(is_active=False)
    for role, org in [
        (Role.COORDINATOR, None),
        (Role.CHAIR, None),
        (Role.AGENCY, commune.economy),
        (Role.ORG_REP, commune.farmers),
        (Role.PUBLISHER, commune.service_centre),
    ]:
        RoleAssignment.objects.create(user=user, unit=commune.unit, role=role, organization=org)
    _everything_refused(user, objects)


def test_the_same_roles_work_once_the_account_is_active(commune):
    """The control for the test above: the refusals come from is_active, not from a broken set-up."""
    objects = _one_of_each(commune)
    user = factories.user_with_role(Role.COORDINATOR, commune.unit)
    assert permissions.can(user, "petition.classify", objects["petition"])
    assert permissions.can_see_identity(user, objects["petition"])


def test_an_inactive_dialogue_secretary_sees_nothing(commune):
    dialogue = factories.DialogueFactory(unit=commune.unit)
    factories.PetitionFactory(unit=commune.unit, dialogue=dialogue, channel=Channel.SPOKEN_AT_DIALOGUE)
    user = factories.UserFactory(is_active=False)
    DialogueMember.objects.create(dialogue=dialogue, user=user, role=DialogueMember.Role.SECRETARY)
    assert not permissions.petitions_visible_to(user).exists()
    assert not permissions.dialogues_visible_to(user).exists()


def test_a_superuser_without_roles_gets_no_domain_rights(commune):
    objects = _one_of_each(commune)
    factories.PetitionFactory(unit=commune.unit)
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    _everything_refused(admin, objects)


def test_visibility_is_recomputed_at_once_when_a_petition_becomes_a_to_cao(commune, user_with_role):
    petition = factories.PetitionFactory(unit=commune.unit)
    factories.AssignmentFactory(petition=petition, lead=commune.economy)
    agency = user_with_role(Role.AGENCY, commune.unit, commune.economy)
    front = user_with_role(Role.ORG_REP, commune.unit, commune.front)
    assert permissions.can_see_identity(agency, petition)
    assert permissions.petitions_visible_to(front).filter(pk=petition.pk).exists()

    Petition.objects.filter(pk=petition.pk).update(kind=Kind.TO_CAO)
    petition.refresh_from_db()

    assert not permissions.can_see_identity(agency, petition)
    assert not permissions.petitions_visible_to(front).filter(pk=petition.pk).exists()
    assert permissions.can_see_identity(user_with_role(Role.CHAIR, commune.unit), petition)


def test_petitions_visible_to_lists_a_petition_once_however_many_assignments_match(commune, user_with_role):
    petition = factories.PetitionFactory(
        unit=commune.unit, channel=Channel.SPOKEN_AT_DIALOGUE, dialogue=factories.DialogueFactory(unit=commune.unit)
    )
    for lead, is_current in [(commune.economy, False), (commune.culture, False), (commune.economy, True)]:
        assignment = factories.AssignmentFactory(petition=petition, lead=lead, is_current=is_current)
        assignment.coordinating.set([commune.culture, commune.economy, commune.service_centre])
    user = user_with_role(Role.AGENCY, commune.unit, commune.economy)
    for org in (commune.culture, commune.service_centre):
        RoleAssignment.objects.create(user=user, unit=commune.unit, role=Role.AGENCY, organization=org)
    RoleAssignment.objects.create(user=user, unit=commune.unit, role=Role.ORG_REP, organization=commune.front)
    DialogueMember.objects.create(dialogue=petition.dialogue, user=user, role=DialogueMember.Role.RECEIVER)
    user.refresh_from_db()

    visible = permissions.petitions_visible_to(user)

    assert [p.pk for p in visible] == [petition.pk]
    assert visible.count() == 1


@pytest.mark.parametrize("how_many", [5, 50])
def test_petitions_visible_to_costs_the_same_few_queries_for_5_or_50_petitions(
    commune, how_many, django_assert_max_num_queries
):
    dialogue = factories.DialogueFactory(unit=commune.unit)
    for n in range(how_many):
        petition = factories.PetitionFactory(unit=commune.unit, dialogue=dialogue if n % 2 else None)
        assignment = factories.AssignmentFactory(petition=petition, lead=commune.culture)
        assignment.coordinating.set([commune.economy])
    factories.PetitionFactory(unit=commune.unit, kind=Kind.KHIEU_NAI)  # not for these roles
    user = factories.user_with_role(Role.AGENCY, commune.unit, commune.economy)
    RoleAssignment.objects.create(user=user, unit=commune.unit, role=Role.ORG_REP, organization=commune.farmers)
    DialogueMember.objects.create(dialogue=dialogue, user=user, role=DialogueMember.Role.SECRETARY)
    user = type(user).objects.get(pk=user.pk)  # no roles cached yet

    with django_assert_max_num_queries(3):  # the roles, the dialogue seats, then the list
        codes = [p.code for p in permissions.petitions_visible_to(user)]

    assert len(codes) == how_many


def test_the_province_sees_aggregates_of_its_communes_but_never_a_petition(commune, other_commune, user_with_role):
    officer = user_with_role(Role.PROVINCE, commune.province)
    petition = factories.PetitionFactory(unit=commune.unit)
    assert commune.province == other_commune.province
    assert permissions.can(officer, "unit.view_aggregates", commune.unit)
    assert permissions.can(officer, "unit.view_aggregates", other_commune.unit)
    assert not permissions.petitions_visible_to(officer).exists()
    assert not permissions.can_see_identity(officer, petition)


def test_assignment_history_does_not_leak_into_identity_rights(commune, user_with_role):
    """Only the current assignment gives an agency the submitter's contacts."""
    petition = factories.PetitionFactory(unit=commune.unit)
    factories.AssignmentFactory(
        petition=petition,
        lead=commune.economy,
        is_current=False,
        status=Assignment.Status.RETURNED,
        returned_reason="Không thuộc lĩnh vực",
    )
    factories.AssignmentFactory(petition=petition, lead=commune.culture)
    assert not permissions.can_see_identity(user_with_role(Role.AGENCY, commune.unit, commune.economy), petition)
    assert permissions.can_see_identity(user_with_role(Role.AGENCY, commune.unit, commune.culture), petition)
