"""Answer deadlines in working days (DESIGN.md §3, §4): holidays, Tết, the state's day-swaps, the unit's rules;
overdue is derived from the deadline and today, never stored."""

import datetime as dt

import holidays
import pytest
import time_machine
from django.utils import timezone

from doithoai.lib import clock
from doithoai.petitions import actions, deadlines
from doithoai.petitions.models import CalendarDay, DeadlineRule, Petition
from tests import factories

pytestmark = pytest.mark.django_db

D = dt.date
K = Petition.Kind
VN_2026 = holidays.country_holidays("VN", years=[2025, 2026, 2027])


def _by_hand(start: dt.date, days: int, off=frozenset(), worked=frozenset()) -> dt.date:
    """The deadline counted day by day from the holidays package, independently of the code under test."""
    day = start
    while days:
        day += dt.timedelta(days=1)
        if day in worked or (day.weekday() < 5 and day not in VN_2026 and day not in off):
            days -= 1
    return day


def _received(unit, day: dt.date, kind=K.KIEN_NGHI) -> Petition:
    with time_machine.travel(clock.local_datetime(day, 9), tick=False):
        return actions.submit_petition(unit, content="Đề nghị sửa đường liên thôn.", channel="online", kind=kind)


# ---------------------------------------------------------------- the calendar


def test_tet_2026_days_come_from_the_holidays_package():
    tet = sorted(day for day, name in VN_2026.items() if "Lunar New Year" in name and day.year == 2026)
    assert tet == [D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19), D(2026, 2, 20)]


def test_a_deadline_across_tet_2026_skips_the_whole_tet_week(commune):
    petition = _received(commune.unit, D(2026, 2, 12))  # Thursday before Tết Bính Ngọ; default 15 working days

    # 13/02 is day 1; 14/02–22/02 (weekend, Tết, weekend) are off; the count resumes on Monday 23/02.
    assert petition.deadline == D(2026, 3, 12) == _by_hand(D(2026, 2, 12), 15)
    assert deadlines.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert deadlines.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_a_weekend_is_not_counted(commune):
    petition = _received(commune.unit, D(2026, 3, 13), kind=K.GOP_Y)  # a Friday; góp ý: 10 working days

    assert petition.deadline == D(2026, 3, 27)
    assert deadlines.add_working_days(D(2026, 3, 14), 1) == D(2026, 3, 16)  # from a Saturday: the Monday


def test_reunification_day_and_labour_day_are_not_counted(commune):
    petition = _received(commune.unit, D(2026, 4, 29), kind=K.CAU_HOI)  # Wednesday; câu hỏi: 10 working days

    # Thursday 30/04 and Friday 01/05 are holidays, then the weekend: day 1 is Monday 04/05.
    assert petition.deadline == D(2026, 5, 15) == _by_hand(D(2026, 4, 29), 10)
    assert deadlines.add_working_days(D(2026, 4, 24), 1) == D(2026, 4, 28)  # Hùng Kings' day observed 27/04


def test_national_day_2026_is_not_counted():
    # 31/08 (the holidays package's swapped day off), 01/09 and 02/09 are off.
    assert deadlines.add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)
    assert deadlines.working_days_between(D(2026, 8, 28), D(2026, 9, 3)) == 1


def test_the_saturday_worked_for_national_day_counts_once_the_unit_records_it():
    # The package gives 31/08/2026 off "substituted from 22/08" but does not know that Saturday 22/08 is worked.
    assert deadlines.add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 24)

    CalendarDay.objects.create(day=D(2026, 8, 22), is_working_day=True, note="Làm bù cho ngày nghỉ 31/8")

    assert deadlines.add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)
    assert deadlines.working_days_between(D(2026, 8, 21), D(2026, 8, 24)) == 2


def test_a_state_day_swap_moves_deadlines_both_ways(commune):
    # New Year 2026: Friday 02/01 given off, Saturday 10/01 worked in exchange.
    CalendarDay.objects.create(day=D(2026, 1, 2), is_working_day=False, note="Nghỉ bù Tết Dương lịch")
    CalendarDay.objects.create(day=D(2026, 1, 10), is_working_day=True, note="Làm bù cho ngày 02/01")
    swap = {"off": {D(2026, 1, 2)}, "worked": {D(2026, 1, 10)}}

    assert deadlines.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)  # 01/01 holiday, 02/01 off, weekend
    assert deadlines.add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)  # the Saturday worked
    petition = _received(commune.unit, D(2025, 12, 31))
    assert petition.deadline == _by_hand(D(2025, 12, 31), 15, swap["off"], swap["worked"]) == D(2026, 1, 22)


def test_a_day_swap_of_another_year_changes_nothing():
    CalendarDay.objects.create(day=D(2027, 1, 2), is_working_day=True)
    assert deadlines.add_working_days(D(2026, 3, 13), 1) == D(2026, 3, 16)


# ---------------------------------------------------------------- the unit's rules


def test_built_in_defaults_apply_when_the_unit_has_set_nothing(commune):
    unit = commune.unit
    assert deadlines.working_days_for(unit, K.KIEN_NGHI, "commune") == 15
    assert deadlines.working_days_for(unit, K.TO_CAO, "") == 30
    assert deadlines.working_days_for(unit, K.KHIEU_NAI, "commune") == 30
    assert deadlines.working_days_for(unit, K.PHAN_ANH, "higher") == 30
    assert deadlines.working_days_for(unit, K.GOP_Y, "commune") == 10
    assert deadlines.working_days_for(unit, K.CAU_HOI, "higher") == 10  # the kind before the jurisdiction


def test_rule_precedence_kind_and_jurisdiction_then_kind_then_jurisdiction_then_unit_default(commune):
    unit = commune.unit

    def rule(kind, jurisdiction, days):
        DeadlineRule.objects.create(unit=unit, kind=kind, jurisdiction=jurisdiction, working_days=days)

    rule("", "", 20)  # the unit's default beats every built-in default
    assert deadlines.working_days_for(unit, K.CAU_HOI, "higher") == 20
    assert deadlines.working_days_for(unit, K.TO_CAO, "") == 20

    rule("", "higher", 25)  # jurisdiction beats the unit's default
    assert deadlines.working_days_for(unit, K.CAU_HOI, "higher") == 25
    assert deadlines.working_days_for(unit, K.CAU_HOI, "commune") == 20

    rule(K.CAU_HOI, "", 7)  # kind beats jurisdiction
    assert deadlines.working_days_for(unit, K.CAU_HOI, "higher") == 7
    assert deadlines.working_days_for(unit, K.KIEN_NGHI, "higher") == 25

    rule(K.CAU_HOI, "higher", 12)  # kind and jurisdiction beat kind
    assert deadlines.working_days_for(unit, K.CAU_HOI, "higher") == 12
    assert deadlines.working_days_for(unit, K.CAU_HOI, "commune") == 7


def test_another_units_rules_do_not_apply(commune, other_commune):
    DeadlineRule.objects.create(unit=other_commune.unit, kind="", jurisdiction="", working_days=3)
    assert deadlines.working_days_for(commune.unit, K.KIEN_NGHI, "") == 15


def test_the_unit_rule_sets_the_deadline_at_intake_and_when_forwarded(commune, user_with_role):
    DeadlineRule.objects.create(unit=commune.unit, kind=K.KIEN_NGHI, jurisdiction="", working_days=5)
    DeadlineRule.objects.create(unit=commune.unit, kind="", jurisdiction="higher", working_days=20)
    coordinator = user_with_role("coordinator", commune.unit)
    petition = _received(commune.unit, D(2026, 3, 13))
    assert petition.deadline == D(2026, 3, 20)  # 5 working days from Friday 13/03

    with time_machine.travel(clock.local_datetime(D(2026, 3, 16), 9), tick=False):
        petition = actions.classify(
            petition, topic=factories.canonical_topic(), kind=K.PHAN_ANH, jurisdiction="higher", by=coordinator
        )
        assert petition.deadline == D(2026, 4, 10)  # the kind changed: phản ánh, higher → 20 from 13/03
        assignment = actions.forward(
            petition, commune.higher, outgoing_number="15/UBND-VP", outgoing_date=D(2026, 3, 16), by=coordinator
        )
    assert assignment.deadline == D(2026, 4, 13)  # 20 working days from the letter of 16/03 (no holiday between)


# ---------------------------------------------------------------- overdue


def test_overdue_is_derived_from_the_deadline_and_today_never_stored(commune):
    assert "overdue" not in {f.name for f in Petition._meta.get_fields()}
    with time_machine.travel(clock.local_datetime(D(2026, 11, 20), 9), tick=False):
        petition = factories.PetitionFactory(
            unit=commune.unit, status=Petition.Status.ASSIGNED, deadline=D(2026, 11, 27)
        )
    stamp = Petition.objects.get(pk=petition.pk).updated_at
    scope = Petition.objects.filter(unit=commune.unit)

    with time_machine.travel(clock.local_datetime(D(2026, 11, 27), 23, 59), tick=False):
        assert not scope.overdue().exists()  # the deadline day itself is still in time
    with time_machine.travel(clock.local_datetime(D(2026, 11, 28), 0, 1), tick=False):
        assert list(scope.overdue()) == [petition]

    assert Petition.objects.get(pk=petition.pk).updated_at == stamp  # nothing was written


@pytest.mark.parametrize(
    "status, overdue",
    [
        (Petition.Status.RECEIVED, True),
        (Petition.Status.CLASSIFIED, True),
        (Petition.Status.ASSIGNED, True),
        (Petition.Status.FORWARDED, True),
        (Petition.Status.ANSWER_PENDING, False),  # the answer was given; its approval is not the handler's delay
        (Petition.Status.ANSWERED, False),
        (Petition.Status.CLOSED, False),
        (Petition.Status.DECLINED, False),
        (Petition.Status.LEGAL_TRACK, False),
    ],
)
def test_only_petitions_still_awaiting_an_answer_are_overdue(commune, status, overdue):
    factories.PetitionFactory(unit=commune.unit, status=status, deadline=D(2026, 11, 2))
    with time_machine.travel(clock.local_datetime(D(2026, 11, 27), 9), tick=False):
        assert Petition.objects.all().overdue().exists() is overdue


def test_overdue_uses_the_local_date_of_ho_chi_minh_city(commune):
    factories.PetitionFactory(unit=commune.unit, status=Petition.Status.ASSIGNED, deadline=D(2026, 11, 27))
    # 17:30 UTC on 27/11 is already 00:30 on 28/11 in Hà Nội.
    with time_machine.travel(dt.datetime(2026, 11, 27, 17, 30, tzinfo=dt.UTC), tick=False):
        assert timezone.localdate() == D(2026, 11, 28)
        assert Petition.objects.all().overdue().count() == 1
