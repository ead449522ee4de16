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
