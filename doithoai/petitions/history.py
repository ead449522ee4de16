"""Writing the append-only timeline of a petition (HistoryEntry)."""

import datetime as dt

from doithoai.lib import clock
from doithoai.petitions.models import HistoryEntry, Petition


def record(
    petition: Petition,
    action: str,
    *,
    actor=None,
    actor_label: str = "",
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    public: bool = False,
    at: dt.datetime | None = None,
    **data,
) -> HistoryEntry:
    """Append one step to the petition's timeline; call it inside the action's transaction."""
    if not actor_label and actor is not None:
        actor_label = actor.display_name
    return HistoryEntry.objects.create(
        petition=petition,
        at=at or clock.now(),
        actor=actor,
        actor_label=actor_label,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        is_public=public,
        data=data,
    )
