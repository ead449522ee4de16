"""Overdue is one rule, derived and never stored: the queryset, the petition, its assignment and a plan task agree,
with the deadline day itself still in time (today in Asia/Ho_Chi_Minh)."""

import datetime as dt

import pytest
import time_machine

from doithoai.petitions.models import Assignment, Petition
from doithoai.plans.models import PlanTask
from tests import factories

pytestmark = pytest.mark.django_db
S = Petition.Status


@pytest.mark.parametrize(
    "status, overdue_after_the_deadline",
    [(S.RECEIVED, True), (S.CLASSIFIED, True), (S.ASSIGNED, True), (S.FORWARDED, True),
     (S.ANSWER_PENDING, False), (S.ANSWERED, False), (S.CLOSED, False), (S.DECLINED, False)],
)  # fmt: skip
def test_the_petition_and_its_queryset_agree_at_the_boundary(commune, status, overdue_after_the_deadline):
    petition = factories.PetitionFactory(unit=commune.unit, status=status, deadline=dt.date(2026, 12, 10))
    for moment, expected in (("2026-12-10 23:59 +0700", False), ("2026-12-11 00:00 +0700", overdue_after_the_deadline)):
        with time_machine.travel(moment, tick=False):
            petition.refresh_from_db()
            assert petition.is_overdue is expected, moment
            assert Petition.objects.overdue().filter(pk=petition.pk).exists() is expected, moment


def test_an_assignment_is_overdue_only_while_in_the_organisations_hands(commune):
    assignment = factories.AssignmentFactory(petition__unit=commune.unit, deadline=dt.date(2026, 12, 10))
    with time_machine.travel("2026-12-11 00:30 +0700", tick=False):
        assert assignment.is_overdue
        for status in (Assignment.Status.ANSWERED, Assignment.Status.RETURNED):
            assignment.status = status
            assert not assignment.is_overdue
    with time_machine.travel("2026-12-10 23:30 +0700", tick=False):
        assignment.status = Assignment.Status.ACCEPTED
        assert not assignment.is_overdue


def test_a_plan_task_is_overdue_until_done():
    task = PlanTask(due_on=dt.date(2026, 12, 10))
    with time_machine.travel("2026-12-11 00:30 +0700", tick=False):
        assert task.is_overdue
        task.done_at = dt.datetime(2026, 12, 11, tzinfo=dt.UTC)
        assert not task.is_overdue
        assert not PlanTask(due_on=None).is_overdue
