"""Reminders (đôn đốc, DESIGN.md §3): `doithoai remind` each morning; each event is notified once.

The calendar of these tests (December 2026, no holiday): an assignment due Friday 04/12 is reminded on Wednesday
02/12 (2 working days before), overdue from Monday 07/12, again on Friday 11/12 and Friday 18/12 (every 5 working
days), and escalated to the chair on Monday 21/12 (more than 10 working days late).
"""

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import CommandError, call_command

from doithoai.lib import clock
from doithoai.notifications.models import Notification
from doithoai.petitions import actions, reminders
from doithoai.petitions.models import Assignment, Petition
from tests import factories

pytestmark = pytest.mark.django_db

D = dt.date
N = Notification.Kind
REMINDER_KINDS = [N.DUE_SOON, N.OVERDUE, N.DIGEST, N.ESCALATION]
DEADLINE = D(2026, 12, 4)  # a Friday
SUMMARY_LINE = re.compile(
    r"^Nhắc việc ngày \d\d/\d\d/\d{4}: (\d+) nhắc sắp đến hạn, (\d+) nhắc quá hạn, (\d+) báo cáo quá hạn kéo dài, "
    r"(\d+) bản tổng hợp; tổng (\d+) thông báo mới\.$"
)


def remind(day: dt.date, *args: str) -> dict[str, int]:
    """Run the command as the morning cron would on `day`; return the counts of its one summary line."""
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(clock.local_datetime(day, 6, 30), tick=False):
        call_command("remind", *args, stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, lines
    match = SUMMARY_LINE.match(lines[0])
    assert match, lines[0]
    due, overdue, escalation, digest, total = map(int, match.groups())
    assert total == due + overdue + escalation + digest
    return {"due_soon": due, "overdue": overdue, "escalation": escalation, "digest": digest}


def sent(kind: str | None = None, **filters) -> list[Notification]:
    qs = Notification.objects.filter(kind__in=[kind] if kind else REMINDER_KINDS, **filters)
    return list(qs.order_by("id"))


def recipients(kind: str, **filters) -> set[str]:
    return {n.recipient for n in sent(kind, **filters)}


@pytest.fixture
def people(commune):
    """The coordinators, the chair, an officer of each agency; Phòng Kinh tế has its own address too."""
    unit = commune.unit

    def account(username, role, org=None, email="", person_email=""):
        user = factories.user_with_role(role, unit, org, username=username)
        if person_email:
            user.person = factories.PersonFactory(unit=unit, email=person_email)
        user.email = email
        user.save()
        return user

    commune.economy.email = "phongkinhte@tanyen.example"
    commune.economy.save()
    return SimpleNamespace(
        coordinator=account("vanphong", "coordinator", email="vanphong@tanyen.example"),
        coordinator2=account("vanphong2", "coordinator", email="vanphong2@tanyen.example"),
        chair=account("bithu", "chair", email="bithu@tanyen.example"),
        # The officer's address is on their person record, not on the account.
        economy=account("kinhte", "agency", commune.economy, person_email="canbo.kinhte@tanyen.example"),
        culture=account("vhxh", "agency", commune.culture, email="vhxh@tanyen.example"),
    )


ECONOMY = {"canbo.kinhte@tanyen.example", "phongkinhte@tanyen.example"}
COORDINATORS = {"vanphong@tanyen.example", "vanphong2@tanyen.example"}


def assigned(unit, lead, deadline=DEADLINE, *, state=Assignment.Status.ASSIGNED, **petition_fields) -> Assignment:
    """An open assignment as the workflow leaves it (made directly, for speed)."""
    petition_fields.setdefault("status", Petition.Status.FORWARDED if lead.kind == "higher_authority" else "assigned")
    with time_machine.travel(clock.local_datetime(D(2026, 11, 16), 9), tick=False):
        petition = factories.PetitionFactory(unit=unit, deadline=deadline, **petition_fields)
        return factories.AssignmentFactory(petition=petition, lead=lead, deadline=deadline, status=state)


# ---------------------------------------------------------------- due soon


def test_the_lead_agency_is_reminded_two_working_days_before_the_deadline(commune, people):
    assignment = assigned(commune.unit, commune.economy)

    assert remind(D(2026, 12, 1))["due_soon"] == 0  # Tuesday: 3 working days left
    assert remind(D(2026, 12, 2))["due_soon"] == 2  # Wednesday: Thursday and Friday left

    reminders_ = sent(N.DUE_SOON)
    assert {n.recipient for n in reminders_} == ECONOMY  # the officer (person's address) and the agency's address
    assert {n.recipient_user_id for n in reminders_} == {people.economy.pk, None}
    assert all(n.petition_id == assignment.petition_id for n in reminders_)
    message = reminders_[0]
    assert assignment.petition.code in message.subject and "04/12/2026" in message.subject
    assert "Đề nghị sửa chữa đường bị xuống cấp." in message.body
    assert "còn 2 ngày làm việc" in message.body


def test_an_accepted_assignment_is_reminded_too(commune, people):
    assigned(commune.unit, commune.economy, state=Assignment.Status.ACCEPTED)
    assert remind(D(2026, 12, 2))["due_soon"] == 2


def test_the_due_soon_reminder_is_sent_once_per_assignment_and_deadline(commune, people):
    assigned(commune.unit, commune.economy)

    remind(D(2026, 12, 2))
    count = Notification.objects.count()
    assert remind(D(2026, 12, 2)) == {"due_soon": 0, "overdue": 0, "escalation": 0, "digest": 0}
    remind(D(2026, 12, 3))  # Thursday: 1 day left, still the same deadline
    remind(D(2026, 12, 4))  # the deadline day

    assert Notification.objects.count() == count + 4  # only the two coordinators' digests of 03/12 and 04/12
    assert len(sent(N.DUE_SOON)) == 2


def test_a_deadline_already_within_two_days_when_assigned_is_reminded_at_the_next_run(commune, people):
    assigned(commune.unit, commune.economy, deadline=D(2026, 12, 3))
    assert remind(D(2026, 12, 2))["due_soon"] == 2
    assert "còn 1 ngày làm việc" in sent(N.DUE_SOON)[0].body


def test_the_before_option_and_setting_choose_how_early(commune, people, settings):
    assigned(commune.unit, commune.economy)
    assert remind(D(2026, 11, 27), "--before", "5")["due_soon"] == 2  # Friday: 5 working days to Friday 04/12

    Notification.objects.all().delete()
    settings.REMIND_BEFORE = 4
    assert remind(D(2026, 11, 27))["due_soon"] == 0
    assert remind(D(2026, 11, 30))["due_soon"] == 2


def test_a_negative_before_is_refused(commune, people):
    with pytest.raises(CommandError):
        call_command("remind", "--before", "-1", stdout=io.StringIO())


def test_other_agencies_and_the_chair_get_no_due_soon_reminder(commune, people):
    assigned(commune.unit, commune.economy)
    remind(D(2026, 12, 2))
    assert not Notification.objects.filter(
        kind=N.DUE_SOON, recipient__in=["vhxh@tanyen.example", "bithu@tanyen.example"]
    ).exists()


def test_an_inactive_officer_is_not_reminded(commune, people):
    people.economy.is_active = False
    people.economy.save()
    assigned(commune.unit, commune.economy)
    remind(D(2026, 12, 2))
    assert recipients(N.DUE_SOON) == {"phongkinhte@tanyen.example"}


def test_an_agency_nobody_can_be_reached_at_is_followed_up_by_the_coordinators(commune, people):
    # Phòng Văn hóa - Xã hội's only officer has no address and the agency has none either.
    people.culture.email = ""
    people.culture.save()
    assigned(commune.unit, commune.culture)
    remind(D(2026, 12, 2))
    assert recipients(N.DUE_SOON) == COORDINATORS


def test_a_forwarded_item_is_followed_up_by_the_coordinators(commune, people):
    commune.higher.email = "vanthu@bacninh.gov.vn"
    commune.higher.save()
    assignment = assigned(commune.unit, commune.higher)
    Assignment.objects.filter(pk=assignment.pk).update(outgoing_number="15/UBND-VP", outgoing_date=D(2026, 11, 16))

    remind(D(2026, 12, 2))

    assert recipients(N.DUE_SOON) == COORDINATORS  # never the higher authority itself
    body = sent(N.DUE_SOON)[0].body
    assert "Đã chuyển UBND tỉnh Bắc Ninh (Công văn số 15/UBND-VP ngày 16/11/2026)" in body
    assert "đôn đốc" in body


@pytest.mark.parametrize("status", [Assignment.Status.ANSWERED, Assignment.Status.RETURNED])
def test_a_closed_assignment_is_not_reminded(commune, people, status):
    assigned(commune.unit, commune.economy, state=status)
    remind(D(2026, 12, 2))
    remind(D(2026, 12, 21))
    assert sent(N.DUE_SOON) == sent(N.OVERDUE) == sent(N.ESCALATION) == []


def test_an_assignment_that_is_no_longer_current_is_not_reminded(commune, people):
    old = assigned(commune.unit, commune.economy)
    Assignment.objects.filter(pk=old.pk).update(is_current=False)
    remind(D(2026, 12, 2))
    assert sent(N.DUE_SOON) == []


def test_a_petition_whose_answer_awaits_approval_is_not_reminded(commune, people):
    assigned(commune.unit, commune.economy, status=Petition.Status.ANSWER_PENDING)
    remind(D(2026, 12, 7))
    assert sent(N.OVERDUE) == []


# ---------------------------------------------------------------- overdue and escalation


def test_overdue_reminders_start_the_day_after_the_deadline_and_repeat_every_five_working_days(commune, people):
    assigned(commune.unit, commune.economy)
    schedule = {
        D(2026, 12, 4): 0,  # the deadline day: not yet overdue
        D(2026, 12, 7): 2,  # Monday: 1 working day late → reminder (officer and agency)
        D(2026, 12, 8): 0,
        D(2026, 12, 10): 0,  # 4 late
        D(2026, 12, 11): 2,  # 5 late → again
        D(2026, 12, 17): 0,  # 9 late
        D(2026, 12, 18): 2,  # 10 late → again
    }
    for day, expected in schedule.items():
        assert remind(day)["overdue"] == expected, day
        assert remind(day)["overdue"] == 0, day  # a second run the same day sends nothing new

    assert recipients(N.OVERDUE) == ECONOMY
    assert [n.body for n in sent(N.OVERDUE, recipient="phongkinhte@tanyen.example")][-1].count("quá hạn 10 ngày") == 1


def test_no_reminder_is_sent_on_a_day_off_and_the_next_working_day_catches_up(commune, people):
    assigned(commune.unit, commune.economy)
    assert remind(D(2026, 12, 5)) == {"due_soon": 0, "overdue": 0, "escalation": 0, "digest": 0}  # Saturday
    assert remind(D(2026, 12, 7))["overdue"] == 2


def test_any_day_sends_on_a_day_off_too(commune, people):
    assigned(commune.unit, commune.economy)
    assert remind(D(2026, 12, 5), "--any-day")["overdue"] == 2  # Saturday, the day after the deadline
    assert "đã quá hạn." in sent(N.OVERDUE)[0].body
    assert remind(D(2026, 12, 7))["overdue"] == 0  # Monday is still the first step: nothing new


def test_a_holiday_is_a_day_off_for_reminders(commune, people):
    assigned(commune.unit, commune.economy, deadline=D(2026, 8, 28))
    assert remind(D(2026, 9, 1))["overdue"] == 0  # National Day
    assert remind(D(2026, 9, 3))["overdue"] == 2
    assert "quá hạn 1 ngày làm việc" in sent(N.OVERDUE)[0].body  # 31/08, 01/09, 02/09 not counted


def test_long_overdue_items_are_escalated_to_the_chair_once(commune, people):
    assigned(commune.unit, commune.economy)

    assert remind(D(2026, 12, 18))["escalation"] == 0  # 10 working days late: not more than 10
    assert remind(D(2026, 12, 21))["escalation"] == 1  # 11
    assert remind(D(2026, 12, 22))["escalation"] == 0
    assert remind(D(2026, 12, 28))["escalation"] == 0  # the overdue reminder repeats, the escalation does not

    assert recipients(N.ESCALATION) == {"bithu@tanyen.example"}
    assert "quá hạn 11 ngày làm việc" in sent(N.ESCALATION)[0].body


def test_the_escalation_threshold_is_a_setting_and_an_option(commune, people, settings):
    assigned(commune.unit, commune.economy)
    settings.ESCALATE_AFTER = 3
    assert remind(D(2026, 12, 9))["escalation"] == 0  # 3 late
    assert remind(D(2026, 12, 10))["escalation"] == 1  # 4 late

    other = assigned(commune.unit, commune.economy, deadline=D(2026, 12, 8))
    assert remind(D(2026, 12, 10), "--escalate-after", "1")["escalation"] == 1
    assert sent(N.ESCALATION)[-1].petition_id == other.petition_id


def test_forwarded_items_are_escalated_too(commune, people):
    assigned(commune.unit, commune.higher)
    remind(D(2026, 12, 21))
    assert recipients(N.ESCALATION) == {"bithu@tanyen.example"}
    assert recipients(N.OVERDUE) == COORDINATORS


# ---------------------------------------------------------------- an extension is a new deadline


def test_a_granted_extension_produces_a_new_reminder_for_the_new_deadline(commune, people):
    petition = factories.PetitionFactory(unit=commune.unit)
    with time_machine.travel(clock.local_datetime(D(2026, 11, 30), 9), tick=False):
        actions.classify(
            petition, topic=factories.canonical_topic(), kind="kien_nghi", jurisdiction="commune", by=people.coordinator
        )
        assignment = actions.assign(petition, commune.economy, deadline=DEADLINE, by=people.coordinator)
    assert remind(D(2026, 12, 2))["due_soon"] == 2

    with time_machine.travel(clock.local_datetime(D(2026, 12, 2), 10), tick=False):
        request = actions.request_extension(
            assignment, new_deadline=D(2026, 12, 18), reason="Chờ khảo sát hiện trường", by=people.economy
        )
        actions.decide_extension(request, grant=True, by=people.coordinator)

    assert remind(D(2026, 12, 3))["due_soon"] == 0  # the new deadline is far
    assert remind(D(2026, 12, 7))["overdue"] == 0  # no longer overdue: the deadline moved
    assert remind(D(2026, 12, 16))["due_soon"] == 2  # 2 working days before the new deadline
    assert remind(D(2026, 12, 16))["due_soon"] == 0
    assert [n.subject.rsplit(" ", 1)[-1] for n in sent(N.DUE_SOON, recipient="phongkinhte@tanyen.example")] == [
        "04/12/2026",
        "18/12/2026",
    ]
    assert remind(D(2026, 12, 21))["overdue"] == 2  # and overdue again, once, after the new deadline


def test_a_refused_extension_changes_nothing(commune, people):
    petition = factories.PetitionFactory(unit=commune.unit)
    with time_machine.travel(clock.local_datetime(D(2026, 11, 30), 9), tick=False):
        actions.classify(
            petition, topic=factories.canonical_topic(), kind="kien_nghi", jurisdiction="commune", by=people.coordinator
        )
        assignment = actions.assign(petition, commune.economy, deadline=DEADLINE, by=people.coordinator)
        request = actions.request_extension(
            assignment, new_deadline=D(2026, 12, 18), reason="Chờ khảo sát", by=people.economy
        )
        actions.decide_extension(request, grant=False, by=people.coordinator)
    remind(D(2026, 12, 2))
    assert remind(D(2026, 12, 7))["overdue"] == 2


# ---------------------------------------------------------------- the coordinators' digest


def test_the_digest_goes_once_a_day_to_each_coordinator(commune, people):
    assigned(commune.unit, commune.economy)

    assert remind(D(2026, 12, 2))["digest"] == 2
    assert remind(D(2026, 12, 2))["digest"] == 0
    assert remind(D(2026, 12, 3))["digest"] == 2

    assert recipients(N.DIGEST) == COORDINATORS
    assert {n.recipient_user_id for n in sent(N.DIGEST)} == {people.coordinator.pk, people.coordinator2.pk}
    assert len(sent(N.DIGEST, recipient="vanphong@tanyen.example")) == 2


def test_the_digest_counts_new_unclassified_overdue_due_soon_and_pending_items(commune, people):
    unit = commune.unit
    with time_machine.travel(clock.local_datetime(D(2026, 12, 1), 15), tick=False):  # yesterday afternoon
        factories.PetitionFactory(unit=unit)
        factories.PetitionFactory(unit=unit)
    with time_machine.travel(clock.local_datetime(D(2026, 11, 20), 15), tick=False):  # older
        factories.PetitionFactory(unit=unit, deadline=D(2026, 12, 11))
        factories.PetitionFactory(unit=unit, status="classified", deadline=D(2026, 12, 11))
        factories.PetitionFactory(unit=unit, status="answer_pending", deadline=D(2026, 11, 27))
    late = [assigned(unit, commune.economy, deadline=D(2026, 11, 25 + i)).petition for i in range(3)]
    assigned(unit, commune.economy, deadline=D(2026, 12, 4))  # due soon

    remind(D(2026, 12, 2))

    body = sent(N.DIGEST)[0].body
    assert "Mới tiếp nhận (từ ngày 01/12/2026): 2" in body
    assert "Chờ phân loại: 3" in body
    assert "Đã phân loại, chờ giao xử lý: 1" in body
    assert "Quá hạn: 3" in body
    assert "Sắp đến hạn (đến ngày 04/12/2026): 1" in body
    assert "Chờ duyệt trả lời: 1" in body
    assert f"Ý kiến quá hạn lâu nhất: {late[0].code}, {late[1].code}, {late[2].code}\n" in body
    assert sent(N.DIGEST)[0].subject == "Tổng hợp ý kiến, kiến nghị ngày 02/12/2026 — Xã Tân Yên"


def test_on_monday_the_digest_counts_what_arrived_since_friday(commune, people):
    for day in (D(2026, 12, 3), D(2026, 12, 4), D(2026, 12, 5), D(2026, 12, 6)):  # Thursday to Sunday
        with time_machine.travel(clock.local_datetime(day, 15), tick=False):
            factories.PetitionFactory(unit=commune.unit)
    remind(D(2026, 12, 7))
    assert "Mới tiếp nhận (từ ngày 04/12/2026): 3" in sent(N.DIGEST)[0].body


def test_the_digest_lists_at_most_twenty_overdue_codes_longest_overdue_first(commune, people):
    items = [assigned(commune.unit, commune.economy, deadline=D(2026, 11, 2) + dt.timedelta(days=i)) for i in range(23)]
    remind(D(2026, 12, 2))
    body = sent(N.DIGEST)[0].body
    listed = re.search(r"Ý kiến quá hạn lâu nhất: (.*)\n", body).group(1)
    assert listed.startswith(", ".join(a.petition.code for a in items[:20]) + " (và 3 ý kiến khác)")
    assert items[20].petition.code not in body
    assert "Quá hạn: 23" in body


def test_no_digest_when_there_is_nothing_to_report(commune, people):
    assert remind(D(2026, 12, 2))["digest"] == 0


def test_each_commune_gets_its_own_digest_and_reminders(commune, other_commune, people):
    there = factories.user_with_role("coordinator", other_commune.unit, username="vanphong-nt")
    there.email = "vanphong@ngocthien.example"
    there.save()
    assigned(commune.unit, commune.economy)
    mine = assigned(other_commune.unit, other_commune.economy)

    remind(D(2026, 12, 2))

    assert recipients(N.DIGEST) == COORDINATORS | {"vanphong@ngocthien.example"}
    theirs = sent(N.DIGEST, recipient="vanphong@ngocthien.example")[0]
    assert "Xã Ngọc Thiện" in theirs.subject and "Sắp đến hạn (đến ngày 04/12/2026): 1" in theirs.body
    # Ngọc Thiện's Phòng Kinh tế has nobody with an address: its coordinator follows it up.
    assert recipients(N.DUE_SOON, petition=mine.petition) == {"vanphong@ngocthien.example"}


def test_the_unit_option_limits_the_run_to_one_commune(commune, other_commune, people):
    assigned(other_commune.unit, other_commune.economy)
    assigned(commune.unit, commune.economy)
    assert remind(D(2026, 12, 2), "--unit", "ngoc-thien")["due_soon"] == 0  # nobody reachable there
    assert remind(D(2026, 12, 2), "--unit", "tan-yen")["due_soon"] == 2


def test_an_unknown_unit_is_an_error(commune):
    with pytest.raises(CommandError, match="khong-co"):
        call_command("remind", "--unit", "khong-co", stdout=io.StringIO())


# ---------------------------------------------------------------- no identity in any message


def test_no_message_names_the_submitter_and_a_denunciation_is_named_by_its_code_only(commune, people):
    denunciation = assigned(
        commune.unit,
        commune.economy,
        kind="to_cao",
        submitter_name="Lê Văn Tố",
        submitter_phone="0912345678",
        submitter_email="levanto@example.vn",
        submitter_address="Số 7, thôn Đông",
        content="Tôi là Lê Văn Tố, tố cáo cán bộ địa chính Nguyễn Văn Bê nhận tiền.",
        public_summary="Tố cáo cán bộ địa chính Nguyễn Văn Bê",
    )
    ordinary = assigned(
        commune.unit,
        commune.economy,
        submitter_name="Trần Thị Mẫu",
        submitter_email="mau@example.vn",
        content="Tôi là Trần Thị Mẫu ở số 12 thôn Trung, đề nghị sửa đường.",
    )

    for day in (D(2026, 12, 2), D(2026, 12, 7), D(2026, 12, 21)):
        remind(day)

    messages = sent()
    assert {n.kind for n in messages} == set(REMINDER_KINDS)
    for n in messages:
        text = n.subject + "\n" + n.body
        for secret in (
            "Lê Văn Tố",
            "0912345678",
            "levanto",
            "thôn Đông",
            "Nguyễn Văn Bê",
            "nhận tiền",
            "Trần Thị Mẫu",
            "mau@example.vn",
            "0987654321",
            "Số 12",
            "số 12",
        ):
            assert secret not in text, (n.kind, secret)
    about_denunciation = [n for n in messages if n.petition_id == denunciation.petition_id]
    assert about_denunciation and all(f"Ý kiến mã {denunciation.petition.code}\n" in n.body for n in about_denunciation)
    about_ordinary = [n for n in messages if n.petition_id == ordinary.petition_id]
    assert all("Đề nghị sửa chữa đường bị xuống cấp." in n.body for n in about_ordinary)


# ---------------------------------------------------------------- bounded queries


@pytest.mark.parametrize("open_items", [5, 50])
def test_the_number_of_queries_does_not_grow_with_the_open_items(
    commune, people, open_items, django_assert_max_num_queries
):
    for i in range(open_items):
        lead = commune.economy if i % 2 else commune.higher
        assigned(commune.unit, lead, deadline=DEADLINE + dt.timedelta(days=i % 3))
    reads = 9  # day off?, units, assignments, calendar, accounts, digest figures, overdue codes, dialogues to
    # announce, sent keys
    per_message = 3  # savepoint, insert, release: notify() records each new message on its own
    with time_machine.travel(clock.local_datetime(D(2026, 12, 2), 6, 30), tick=False):
        expected = len(reminders.collect([commune.unit], D(2026, 12, 2), before=2, escalate_after=10))
        assert expected > open_items
        with django_assert_max_num_queries(reads + per_message * expected):
            assert sum(reminders.run().values()) == expected
        with django_assert_max_num_queries(reads):  # again the same day: nothing new, the same reads for 5 or 50
            assert sum(reminders.run().values()) == 0
    next_day = time_machine.travel(clock.local_datetime(D(2026, 12, 3), 6, 30), tick=False)
    with next_day, django_assert_max_num_queries(reads + per_message * 2):  # the next day: only the two digests
        assert reminders.run() == {N.DIGEST: 2}


def test_the_command_prints_one_summary_line_and_logs_to_stderr(commune, people, caplog):
    assigned(commune.unit, commune.economy)
    with caplog.at_level("INFO", logger="doithoai.petitions.reminders"):
        assert remind(D(2026, 12, 2)) == {"due_soon": 2, "overdue": 0, "escalation": 0, "digest": 2}
    assert "4 thông báo mới" in caplog.text  # the log (standard error), not the result line


def test_the_command_is_in_the_console_script(commune, people, capsys):
    from doithoai.cli import main

    with time_machine.travel(clock.local_datetime(D(2026, 12, 5), 6, 30), tick=False):
        main(["remind"])
    assert capsys.readouterr().out.startswith("Nhắc việc ngày 05/12/2026: 0 nhắc sắp đến hạn")
