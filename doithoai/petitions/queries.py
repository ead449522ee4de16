"""Read-only queries on petitions shared by pages, the API and commands."""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from doithoai.lib import clock
from doithoai.petitions.models import (
    AWAITING_ANSWER,
    CODE_ALPHABET,
    CODE_LENGTH,
    OPEN_STATUSES,
    PUBLIC_STATUS_LABELS,
    Petition,
)


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


def normalise_code(code: str) -> str:
    """Codes as people type them: lower case, spaces, missing or extra dashes → "XXXX-XXXX-XXXX-X"."""
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return ""
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def by_public_code(code: str) -> Petition | None:
    """The petition a public code names, or None (malformed or unknown codes alike)."""
    code = normalise_code(code)
    if not code:
        return None
    return (
        Petition.objects.select_related("unit", "topic__parent", "merged_into__topic__parent").filter(code=code).first()
    )


def public_status(petition: Petition) -> dict:
    """What the public may know of a petition: public steps, public summary, the published answer; a merged one
    shows its parent's status and answer. Never a name, phone, e-mail or address."""
    shown = petition.merged_into if petition.status == Petition.Status.MERGED and petition.merged_into_id else petition
    confidential = petition.kind in ("khieu_nai", "to_cao")
    answer = None
    current = shown.answers.filter(is_current=True, published_at__isnull=False).select_related("organization").first()
    if current is not None and shown.is_public and not confidential:
        answer = {
            "text": current.public_text or current.text,
            "by": current.organization.name if current.organization_id else "Chủ trì hội nghị",
            "document_number": current.document_number,
            "document_date": current.document_date,
            "published_at": current.published_at,
            "satisfaction": current.satisfaction,
        }
    steps = [
        {"at": h.at, "action": h.action, "status": h.to_status, "label": PUBLIC_STATUS_LABELS.get(h.to_status, ""),
         "note": "" if confidential else h.note}
        for h in petition.history.filter(is_public=True).order_by("at", "id")
    ]  # fmt: skip
    topic = shown.topic.canonical if shown.topic_id else None
    return {
        "code": petition.code,
        "status": shown.status,
        "status_label": PUBLIC_STATUS_LABELS.get(shown.status, shown.get_status_display()),
        "received_at": petition.received_at,
        "topic": topic.code if topic else None,
        "topic_label": topic.name if topic else "",
        "summary": "" if confidential else (shown.public_summary if shown.is_public or shown == petition else ""),
        "merged": shown is not petition,
        "decline_reason": petition.decline_reason if petition.status == Petition.Status.DECLINED else "",
        "steps": steps,
        "answer": answer,
        # The submitter rates the published answer of their own petition, once.
        "can_rate": bool(answer) and shown is petition and not answer["satisfaction"],
        "unit": petition.unit.name,
    }
