"""Periodic clean-up (`doithoai sweep`): run by cron every few minutes, and by the worker that
`doithoai serve --with-worker` supervises. Each sweep is idempotent and bounded, so running it often is cheap
and running it twice changes nothing more.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# name → dotted path of a function taking no argument and returning how many things it handled.
SWEEPS: dict[str, str] = {
    "imports": "doithoai.petitions.actions.expire_imports",  # lists never confirmed in a day: files and rows deleted
    "idempotency_keys": "doithoai.api.idempotency.purge",  # keys older than a day
    "rate_counters": "doithoai.api.ratelimit.purge",  # counters of minutes long past
    "notifications": "doithoai.notifications.delivery.sweep",  # claims a dead worker left, messages without a task
    "login_throttles": "doithoai.accounts.throttle.purge",  # failed log-ins idle for a day
    "task_results": "doithoai.operations.sweep.prune_task_results",  # the task queue's old rows
}
TASK_RESULTS_KEEP = dt.timedelta(days=7)
ABANDONED_AFTER = dt.timedelta(days=1)  # a task "running" this long belonged to a worker that was killed


def run_all(only: list[str] | None = None) -> dict[str, int]:
    """Run every sweep (or those named); one failing sweep is logged and does not stop the others."""
    done: dict[str, int] = {}
    for name, path in SWEEPS.items():
        if only and name not in only:
            continue
        function: Callable[[], int] = import_string(path)
        try:
            done[name] = int(function() or 0)
        except Exception:
            logger.exception("Sweep %s failed", name)
            done[name] = -1
    return done


def prune_task_results() -> int:
    """Delete the task queue's rows of tasks finished a week ago, and of tasks left "running" by a worker that was
    killed a day ago (what they were doing is redone by its own sweep, e.g. the notifications'); returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    old = Q(finished_at__lt=now - TASK_RESULTS_KEEP) | Q(status="RUNNING", started_at__lt=now - ABANDONED_AFTER)
    deleted, _ = DBTaskResult.objects.filter(old).delete()
    return deleted
