"""`doithoai sweep`: every periodic clean-up in one command, each bounded and idempotent."""

import json

import pytest
from django.core.management import call_command

from doithoai.operations import sweep

pytestmark = pytest.mark.django_db


def test_sweep_runs_every_clean_up_and_prints_what_each_did(capsys):
    call_command("sweep")
    done = json.loads(capsys.readouterr().out)
    assert set(done) == set(sweep.SWEEPS)
    assert all(count >= 0 for count in done.values())


def broken_sweep() -> int:
    raise RuntimeError("hỏng")


def test_one_failing_sweep_does_not_stop_the_others(monkeypatch):
    monkeypatch.setitem(sweep.SWEEPS, "broken", "tests.operations.test_sweep.broken_sweep")
    done = sweep.run_all()
    assert done["broken"] == -1
    assert done["imports"] == 0


def test_an_unknown_sweep_name_is_refused():
    with pytest.raises(SystemExit) as stopped:
        call_command("sweep", "khong-co")
    assert stopped.value.code == 2


def test_old_task_rows_and_tasks_a_killed_worker_left_running_are_pruned(settings):
    import datetime as dt

    import time_machine
    from django_tasks_db.models import DBTaskResult

    from doithoai.notifications.tasks import deliver

    with time_machine.travel("2026-12-01 08:00 +0700", tick=False):
        finished = deliver.enqueue(1)
        abandoned = deliver.enqueue(2)
    fresh = deliver.enqueue(3)
    now = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
    DBTaskResult.objects.filter(id=finished.id).update(status="SUCCESSFUL", started_at=now, finished_at=now)
    DBTaskResult.objects.filter(id=abandoned.id).update(status="RUNNING", started_at=now)
    with time_machine.travel("2026-12-09 08:00 +0700", tick=False):
        assert sweep.prune_task_results() == 2
    assert [str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)] == [str(fresh.id)]
