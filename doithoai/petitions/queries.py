"""Read-only queries on petitions shared by pages, the API and commands."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from doithoai.lib import clock
from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.petitions.models import (
    AWAITING_ANSWER,
    CODE_ALPHABET,
    CODE_LENGTH,
    OPEN_STATUSES,
    PUBLIC_STATUS_LABELS,
    Answer,
    Petition,
    overdue_q,
)

DUE_SOON_DAYS = 5
# Approved answers not yet public (a complaint's or denunciation's is never published: it is closed instead).
AWAITING_PUBLICATION = (Petition.Status.ANSWERED, Petition.Status.ANSWERED_AT_DIALOGUE)
# Statuses in which a case is settled: a reopened case is no longer "mở lại" once it reaches one of them.
SETTLED = (Petition.Status.CLOSED, Petition.Status.MERGED, Petition.Status.DECLINED, Petition.Status.LEGAL_TRACK)


def due_soon_q(today: dt.date) -> Q:
    """Still awaiting handling, due today or within the next DUE_SOON_DAYS days."""
    return Q(status__in=AWAITING_ANSWER, deadline__gte=today, deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS))


def awaiting_publication_q() -> Q:
    """Chờ công khai: the answer is approved (or given in the hall and approved) but not yet published."""
    return Q(status__in=AWAITING_PUBLICATION) & ~Q(kind__in=CONFIDENTIAL_KINDS)


def reopened_q() -> Q:
    """Mở lại: the submitter rated a published answer "chưa hài lòng" and the case is not settled again yet (the
    rated answer is found through the answers' (petition, …) index)."""
    unsatisfied = Answer.objects.filter(petition=OuterRef("pk"), satisfaction=Answer.Satisfaction.UNSATISFIED)
    return ~Q(status__in=SETTLED) & Q(Exists(unsatisfied))


def inbox_scope(user) -> QuerySet[Petition]:
    """What the staff inbox lists and the staff home counts: the petitions the user may see, in the units of the
    user's roles (naming the units lets the database use the (unit, …) indexes)."""
    from doithoai.accounts import permissions

    visible = permissions.petitions_visible_to(user)
    units = sorted({r.unit_id for r in permissions.roles_of(user)})
    return visible.filter(unit_id__in=units) if units else visible


def status_counts(qs: QuerySet[Petition]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in workflow order, in one query."""
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in Petition.Status.choices]


FIGURES = ("total", "open", "overdue", "due_soon", "awaiting_approval", "new")
# Counted on the staff home only (not per commune for the province).
WORK_FIGURES = ("awaiting_publication", "reopened")


def figure_conditions(today: dt.date) -> dict[str, Q]:
    """Each figure of the staff home as a condition: the figure counts it, the inbox filters by it."""
    return {
        "open": Q(status__in=OPEN_STATUSES),
        "overdue": overdue_q(today),
        "due_soon": due_soon_q(today),
        "awaiting_approval": Q(status=Petition.Status.ANSWER_PENDING),
        "new": Q(status=Petition.Status.RECEIVED),
        "awaiting_publication": awaiting_publication_q(),
        "reopened": reopened_q(),
    }


def _figure_aggregates(names=FIGURES) -> dict:
    conditions = figure_conditions(clock.today())
    return {"total": Count("pk"), **{name: Count("pk", filter=conditions[name]) for name in names if name != "total"}}


def summary_figures(qs: QuerySet[Petition]) -> dict[str, int]:
    """Totals for the staff home, in one query."""
    return qs.order_by().aggregate(**_figure_aggregates((*FIGURES, *WORK_FIGURES)))


def summary_figures_by_unit(qs: QuerySet[Petition]) -> dict[int, dict[str, int]]:
    """The same totals per unit, in one query."""
    rows = qs.order_by().values("unit_id").annotate(**_figure_aggregates())
    return {row.pop("unit_id"): row for row in rows}


def topic_counts(qs: QuerySet[Petition]) -> list[tuple[int | None, str, int]]:
    """(canonical topic id, name, count), most first; a unit's own topic counts under its canonical topic, and
    petitions without a topic under (None, "Chưa phân loại"). One query."""
    rows = (
        qs.order_by()
        .values("topic_id", "topic__name", "topic__parent_id", "topic__parent__name")
        .annotate(n=Count("pk"))
    )
    merged: dict[int | None, list] = {}
    for row in rows:
        key = row["topic__parent_id"] or row["topic_id"]
        name = row["topic__parent__name"] or row["topic__name"] or "Chưa phân loại"
        merged.setdefault(key, [key, name, 0])[2] += row["n"]
    return sorted((tuple(item) for item in merged.values()), key=lambda item: (-item[2], item[1]))


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
    """What the public may know of a petition: public steps, public summary, the published answer, the earlier ones
    rated "chưa hài lòng" and, while reopened, what happens now; a merged one shows its parent's status and answers.
    Never a name, phone, e-mail or address."""
    shown = petition.merged_into if petition.status == Petition.Status.MERGED and petition.merged_into_id else petition
    confidential = petition.is_confidential
    # Every published answer, newest first: the current one, and those the submitter was not satisfied with (the
    # case reopened), which stay on the page (one query).
    published = (
        []
        if confidential
        else list(
            shown.answers.filter(published_at__isnull=False)
            .select_related("organization")
            .order_by("-published_at", "-pk")
        )
    )
    current = next((a for a in published if a.is_current), None)
    answer = _public_answer(current) if current is not None and shown.is_public else None
    earlier = [_public_answer(a) for a in published if not a.is_current]
    steps = [
        {
            "at": h.at,
            "action": h.action,
            "status": h.to_status,
            "label": PUBLIC_STATUS_LABELS.get(h.to_status, ""),
            "note": "" if confidential else h.note,
        }
        for h in petition.history.filter(is_public=True).order_by("at", "id")
    ]
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
        "earlier_answers": earlier,
        "reopened": _reopening(shown, published[0], petition.unit)
        if published and not published[0].is_current
        else None,
        # The submitter rates the published answer of their own petition, once.
        "can_rate": bool(answer) and shown is petition and not answer["satisfaction"],
        "unit": petition.unit.name,
    }


def _public_answer(answer) -> dict:
    return {
        "text": answer.public_text or answer.text,
        "by": answer.organization.name if answer.organization_id else "Chủ trì hội nghị",
        "document_number": answer.document_number,
        "document_date": answer.document_date,
        "published_at": answer.published_at,
        "satisfaction": answer.satisfaction,
        "rated_at": answer.satisfaction_at,
    }


# What happens now to a reopened case, by each status that is not SETTLED (who has it is filled in from its current
# assignment); tests/portal/test_reopened_status.py checks every such status has its sentence.
REOPENED_NOW = {
    Petition.Status.RECEIVED: "Văn phòng Đảng ủy xã %(unit)s xem xét lý do chưa hài lòng để giao cơ quan có trách "
    "nhiệm giải quyết lại.",
    Petition.Status.CLASSIFIED: "Văn phòng Đảng ủy xã %(unit)s xem xét lý do chưa hài lòng để giao cơ quan có "
    "trách nhiệm giải quyết lại.",
    Petition.Status.ASSIGNED: "%(lead)s đang giải quyết lại.",
    Petition.Status.FORWARDED: "Đã chuyển %(lead)s giải quyết.",
    Petition.Status.ANSWER_PENDING: "Đã có câu trả lời mới, đang chờ Thường trực Đảng ủy xã duyệt.",
    Petition.Status.ANSWERED: "Câu trả lời mới đã được duyệt, sắp được công khai tại trang này.",
    Petition.Status.ANSWERED_AT_DIALOGUE: "Đã trả lời tại hội nghị; nội dung sẽ được công khai tại trang này.",
}


def _reopening(shown: Petition, rated, unit) -> dict | None:
    """The case reopened by "chưa hài lòng" and not settled again yet: when, what happens now, by whom, and the
    deadline (the unit's answer deadline in working days, set again when it was reopened). None once it is closed."""
    # The same rule as the inbox's "Mở lại" view (reopened_q): rated "chưa hài lòng", not settled again.
    if rated.satisfaction != rated.Satisfaction.UNSATISFIED or shown.status in SETTLED:
        return None
    now = REOPENED_NOW[shown.status]
    lead = ""
    if shown.status in (Petition.Status.ASSIGNED, Petition.Status.FORWARDED):
        current = shown.assignments.filter(is_current=True).select_related("lead").first()
        lead = current.lead.name if current else "Cơ quan có trách nhiệm"
    return {
        "rated_at": rated.satisfaction_at,
        "answer_published_at": rated.published_at,
        "now": now % {"unit": unit.short_name, "lead": lead},
        "deadline": shown.deadline,
    }
