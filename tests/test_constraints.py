"""Invariants the database itself enforces (DESIGN.md §2–§3), on SQLite and on PostgreSQL alike.

Each refusal runs inside its own transaction.atomic() so PostgreSQL can carry on after the error.
"""

import datetime as dt
import math
import re
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone

from doithoai.accounts.models import RoleAssignment
from doithoai.documents.models import Document, DocumentRegister
from doithoai.petitions.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Answer,
    Assignment,
    HistoryEntry,
    Petition,
    Topic,
    new_tracking_code,
)
from doithoai.petitions.topics import CANONICAL_CODES
from doithoai.plans.models import Dialogue
from tests import factories

pytestmark = pytest.mark.django_db

Role = RoleAssignment.Role


@contextmanager
def refused(exception=IntegrityError):
    """Expect the database to refuse what follows, without breaking the test's transaction."""
    with pytest.raises(exception) as info, transaction.atomic():
        yield info


@pytest.fixture
def petition(commune):
    return factories.PetitionFactory(unit=commune.unit)


# ---------------------------------------------------------------- tracking codes


GROUPED_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]$")


def test_the_code_alphabet_leaves_out_characters_read_alike():
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET)
    assert not set("01OIL") & set(CODE_ALPHABET)
    assert CODE_ALPHABET.isupper()  # no lower-case letters to confuse with upper-case ones


def test_a_tracking_code_carries_at_least_60_random_bits():
    assert CODE_LENGTH == 13
    assert len(CODE_ALPHABET) ** CODE_LENGTH >= 2**60
    assert math.log2(len(CODE_ALPHABET)) * CODE_LENGTH >= 60


def test_a_tracking_code_is_13_characters_printed_in_groups_of_four():
    codes = {new_tracking_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert GROUPED_CODE.match(code), code
        assert len(code.replace("-", "")) == CODE_LENGTH


def test_a_new_petition_gets_a_tracking_code_in_that_form(petition):
    assert GROUPED_CODE.match(petition.code)
    assert len(petition.code) <= Petition._meta.get_field("code").max_length


def test_two_petitions_cannot_share_a_tracking_code(commune, petition):
    with refused():
        factories.PetitionFactory(unit=commune.unit, code=petition.code)


# ---------------------------------------------------------------- petitions


@pytest.mark.parametrize(
    "field",
    ["status", "kind", "channel", "jurisdiction"],
)
def test_the_database_refuses_a_value_outside_the_choices(petition, field):
    with refused():
        Petition.objects.filter(pk=petition.pk).update(**{field: "bogus"})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", Petition.Status.LEGAL_TRACK),
        ("kind", Petition.Kind.CAU_HOI),
        ("channel", Petition.Channel.QR_AT_DIALOGUE),
        ("jurisdiction", Petition.Jurisdiction.HIGHER),
    ],
)
def test_the_database_accepts_every_value_of_the_choices(petition, field, value):
    Petition.objects.filter(pk=petition.pk).update(**{field: value})
    petition.refresh_from_db()
    assert getattr(petition, field) == value


def test_a_merged_petition_must_point_to_its_parent(petition):
    with refused():
        Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.MERGED)


def test_only_a_merged_petition_may_point_to_a_parent(commune, petition):
    parent = factories.PetitionFactory(unit=commune.unit)
    with refused():
        Petition.objects.filter(pk=petition.pk).update(merged_into=parent)


def test_a_petition_merges_under_a_parent_with_both_fields_set(commune, petition):
    parent = factories.PetitionFactory(unit=commune.unit)
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.MERGED, merged_into=parent)
    assert parent.merged_children.get() == petition


def test_a_petition_cannot_be_merged_into_itself(petition):
    with refused():
        Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.MERGED, merged_into=F("pk"))


@pytest.mark.parametrize("kind", [Petition.Kind.KHIEU_NAI, Petition.Kind.TO_CAO])
def test_a_complaint_or_denunciation_can_never_be_public(commune, kind):
    confidential = factories.PetitionFactory(unit=commune.unit, kind=kind)
    with refused():
        Petition.objects.filter(pk=confidential.pk).update(is_public=True)


@pytest.mark.parametrize("kind", [Petition.Kind.KHIEU_NAI, Petition.Kind.TO_CAO])
def test_a_complaint_or_denunciation_can_never_be_merged(commune, kind):
    parent = factories.PetitionFactory(unit=commune.unit)
    confidential = factories.PetitionFactory(unit=commune.unit, kind=kind)
    with refused():
        Petition.objects.filter(pk=confidential.pk).update(status=Petition.Status.MERGED, merged_into=parent)


def test_a_recommendation_may_be_public(petition):
    Petition.objects.filter(pk=petition.pk).update(is_public=True)
    petition.refresh_from_db()
    assert petition.is_public


def test_a_public_petition_cannot_become_a_to_cao_without_leaving_the_public(petition):
    Petition.objects.filter(pk=petition.pk).update(is_public=True)
    with refused():
        Petition.objects.filter(pk=petition.pk).update(kind=Petition.Kind.TO_CAO)


@pytest.mark.parametrize(
    "identity",
    [{"submitter_name": "Trần Thị Mẫu"}, {"submitter_phone": "0987654321"}, {"submitter_email": "mau@example.vn"}],
    ids=["name", "phone", "email"],
)
def test_an_anonymous_petition_carries_no_identity(commune, identity):
    fields = {"submitter_name": "", "submitter_phone": "", **identity}
    with refused():
        factories.PetitionFactory(unit=commune.unit, anonymous=True, **fields)


def test_an_anonymous_petition_without_identity_is_accepted(commune):
    petition = factories.PetitionFactory(unit=commune.unit, anonymous=True, submitter_name="", submitter_phone="")
    assert Petition.objects.filter(pk=petition.pk, anonymous=True).exists()


# ---------------------------------------------------------------- assignments and answers


def test_a_petition_has_at_most_one_current_assignment(commune, petition):
    factories.AssignmentFactory(petition=petition, lead=commune.economy)
    with refused():
        factories.AssignmentFactory(petition=petition, lead=commune.culture)


def test_a_petition_keeps_its_earlier_assignments_beside_the_current_one(commune, petition):
    factories.AssignmentFactory(petition=petition, lead=commune.economy, is_current=False)
    factories.AssignmentFactory(petition=petition, lead=commune.culture, is_current=False)
    factories.AssignmentFactory(petition=petition, lead=commune.culture)
    assert petition.assignments.count() == 3
    assert petition.assignments.get(is_current=True).lead == commune.culture


def test_an_assignment_status_outside_the_choices_is_refused(commune, petition):
    assignment = factories.AssignmentFactory(petition=petition, lead=commune.economy)
    with refused():
        Assignment.objects.filter(pk=assignment.pk).update(status="bogus")


def test_a_petition_has_at_most_one_current_answer(petition):
    factories.AnswerFactory(petition=petition, is_current=False)
    factories.AnswerFactory(petition=petition)
    with refused():
        factories.AnswerFactory(petition=petition)


def test_an_answer_is_published_only_after_approval(petition):
    with refused():
        factories.AnswerFactory(petition=petition, published_at=timezone.now())
    answer = factories.AnswerFactory(petition=petition, approved_at=timezone.now(), published_at=timezone.now())
    assert Answer.objects.filter(pk=answer.pk, published_at__isnull=False).exists()


# ---------------------------------------------------------------- documents


def test_a_register_gives_each_number_once(commune):
    register = factories.PartyRegisterFactory(party_term__unit=commune.unit)
    Document.objects.create(register=register, number=67, issued_on=dt.date(2026, 4, 24), summary="Kế hoạch")
    with refused():
        Document.objects.create(register=register, number=67, issued_on=dt.date(2026, 4, 25), summary="Kế hoạch")


def test_the_same_number_may_appear_in_another_register(commune):
    plans = factories.PartyRegisterFactory(party_term__unit=commune.unit)
    reports = factories.PartyRegisterFactory(party_term=plans.party_term, doc_type=DocumentRegister.DocType.BAO_CAO)
    for register in (plans, reports):
        Document.objects.create(register=register, number=12, issued_on=dt.date(2026, 5, 4), summary="Văn bản")
    assert Document.objects.filter(number=12).count() == 2


def test_a_document_number_starts_at_one(commune):
    register = factories.StateRegisterFactory(unit=commune.unit)
    with refused():
        Document.objects.create(register=register, number=0, issued_on=dt.date(2026, 5, 4), summary="Thông báo")


@pytest.mark.parametrize(
    ("style", "with_term", "year"),
    [
        ("party", True, 2026),
        ("party", False, None),
        ("state", True, 2026),
        ("state", False, None),
        ("party", False, 2026),
        ("bogus", False, 2026),
    ],
    ids=[
        "party-with-year-too",
        "party-without-term",
        "state-with-term",
        "state-without-year",
        "party-numbered-by-year",
        "unknown-style",
    ],
)
def test_a_register_period_must_match_its_style(commune, style, with_term, year):
    term = factories.PartyTermFactory(unit=commune.unit) if with_term else None
    with refused():
        DocumentRegister.objects.create(
            unit=commune.unit,
            issuing_body=commune.economy,
            style=style,
            doc_type="KH",
            body_symbol="ĐU",
            party_term=term,
            year=year,
        )


def test_party_registers_run_per_term_and_state_registers_per_year(commune):
    party = factories.PartyRegisterFactory(party_term__unit=commune.unit)
    state = factories.StateRegisterFactory(unit=commune.unit)
    assert (party.party_term_id, party.year) == (party.party_term.pk, None)
    assert (state.party_term_id, state.year) == (None, 2026)


def test_a_body_has_one_register_per_type_and_term(commune):
    register = factories.PartyRegisterFactory(party_term__unit=commune.unit)
    with refused():
        factories.PartyRegisterFactory(party_term=register.party_term)


def test_a_body_has_one_register_per_type_and_year(commune):
    factories.StateRegisterFactory(unit=commune.unit)
    with refused():
        factories.StateRegisterFactory(unit=commune.unit)


# ---------------------------------------------------------------- dialogues


def test_a_dialogue_needs_a_date_or_a_tentative_month(commune):
    with refused():
        factories.DialogueFactory(unit=commune.unit, tentative_month=None, starts_at=None)


def test_a_dialogue_with_only_a_tentative_month_is_planned(commune):
    dialogue = factories.DialogueFactory(unit=commune.unit, tentative_month=dt.date(2026, 6, 1))
    assert dialogue.status == Dialogue.Status.PLANNED
    assert dialogue.month == dt.date(2026, 6, 1)


def test_a_dialogue_ends_after_it_starts(commune):
    start = timezone.make_aware(dt.datetime(2026, 6, 18, 8, 0))
    for end in (start, start - dt.timedelta(hours=1)):
        with refused():
            factories.DialogueFactory(unit=commune.unit, starts_at=start, ends_at=end)
    dialogue = factories.DialogueFactory(unit=commune.unit, starts_at=start, ends_at=start + dt.timedelta(hours=3))
    assert dialogue.ends_at > dialogue.starts_at


@pytest.mark.parametrize(
    "status", [Dialogue.Status.SCHEDULED, Dialogue.Status.ANNOUNCED, Dialogue.Status.HELD, Dialogue.Status.CONCLUDED]
)
def test_a_dialogue_cannot_go_beyond_planned_without_a_date(commune, status):
    dialogue = factories.DialogueFactory(unit=commune.unit)
    with refused():
        Dialogue.objects.filter(pk=dialogue.pk).update(status=status)
    Dialogue.objects.filter(pk=dialogue.pk).update(status=status, starts_at=timezone.now())
    assert Dialogue.objects.get(pk=dialogue.pk).status == status


@pytest.mark.parametrize("field", ["kind", "status"])
def test_a_dialogue_kind_or_status_outside_the_choices_is_refused(commune, field):
    dialogue = factories.DialogueFactory(unit=commune.unit, starts_at=timezone.now())
    with refused():
        Dialogue.objects.filter(pk=dialogue.pk).update(**{field: "bogus"})


# ---------------------------------------------------------------- topics

# DESIGN.md §2, in its order.
DESIGN_TOPIC_CODES = [
    "dat_dai",
    "moi_truong",
    "giao_thong_xay_dung",
    "nong_nghiep",
    "y_te",
    "giao_duc",
    "van_hoa_xa_hoi",
    "lao_dong_chinh_sach",
    "an_ninh_trat_tu",
    "thu_tuc_hanh_chinh",
    "doanh_nghiep_kinh_te",
    "dien_nuoc_ha_tang",
    "khac",
]


def test_the_13_canonical_topics_of_design_md_exist_after_migrations():
    canonical = Topic.objects.filter(unit__isnull=True).order_by("position")
    assert list(canonical.values_list("code", flat=True)) == CANONICAL_CODES == DESIGN_TOPIC_CODES
    assert all(topic.name and topic.scope for topic in canonical)
    assert not canonical.filter(parent__isnull=False).exists()


def test_a_canonical_topic_has_no_parent():
    with refused():
        Topic.objects.create(code="nha_o", name="Nhà ở", parent=factories.canonical_topic("dat_dai"))


def test_a_unit_topic_needs_a_canonical_parent(commune):
    with refused():
        Topic.objects.create(unit=commune.unit, code="cho_que", name="Chợ quê")


def test_a_unit_may_add_its_own_topic_under_a_canonical_one(commune):
    topic = Topic.objects.create(
        unit=commune.unit, code="cho_que", name="Chợ quê", parent=factories.canonical_topic("doanh_nghiep_kinh_te")
    )
    assert topic.canonical_code == "doanh_nghiep_kinh_te"


def test_canonical_codes_are_unique():
    with refused():
        Topic.objects.create(code="dat_dai", name="Đất đai (bản sao)")


def test_a_unit_cannot_use_one_code_twice(commune):
    parent = factories.canonical_topic("moi_truong")
    Topic.objects.create(unit=commune.unit, code="rac_thai", name="Rác thải", parent=parent)
    with refused():
        Topic.objects.create(unit=commune.unit, code="rac_thai", name="Rác thải sinh hoạt", parent=parent)


# ---------------------------------------------------------------- roles


@pytest.mark.parametrize("role", [Role.AGENCY, Role.ORG_REP])
def test_an_agency_officer_or_organisation_representative_acts_for_an_organisation(commune, role):
    user = factories.UserFactory()
    with refused():
        RoleAssignment.objects.create(user=user, unit=commune.unit, role=role)


def test_an_account_cannot_hold_the_same_role_twice_in_a_unit(commune):
    user = factories.user_with_role(Role.COORDINATOR, commune.unit)
    with refused():
        RoleAssignment.objects.create(user=user, unit=commune.unit, role=Role.COORDINATOR)


def test_an_account_cannot_hold_the_same_role_twice_for_one_organisation(commune):
    user = factories.user_with_role(Role.AGENCY, commune.unit, commune.economy)
    with refused():
        RoleAssignment.objects.create(user=user, unit=commune.unit, role=Role.AGENCY, organization=commune.economy)


def test_an_account_may_act_for_two_organisations_in_one_role(commune):
    user = factories.user_with_role(Role.AGENCY, commune.unit, commune.economy)
    RoleAssignment.objects.create(user=user, unit=commune.unit, role=Role.AGENCY, organization=commune.culture)
    assert user.roles.count() == 2


def test_a_role_outside_the_choices_is_refused(commune):
    with refused():
        RoleAssignment.objects.create(user=factories.UserFactory(), unit=commune.unit, role="admin")


# ---------------------------------------------------------------- history is append-only


@pytest.fixture
def entry(petition):
    return factories.HistoryEntryFactory(petition=petition, note="Tiếp nhận qua Cổng thông tin")


def test_a_history_entry_cannot_be_saved_again(entry):
    entry.note = "Sửa lại"
    with pytest.raises(ValidationError):
        entry.save()
    assert HistoryEntry.objects.get(pk=entry.pk).note == "Tiếp nhận qua Cổng thông tin"


def test_a_history_entry_cannot_be_deleted(entry):
    with pytest.raises(ValidationError):
        entry.delete()
    assert HistoryEntry.objects.filter(pk=entry.pk).exists()


def test_history_refuses_bulk_updates_and_deletes(entry):
    for queryset in (HistoryEntry.objects.filter(pk=entry.pk), entry.petition.history.all()):
        with pytest.raises(ValidationError):
            queryset.update(note="Sửa lại")
        with pytest.raises(ValidationError):
            queryset.delete()
    assert HistoryEntry.objects.get(pk=entry.pk).note == "Tiếp nhận qua Cổng thông tin"


def test_the_database_refuses_a_raw_update_of_history(entry):
    table = connection.ops.quote_name(HistoryEntry._meta.db_table)
    with refused(DatabaseError) as error, connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET note = %s WHERE id = %s", ["Sửa lại", entry.pk])
    assert "append-only" in str(error.value)
    assert HistoryEntry.objects.get(pk=entry.pk).note == "Tiếp nhận qua Cổng thông tin"


def test_appending_history_still_works(petition, entry):
    factories.HistoryEntryFactory(petition=petition, action="classify", from_status="received", to_status="classified")
    assert list(petition.history.values_list("action", flat=True)) == ["receive", "classify"]


def test_a_petition_with_history_cannot_be_deleted(petition, entry):
    with pytest.raises(ProtectedError):
        petition.delete()
    assert Petition.objects.filter(pk=petition.pk).exists()


def test_deleting_an_account_never_rewrites_the_history_it_wrote(petition):
    actor = factories.UserFactory()
    entry = factories.HistoryEntryFactory(petition=petition, actor=actor, actor_label="Nguyễn Văn Điều Phối")
    with refused((DatabaseError, ProtectedError)):
        actor.delete()
    assert HistoryEntry.objects.get(pk=entry.pk).actor_id == actor.pk
