"""Public pages of a commune and the staff home. Thin: fetch through queries, render."""

import datetime as dt
import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from doithoai.accounts import permissions
from doithoai.accounts import queries as account_queries
from doithoai.accounts.models import Unit
from doithoai.api import ratelimit
from doithoai.lib import clock, qr, uploads
from doithoai.petitions import actions, inbox_views
from doithoai.petitions import queries as petition_queries
from doithoai.petitions.models import Petition
from doithoai.petitions.notices import status_url
from doithoai.plans import queries as plan_queries
from doithoai.plans.models import Dialogue, DialogueMember, Plan, PlanTask
from doithoai.portal.forms import FeedbackForm, LookupForm, PetitionForm

Role = permissions.Role


def communes_or_choice(request: HttpRequest, page, several=None, **choice) -> HttpResponse:
    """A one-commune deployment shows the commune's page; with several, `several(request)` may answer first, else
    the visitor chooses a commune (`choice` names the link and the wording of portal/communes.html)."""
    communes = list(Unit.objects.filter(level=Unit.Level.COMMUNE).order_by("name"))
    if len(communes) == 1:
        return page(request, communes[0])
    return (several and several(request)) or render(request, "portal/communes.html", {"communes": communes, **choice})


def home(request: HttpRequest) -> HttpResponse:
    """One commune: its public home. Several: the list of communes."""
    return communes_or_choice(request, _commune_page)


def commune_home(request: HttpRequest, slug: str) -> HttpResponse:
    unit = get_object_or_404(Unit, slug=slug, level=Unit.Level.COMMUNE)
    return _commune_page(request, unit)


def _commune_page(request: HttpRequest, unit: Unit) -> HttpResponse:
    today = clock.today()
    plan = plan_queries.current_plan(unit, today.year)
    coming, held = plan_queries.split_coming_and_held(plan_queries.year_dialogues(plan)) if plan else ([], [])
    receptions = plan_queries.reception_days(unit, today, today + dt.timedelta(days=45))
    return render(
        request,
        "portal/home.html",
        {
            "unit": unit,
            "plan": plan,
            "coming": coming,
            "held": held[:3],
            "receptions": list(receptions[:4]),
            "today": today,
            "lookup_form": LookupForm(),
        },
    )


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The staff home: real figures for the units and organisations the user works for."""
    user = request.user
    roles = permissions.roles_of(user)
    if not roles and not user.dialogue_roles.exists():
        if user.is_staff:  # the administrator's work is the admin
            return redirect("admin:index")
        return render(request, "portal/no_role.html", status=403)
    visible = petition_queries.inbox_scope(user)  # what the inbox lists: each figure links to exactly its part
    unit_ids = permissions.units_with_role(user, *permissions.ANY_COMMUNE_ROLE)
    units = list(Unit.objects.filter(pk__in=unit_ids))
    today = clock.today()
    plans = [p for p in (plan_queries.current_plan(u, today.year) for u in units) if p]
    coming = []
    tasks = []
    for plan in plans:
        coming += plan_queries.split_coming_and_held(plan_queries.year_dialogues(plan))[0][:4]
        task_qs = plan.tasks.select_related("organization", "dialogue").filter(done_at__isnull=True)
        if not any(permissions.has_role(user, plan.unit_id, r) for r in permissions.UNIT_STAFF):
            own = [r.organization_id for r in roles if r.unit_id == plan.unit_id and r.organization_id]
            task_qs = task_qs.filter(organization_id__in=own)
        tasks += list(task_qs.order_by("due_on")[:8])
    province_units = permissions.province_communes(user)
    # The dialogues where the user sits as secretary or receiver (one query): the coming ones first, soonest first.
    seats = DialogueMember.objects.filter(user=user, dialogue__starts_at__year=today.year).select_related("dialogue")
    coming_seats, past_seats = _seats_in_order(seats, today)
    figures = petition_queries.summary_figures(visible)
    context = {
        "units": units,
        "plans": plans,
        "figures": figures,
        "figure_cards": _figure_cards(figures, permissions.role_codes(user)),
        "status_counts": [
            (code, label, n, inbox_views.status_url(code))
            for code, label, n in petition_queries.status_counts(visible)
            if n
        ],
        "topic_counts": [
            (name, n, inbox_views.topic_url(pk)) for pk, name, n in petition_queries.topic_counts(visible)[:6]
        ],
        "coming": coming,
        "tasks": tasks,
        "today": today,
        "role_codes": permissions.role_codes(user),
        "province_rows": _province_rows(province_units) if province_units else [],
        "last_days": {d.pk: d.last_announcement_day for d in coming},
        "seats": coming_seats + past_seats,
        "coming_seats": coming_seats,
        "past_seats": past_seats,
        "announce_due": _announce_due(user, today),
        "locked_accounts": account_queries.locked_accounts(user)
        if Role.COORDINATOR in permissions.role_codes(user)
        else [],
    }
    return render(request, "portal/staff_home.html", context)


# The staff home's figures: (name, label, tone when not zero); the chair's "Chờ duyệt" comes first in the chair's home.
FIGURE_CARDS = (
    ("total", "Tổng số ý kiến", ""),
    ("open", "Đang xử lý", ""),
    ("overdue", "Quá hạn", "alert"),
    ("due_soon", "Sắp đến hạn (5 ngày)", "warn"),
    ("awaiting_approval", "Chờ duyệt", ""),
    ("new", "Mới tiếp nhận", ""),
    ("awaiting_publication", "Chờ công khai", ""),
    ("reopened", "Mở lại (chưa hài lòng)", "alert"),
)
COORDINATOR_ONLY = ("awaiting_publication", "reopened")  # the coordinator publishes and reopens; others see none


def _figure_cards(figures: dict, codes: set[str]) -> list[dict]:
    """Each figure with its label and the inbox filtered to exactly the opinions it counts."""
    urls = inbox_views.figure_urls()
    cards = [
        {"name": name, "label": label, "n": figures[name], "url": urls[name], "tone": tone if figures[name] else ""}
        for name, label, tone in FIGURE_CARDS
        if Role.COORDINATOR in codes or name not in COORDINATOR_ONLY
    ]
    if Role.CHAIR in codes:
        cards.sort(key=lambda card: card["name"] != "awaiting_approval")
        cards[0]["tone"] = "warn" if cards[0]["n"] else ""
    return cards


def _seats_in_order(seats, today: dt.date) -> tuple[list, list]:
    """A secretary's or receiver's seats: those to come (not yet held, today or later) soonest first, then the past
    ones, latest first."""
    keyed = sorted(seats, key=lambda seat: (plan_queries.sort_key(seat.dialogue), seat.dialogue.pk, seat.role))
    coming = [
        s
        for s in keyed
        if s.dialogue.status not in plan_queries.NOT_COMING and plan_queries.sort_key(s.dialogue) >= today
    ]
    past = [s for s in reversed(keyed) if s not in coming]
    return coming, past


def _announce_due(user, today: dt.date) -> list[Dialogue]:
    """For a coordinator or publisher: dialogues whose announcement is due within 7 days or overdue (one query)."""
    from doithoai.plans.queries import announcement_units, due_announcements

    units = announcement_units(user)
    if not units:
        return []
    due = list(due_announcements(units, within_days=7)[:20])
    for d in due:
        d.last_day = d.last_announcement_day
        d.days_left = (d.last_day - today).days
    return due


def _province_rows(unit_ids: list[int]) -> list[dict]:
    """Aggregates per commune for a province officer: counts only, never identities (two queries)."""
    from doithoai.petitions.models import Petition

    per_unit = petition_queries.summary_figures_by_unit(Petition.objects.filter(unit_id__in=unit_ids))
    empty = dict.fromkeys(petition_queries.FIGURES, 0)
    return [{"unit": unit, **per_unit.get(unit.pk, empty)} for unit in Unit.objects.filter(pk__in=unit_ids)]


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans of the user's units, newest first, each with the plan that replaced it."""
    plans = list(
        permissions.plans_visible_to(request.user)
        .select_related("unit", "document__register", "superseded_by__document__register")
        .order_by("-year", "-issued_on", "-pk")[:200]
    )
    for plan in plans:
        try:
            plan.replacement = plan.superseded_by
        except Plan.DoesNotExist:
            plan.replacement = None
    may_issue = bool(permissions.units_with_role(request.user, permissions.Role.COORDINATOR))
    return render(request, "portal/plan_list.html", {"plans": plans, "may_issue": may_issue})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(
        permissions.plans_visible_to(request.user).select_related(
            "document__register", "signer_post__person", "supersedes__document__register", "unit"
        ),
        pk=pk,
    )
    try:
        superseded_by = plan.superseded_by
    except Plan.DoesNotExist:
        superseded_by = None
    tasks = PlanTask.objects.filter(plan=plan).select_related("organization", "dialogue").order_by("section", "due_on")
    return render(
        request,
        "portal/plan_detail.html",
        {
            "plan": plan,
            "superseded_by": superseded_by,
            "dialogues": list(plan_queries.year_dialogues(plan)),
            "tasks": tasks,
            "today": clock.today(),
        },
    )


# ---------------------------------------------------------------- opinions: the form, the receipt, the status page


def submit(request: HttpRequest) -> HttpResponse:
    """Gửi ý kiến. One commune: its form. Several: the commune choice (a hall's QR code names its dialogue,
    and so its commune)."""
    return communes_or_choice(
        request,
        _submit_page,
        several=_submit_for_dialogue,
        link="portal:commune_submit",
        heading="Gửi ý kiến, kiến nghị",
        lead="Chọn xã nơi bạn muốn gửi ý kiến, kiến nghị, phản ánh.",
    )


def _submit_for_dialogue(request: HttpRequest) -> HttpResponse | None:
    """With several communes, a hall's QR code (?buoi=) leads to the form of its dialogue's commune."""
    if "buoi" not in request.GET:
        return None
    dialogue = _dialogue(request, unit__level=Unit.Level.COMMUNE)
    return redirect(reverse("portal:commune_submit", args=[dialogue.unit.slug]) + f"?buoi={dialogue.pk}")


def commune_submit(request: HttpRequest, slug: str) -> HttpResponse:
    return _submit_page(request, get_object_or_404(Unit, slug=slug, level=Unit.Level.COMMUNE))


def _dialogue(request: HttpRequest, **where) -> Dialogue:
    """The dialogue a hall's QR code names (?buoi=<id>); a 404 unless it is one of `where` (its commune)."""
    try:
        pk = int(request.GET["buoi"])
    except ValueError:
        raise Http404("buoi") from None
    return get_object_or_404(Dialogue.objects.select_related("unit"), pk=pk, **where)


def _submit_page(request: HttpRequest, unit: Unit) -> HttpResponse:
    """The public opinion form. No per-address limit here: a whole hall may share one Wi-Fi address."""
    dialogue = _dialogue(request, unit=unit) if "buoi" in request.GET else None
    channel = Petition.Channel.QR_AT_DIALOGUE if dialogue else Petition.Channel.ONLINE
    status = 200
    if request.method == "POST":
        form = PetitionForm(request.POST, request.FILES, unit=unit)
        if form.is_valid():
            by = request.user if request.user.is_authenticated else None
            kwargs = form.action_kwargs()
            refused = _attachments_refused(request, kwargs["attachments"])
            if refused:
                kwargs.update(attachments=[], refused_attachments=len(kwargs["attachments"]))
            try:
                petition = actions.submit_petition(unit, channel=channel, dialogue=dialogue, by=by, **kwargs)
            except ValidationError as error:
                form.add_action_errors(error)
            except actions.ActionError as error:
                form.add_error(None, str(error))
            else:
                receipt = urlencode({"moi": 1, "k": signing.dumps(petition.code, salt=RECEIPT_SALT)})
                response = redirect(petition.get_status_url() + "?" + receipt)
                if refused:
                    _remember_refused(response, petition.code, refused, form.cleaned_data["attachments"])
                return response
        status = 422
    else:
        form = PetitionForm(unit=unit)
    context = {"form": form, "unit": unit, "dialogue": dialogue}
    return render(request, "portal/petition_form.html", context, status=status)


def _attachments_refused(request: HttpRequest, files: list) -> str:
    """Why the files of a public submission are not kept ("" when they are): past the address's hourly allowance,
    or a disk nearly full. The opinion itself is always kept; only its files are refused."""
    size = sum(getattr(f, "size", 0) or 0 for f in files)
    if not size:
        return ""
    kept = "Ý kiến của bạn đã được tiếp nhận, nhưng %s tệp đính kèm không được lưu: %s"
    if not uploads.disk_has_room(size):
        return kept % (
            len(files),
            "hệ thống tạm thời không nhận thêm tệp. Xin gửi tệp sau, hoặc mang đến Văn phòng Đảng ủy xã.",
        )
    if not ratelimit.reserve_upload(request, size):
        limit = settings.UPLOAD_BYTES_PER_HOUR // (1024 * 1024)
        return kept % (
            len(files),
            f"trong một giờ, mỗi địa chỉ mạng chỉ gửi được tối đa {limit} MB tệp. Xin gửi "
            "tệp sau một giờ, hoặc mang đến Văn phòng Đảng ủy xã.",
        )
    return ""


REFUSED_COOKIE, REFUSED_SALT = "tep_khong_luu", "doithoai.portal.receipt.refused"


def _remember_refused(response: HttpResponse, code: str, why: str, files: list) -> None:
    """The files refused with a kept opinion (name, size) and why, for its receipt and printed receipt: in a signed
    cookie of that receipt's address for a day (never in the URL, which reaches the server's log)."""
    value = {"code": code, "why": why, "files": [(f.name[:120], f.size) for f in files]}
    response.set_cookie(
        REFUSED_COOKIE,
        signing.dumps(value, salt=REFUSED_SALT, compress=True),
        max_age=RECEIPT_AGE,
        path=reverse("portal:petition_status", args=[code]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _receipt_files(request: HttpRequest, petition: Petition) -> dict:
    """What the receipt confirms of the files: those kept (name and size) and those refused, with why."""
    try:
        refused = signing.loads(request.COOKIES.get(REFUSED_COOKIE, ""), salt=REFUSED_SALT, max_age=RECEIPT_AGE)
    except signing.BadSignature:
        refused = {}
    if not isinstance(refused, dict) or refused.get("code") != petition.code:
        refused = {}
    kept = list(petition.attachments.order_by("pk").values_list("original_name", "size"))
    return {"kept": kept, "refused": refused.get("files", []), "why": refused.get("why", "")}


def _lookups_exceeded(request: HttpRequest) -> HttpResponse | None:
    """Count one look-up of a tracking code in the API's "lookup" bucket (shared by the pages and the API, so
    guessing codes is as slow on either); over the limit, the Vietnamese 429 page."""
    retry_after = ratelimit.exceeded(request, ratelimit.LOOKUP)
    if retry_after is None:
        return None
    response = render(request, "portal/too_many_lookups.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def petition_lookup(request: HttpRequest) -> HttpResponse:
    """Tra cứu: the code typed in any way leads to its status page."""
    if "ma" in request.GET and (refused := _lookups_exceeded(request)):
        return refused
    form = LookupForm(request.GET if "ma" in request.GET else None)
    if form.is_valid():
        return redirect("portal:petition_status", code=form.cleaned_data["ma"])
    return render(request, "portal/petition_lookup.html", {"form": form})


RECEIPT_SALT = "doithoai.portal.receipt"
RECEIPT_AGE = 24 * 3600  # a receipt's own link (and its refused files) are the submitter's for a day


def _own_receipt(request: HttpRequest, code: str) -> bool:
    """The page of a receipt just given (its link carries a signed key, valid for a day): not a look-up to count,
    so a citizen always sees the receipt of what they sent, however busy the hall's shared address is."""
    try:
        signed = signing.loads(request.GET.get("k", ""), salt=RECEIPT_SALT, max_age=RECEIPT_AGE)
    except signing.BadSignature:
        return False
    return bool(signed) and signed == petition_queries.normalise_code(code)


def _by_code(view, *, count_hits: bool = True):
    """Resolve the tracking code of the URL (as people type it); unknown or malformed: the Vietnamese 404.
    Every look-up counts against the address's limit (only the misses, with count_hits=False), except the
    submitter's own receipt."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, code: str) -> HttpResponse:
        if count_hits and not _own_receipt(request, code) and (refused := _lookups_exceeded(request)):
            return refused
        petition = petition_queries.by_public_code(code)
        if petition is None:
            if not count_hits and (refused := _lookups_exceeded(request)):
                return refused
            context = {"code": code[:40], "form": LookupForm()}
            return render(request, "portal/petition_not_found.html", context, status=404)
        return view(request, petition)

    return wrapper


@_by_code
def petition_status(request: HttpRequest, petition: Petition) -> HttpResponse:
    """The public status of a tracking code, masked (DESIGN.md §6); with ?moi=1 the receipt on top,
    with ?moi=1&in=1 the receipt alone, to print."""
    return _status_page(request, petition, FeedbackForm())


def _status_page(request: HttpRequest, petition: Petition, feedback: FeedbackForm, status: int = 200) -> HttpResponse:
    receipt = request.GET.get("moi") == "1"
    printing = receipt and request.GET.get("in") == "1"
    template = "portal/petition_receipt_print.html" if printing else "portal/petition_status.html"
    own = receipt and _own_receipt(request, petition.code)
    context = {
        "status": petition_queries.public_status(petition),
        "unit": petition.unit,
        "receipt": receipt,
        "receipt_key": request.GET.get("k", "") if own else "",
        # Only the submitter's own receipt names the files (a name may be personal): not the page of a code.
        "receipt_files": _receipt_files(request, petition) if own else None,
        "status_url": status_url(petition),
        "feedback": feedback,
    }
    return render(request, template, context, status=status)


@functools.partial(_by_code, count_hits=False)
def petition_qr(request: HttpRequest, petition: Petition) -> HttpResponse:
    """The QR code of the status page's address (lib/urls.py: DOITHOAI_BASE_URL), as SVG. Loaded with the status page, which has
    counted the look-up already: only an unknown code counts here (it could be used to guess codes)."""
    response = HttpResponse(qr.svg(status_url(petition), title=f"Mã QR: {petition.code}"), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_POST
@_by_code
def petition_feedback(request: HttpRequest, petition: Petition) -> HttpResponse:
    """Đánh giá: the code is the secret; one rating per answer (the action enforces it)."""
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            answer = actions.record_feedback(petition, **form.action_kwargs())
        except actions.ActionError as error:
            form.add_error(None, str(error))
        else:
            if answer.satisfaction == answer.Satisfaction.SATISFIED:
                messages.success(request, "Cảm ơn bạn đã đánh giá câu trả lời.")
            else:
                messages.success(request, "Cảm ơn bạn. Ý kiến đã được chuyển lại Văn phòng Đảng ủy xã để xem xét thêm.")
            return redirect(petition.get_status_url())
    return _status_page(request, petition, form, status=422)
