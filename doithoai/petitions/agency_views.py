"""The agency inbox (Việc được giao): what is assigned to an officer's organisation, as lead (chủ trì) or as a
coordinating unit (phối hợp), and one page per assignment where the lead acts.

Thin: assignments are found only among the current ones of the officer's organisations (anything else is a 404);
each form posts to its own URL and calls one action. Every page works without JavaScript; htmx swaps a form in
place. Never the submitter's identity: only the content, the public summary and the staff timeline.
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from doithoai.accounts import permissions
from doithoai.accounts.models import Organization
from doithoai.lib import clock
from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.lib.responses import after_post
from doithoai.lib.uploads import MAX_BYTES
from doithoai.petitions import actions
from doithoai.petitions.actions import ActionError
from doithoai.petitions.agency_forms import AnswerForm, ExtensionForm, ReturnForm
from doithoai.petitions.detail_views import FILE_TYPES
from doithoai.petitions.models import (
    ASSIGNMENT_IN_HAND,
    Answer,
    Assignment,
    ExtensionRequest,
    HistoryAction,
    HistoryEntry,
    excerpt_annotations,
)

Role = permissions.Role
A = Assignment.Status
PAGE_SIZE = 25
EXCERPT = 140
ANSWERED_DAYS = 30
TABS = {"chu-tri": "Chủ trì", "phoi-hop": "Phối hợp"}
# The steps of a petition's timeline an agency needs (not merges, summary edits or the submitter's feedback).
AGENCY_STEPS = (
    HistoryAction.RECEIVE,
    HistoryAction.CLASSIFY,
    HistoryAction.ASSIGN,
    HistoryAction.FORWARD,
    HistoryAction.ACCEPT,
    HistoryAction.RETURN,
    HistoryAction.EXTENSION_REQUESTED,
    HistoryAction.EXTENSION_GRANTED,
    HistoryAction.EXTENSION_REFUSED,
    HistoryAction.RECORD_ANSWER,
    HistoryAction.APPROVE,
    HistoryAction.RETURN_ANSWER,
    HistoryAction.PUBLISH,
    HistoryAction.CLOSE,
    HistoryAction.REOPEN,
)
FORMS = {"answer": AnswerForm, "extension": ExtensionForm, "return": ReturnForm}


# ---------------------------------------------------------------- who and which organisation


def _agency_organizations(user) -> list[Organization]:
    """The organisations the user works for as an agency officer (from the roles read once per request)."""
    organizations = list({o.pk: o for o in permissions.organizations_for(user, Role.AGENCY)}.values())
    if not organizations:
        raise PermissionDenied("agency")
    return sorted(organizations, key=lambda o: o.name)


def _chosen(request: HttpRequest, organizations: list[Organization]) -> Organization:
    """?co-quan=<id> among the user's own organisations (another id is a 404); the first by default."""
    raw = request.GET.get("co-quan", "")
    if not raw:
        return organizations[0]
    chosen = next((o for o in organizations if str(o.pk) == raw), None)
    if chosen is None:
        raise Http404("co-quan")
    return chosen


def _coordinating(org_ids) -> Exists:
    through = Assignment.coordinating.through.objects.filter(assignment_id=OuterRef("pk"), organization_id__in=org_ids)
    return Exists(through)


def _of_organizations(organizations: list[Organization]):
    """Current assignments where one of the organisations leads or coordinates, in that organisation's unit."""
    condition = Q(pk__in=[])
    for org in organizations:
        condition |= Q(petition__unit_id=org.unit_id) & (Q(lead_id=org.pk) | _coordinating([org.pk]))
    return Assignment.objects.filter(condition, is_current=True)


# ---------------------------------------------------------------- the inbox


@login_required
def agency_inbox(request: HttpRequest) -> HttpResponse:
    """Việc được giao: the organisation's assignments, open ones first by deadline, then those answered lately."""
    organizations = _agency_organizations(request.user)
    organization = _chosen(request, organizations)
    tab = request.GET.get("vai", "chu-tri")
    if tab not in TABS:
        tab = "chu-tri"
    base_query = {"co-quan": organization.pk} if len(organizations) > 1 else {}
    today = clock.today()
    since = clock.now() - dt.timedelta(days=ANSWERED_DAYS)
    mine = _of_organizations([organization])
    answered_at = Answer.objects.filter(assignment_id=OuterRef("pk")).order_by("-answered_at").values("answered_at")[:1]
    listed = Q(status__in=ASSIGNMENT_IN_HAND) | Q(status=A.ANSWERED, answered_on__gte=since)
    lead, coord = Q(lead_id=organization.pk), _coordinating([organization.pk])
    counts = (
        mine.annotate(answered_on=Subquery(answered_at))
        .filter(listed)
        .aggregate(
            lead=Count("pk", filter=lead & Q(status__in=ASSIGNMENT_IN_HAND)),
            coord=Count("pk", filter=coord & Q(status__in=ASSIGNMENT_IN_HAND)),
        )
    )
    page = Paginator(_rows(mine.filter(lead if tab == "chu-tri" else coord), answered_at, listed), PAGE_SIZE)
    page = page.get_page(request.GET.get("trang"))
    for row in page:
        _describe(row, today)
    context = {
        "organizations": organizations,
        "organization": organization,
        "tab": tab,
        "tabs": [
            (key, label, _url(base_query, vai=key), counts["lead" if key == "chu-tri" else "coord"])
            for key, label in TABS.items()
        ],
        "page": page,
        "page_url": _url(base_query, vai=tab),
        "answered_days": ANSWERED_DAYS,
    }
    return render(request, "petitions/agency_inbox.html", context)


def _url(base_query: dict, **query) -> str:
    return f"{reverse('petitions:agency_inbox')}?{urlencode({**base_query, **query})}"


def _rows(qs, answered_at, listed):
    """One page's rows with everything they show, in two queries (count and page)."""
    pending = ExtensionRequest.objects.filter(assignment_id=OuterRef("pk"), status=ExtensionRequest.Status.REQUESTED)
    # The chair's latest sending back of this assignment's answer (the reason is the entry's note).
    sent_back = HistoryEntry.objects.filter(
        petition_id=OuterRef("petition_id"), action="return_answer", at__gte=OuterRef("assigned_at")
    ).order_by("-at", "-id")
    return (
        qs.annotate(
            answered_on=Subquery(answered_at),
            done=Case(When(status=A.ANSWERED, then=Value(1)), default=Value(0), output_field=IntegerField()),
            open_deadline=Case(When(status__in=ASSIGNMENT_IN_HAND, then=F("deadline")), default=None),
            **excerpt_annotations("petition__content", EXCERPT),
            extension_until=Subquery(pending.order_by("-requested_at").values("requested_deadline")[:1]),
            sent_back_reason=Subquery(sent_back.values("note")[:1]),
        )
        .filter(listed)
        .select_related("petition")
        # Only what a row shows: the submitter's name and contact details are never even read.
        .only(
            "pk",
            "status",
            "deadline",
            "assigned_at",
            "lead_id",
            "petition__code",
            "petition__kind",
            "petition__public_summary",
            "petition__status",
        )
        .order_by("done", F("open_deadline").asc(nulls_last=True), F("answered_on").desc(nulls_last=True), "pk")
    )


def _describe(row: Assignment, today: dt.date) -> None:
    """What a row says: the summary (or the start of the content), and how the deadline stands."""
    petition = row.petition
    confidential = petition.kind in CONFIDENTIAL_KINDS
    summary = "" if confidential else petition.public_summary.strip()
    row.text = summary or row.excerpt.rstrip() + ("…" if row.content_length > EXCERPT else "")
    row.is_open = row.status in ASSIGNMENT_IN_HAND
    row.sent_back = row.sent_back_reason if row.is_open else ""  # answered again since: no longer news
    row.overdue_days = (today - row.deadline).days if row.is_overdue else 0
    row.days_left = (row.deadline - today).days if row.is_open and row.deadline and not row.overdue_days else None


# ---------------------------------------------------------------- one assignment


def _assignment(request: HttpRequest, pk: int) -> tuple[Assignment, bool]:
    """The assignment, if it is a current one of the officer's organisations (else 404), and whether they lead it."""
    organizations = _agency_organizations(request.user)
    assignment = (
        _of_organizations(organizations)
        .select_related("petition__topic", "lead", "petition__unit")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404("assignment")
    return assignment, assignment.lead_id in {o.pk for o in organizations}


@login_required
def agency_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One assignment: the petition as the agency needs it, and the lead's actions."""
    assignment, is_lead = _assignment(request, pk)
    return _item_page(request, assignment, is_lead)


def _item_page(request, assignment: Assignment, is_lead: bool, *, bound=None, status: int = 200) -> HttpResponse:
    petition = assignment.petition
    answers = list(Answer.objects.filter(assignment=assignment).order_by("-answered_at", "-pk"))
    history = _history(petition)
    forms = {name: form_class() for name, form_class in FORMS.items()}
    errors = {}
    if bound is not None:
        name, form_or_error = bound
        if isinstance(form_or_error, str):
            errors[name] = form_or_error
        else:
            forms[name] = form_or_error
    # htmx swaps only the form that was posted; anything else gets the whole page.
    swap = request.htmx and bound is not None  # an error status 422 is swapped too (htmx-config in base.html)
    template = f"petitions/agency_item.html#{bound[0]}-form" if swap else "petitions/agency_item.html"
    context = {
        "assignment": assignment,
        "petition": petition,
        "is_lead": is_lead,
        "confidential": petition.kind in CONFIDENTIAL_KINDS,
        "coordinating": list(assignment.coordinating.order_by("name").values_list("name", flat=True)),
        # Linked to the permission-checked download (a tố cáo's files: the Party Office and the chair only).
        "attachments": list(petition.attachments.only("pk", "petition", "original_name", "content_type", "size")),
        "attachments_open": permissions.can_see_internal(request.user, petition),
        "file_types": FILE_TYPES,
        "answer": next((a for a in answers if a.is_current), None),
        "sent_back": _sent_back(assignment, answers, history),
        "extensions": list(assignment.extensions.order_by("-requested_at")),
        "history": history,
        "forms": forms,
        "errors": errors,
        "can_accept": is_lead and assignment.status == A.ASSIGNED,
        "can_act": is_lead and assignment.status in ASSIGNMENT_IN_HAND,
        "today": clock.today(),
    }
    return render(request, template, context, status=status)


def _sent_back(assignment: Assignment, answers: list[Answer], history: list[HistoryEntry]) -> dict | None:
    """While the matter is the agency's again after the chair sent its answer back: when, why, and that answer."""
    if assignment.status not in ASSIGNMENT_IN_HAND:
        return None
    entry = next((h for h in reversed(history) if h.action == "return_answer" and h.at >= assignment.assigned_at), None)
    if entry is None:
        return None
    answer = next((a for a in answers if not a.is_current and a.approved_at is None), None)
    return {"at": entry.at, "reason": entry.note, "answer": answer}


def _history(petition) -> list[HistoryEntry]:
    entries = list(
        petition.history.filter(action__in=AGENCY_STEPS).only("petition_id", "at", "actor_label", "action", "note")
    )
    for entry in entries:
        entry.label = entry.get_action_display()
    return entries


def _done(request: HttpRequest, message: str, url: str) -> HttpResponse:
    return after_post(request, url, message)


def _lead_assignment(request: HttpRequest, pk: int) -> Assignment:
    """A POST comes only from the lead organisation's officer; a coordinating one may read, not act (403)."""
    assignment, is_lead = _assignment(request, pk)
    if not is_lead:
        raise PermissionDenied("agency.lead")
    return assignment


def _item_url(assignment: Assignment) -> str:
    return reverse("petitions:agency_item", args=[assignment.pk])


@require_POST
@login_required
def agency_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Nhận xử lý."""
    assignment = _lead_assignment(request, pk)
    try:
        actions.accept_assignment(assignment, by=request.user)
    except ActionError as error:
        return _item_page(request, assignment, True, bound=("accept", str(error)), status=422)
    return _done(request, "Đã nhận xử lý. Xin trả lời trước hạn.", _item_url(assignment))


@require_POST
@login_required
def agency_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Trả lời: record the answer (and its document), which then awaits the chair's approval."""
    assignment = _lead_assignment(request, pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_answer(
                assignment.petition,
                data["text"],
                document_number=data["document_number"],
                document_date=data["document_date"],
                document_file=_kept(data["document_file"]),
                by=request.user,
            )
        except ActionError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, "Đã ghi trả lời; trả lời đang chờ Thường trực duyệt.", _item_url(assignment))
    return _item_page(request, assignment, True, bound=("answer", form), status=422)


def _kept(upload):
    """The uploaded file as a copy the action can still write after commit. Django closes a request's uploads when
    the response is done; should the commit come later (a transaction around the request, as in tests), the
    original would be closed by then. Too big a file is passed as it is: the action refuses it unread."""
    if not upload:
        return None
    if upload.size > MAX_BYTES:
        return upload
    upload.seek(0)
    return ContentFile(upload.read(), name=upload.name)


@require_POST
@login_required
def agency_extension(request: HttpRequest, pk: int) -> HttpResponse:
    """Xin gia hạn."""
    assignment = _lead_assignment(request, pk)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            actions.request_extension(
                assignment,
                new_deadline=form.cleaned_data["new_deadline"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ActionError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, "Đã gửi đề nghị gia hạn cho Văn phòng Đảng ủy.", _item_url(assignment))
    return _item_page(request, assignment, True, bound=("extension", form), status=422)


@require_POST
@login_required
def agency_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Trả lại: the matter goes back to the coordinator, and leaves this inbox."""
    assignment = _lead_assignment(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            actions.return_assignment(assignment, form.cleaned_data["reason"], by=request.user)
        except ActionError as error:
            form.add_error(None, str(error))
        else:
            message = f"Đã trả lại ý kiến {assignment.petition.code} cho Văn phòng Đảng ủy."
            query = {"co-quan": assignment.lead_id} if len(_agency_organizations(request.user)) > 1 else {}
            return _done(request, message, _url(query, vai="chu-tri"))
    return _item_page(request, assignment, True, bound=("return", form), status=422)
