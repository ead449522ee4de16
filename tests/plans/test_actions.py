"""The domain actions of plans and dialogues (doithoai/plans/actions.py): who may do what, in which state, what
the history keeps, and what bad input gets. The clock is set with time_machine; local times are Asia/Ho_Chi_Minh."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from doithoai.accounts.models import Organization
from doithoai.lib.clock import local_datetime
from doithoai.petitions.actions import ActionError
from doithoai.plans import actions, defaults
from doithoai.plans.models import (
    AgendaItem,
    Announcement,
    Dialogue,
    DialogueEvent,
    DialogueMember,
    Invitation,
    Plan,
    PlanTask,
    PrintedSlip,
    SpeakerRequest,
)
from tests import factories

St = Dialogue.Status
Sp = SpeakerRequest.Status
NO_RIGHT = "Bạn không có quyền thực hiện thao tác này."

# The December conference of the world: Friday 18/12/2026 at 08:00, so the last day to announce it is 11/12/2026.
START = (2026, 12, 18, 8, 0)
LAST_DAY = dt.date(2026, 12, 11)


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    return local_datetime(dt.date(year, month, day), hour, minute)


def at(year, month, day, hour=0, minute=0):
    """Set the clock to a local wall time (inside the frozen demo day of the world fixture)."""
    return time_machine.travel(local(year, month, day, hour, minute), tick=False)


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def events(dialogue, action=None) -> list[DialogueEvent]:
    found = DialogueEvent.objects.filter(dialogue=dialogue).order_by("at", "id")
    return list(found.filter(action=action) if action else found)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def schedule(w, dialogue=None, start=START, *, hours=3, place="Hội trường Nhà văn hóa xã"):
    dialogue = dialogue or w.dialogue
    starts_at = local(*start)
    return actions.schedule_dialogue(
        dialogue, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=hours), place=place, by=w.coordinator
    )


def announced(w, dialogue=None, start=START):
    """A dialogue scheduled and announced on time (the clock stays on the world's 27/11/2026)."""
    dialogue = schedule(w, dialogue, start)
    draft = actions.compose_announcement(dialogue, by=w.coordinator)
    actions.publish_announcement(draft, by=w.publisher)
    return fresh(dialogue)


def make_plan(w, title="Kế hoạch tiếp xúc, đối thoại năm 2026", **extra) -> Plan:
    extra.setdefault("issued_on", dt.date(2026, 4, 24))
    return actions.create_plan(w.c.unit, title=title, year=2026, issuing_body=w.party_body, by=w.coordinator, **extra)


def queue_names(dialogue) -> list[str]:
    return list(
        dialogue.speaker_requests.exclude(status=Sp.WITHDRAWN).order_by("position").values_list("name", flat=True)
    )


def speakers(w, dialogue, *names):
    return [
        actions.register_speaker(dialogue, name=name, summary=f"Ý kiến của {name} về đường giao thông thôn.")
        for name in names
    ]


@pytest.fixture
def w(plans_world):
    return plans_world


# ================================================================== plans


def test_create_plan_numbers_from_the_party_register(w):
    plan = make_plan(w, signer_post=w.secretary_post, legal_bases="Căn cứ Điều lệ Đảng;", place="Hội trường xã")
    assert plan.document.number == 1
    assert plan.code == "01-KH/ĐU"
    assert plan.document.register.issuing_body == w.party_body
    assert (plan.unit, plan.year, plan.signer_post) == (w.c.unit, 2026, w.secretary_post)
    assert plan.legal_bases == "Căn cứ Điều lệ Đảng;"


def test_two_plans_get_consecutive_numbers_and_a_refused_one_leaves_no_gap(w):
    factories.PartyRegisterFactory(
        party_term=w.party_body.unit.party_terms.get(), issuing_body=w.party_body, numbers_before_system=66
    )
    first = make_plan(w, title="Kế hoạch tiếp xúc, đối thoại năm 2026")
    with pytest.raises(ValidationError):
        make_plan(w, title="   ")
    second = make_plan(w, title="Kế hoạch tiếp xúc, đối thoại năm 2026 (thay thế)", supersedes=first)
    assert (first.document.number, second.document.number) == (67, 68)
    assert (first.code, second.code) == ("67-KH/ĐU", "68-KH/ĐU")


def test_create_plan_without_a_party_term_is_refused_with_a_message(w):
    with pytest.raises(ValidationError) as excinfo:
        make_plan(w, issued_on=dt.date(2020, 1, 10))
    assert "nhiệm kỳ" in errors_of(excinfo)["issued_on"][0]
    assert not Plan.objects.exclude(pk=w.plan.pk).exists()


@pytest.mark.parametrize(
    "who", ["chair", "publisher", "agency", "org_rep", "secretary", "foreign_coordinator", "citizen"]
)
def test_only_the_coordinator_creates_a_plan(w, who):
    with pytest.raises(ActionError, match=NO_RIGHT):
        actions.create_plan(
            w.c.unit,
            title="Kế hoạch",
            year=2026,
            issued_on=dt.date(2026, 4, 24),
            issuing_body=w.party_body,
            by=getattr(w, who),
        )
    assert Plan.objects.count() == 1


def test_create_plan_bad_input(w):
    with pytest.raises(ValidationError) as excinfo:
        actions.create_plan(
            w.c.unit,
            title="",
            year=1999,
            issued_on=dt.date(2026, 4, 24),
            by=w.coordinator,
            issuing_body=w.other.front,
            signer_post=w.foreign_post,
            purposes="x" * 20_001,
        )
    errors = errors_of(excinfo)
    assert errors["title"] == ["Xin điền mục này."]
    assert errors["year"] == ["Năm không hợp lệ."]
    assert errors["issuing_body"] == ["Không thuộc đơn vị này."]
    assert errors["signer_post"] == ["Không thuộc đơn vị này."]
    assert "Quá dài" in errors["purposes"][0]
    with pytest.raises(ValidationError) as excinfo:
        make_plan(w, title="K" * 401)
    assert "tối đa 400" in errors_of(excinfo)["title"][0]
    with pytest.raises(TypeError):
        make_plan(w, budget="1 tỷ")
    assert Plan.objects.count() == 1


def test_plan_texts_are_nfc_normalised(w):
    decomposed = "Ke\u0302\u0301 hoa\u0323ch"  # "Kế hoạch" typed with combining marks
    plan = make_plan(w, title=decomposed + "  năm 2026\n")
    assert plan.title == "Kế hoạch năm 2026"


def test_a_plan_supersedes_an_older_one_once(w):
    old = make_plan(w, title="Kế hoạch năm 2026")
    new = make_plan(w, title="Kế hoạch năm 2026 (thay thế)", supersedes=old)
    assert new.supersedes == old
    assert fresh(old).superseded_by == new
    with pytest.raises(ValidationError) as excinfo:
        make_plan(w, title="Kế hoạch năm 2026 (lần ba)", supersedes=old)
    assert errors_of(excinfo)["supersedes"] == ["Kế hoạch này đã được một kế hoạch khác thay thế."]
    third = make_plan(w, title="Kế hoạch năm 2026 (lần ba)", supersedes=new)  # the newest may be replaced
    assert third.supersedes == new


def test_a_plan_cannot_supersede_another_communes_plan(w):
    foreign = factories.PlanFactory(unit=w.other.unit)
    with pytest.raises(ValidationError) as excinfo:
        make_plan(w, supersedes=foreign)
    assert errors_of(excinfo)["supersedes"] == ["Không thuộc đơn vị này."]


def test_update_plan(w):
    plan = actions.update_plan(w.plan, by=w.coordinator, title="Kế hoạch sửa đổi", content="Nội dung mới")
    assert (fresh(plan).title, fresh(plan).content) == ("Kế hoạch sửa đổi", "Nội dung mới")
    with pytest.raises(ActionError):
        actions.update_plan(w.plan, by=w.publisher, title="Khác")
    with pytest.raises(ActionError):
        actions.update_plan(w.plan, by=w.foreign_coordinator, title="Khác")
    with pytest.raises(ValidationError) as excinfo:
        actions.update_plan(w.plan, by=w.coordinator, title=" ", signer_post=w.foreign_post)
    assert set(errors_of(excinfo)) == {"title", "signer_post"}
    with pytest.raises(TypeError):
        actions.update_plan(w.plan, by=w.coordinator, number="99")
    assert fresh(w.plan).title == "Kế hoạch sửa đổi"
    assert fresh(w.plan).signer_post is None


# ------------------------------------------------------------------ quarterly dialogues


def test_generate_quarterly_dialogues_creates_four_with_the_five_step_agenda(w):
    plan = make_plan(w, signer_post=w.secretary_post, place="Hội trường Nhà văn hóa xã")
    created = actions.generate_quarterly_dialogues(plan, by=w.coordinator)
    assert len(created) == 4
    assert [d.tentative_month for d in created] == [dt.date(2026, m, 1) for m in (3, 6, 9, 12)]
    assert [d.title for d in created] == [
        f"Giao ban quý {q} năm 2026 với Ủy ban MTTQ và các tổ chức chính trị - xã hội" for q in ("I", "II", "III", "IV")
    ]
    for dialogue in created:
        assert (dialogue.kind, dialogue.status, dialogue.plan) == (Dialogue.Kind.REGULAR, St.PLANNED, plan)
        assert (dialogue.place, dialogue.chair_post) == ("Hội trường Nhà văn hóa xã", w.secretary_post)
        agenda = list(dialogue.agenda.order_by("position").values_list("position", "title", "presenter"))
        assert agenda == [(i, t, p) for i, (t, p) in enumerate(defaults.AGENDA, start=1)]
        assert len(agenda) == 5
        (event,) = events(dialogue)
        assert (event.action, event.actor) == ("create", w.coordinator)
    assert actions.generate_quarterly_dialogues(plan, by=w.coordinator) == []  # twice changes nothing
    assert Dialogue.objects.filter(plan=plan).count() == 4


def test_generate_skips_quarters_held_under_the_plans_it_replaced(w):
    oldest = make_plan(w, title="Kế hoạch 2026 (bản đầu)")
    older = make_plan(w, title="Kế hoạch 2026 (bản hai)", supersedes=oldest)
    newest = make_plan(w, title="Kế hoạch 2026 (bản ba)", supersedes=older)
    # Quarter I was held under the oldest plan, quarter III (dated) under the middle one.
    factories.DialogueFactory(unit=w.c.unit, plan=oldest, kind="regular", tentative_month=dt.date(2026, 2, 1))
    factories.DialogueFactory(
        unit=w.c.unit,
        plan=older,
        kind="regular",
        tentative_month=dt.date(2026, 6, 1),
        starts_at=local(2026, 9, 25, 8),
        status=St.HELD,
    )
    # Neither a conference of quarter II nor a giao ban of an unrelated plan counts.
    factories.DialogueFactory(unit=w.c.unit, plan=newest, kind="conference", tentative_month=dt.date(2026, 6, 1))
    factories.DialogueFactory(unit=w.c.unit, plan=w.plan, kind="regular", tentative_month=dt.date(2026, 12, 1))
    created = actions.generate_quarterly_dialogues(newest, by=w.coordinator)
    assert [d.tentative_month.month for d in created] == [6, 12]
    assert all(d.plan == newest for d in created)


def test_only_the_coordinator_generates_quarterly_dialogues(w):
    for who in (w.publisher, w.chair, w.foreign_coordinator):
        with pytest.raises(ActionError):
            actions.generate_quarterly_dialogues(w.plan, by=who)
    assert not Dialogue.objects.filter(kind="regular").exists()


# ------------------------------------------------------------------ plan tasks


def test_complete_task_by_its_organisation_or_the_coordinator(w):
    task = factories.PlanTaskFactory(plan=w.plan, organization=w.c.farmers, purpose=PlanTask.Purpose.PASS_ON)
    with at(2026, 11, 28, 10):
        done = actions.complete_task(task, by=w.org_rep)
    assert (done.done_at, done.done_by) == (local(2026, 11, 28, 10), w.org_rep)
    again = actions.complete_task(task, by=w.coordinator)  # confirming twice keeps the first mark
    assert (again.done_at, again.done_by) == (local(2026, 11, 28, 10), w.org_rep)
    undone = actions.complete_task(task, by=w.coordinator, done=False)
    assert (fresh(undone).done_at, fresh(undone).done_by) == (None, None)


@pytest.mark.parametrize("who", ["agency", "publisher", "secretary", "foreign_coordinator", "citizen"])
def test_another_organisation_cannot_complete_a_task(w, who):
    task = factories.PlanTaskFactory(plan=w.plan, organization=w.c.farmers)
    with pytest.raises(ActionError, match=NO_RIGHT):
        actions.complete_task(task, by=getattr(w, who))
    assert fresh(task).done_at is None


# ================================================================== dialogues


def test_create_dialogue_with_the_standard_programme(w):
    dialogue = actions.create_dialogue(
        w.c.unit,
        kind="conference",
        title="Hội nghị tiếp xúc, đối thoại trực tiếp",
        by=w.coordinator,
        plan=w.plan,
        tentative_month=dt.date(2026, 6, 17),
        chair_post=w.secretary_post,
    )
    assert (dialogue.status, dialogue.tentative_month, dialogue.place) == (
        St.PLANNED,
        dt.date(2026, 6, 1),
        "Hội trường Nhà văn hóa xã",
    )
    assert dialogue.agenda.count() == 5
    assert [e.action for e in events(dialogue)] == ["create"]
    adhoc = actions.create_dialogue(
        w.c.unit, kind="ad_hoc", title="Đối thoại đột xuất", by=w.coordinator, tentative_month=dt.date(2026, 12, 1)
    )
    assert adhoc.place == defaults.PLACE


def test_create_dialogue_bad_input(w):
    with pytest.raises(ValidationError) as excinfo:
        actions.create_dialogue(
            w.c.unit,
            kind="party",
            title="  ",
            by=w.coordinator,
            plan=factories.PlanFactory(unit=w.other.unit),
            place="P" * 201,
        )
    errors = errors_of(excinfo)
    assert errors["title"] == ["Xin điền mục này."]
    assert errors["kind"] == ["Hình thức không hợp lệ."]
    assert errors["plan"] == ["Không thuộc đơn vị này."]
    assert errors["tentative_month"] == ["Xin chọn tháng dự kiến."]
    assert "tối đa 200" in errors["place"][0]
    assert Dialogue.objects.count() == 2


def test_create_dialogue_refuses_another_communes_chair(w):
    with pytest.raises(ValidationError) as excinfo:
        actions.create_dialogue(
            w.c.unit,
            kind="conference",
            title="Hội nghị",
            by=w.coordinator,
            tentative_month=dt.date(2026, 6, 1),
            chair_post=w.foreign_post,
        )
    assert errors_of(excinfo)["chair_post"] == ["Không thuộc đơn vị này."]


@pytest.mark.parametrize("who", ["chair", "publisher", "agency", "org_rep", "secretary", "foreign_coordinator"])
def test_only_the_coordinator_creates_a_dialogue(w, who):
    with pytest.raises(ActionError, match=NO_RIGHT):
        actions.create_dialogue(
            w.c.unit, kind="conference", title="Hội nghị", by=getattr(w, who), tentative_month=dt.date(2026, 6, 1)
        )


# ------------------------------------------------------------------ scheduling


def test_schedule_moves_planned_to_scheduled_with_history(w):
    dialogue = schedule(w, place="Hội trường Nhà văn hóa xã", hours=3)
    assert dialogue.status == St.SCHEDULED
    assert (dialogue.starts_at, dialogue.ends_at) == (local(*START), local(2026, 12, 18, 11))
    (event,) = events(dialogue, "schedule")
    assert (event.from_status, event.to_status, event.actor) == (St.PLANNED, St.SCHEDULED, w.coordinator)
    assert event.note == "08:00 18/12/2026, Hội trường Nhà văn hóa xã"
    assert event.at == local(2026, 11, 27, 9)
    assert fresh(dialogue).month == dt.date(2026, 12, 1)


def test_schedule_bad_input_changes_nothing(w):
    start = local(*START)
    for ends_at in (start, start - dt.timedelta(minutes=1)):
        with pytest.raises(ValidationError) as excinfo:
            actions.schedule_dialogue(
                w.dialogue, starts_at=start, ends_at=ends_at, place="Hội trường", by=w.coordinator
            )
        assert errors_of(excinfo)["ends_at"] == ["Giờ kết thúc phải sau giờ bắt đầu."]
    with pytest.raises(ValidationError) as excinfo:
        actions.schedule_dialogue(
            w.dialogue, starts_at=None, ends_at=None, place="P" * 201, by=w.coordinator, chair_post=w.foreign_post
        )
    errors = errors_of(excinfo)
    assert set(errors) == {"starts_at", "place", "chair_post"}
    with pytest.raises(ValidationError) as excinfo:
        actions.schedule_dialogue(w.dialogue, starts_at=start, ends_at=None, place=" \n ", by=w.coordinator)
    assert errors_of(excinfo)["place"] == ["Xin điền mục này."]
    dialogue = fresh(w.dialogue)
    assert (dialogue.status, dialogue.starts_at) == (St.PLANNED, None)
    assert not events(dialogue)


@pytest.mark.parametrize("who", ["chair", "publisher", "agency", "secretary", "foreign_coordinator", "citizen"])
def test_only_the_coordinator_schedules(w, who):
    with pytest.raises(ActionError, match=NO_RIGHT):
        actions.schedule_dialogue(
            w.dialogue, starts_at=local(*START), ends_at=None, place="Hội trường", by=getattr(w, who)
        )
    assert fresh(w.dialogue).status == St.PLANNED


@pytest.mark.parametrize("status", [St.HELD, St.CONCLUDED])
def test_a_held_dialogue_cannot_be_scheduled(w, status):
    Dialogue.objects.filter(pk=w.dialogue.pk).update(starts_at=local(2026, 11, 20, 8), status=status)
    with pytest.raises(ActionError, match="đã diễn ra"):
        schedule(w)
    assert fresh(w.dialogue).starts_at == local(2026, 11, 20, 8)


def test_rescheduling_an_announced_dialogue_sends_it_back_to_scheduled(w):
    dialogue = announced(w)
    assert dialogue.status == St.ANNOUNCED
    moved = schedule(w, dialogue, (2026, 12, 19, 14, 0), place="Nhà văn hóa thôn Trung")
    assert moved.status == St.SCHEDULED
    (event,) = events(dialogue, "reschedule")
    assert (event.from_status, event.to_status) == (St.ANNOUNCED, St.SCHEDULED)
    assert event.note == "Đổi sang 14:00 19/12/2026, Nhà văn hóa thôn Trung: cần thông báo lại"


def test_rescheduling_a_scheduled_dialogue_keeps_it_scheduled(w):
    schedule(w)
    dialogue = schedule(w, start=(2026, 12, 19, 8, 0))
    assert dialogue.status == St.SCHEDULED
    assert [(e.action, e.from_status, e.to_status) for e in events(dialogue)] == [
        ("schedule", St.PLANNED, St.SCHEDULED),
        ("schedule", St.SCHEDULED, St.SCHEDULED),
    ]


# ------------------------------------------------------------------ members and agenda


def test_set_dialogue_members_replaces_them_and_gives_the_console(w):
    dialogue = w.other_dialogue
    assert not actions.permissions.can(w.agency, "dialogue.console", dialogue)
    actions.set_dialogue_members(dialogue, secretaries=[w.agency], receivers=[w.org_rep, w.secretary], by=w.coordinator)
    assert set(DialogueMember.objects.filter(dialogue=dialogue).values_list("user__username", "role")) == {
        ("phongkinhte", "secretary"),
        ("hoinongdan", "receiver"),
        ("thuky", "receiver"),
    }
    assert actions.permissions.can(w.agency, "dialogue.console", dialogue)
    actions.set_dialogue_members(dialogue, secretaries=[w.org_rep], by=w.coordinator)
    assert list(DialogueMember.objects.filter(dialogue=dialogue).values_list("user__username", "role")) == [
        ("hoinongdan", "secretary")
    ]
    assert [e.action for e in events(dialogue)] == ["members", "members"]


@pytest.mark.parametrize("who", ["citizen", "foreign_coordinator"])
def test_members_must_be_staff_of_the_unit(w, who):
    with pytest.raises(ValidationError) as excinfo:
        actions.set_dialogue_members(w.dialogue, secretaries=[getattr(w, who)], by=w.coordinator)
    assert "không thuộc đơn vị này" in errors_of(excinfo)["members"][0]
    assert DialogueMember.objects.filter(dialogue=w.dialogue).count() == 2  # the fixture's seats stay


def test_only_the_coordinator_sets_members(w):
    for who in (w.chair, w.secretary, w.foreign_coordinator):
        with pytest.raises(ActionError):
            actions.set_dialogue_members(w.dialogue, secretaries=[w.agency], by=who)


def test_set_agenda(w):
    actions.set_agenda(
        w.dialogue, [("Khai mạc", "Văn phòng Đảng ủy"), ("  ", "bỏ qua"), ("Đối thoại", "")], by=w.coordinator
    )
    assert list(w.dialogue.agenda.values_list("position", "title", "presenter")) == [
        (1, "Khai mạc", "Văn phòng Đảng ủy"),
        (2, "Đối thoại", ""),
    ]
    assert events(w.dialogue, "agenda")[0].note == "Chương trình 2 mục"
    actions.set_agenda(w.dialogue, [(f"Mục {i}", "") for i in range(30)], by=w.coordinator)
    assert w.dialogue.agenda.count() == 30


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([], "Chương trình cần ít nhất một mục."),
        ([("", "Văn phòng"), ("   ", "")], "Chương trình cần ít nhất một mục."),
        ([(f"Mục {i}", "") for i in range(31)], "Chương trình có tối đa 30 mục."),
    ],
)
def test_set_agenda_bad_input_keeps_the_programme(w, items, message):
    with pytest.raises(ValidationError) as excinfo:
        actions.set_agenda(w.dialogue, items, by=w.coordinator)
    assert errors_of(excinfo)["agenda"] == [message]
    assert AgendaItem.objects.filter(dialogue=w.dialogue).count() == 0  # the factory's dialogue has none


def test_set_agenda_refuses_a_huge_step_and_other_users(w):
    actions.set_agenda(w.dialogue, [("Khai mạc", "")], by=w.coordinator)
    with pytest.raises(ValidationError):
        actions.set_agenda(w.dialogue, [("x" * 2001, "")], by=w.coordinator)
    with pytest.raises(ValidationError):
        actions.set_agenda(w.dialogue, [("Khai mạc", "p" * 201)], by=w.coordinator)
    for who in (w.secretary, w.publisher, w.foreign_coordinator):
        with pytest.raises(ActionError):
            actions.set_agenda(w.dialogue, [("Khác", "")], by=who)
    assert list(w.dialogue.agenda.values_list("title", flat=True)) == ["Khai mạc"]


# ------------------------------------------------------------------ held


def test_mark_held_on_or_after_the_start(w):
    schedule(w)
    with at(2026, 12, 18, 7, 59), pytest.raises(ActionError, match="chưa đến giờ"):
        actions.mark_held(w.dialogue, by=w.coordinator)
    assert fresh(w.dialogue).status == St.SCHEDULED
    with at(2026, 12, 18, 8, 0):
        dialogue = actions.mark_held(w.dialogue, by=w.coordinator)
    assert dialogue.status == St.HELD
    (event,) = events(dialogue, "hold")
    assert (event.from_status, event.to_status, event.at) == (St.SCHEDULED, St.HELD, local(*START))
    with at(2026, 12, 18, 12), pytest.raises(ActionError):
        actions.mark_held(w.dialogue, by=w.coordinator)  # held once


def test_mark_held_needs_a_date_and_the_coordinator(w):
    with pytest.raises(ActionError, match="đã ấn định"):
        actions.mark_held(w.dialogue, by=w.coordinator)
    schedule(w)
    with at(2026, 12, 18, 9):
        for who in (w.secretary, w.chair, w.foreign_coordinator):
            with pytest.raises(ActionError, match=NO_RIGHT):
                actions.mark_held(w.dialogue, by=who)
    assert fresh(w.dialogue).status == St.SCHEDULED


def test_an_announced_dialogue_is_marked_held(w):
    dialogue = announced(w)
    with at(2026, 12, 18, 10):
        held = actions.mark_held(dialogue, by=w.coordinator)
    assert held.status == St.HELD
    assert events(held, "hold")[0].from_status == St.ANNOUNCED


# ================================================================== announcement


def test_compose_replaces_the_unpublished_draft(w):
    schedule(w)
    first = actions.compose_announcement(w.dialogue, by=w.publisher, base_url="https://tanyen.example")
    assert "THÔNG BÁO" in first.portal_text and "https://tanyen.example" in first.portal_text
    assert first.radio_script and first.broadcast_schedule
    assert first.broadcast_schedule[0]["date"] == "2026-11-27"  # from the day it is composed
    assert first.broadcast_schedule[-1] == {"date": "2026-12-18", "time": "06:00", "label": "Buổi sáng"}
    second = actions.compose_announcement(w.dialogue, by=w.coordinator, portal_text="Thông báo đã sửa tay.")
    assert second.pk == first.pk
    assert Announcement.objects.filter(dialogue=w.dialogue).count() == 1
    assert second.portal_text == "Thông báo đã sửa tay."
    assert second.radio_script == first.radio_script


def test_after_publication_a_new_draft_is_added(w):
    dialogue = announced(w)
    draft = actions.compose_announcement(dialogue, by=w.coordinator)
    assert draft.published_at is None
    assert Announcement.objects.filter(dialogue=dialogue).count() == 2
    assert actions.compose_announcement(dialogue, by=w.coordinator).pk == draft.pk


def test_compose_needs_a_scheduled_dialogue_and_the_right_role(w):
    with pytest.raises(ActionError, match="ấn định ngày giờ"):
        actions.compose_announcement(w.dialogue, by=w.coordinator)
    schedule(w)
    for who in (w.agency, w.org_rep, w.chair, w.secretary, w.foreign_coordinator, w.citizen):
        with pytest.raises(ActionError, match=NO_RIGHT):
            actions.compose_announcement(w.dialogue, by=who)
    with pytest.raises(ValidationError):
        actions.compose_announcement(w.dialogue, by=w.publisher, radio_script="x" * 20_001)
    assert not Announcement.objects.exists()


def composed(w, start=START):
    schedule(w, start=start)
    return actions.compose_announcement(w.dialogue, by=w.coordinator)


def test_publishing_on_the_last_allowed_day_at_23_59_is_on_time(w):
    draft = composed(w)
    with at(2026, 12, 11, 23, 59):
        published = actions.publish_announcement(draft, by=w.publisher)
    published = fresh(published)
    assert published.published_at == local(2026, 12, 11, 23, 59)
    assert (published.published_by, published.last_allowed_on) == (w.publisher, LAST_DAY)
    assert (published.is_late, published.late_reason) == (False, "")
    dialogue = fresh(w.dialogue)
    assert dialogue.status == St.ANNOUNCED
    (event,) = events(dialogue, "announce")
    assert (event.from_status, event.to_status, event.note) == (St.SCHEDULED, St.ANNOUNCED, "Đăng đúng hạn")


def test_publishing_at_midnight_after_the_last_day_is_late_and_needs_a_reason(w):
    draft = composed(w)
    with at(2026, 12, 12, 0, 0):
        with pytest.raises(ValidationError) as excinfo:
            actions.publish_announcement(draft, by=w.publisher, late_reason="   ")
        assert "07 ngày" in errors_of(excinfo)["late_reason"][0]
        assert fresh(draft).published_at is None
        assert fresh(w.dialogue).status == St.SCHEDULED
        published = actions.publish_announcement(draft, by=w.publisher, late_reason="Chờ chốt địa điểm")
    published = fresh(published)
    assert (published.is_late, published.late_reason, published.last_allowed_on) == (
        True,
        "Chờ chốt địa điểm",
        LAST_DAY,
    )
    assert published.published_at == local(2026, 12, 12)
    event = events(w.dialogue, "announce")[0]
    assert event.note == "Đăng muộn: Chờ chốt địa điểm"
    assert fresh(w.dialogue).status == St.ANNOUNCED


def test_the_last_day_at_the_turn_of_the_month(w):
    draft = composed(w, start=(2027, 1, 7, 8, 0))
    with at(2026, 12, 31, 23, 59):
        published = actions.publish_announcement(draft, by=w.coordinator)
    assert (published.last_allowed_on, published.is_late) == (dt.date(2026, 12, 31), False)


def test_the_day_is_the_local_day_not_utc(w):
    # 07:30 on 12/12 in Hà Nội is still 11/12 in UTC: late all the same.
    draft = composed(w)
    with at(2026, 12, 12, 6, 59):
        assert timezone.now().date() == dt.date(2026, 12, 11)
        with pytest.raises(ValidationError):
            actions.publish_announcement(draft, by=w.publisher)


def test_publishing_after_the_start_is_refused(w):
    draft = composed(w)
    with at(2026, 12, 18, 8, 0), pytest.raises(ActionError, match="đã bắt đầu"):
        actions.publish_announcement(draft, by=w.publisher, late_reason="Quên")
    assert fresh(draft).published_at is None
    with at(2026, 12, 18, 7, 59):
        assert actions.publish_announcement(draft, by=w.publisher, late_reason="Quên").is_late


def test_publishing_twice_is_refused(w):
    draft = composed(w)
    actions.publish_announcement(draft, by=w.publisher)
    with at(2026, 11, 28, 9), pytest.raises(ActionError, match="đã được đăng"):
        actions.publish_announcement(draft, by=w.coordinator)
    assert fresh(draft).published_at == local(2026, 11, 27, 9)
    assert len(events(w.dialogue, "announce")) == 1


def test_publishing_a_held_or_undated_dialogue_is_refused(w):
    draft = composed(w)
    Dialogue.objects.filter(pk=w.dialogue.pk).update(status=St.HELD)
    with pytest.raises(ActionError, match="chưa diễn ra"):
        actions.publish_announcement(draft, by=w.publisher)


@pytest.mark.parametrize(
    "who", ["agency", "org_rep", "chair", "secretary", "receiver", "foreign_coordinator", "citizen"]
)
def test_only_the_publisher_and_the_coordinator_publish(w, who):
    draft = composed(w)
    with pytest.raises(ActionError, match=NO_RIGHT):
        actions.publish_announcement(draft, by=getattr(w, who))
    assert fresh(draft).published_at is None


def test_a_foreign_publisher_cannot_publish(w, user_with_role):
    foreign = user_with_role("publisher", w.other.unit, w.other.service_centre)
    with pytest.raises(ActionError):
        actions.publish_announcement(composed(w), by=foreign)


def test_publishing_completes_only_the_dialogues_announce_task(w):
    def task(purpose, dialogue):
        return factories.PlanTaskFactory(
            plan=w.plan, organization=w.c.service_centre, purpose=purpose, dialogue=dialogue
        )

    mine = task(PlanTask.Purpose.ANNOUNCE, w.dialogue)
    organise = task(PlanTask.Purpose.ORGANISE, w.dialogue)
    elsewhere = task(PlanTask.Purpose.ANNOUNCE, w.other_dialogue)
    unbound = task(PlanTask.Purpose.ANNOUNCE, None)
    with at(2026, 12, 1, 10):
        actions.publish_announcement(composed(w), by=w.publisher)
    assert (fresh(mine).done_at, fresh(mine).done_by) == (local(2026, 12, 1, 10), w.publisher)
    assert [fresh(t).done_at for t in (organise, elsewhere, unbound)] == [None, None, None]


def test_a_regular_dialogue_has_no_seven_day_rule(w):
    giao_ban = factories.DialogueFactory(unit=w.c.unit, plan=w.plan, kind="regular", tentative_month="2026-12-01")
    schedule(w, giao_ban, (2026, 12, 2, 8, 0))
    draft = actions.compose_announcement(giao_ban, by=w.coordinator)
    published = actions.publish_announcement(draft, by=w.publisher)
    assert (published.is_late, published.last_allowed_on) == (False, None)


def test_announce_again_after_rescheduling(w):
    dialogue = announced(w)
    schedule(w, dialogue, (2026, 12, 19, 8, 0))
    draft = actions.compose_announcement(dialogue, by=w.publisher)
    with at(2026, 12, 12, 9):
        republished = actions.publish_announcement(draft, by=w.publisher)
    assert (republished.last_allowed_on, republished.is_late) == (dt.date(2026, 12, 12), False)
    assert fresh(dialogue).status == St.ANNOUNCED
    assert Announcement.objects.filter(dialogue=dialogue, published_at__isnull=False).count() == 2


# ================================================================== invitations


def test_invite_organisations_and_persons_without_duplicates(w):
    person = factories.PersonFactory(unit=w.c.unit)
    created = actions.invite(w.dialogue, organizations=[w.c.front, w.c.farmers], persons=[person], by=w.coordinator)
    assert len(created) == 3
    assert all(i.sent_at == local(2026, 11, 27, 9) and i.reply == Invitation.Reply.PENDING for i in created)
    again = actions.invite(
        w.dialogue, organizations=[w.c.front, w.c.economy, w.c.economy], persons=[person, person], by=w.coordinator
    )
    assert [i.organization for i in again] == [w.c.economy]
    assert w.dialogue.invitations.count() == 4
    assert [e.note for e in events(w.dialogue, "invite")] == ["Gửi 3 giấy mời", "Gửi 1 giấy mời"]
    assert actions.invite(w.dialogue, organizations=[w.c.front], by=w.coordinator) == []
    assert len(events(w.dialogue, "invite")) == 2


def test_invite_refuses_foreign_organisations_and_persons(w):
    with pytest.raises(ValidationError) as excinfo:
        actions.invite(w.dialogue, organizations=[w.c.front, w.other.front], by=w.coordinator)
    assert "không thuộc đơn vị này" in errors_of(excinfo)["organizations"][0]
    with pytest.raises(ValidationError) as excinfo:
        actions.invite(w.dialogue, persons=[factories.PersonFactory(unit=w.other.unit)], by=w.coordinator)
    assert "persons" in errors_of(excinfo)
    assert not Invitation.objects.exists()
    for who in (w.publisher, w.org_rep, w.secretary, w.foreign_coordinator):
        with pytest.raises(ActionError):
            actions.invite(w.dialogue, organizations=[w.c.front], by=who)


def test_the_invited_organisation_replies_for_itself(w):
    (farmers,) = actions.invite(w.dialogue, organizations=[w.c.farmers], by=w.coordinator)
    with at(2026, 11, 30, 15):
        replied = actions.record_reply(farmers, reply="accepted", by=w.org_rep, note="Đồng chí Chủ tịch Hội dự")
    replied = fresh(replied)
    assert (replied.reply, replied.replied_at, replied.note) == (
        "accepted",
        local(2026, 11, 30, 15),
        "Đồng chí Chủ tịch Hội dự",
    )
    assert actions.record_reply(farmers, reply="declined", by=w.coordinator).reply == "declined"  # the office too


def test_another_organisation_cannot_reply(w):
    person = factories.PersonFactory(unit=w.c.unit)
    farmers, person_invitation = actions.invite(
        w.dialogue, organizations=[w.c.farmers], persons=[person], by=w.coordinator
    )
    for who in (w.receiver, w.agency, w.publisher, w.foreign_coordinator, w.citizen):
        with pytest.raises(ActionError, match=NO_RIGHT):
            actions.record_reply(farmers, reply="declined", by=who)
    with pytest.raises(ActionError):
        actions.record_reply(person_invitation, reply="accepted", by=w.org_rep)
    assert fresh(farmers).reply == fresh(person_invitation).reply == "pending"


def test_reply_bad_input_and_after_the_dialogue(w):
    (farmers,) = actions.invite(w.dialogue, organizations=[w.c.farmers], by=w.coordinator)
    with pytest.raises(ValidationError) as excinfo:
        actions.record_reply(farmers, reply="maybe", by=w.org_rep)
    assert errors_of(excinfo)["reply"] == ["Trả lời không hợp lệ."]
    long = actions.record_reply(farmers, reply="accepted", by=w.org_rep, note="g" * 300)
    assert len(long.note) == 255
    Dialogue.objects.filter(pk=w.dialogue.pk).update(starts_at=local(2026, 11, 20, 8), status=St.HELD)
    with pytest.raises(ActionError, match="đã diễn ra"):
        actions.record_reply(farmers, reply="declined", by=w.org_rep)
    assert fresh(farmers).reply == "accepted"


def test_attendance_by_the_dialogues_secretary(w):
    person = factories.PersonFactory(unit=w.c.unit)
    front, farmers, someone = actions.invite(
        w.dialogue, organizations=[w.c.front, w.c.farmers], persons=[person], by=w.coordinator
    )
    (elsewhere,) = actions.invite(w.other_dialogue, organizations=[w.c.front], by=w.coordinator)
    with pytest.raises(ActionError, match="đã ấn định"):
        actions.record_attendance(w.dialogue, {front.pk}, by=w.secretary)
    schedule(w)
    with at(2026, 12, 18, 7, 59), pytest.raises(ActionError, match="từ giờ bắt đầu"):  # a minute before the start
        actions.record_attendance(w.dialogue, {front.pk}, by=w.secretary)
    assert fresh(front).attended is None
    with at(2026, 12, 18, 8, 30):
        count = actions.record_attendance(w.dialogue, {front.pk, someone.pk, elsewhere.pk}, by=w.secretary)
        assert count == 2
        assert [fresh(i).attended for i in (front, farmers, someone, elsewhere)] == [True, False, True, None]
        assert events(w.dialogue, "attendance")[0].note == "2 đại biểu có mặt"
        assert actions.record_attendance(w.dialogue, set(), by=w.receiver) == 0
    assert fresh(front).attended is False


@pytest.mark.parametrize("who", ["agency", "publisher", "org_rep", "foreign_coordinator", "citizen"])
def test_attendance_needs_the_console(w, who):
    schedule(w)
    (front,) = actions.invite(w.dialogue, organizations=[w.c.front], by=w.coordinator)
    with pytest.raises(ActionError, match=NO_RIGHT):
        actions.record_attendance(w.dialogue, {front.pk}, by=getattr(w, who))
    assert fresh(front).attended is None


def test_a_secretary_of_another_dialogue_has_no_console_here(w):
    schedule(w, w.other_dialogue)
    with pytest.raises(ActionError, match=NO_RIGHT):
        actions.record_attendance(w.other_dialogue, set(), by=w.secretary)
    with at(*START):
        assert actions.record_attendance(w.other_dialogue, set(), by=w.chair) == 0  # unit staff may


# ================================================================== printed slips


SLIP_CODE = re.compile(r"[ACDEFGHJKMNPQRTUVWXY34679]{4}-[ACDEFGHJKMNPQRTUVWXY34679]{4}")


def test_print_slips_unique_codes_of_the_unambiguous_alphabet(w):
    slips = actions.print_slips(w.dialogue, kind="speaker", count=500, by=w.coordinator)
    codes = [s.code for s in slips]
    assert len(codes) == len(set(codes)) == 500
    assert all(SLIP_CODE.fullmatch(code) for code in codes)
    assert not set("".join(codes)) & set("0O1IL2Z5S8B")
    assert all(s.printed_at == local(2026, 11, 27, 9) and s.used_at is None for s in slips)
    assert events(w.dialogue, "print_slips")[0].note == "In 500 phiếu đăng ký phát biểu"
    assert len(actions.print_slips(w.dialogue, kind="opinion", count=1, by=w.coordinator)) == 1


@pytest.mark.parametrize("count", [0, -1, 501])
def test_print_slips_count_between_1_and_500(w, count):
    with pytest.raises(ValidationError) as excinfo:
        actions.print_slips(w.dialogue, kind="speaker", count=count, by=w.coordinator)
    assert errors_of(excinfo)["count"] == ["Mỗi lần in từ 1 đến 500 phiếu."]
    assert not PrintedSlip.objects.exists()


def test_print_slips_bad_kind_and_other_users(w):
    with pytest.raises(ValidationError) as excinfo:
        actions.print_slips(w.dialogue, kind="ballot", count=5, by=w.coordinator)
    assert "kind" in errors_of(excinfo)
    for who in (w.agency, w.publisher, w.foreign_coordinator):
        with pytest.raises(ActionError):
            actions.print_slips(w.dialogue, kind="speaker", count=5, by=who)
    with pytest.raises(ActionError):
        actions.print_slips(w.other_dialogue, kind="speaker", count=5, by=w.secretary)  # not their dialogue
    assert not PrintedSlip.objects.exists()
    assert len(actions.print_slips(w.dialogue, kind="speaker", count=5, by=w.secretary)) == 5  # they run the hall


# ================================================================== speakers


def test_online_registration_joins_the_end_of_the_queue(w):
    first, second = speakers(w, w.dialogue, "Trần Thị Mẫu", "Lê Văn Hai")
    third = actions.register_speaker(
        w.dialogue,
        name="  Ngô Thị Ba ",
        summary="Đề nghị làm rõ quy hoạch.",
        phone="+84 912.345.678",
        on_behalf_of="Chi hội phụ nữ thôn Trung",
    )
    assert [first.position, second.position, third.position] == [1, 2, 3]
    assert (third.name, third.phone, third.status, third.slip_code) == ("Ngô Thị Ba", "0912345678", Sp.REQUESTED, None)
    assert speakers(w, w.other_dialogue, "Khác")[0].position == 1  # each dialogue has its own queue


def test_a_business_registers_as_such(w):
    business = Organization.objects.create(unit=w.c.unit, name="Công ty TNHH Tân Phát", kind="business")
    request = actions.register_speaker(
        w.dialogue, name="Phạm Văn Tư", summary="Thủ tục đất đai.", organization=business
    )
    assert request.as_business
    assert actions.register_speaker(w.dialogue, name="Hộ kinh doanh", summary="Thuế.", as_business=True).as_business


def test_registration_bad_input(w):
    with pytest.raises(ValidationError) as excinfo:
        actions.register_speaker(
            w.dialogue, name=" ", summary="", phone="12345", organization=w.other.farmers, on_behalf_of="x" * 201
        )
    errors = errors_of(excinfo)
    assert errors["name"] == errors["summary"] == ["Xin điền mục này."]
    assert "Số điện thoại không hợp lệ" in errors["phone"][0]
    assert errors["organization"] == ["Không thuộc đơn vị này."]
    assert "on_behalf_of" in errors
    with pytest.raises(ValidationError) as excinfo:
        actions.register_speaker(w.dialogue, name="N" * 121, summary="s" * 2001, phone="0912 abc 678")
    assert set(errors_of(excinfo)) == {"name", "summary", "phone"}
    assert "tối đa 2.000" in errors_of(excinfo)["summary"][0]
    assert not SpeakerRequest.objects.exists()


def test_online_registration_closes_when_the_dialogue_starts(w):
    schedule(w)
    with at(2026, 12, 18, 7, 59):
        assert actions.register_speaker(w.dialogue, name="Kịp giờ", summary="Ý kiến.").position == 1
    with at(2026, 12, 18, 8, 0):
        with pytest.raises(ValidationError) as excinfo:
            actions.register_speaker(w.dialogue, name="Muộn", summary="Ý kiến.")
        assert "bộ phận tiếp nhận" in errors_of(excinfo)["__all__"][0]
        with pytest.raises(ValidationError):
            actions.register_speaker(w.dialogue, name="Muộn", summary="Ý kiến.", by=w.citizen)
        # At the hall, the receivers type it in.
        assert (
            actions.register_speaker(w.dialogue, name="Tại hội trường", summary="Ý kiến.", by=w.receiver).position == 2
        )


def test_staff_still_enter_speakers_of_a_held_dialogue_but_not_of_a_concluded_one(w):
    schedule(w)
    with at(2026, 12, 18, 9):
        actions.mark_held(w.dialogue, by=w.coordinator)
        with pytest.raises(ValidationError) as excinfo:
            actions.register_speaker(w.dialogue, name="Trực tuyến", summary="Ý kiến.")
        assert errors_of(excinfo)["__all__"] == ["Buổi này không còn nhận đăng ký phát biểu."]
        assert actions.register_speaker(w.dialogue, name="Phiếu giấy", summary="Ý kiến.", by=w.secretary)
    Dialogue.objects.filter(pk=w.dialogue.pk).update(status=St.CONCLUDED)
    for by in (None, w.secretary, w.coordinator):
        with pytest.raises(ActionError, match="Buổi đã kết luận: danh sách phát biểu đã chốt"):
            actions.register_speaker(w.dialogue, name="Sau kết luận", summary="Ý kiến.", by=by)
    assert queue_names(w.dialogue) == ["Phiếu giấy"]


def concluded_queue(w):
    """A dialogue held on 18/12 with a queue of four (An accepted, Bình spoke, Chi and Dũng waiting), then
    concluded by the chair on 20/12."""
    schedule(w)
    a, b, c, d = speakers(w, w.dialogue, "An", "Bình", "Chi", "Dũng")
    actions.accept_speaker(a, by=w.secretary)
    actions.accept_speaker(b, by=w.secretary)
    with at(2026, 12, 18, 9):
        actions.mark_spoken(b, by=w.secretary)
        actions.mark_held(w.dialogue, by=w.coordinator)
    with at(2026, 12, 20, 10):
        actions.conclude_dialogue(w.dialogue, conclusion="Kết luận của chủ trì.", by=w.chair)
    return a, b, c, d


def test_a_held_dialogue_still_lets_the_hall_staff_work_the_queue(w):
    """Held but not concluded (the day itself, and until the chair's conclusion): slips typed in, order changed."""
    schedule(w)
    a, b = speakers(w, w.dialogue, "An", "Bình")
    with at(2026, 12, 18, 11):
        actions.mark_held(w.dialogue, by=w.coordinator)
        late = actions.register_speaker(w.dialogue, name="Phiếu giấy", summary="Ý kiến.", by=w.receiver)
        actions.move_speaker(late, to=1, by=w.secretary)
        actions.accept_speaker(a, by=w.secretary)
        actions.mark_spoken(a, by=w.secretary)
        actions.withdraw_speaker(b, by=w.receiver)
    assert queue_names(w.dialogue) == ["Phiếu giấy", "An"]


@pytest.mark.parametrize("who", ["coordinator", "secretary", "receiver", "chair"])
def test_a_concluded_dialogues_queue_cannot_be_added_to_reordered_or_changed(w, who):
    a, b, c, d = concluded_queue(w)
    user = getattr(w, who)
    before = list(w.dialogue.speaker_requests.order_by("pk").values_list("name", "status", "position"))
    for call in (
        lambda: actions.register_speaker(w.dialogue, name="Sau kết luận", summary="Ý kiến.", by=user),
        lambda: actions.move_speaker(d, to=1, by=user),
        lambda: actions.move_speaker(c, to=4, by=user),
        lambda: actions.accept_speaker(c, by=user),
        lambda: actions.mark_spoken(a, by=user),
        lambda: actions.withdraw_speaker(d, by=user),
    ):
        with at(2026, 12, 21, 9), pytest.raises(ActionError) as excinfo:
            call()
        assert str(excinfo.value) == actions.QUEUE_CLOSED
    assert list(w.dialogue.speaker_requests.order_by("pk").values_list("name", "status", "position")) == before


def test_the_public_cannot_register_at_a_concluded_dialogue_either(w):
    concluded_queue(w)
    with pytest.raises(ActionError, match="đã chốt"):
        actions.register_speaker(w.dialogue, name="Công dân", summary="Ý kiến.")
    assert queue_names(w.dialogue) == ["An", "Bình", "Chi", "Dũng"]


def test_someone_without_the_console_is_told_so_before_the_closed_queue(w):
    (a, *_rest) = concluded_queue(w)
    with pytest.raises(ActionError, match=NO_RIGHT):
        actions.move_speaker(a, to=2, by=w.agency)


def test_a_printed_slip_code_is_typed_in_once_by_staff(w):
    (slip,) = actions.print_slips(w.dialogue, kind="speaker", count=1, by=w.coordinator)
    typed = slip.code.lower().replace("-", "- ")  # as a receiver might type it
    with at(2026, 12, 18, 8, 40):
        request = actions.register_speaker(
            w.dialogue, name="Bà Đỗ Thị Năm", summary="Nước sạch thôn Đông.", slip_code=typed, by=w.receiver
        )
    assert request.slip_code == slip.code
    assert fresh(slip).used_at == local(2026, 12, 18, 8, 40)
    with pytest.raises(ValidationError) as excinfo:
        actions.register_speaker(w.dialogue, name="Lần hai", summary="Nhập lại.", slip_code=slip.code, by=w.coordinator)
    assert errors_of(excinfo)["slip_code"] == ["Phiếu có mã này đã được nhập."]
    assert SpeakerRequest.objects.count() == 1


def test_a_slip_of_another_dialogue_or_an_opinion_slip_is_refused(w):
    (foreign_slip,) = actions.print_slips(w.other_dialogue, kind="speaker", count=1, by=w.coordinator)
    (opinion_slip,) = actions.print_slips(w.dialogue, kind="opinion", count=1, by=w.coordinator)
    for code in (foreign_slip.code, opinion_slip.code, "AAAA-AAAA"):
        with pytest.raises(ValidationError) as excinfo:
            actions.register_speaker(w.dialogue, name="Ai đó", summary="Ý kiến.", slip_code=code, by=w.coordinator)
        assert errors_of(excinfo)["slip_code"] == ["Không có phiếu đăng ký phát biểu với mã này cho buổi này."]
    assert fresh(foreign_slip).used_at is None and fresh(opinion_slip).used_at is None


@pytest.mark.parametrize("who", [None, "citizen", "agency", "publisher"])
def test_a_citizen_cannot_use_slip_codes(w, who):
    (slip,) = actions.print_slips(w.dialogue, kind="speaker", count=1, by=w.coordinator)
    with pytest.raises(ActionError, match="chỉ do cán bộ nhập"):
        actions.register_speaker(
            w.dialogue, name="Công dân", summary="Ý kiến.", slip_code=slip.code, by=who and getattr(w, who)
        )
    assert fresh(slip).used_at is None
    assert not SpeakerRequest.objects.exists()


def test_accept_and_withdraw_state_checks(w):
    a, b = speakers(w, w.dialogue, "An", "Bình")
    assert actions.accept_speaker(a, by=w.secretary).status == Sp.ACCEPTED
    with pytest.raises(ActionError, match="đang chờ"):
        actions.accept_speaker(a, by=w.secretary)
    assert actions.withdraw_speaker(a, by=w.receiver).status == Sp.WITHDRAWN
    assert actions.withdraw_speaker(b, by=w.coordinator).status == Sp.WITHDRAWN
    for action in (actions.accept_speaker, actions.withdraw_speaker):
        with pytest.raises(ActionError):
            action(b, by=w.coordinator)
    SpeakerRequest.objects.filter(pk=a.pk).update(status=Sp.SPOKE)
    with pytest.raises(ActionError, match="đã kết thúc"):
        actions.withdraw_speaker(a, by=w.coordinator)


@pytest.mark.parametrize("who", ["agency", "publisher", "org_rep", "foreign_coordinator", "citizen"])
def test_the_queue_needs_the_console(w, who):
    a, b = speakers(w, w.dialogue, "An", "Bình")
    user = getattr(w, who)
    for call in (
        lambda: actions.accept_speaker(a, by=user),
        lambda: actions.withdraw_speaker(a, by=user),
        lambda: actions.move_speaker(b, to=1, by=user),
    ):
        with pytest.raises(ActionError, match=NO_RIGHT):
            call()
    assert fresh(a).status == Sp.REQUESTED
    assert queue_names(w.dialogue) == ["An", "Bình"]


def test_the_secretary_of_one_dialogue_cannot_touch_anothers_queue(w):
    (request,) = speakers(w, w.other_dialogue, "An")
    with pytest.raises(ActionError):
        actions.accept_speaker(request, by=w.secretary)
    with pytest.raises(ActionError):
        actions.move_speaker(request, to=1, by=w.receiver)


@pytest.mark.parametrize(
    ("name", "to", "expected"),
    [
        ("Dũng", 1, ["Dũng", "An", "Bình", "Chi", "Em"]),
        ("An", 5, ["Bình", "Chi", "Dũng", "Em", "An"]),
        ("An", 99, ["Bình", "Chi", "Dũng", "Em", "An"]),
        ("Em", 0, ["Em", "An", "Bình", "Chi", "Dũng"]),
        ("Em", 3, ["An", "Bình", "Em", "Chi", "Dũng"]),
        ("An", 3, ["Bình", "Chi", "An", "Dũng", "Em"]),
        ("Chi", 3, ["An", "Bình", "Chi", "Dũng", "Em"]),
    ],
)
def test_move_speaker_keeps_the_others_order(w, name, to, expected):
    requests = {r.name: r for r in speakers(w, w.dialogue, "An", "Bình", "Chi", "Dũng", "Em")}
    queue = actions.move_speaker(requests[name], to=to, by=w.secretary)
    assert [r.name for r in queue] == expected
    assert queue_names(w.dialogue) == expected
    assert list(w.dialogue.speaker_requests.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4, 5]


def test_move_speaker_skips_the_withdrawn(w):
    requests = {r.name: r for r in speakers(w, w.dialogue, "An", "Bình", "Chi", "Dũng")}
    actions.withdraw_speaker(requests["Bình"], by=w.coordinator)
    queue = actions.move_speaker(requests["Dũng"], to=2, by=w.coordinator)
    assert [(r.name, r.position) for r in queue] == [("An", 1), ("Dũng", 2), ("Chi", 3)]
    later = actions.register_speaker(w.dialogue, name="Giang", summary="Ý kiến.")
    assert queue_names(w.dialogue) == ["An", "Dũng", "Chi", "Giang"]
    assert later.position == 4


# ================================================================== reception days


def test_add_reception_day(w):
    day = actions.add_reception_day(
        w.c.unit,
        starts_at=local(2026, 12, 10, 7, 30),
        ends_at=local(2026, 12, 10, 11, 30),
        place="Phòng tiếp công dân, trụ sở Đảng ủy xã",
        by=w.coordinator,
        chair_post=w.secretary_post,
    )
    assert (day.kind, day.status, day.tentative_month) == (Dialogue.Kind.RECEPTION, St.SCHEDULED, dt.date(2026, 12, 1))
    assert day.title == "Tiếp công dân định kỳ của đồng chí Bí thư Đảng ủy xã"
    (event,) = events(day)
    assert (event.action, event.to_status, event.actor) == ("create", St.SCHEDULED, w.coordinator)
    assert event.note == "Ngày tiếp công dân 10/12/2026"


def test_one_reception_day_per_local_day(w):
    def add(unit, *when, by=None):
        return actions.add_reception_day(
            unit, starts_at=local(*when), ends_at=None, place="Phòng tiếp công dân", by=by or w.coordinator
        )

    add(w.c.unit, 2026, 12, 5, 0, 30)  # 17:30 on the 4th in UTC
    with pytest.raises(ValidationError) as excinfo:
        add(w.c.unit, 2026, 12, 5, 14, 0)
    assert errors_of(excinfo)["starts_at"] == ["Ngày này đã có lịch tiếp công dân."]
    add(w.c.unit, 2026, 12, 4, 14, 0)  # the day before, locally
    add(w.other.unit, 2026, 12, 5, 8, 0, by=w.foreign_coordinator)  # the neighbour's own calendar
    assert Dialogue.objects.filter(unit=w.c.unit, kind="reception").count() == 2


def test_reception_day_bad_input(w):
    with pytest.raises(ValidationError) as excinfo:
        actions.add_reception_day(
            w.c.unit,
            starts_at=local(2026, 12, 10, 8),
            ends_at=local(2026, 12, 10, 7),
            place="",
            by=w.coordinator,
            chair_post=w.foreign_post,
        )
    errors = errors_of(excinfo)
    assert errors["place"] == ["Xin điền mục này."]
    assert errors["ends_at"] == ["Giờ kết thúc phải sau giờ bắt đầu."]
    assert errors["chair_post"] == ["Không thuộc đơn vị này."]
    with pytest.raises(ValidationError):
        actions.add_reception_day(
            w.c.unit, starts_at=local(2026, 12, 10, 8), ends_at=None, place="P" * 201, by=w.coordinator
        )
    for who in (w.publisher, w.secretary, w.chair, w.foreign_coordinator):
        with pytest.raises(ActionError):
            actions.add_reception_day(
                w.c.unit, starts_at=local(2026, 12, 10, 8), ends_at=None, place="Phòng tiếp", by=who
            )
    assert not Dialogue.objects.filter(kind="reception").exists()


def test_mark_spoken_once_the_dialogue_has_started(w):
    a, b = speakers(w, w.dialogue, "An", "Bình")
    actions.accept_speaker(a, by=w.secretary)
    with pytest.raises(ActionError, match="chưa bắt đầu"):
        actions.mark_spoken(a, by=w.secretary)  # no date yet
    start = local_datetime(dt.date(2026, 12, 18), 8)
    actions.schedule_dialogue(w.dialogue, starts_at=start, ends_at=None, place="Hội trường", by=w.coordinator)
    a.dialogue.refresh_from_db()
    with pytest.raises(ActionError, match="chưa bắt đầu"):
        actions.mark_spoken(a, by=w.secretary)
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        _mark_spoken_during_the_dialogue(w, a, b)


def _mark_spoken_during_the_dialogue(w, a, b):
    with pytest.raises(ActionError, match="người đã được nhận phát biểu"):
        actions.mark_spoken(b, by=w.secretary)  # still waiting: accept first
    with pytest.raises(ActionError, match=NO_RIGHT):
        actions.mark_spoken(a, by=w.agency)
    assert actions.mark_spoken(a, by=w.receiver).status == Sp.SPOKE
    with pytest.raises(ActionError):
        actions.mark_spoken(a, by=w.receiver)


def test_conclude_only_a_held_dialogue_with_a_conclusion(w):
    start = local_datetime(dt.date(2026, 12, 18), 8)
    actions.schedule_dialogue(w.dialogue, starts_at=start, ends_at=None, place="Hội trường", by=w.coordinator)
    with pytest.raises(ActionError, match="đã tổ chức"):
        actions.conclude_dialogue(w.dialogue, conclusion="Kết luận.", by=w.chair)
    with time_machine.travel(start + dt.timedelta(hours=3), tick=False):
        actions.mark_held(w.dialogue, by=w.coordinator)
        with pytest.raises(ValidationError) as excinfo:
            actions.conclude_dialogue(w.dialogue, conclusion="   ", by=w.chair)
        assert errors_of(excinfo)["conclusion"] == ["Xin điền mục này."]
        with pytest.raises(ActionError, match=NO_RIGHT):
            actions.conclude_dialogue(w.dialogue, conclusion="Kết luận.", by=w.agency)
        done = actions.conclude_dialogue(w.dialogue, conclusion="Ke\u0302\u0301t lua\u0323\u0302n.", by=w.chair)
    assert (done.status, done.conclusion) == (St.CONCLUDED, "Kết luận.")
    assert events(done)[-1].to_status == St.CONCLUDED
