"""Read-only queries on petitions shared by pages, the API and commands."""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from doithoai.lib import clock
from doithoai.petitions.models import AWAITING_ANSWER, OPEN_STATUSES, Petition


def overdue(qs: QuerySet[Petition]) -> QuerySet[Petition]:
    """Petitions still awaiting handling whose deadline has passed (derived, never stored)."""
    return qs.filter(status__in=AWAITING_ANSWER, deadline__lt=clock.today())


def status_counts(qs: QuerySet[Petition]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in workflow order, in one query."""
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in Petition.Status.choices]


FIGURES = ("total", "open", "overdue", "due_soon", "awaiting_approval", "new")


def _figure_aggregates() -> dict:
    today = clock.today()
    return {
        "total": Count("pk"),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("pk", filter=Q(status__in=AWAITING_ANSWER, deadline__lt=today)),
        "due_soon": Count(
            "pk", filter=Q(status__in=AWAITING_ANSWER, deadline__gte=today, deadline__lte=today + dt.timedelta(days=5))
        ),
        "awaiting_approval": Count("pk", filter=Q(status=Petition.Status.ANSWER_PENDING)),
        "new": Count("pk", filter=Q(status=Petition.Status.RECEIVED)),
    }


def summary_figures(qs: QuerySet[Petition]) -> dict[str, int]:
    """Totals for the staff home, in one query."""
    return qs.order_by().aggregate(**_figure_aggregates())


def summary_figures_by_unit(qs: QuerySet[Petition]) -> dict[int, dict[str, int]]:
    """The same totals per unit, in one query."""
    rows = qs.order_by().values("unit_id").annotate(**_figure_aggregates())
    return {row.pop("unit_id"): row for row in rows}


def topic_counts(qs: QuerySet[Petition]) -> list[tuple[str, int]]:
    rows = (
        qs.order_by()
        .values("topic__parent__name", "topic__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    merged: dict[str, int] = {}
    for row in rows:
        name = row["topic__parent__name"] or row["topic__name"] or "Chưa phân loại"
        merged[name] = merged.get(name, 0) + row["n"]
    return sorted(merged.items(), key=lambda item: -item[1])
