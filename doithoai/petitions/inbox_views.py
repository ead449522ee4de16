"""The staff inbox (Ý kiến, kiến nghị): every petition the user may see, filtered, counted and paged by keyset, with
the coordinator's bulk classify and assign.

Everything starts from permissions.petitions_visible_to (a foreign id is simply not found). The list never shows who
sent a petition (DESIGN.md §3), and a khiếu nại or tố cáo shows no content either.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from doithoai.accounts import permissions
from doithoai.lib import clock
from doithoai.lib.text import fold
from doithoai.petitions import actions, queries
from doithoai.petitions.actions import ActionError
from doithoai.petitions.inbox_forms import (
    MAX_WORDS,
    UNCLASSIFIED,
    BulkAssignForm,
    BulkClassifyForm,
    InboxFilterForm,
    unbound_bulk_forms,
)
from doithoai.petitions.models import OPEN_STATUSES, Assignment, Petition, excerpt_annotations, overdue_q
from doithoai.petitions.queries import normalise_code

Role = permissions.Role
S = Petition.Status
PAGE_SIZE = 25
EXCERPT = 140
MAX_SELECTED = 200
MAX_BACK = 4000  # characters of filters kept in the address back to the inbox
CONFIDENTIAL_LABELS = {
    Petition.Kind.KHIEU_NAI: "Khiếu nại — nội dung hạn chế",
    Petition.Kind.TO_CAO: "Tố cáo — nội dung hạn chế",
}
STATUS_RANK = {value: i for i, value in enumerate(S.values)}
CODE_LIKE = re.compile(r"[A-Z0-9-]{4,16}")
# Each figure of the staff home (queries.figure_conditions) as the inbox's query that lists exactly what it counts.
FIGURE_FILTERS = {
    "total": {},
    "open": {"trang_thai": list(OPEN_STATUSES)},
    "overdue": {"qua_han": ["1"]},
    "due_soon": {"sap_den_han": ["1"]},
    "awaiting_approval": {"trang_thai": [S.ANSWER_PENDING]},
    "new": {"trang_thai": [S.RECEIVED]},
    "awaiting_publication": {"cho_cong_khai": ["1"]},
    "reopened": {"mo_lai": ["1"]},
}
# The saved views of the daily work: (label, query).
SAVED_VIEWS = (
    ("Mới tiếp nhận", FIGURE_FILTERS["new"]),
    ("Quá hạn", FIGURE_FILTERS["overdue"]),
    ("Chờ duyệt", FIGURE_FILTERS["awaiting_approval"]),
    ("Đang giải quyết", {"trang_thai": [S.ASSIGNED, S.FORWARDED]}),
    ("Chờ công khai", FIGURE_FILTERS["awaiting_publication"]),
    ("Mở lại (chưa hài lòng)", FIGURE_FILTERS["reopened"]),
    ("Tất cả", FIGURE_FILTERS["total"]),
)
# The inbox's flags, each one of the named conditions of queries.py.
FLAGS = {
    "qua_han": overdue_q,
    "sap_den_han": queries.due_soon_q,
    "cho_cong_khai": lambda today: queries.awaiting_publication_q(),
    "mo_lai": lambda today: queries.reopened_q(),
}


@dataclass(frozen=True)
class Sort:
    """One order of the list: a key, its direction, and whether it may be null (nulls come last)."""

    key: str
    ascending: bool
    nullable: bool = False

    def order(self, forward: bool = True) -> list:
        asc = self.ascending == forward
        nulls = {"nulls_last": True} if asc else {"nulls_first": True}
        key = (F(self.key).asc if asc else F(self.key).desc)(**(nulls if self.nullable else {}))
        return [key, "id" if asc else "-id"]

    def after(self, value, pk: int) -> Q:
        """Rows after (value, pk) in this order."""
        op = "gt" if self.ascending else "lt"
        if value is None:
            return Q(**{f"{self.key}__isnull": True, f"id__{op}": pk})
        later = Q(**{f"{self.key}__{op}": value}) | Q(**{self.key: value, f"id__{op}": pk})
        return later | Q(**{f"{self.key}__isnull": True}) if self.nullable else later

    def before(self, value, pk: int) -> Q:
        """Rows before (value, pk) in this order."""
        op = "lt" if self.ascending else "gt"
        if value is None:
            return Q(**{f"{self.key}__isnull": False}) | Q(**{f"{self.key}__isnull": True, f"id__{op}": pk})
        return Q(**{f"{self.key}__{op}": value}) | Q(**{self.key: value, f"id__{op}": pk})

    def encode(self, petition) -> str:
        value = getattr(petition, self.key)
        return f"{'' if value is None else value.isoformat() if hasattr(value, 'isoformat') else value}_{petition.pk}"

    def decode(self, cursor: str):
        """(value, pk) from a cursor, or None if it does not parse (a hostile cursor is just ignored)."""
        raw_value, _, raw_pk = (cursor or "")[:80].rpartition("_")
        if not (raw_pk.isascii() and raw_pk.isdigit() and len(raw_pk) < 12):
            return None
        try:
            if raw_value == "":
                value = None if self.nullable else _raise()
            elif self.key == "received_at":
                value = dt.datetime.fromisoformat(raw_value)
                value = value if timezone.is_aware(value) else _raise()
            elif self.key == "deadline":
                value = dt.date.fromisoformat(raw_value)
            else:
                value = (
                    int(raw_value) if raw_value.isascii() and raw_value.isdigit() and len(raw_value) < 4 else _raise()
                )
        except ValueError:
            return None
        return value, int(raw_pk)


def _raise():
    raise ValueError


SORTS = {
    "moi": Sort("received_at", ascending=False),
    "cu": Sort("received_at", ascending=True),
    "han": Sort("deadline", ascending=True, nullable=True),
    "trang_thai": Sort("status_rank", ascending=True),
}


# ---------------------------------------------------------------- the list


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Ý kiến, kiến nghị: the unit's petitions for the coordinator and the chair; the MTTQ's read-only view."""
    user = request.user
    if not permissions.is_staff_user(user):
        raise PermissionDenied("petition.view")
    units = sorted({r.unit_id for r in permissions.roles_of(user)})
    form = InboxFilterForm(request.GET, units=units)
    chosen = form.filters()
    # Only narrows (never widens) what may be seen: the user's own units; the staff home counts the same set.
    base = queries.inbox_scope(user)
    filtered = _filter(base, chosen)
    sort = SORTS[chosen.get("sap_xep") or "moi"]
    rows, has_prev, has_next = _page(filtered, sort, request.GET)
    kept = _clean_query(chosen)
    today = clock.today()
    for petition in rows:
        _decorate(petition, today)
    context = {
        "form": form,
        "problems": form.problems(),
        "rows": rows,
        "total": filtered.count(),
        "counts": _counts(base, today, kept),
        "saved_views": _saved_views(kept),
        "prev_url": _page_url(kept, "truoc", sort.encode(rows[0])) if has_prev and rows else "",
        "next_url": _page_url(kept, "sau", sort.encode(rows[-1])) if has_next and rows else "",
        "can_bulk": bool(permissions.units_with_role(user, Role.COORDINATOR)),
        "filtering": bool({k for k in chosen if k != "sap_xep"}),
        "here": kept.urlencode(),
        "q_value": chosen.get("q", ""),
    }
    coordinated = permissions.units_with_role(user, Role.COORDINATOR)
    if coordinated:
        context["classify_form"], context["assign_form"] = unbound_bulk_forms(form, coordinated)
    template = "petitions/inbox.html#results" if request.htmx and not request.htmx.boosted else "petitions/inbox.html"
    return render(request, template, context)


def _filter(qs: QuerySet[Petition], chosen: dict) -> QuerySet[Petition]:
    """The filters that parsed, each narrowing the visible set."""
    simple = {
        "loai": "kind",
        "kenh": "channel",
        "buoi": "dialogue_id",
        "to_chuc": "submitter_organization_id",
        "thon": "village_id",
    }
    for name, field in simple.items():
        if name in chosen:
            qs = qs.filter(**{field: chosen[name]})
    if "trang_thai" in chosen:
        qs = qs.filter(status__in=chosen["trang_thai"])
    if chosen.get("linh_vuc") == UNCLASSIFIED:
        qs = qs.filter(topic__isnull=True)
    elif "linh_vuc" in chosen:
        qs = qs.filter(Q(topic_id=chosen["linh_vuc"]) | Q(topic__parent_id=chosen["linh_vuc"]))
    today = clock.today()
    for name, condition in FLAGS.items():
        if chosen.get(name):
            qs = qs.filter(condition(today))
    if "tu_ngay" in chosen:
        qs = qs.filter(received_at__gte=clock.local_datetime(chosen["tu_ngay"]))
    if "den_ngay" in chosen:
        qs = qs.filter(received_at__lt=clock.local_datetime(chosen["den_ngay"] + dt.timedelta(days=1)))
    if "q" in chosen:
        qs = qs.filter(_text_query(chosen["q"]))
    return qs


def _text_query(text: str) -> Q:
    """Every word, without diacritics, in the folded text; or the tracking code (whole or a part of it)."""
    words = fold(text).split()[:MAX_WORDS]
    condition = Q()
    for word in words:
        condition &= Q(search_key__icontains=word)
    if not words:
        condition = Q(pk__in=[])
    code = normalise_code(text)
    if code:
        condition |= Q(code=code)
    elif CODE_LIKE.fullmatch(text.strip().upper()):
        condition |= Q(code__icontains=text.strip().upper())
    return condition


def _page(qs: QuerySet[Petition], sort: Sort, query) -> tuple[list[Petition], bool, bool]:
    """One page by keyset: after the cursor ?sau=, or before ?truoc=; (rows, has_prev, has_next)."""
    qs = _rows(qs)
    after, before = sort.decode(query.get("sau", "")), sort.decode(query.get("truoc", ""))
    if before is not None and after is None:
        rows = list(qs.filter(sort.before(*before)).order_by(*sort.order(forward=False))[: PAGE_SIZE + 1])
        has_prev = len(rows) > PAGE_SIZE
        return list(reversed(rows[:PAGE_SIZE])), has_prev, True
    if after is not None:
        qs = qs.filter(sort.after(*after))
    rows = list(qs.order_by(*sort.order())[: PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], after is not None, len(rows) > PAGE_SIZE


def _rows(qs: QuerySet[Petition]) -> QuerySet[Petition]:
    """Only what a row shows: no submitter field is even read."""
    current = Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(is_current=True).select_related("lead").only("petition_id", "lead__name"),
        to_attr="current_assignments",
    )
    return (
        qs.select_related("topic__parent")
        .prefetch_related(current)
        .annotate(**excerpt_annotations(length=EXCERPT, hidden_kinds=CONFIDENTIAL_LABELS), status_rank=_status_rank())
        .only(
            "code",
            "received_at",
            "channel",
            "kind",
            "status",
            "deadline",
            "unit_id",
            "topic__name",
            "topic__parent__name",
        )
    )


def _status_rank():
    whens = [When(status=value, then=Value(rank)) for value, rank in STATUS_RANK.items()]
    return Case(*whens, default=Value(99), output_field=IntegerField())


def _decorate(petition: Petition, today: dt.date) -> None:
    petition.restricted = CONFIDENTIAL_LABELS.get(petition.kind, "")
    petition.excerpt = (petition.excerpt or "").rstrip()
    petition.truncated = petition.content_length > EXCERPT
    current = petition.current_assignments
    petition.lead_name = current[0].lead.name if current else ""
    try:
        petition.detail_url = reverse("petitions:detail", args=[petition.pk])
    except NoReverseMatch:  # the detail page is not there yet
        petition.detail_url = ""


def _counts(base: QuerySet[Petition], today: dt.date, query) -> dict:
    """Per status, and overdue, in the user's visible set: one grouped query; each a link applying that filter."""
    rows = base.order_by().values("status").annotate(n=Count("pk"), late=Count("pk", filter=overdue_q(today)))
    by_status = {row["status"]: row for row in rows}
    statuses = [
        {
            "value": value,
            "label": label,
            "n": by_status.get(value, {}).get("n", 0),
            "url": _filter_url({"trang_thai": [value]}),
            "active": query.getlist("trang_thai") == [value],
        }
        for value, label in S.choices
    ]
    late = sum(row["late"] for row in by_status.values())
    return {
        "statuses": statuses,
        "overdue": late,
        "overdue_url": _filter_url({"qua_han": ["1"]}),
        "all": sum(row["n"] for row in by_status.values()),
    }


def _filter_url(query: dict) -> str:
    return f"{reverse('petitions:inbox')}?{urlencode(query, doseq=True)}".rstrip("?")


def figure_urls() -> dict[str, str]:
    """The inbox's address for each figure of the staff home."""
    return {name: _filter_url(query) for name, query in FIGURE_FILTERS.items()}


def status_url(status: str) -> str:
    return _filter_url({"trang_thai": [status]})


def topic_url(topic_id: int | None) -> str:
    """The inbox for a topic (its own topics included), or for the petitions without one."""
    return _filter_url({"linh_vuc": [UNCLASSIFIED if topic_id is None else topic_id]})


def _saved_views(query: QueryDict) -> list[dict]:
    """The tabs; one is current when the filters are exactly its own (sorting aside)."""
    current = {k: sorted(query.getlist(k)) for k in query if k != "sap_xep"}
    return [
        {"label": label, "url": _filter_url(view), "active": current == {k: sorted(v) for k, v in view.items()}}
        for label, view in SAVED_VIEWS
    ]


def _clean_query(chosen: dict) -> QueryDict:
    """The filters that parsed, re-encoded: what a hostile query carried is not passed on to links."""
    query = QueryDict(mutable=True)
    for name, value in chosen.items():
        values = value if isinstance(value, list) else [value]
        query.setlist(name, [v.isoformat() if isinstance(v, dt.date) else "1" if v is True else str(v) for v in values])
    return query


def _page_url(query: QueryDict, direction: str, cursor: str) -> str:
    kept = query.copy()
    kept[direction] = cursor
    return f"{reverse('petitions:inbox')}?{kept.urlencode()}"


# ---------------------------------------------------------------- bulk actions


@require_POST
@login_required
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    """Phân loại or Giao xử lý for the selected petitions: each its own transaction; failures are listed."""
    user = request.user
    units = permissions.units_with_role(user, Role.COORDINATOR)
    if not units:
        raise PermissionDenied("petition.classify")
    back = _back_url(request.POST.get("loc", ""))
    ids = [int(v) for v in request.POST.getlist("chon") if v.isascii() and v.isdigit() and len(v) < 12][:MAX_SELECTED]
    if not ids:
        messages.warning(request, "Chưa chọn ý kiến nào.")
        return redirect(back)
    chosen = list(permissions.petitions_visible_to(user).filter(pk__in=ids).order_by("received_at", "id"))
    operation = request.POST.get("thao_tac", "")
    if operation == "phan_loai":
        form, verb, run = BulkClassifyForm(request.POST, units=units, prefix="pl"), "phân loại", _classify
    elif operation == "giao":
        form, verb, run = BulkAssignForm(request.POST, units=units, prefix="gx"), "giao xử lý", _assign
    else:
        messages.error(request, "Thao tác không hợp lệ.")
        return redirect(back)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[n].label}: {' '.join(e)}" for n, e in form.errors.items() if n in form.fields)
        messages.error(request, f"Chưa {verb}: {errors or 'thông tin chưa hợp lệ'}.")
        return redirect(back)
    failures = []
    for petition in chosen:
        try:
            run(petition, form.cleaned_data, user)
        except ActionError as error:
            failures.append(f"{petition.code}: {error}")
    failures += ["Không tìm thấy ý kiến đã chọn"] * (len(ids) - len(chosen))
    _report(request, verb, len(ids), failures)
    return redirect(back)


def _classify(petition: Petition, data: dict, user) -> None:
    actions.classify(petition, topic=data["topic"], kind=data["kind"], jurisdiction=data["jurisdiction"], by=user)


def _assign(petition: Petition, data: dict, user) -> None:
    actions.assign(petition, data["lead"], coordinating=list(data["coordinating"]), deadline=data["deadline"], by=user)


def _report(request: HttpRequest, verb: str, asked: int, failures: list[str]) -> None:
    done = asked - len(failures)
    text = f"Đã {verb} {done}/{asked} ý kiến"
    if failures:
        text += f"; {len(failures)} không thực hiện được: " + "; ".join(failures)
    (messages.success if not failures else messages.warning if done else messages.error)(
        request, text.rstrip(".") + "."
    )


def _back_url(raw: str) -> str:
    """Back to the inbox with the same filters (the query is re-encoded: never a redirect elsewhere)."""
    query = QueryDict(raw.lstrip("?")[:4000]).copy()
    for key in ("sau", "truoc"):
        query.pop(key, None)
    encoded = query.urlencode()
    # Re-encoded, 4000 letters may grow six-fold, past what Django redirects to (a 400 after the work was done).
    return reverse("petitions:inbox") + (f"?{encoded}" if encoded and len(encoded) <= MAX_BACK else "")
