"""Periodic clean-up (`doithoai sweep`): run by cron every few minutes, and by the worker that
`doithoai serve --with-worker` supervises. Each sweep is idempotent and bounded, so running it often is cheap
and running it twice changes nothing more.
"""

import logging
from collections.abc import Callable

from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# name → dotted path of a function taking no argument and returning how many things it handled.
SWEEPS: dict[str, str] = {
    "imports": "doithoai.petitions.actions.expire_imports",  # uploads never confirmed within a day: files deleted
    "idempotency_keys": "doithoai.api.idempotency.purge",  # keys older than a day
    "rate_counters": "doithoai.api.ratelimit.purge",  # counters of minutes long past
}


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
