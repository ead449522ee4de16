"""Staff pages of speaker registration (đăng ký phát biểu) and printed slips, and the business dialogue's list.

Thin: the dialogue is found only among those the user may see (anything else is a 404) and the page needs
"dialogue.console" (the unit's staff, or the dialogue's secretary and receivers; else 403). Each form posts to its
own URL and calls one action; every page works without JavaScript, htmx swaps the queue in place. Phone numbers
of speakers are personal data: they appear on the queue page only, never on any other page.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from doithoai.accounts import permissions
from doithoai.accounts.models import Organization
from doithoai.lib import qr
from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.lib.responses import after_post
from doithoai.lib.urls import absolute_url
from doithoai.petitions.actions import ActionError
from doithoai.plans import actions
from doithoai.plans.fields import run_action
from doithoai.plans.models import Dialogue, Invitation, PrintedSlip, SpeakerRequest
from doithoai.plans.speaker_forms import MoveForm, PrintSlipsForm, SpeakerEntryForm

S = SpeakerRequest.Status
QUEUE_PAGE = 50
LIST_PAGE = 25
EXCERPT = 200
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
PER_PAGE = (2, 4)


# ---------------------------------------------------------------- which dialogue, which request


def _dialogue(request: HttpRequest, pk: int) -> Dialogue:
    """The dialogue if the user may see it (else 404) and work its console (else 403)."""
    dialogue = permissions.dialogues_visible_to(request.user).select_related("unit").filter(pk=pk).first()
    if dialogue is None:
        raise Http404("dialogue")
    if not permissions.can(request.user, "dialogue.console", dialogue):
        raise PermissionDenied("dialogue.console")
    return dialogue


def _speaker(dialogue: Dialogue, rid: int) -> SpeakerRequest:
    speaker = SpeakerRequest.objects.filter(dialogue=dialogue, pk=rid).first()
    if speaker is None:
        raise Http404("speaker")
    return speaker


def _queue_url(dialogue: Dialogue, page: int | None = None) -> str:
    url = reverse("plans:speaker_queue", args=[dialogue.pk])
    return f"{url}?{urlencode({'trang': page})}" if page and page > 1 else url


def _page_number(request: HttpRequest) -> int:
    raw = request.POST.get("trang") or request.GET.get("trang") or "1"
    # isascii: "²".isdigit() is true, yet int() refuses it.
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 and int(raw) > 0 else 1


# ---------------------------------------------------------------- the queue


def _queue_context(request: HttpRequest, dialogue: Dialogue, *, page_number: int | None = None) -> dict:
    """The queue (in order, one page) and the withdrawn requests, in three queries whatever their number."""
    rows = (
        SpeakerRequest.objects.filter(dialogue=dialogue)
        .select_related("organization", "topic")
        .order_by("position", "created_at", "pk")
    )
    page = Paginator(rows.exclude(status=S.WITHDRAWN), QUEUE_PAGE).get_page(page_number or _page_number(request))
    offset = (page.number - 1) * QUEUE_PAGE
    total = page.paginator.count
    open_ = not dialogue.speaker_queue_closed  # concluded: the queue is the record, offered as read-only
    for index, row in enumerate(page, start=offset + 1):
        row.index = index
        row.can_accept = open_ and row.status == S.REQUESTED
        row.can_mark_spoken = (
            open_
            and row.status == S.ACCEPTED
            and dialogue.status
            in (
                Dialogue.Status.ANNOUNCED,
                Dialogue.Status.SCHEDULED,
                Dialogue.Status.HELD,
            )
        )
        row.can_withdraw = open_ and row.status in (S.REQUESTED, S.ACCEPTED)
        row.up_to = index - 1 if open_ and index > 1 else None
        row.down_to = index + 1 if open_ and index < total else None
    return {
        "dialogue": dialogue,
        "page": page,
        "total": total,
        "queue_open": open_,
        "withdrawn": list(rows.filter(status=S.WITHDRAWN)[:200]),
        "queue_url": _queue_url(dialogue, page.number),
        "can_edit": permissions.can(request.user, "dialogue.edit", dialogue),
        "business": dialogue.kind == Dialogue.Kind.BUSINESS,
    }


def _queue_page(request, dialogue, *, form=None, error="", done="", status=200, page_number=None) -> HttpResponse:
    context = _queue_context(request, dialogue, page_number=page_number)
    context.update(form=form or SpeakerEntryForm(dialogue=dialogue), queue_error=error, queue_done=done)
    return render(request, "plans/speaker_queue.html", context, status=status)


@login_required
def speaker_queue(request: HttpRequest, pk: int) -> HttpResponse:
    """Danh sách đăng ký phát biểu: the queue, its actions and the staff entry."""
    return _queue_page(request, _dialogue(request, pk))


def _after(request: HttpRequest, dialogue: Dialogue, message: str) -> HttpResponse:
    """htmx: the queue again, with the message in it; without JavaScript: back to the page (PRG)."""
    page_number = _page_number(request)
    if request.htmx:
        context = _queue_context(request, dialogue, page_number=page_number)
        context["queue_done"] = message
        return render(request, "plans/speaker_queue.html#queue", context)
    messages.success(request, message)
    return redirect(_queue_url(dialogue, page_number))


def _refused(request: HttpRequest, dialogue: Dialogue, error: str) -> HttpResponse:
    if request.htmx:
        context = _queue_context(request, dialogue)
        context["queue_error"] = error
        return render(request, "plans/speaker_queue.html#queue", context, status=422)
    return _queue_page(request, dialogue, error=error, status=422)


def _row_action(act, done: str, doc: str):
    """A POST on one request of the queue: run the action, then the queue again (or the refusal, 422)."""

    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
        dialogue = _dialogue(request, pk)
        speaker = _speaker(dialogue, rid)
        try:
            act(speaker, by=request.user)
        except ActionError as error:
            return _refused(request, dialogue, f"{speaker.name}: {error}")
        return _after(request, dialogue, done.format(name=speaker.name))

    view.__doc__ = doc
    return view


speaker_accept = _row_action(actions.accept_speaker, "Đã nhận phát biểu: {name}.", "Nhận phát biểu.")
speaker_withdraw = _row_action(actions.withdraw_speaker, "Đã ghi rút đăng ký: {name}.", "Rút đăng ký.")
speaker_spoke = _row_action(actions.mark_spoken, "Đã ghi {name} đã phát biểu.", "Đã phát biểu.")


@require_POST
@login_required
def speaker_move(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    """Đổi thứ tự: up, down (a hidden position) or to a typed position."""
    dialogue = _dialogue(request, pk)
    speaker = _speaker(dialogue, rid)
    if speaker.status == S.WITHDRAWN:
        return _refused(request, dialogue, f"{speaker.name}: đã rút đăng ký, không còn trong danh sách.")
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _refused(request, dialogue, f"{speaker.name}: {' '.join(form.errors['to'])}")
    try:
        queue = actions.move_speaker(speaker, to=form.cleaned_data["to"], by=request.user)
    except ActionError as error:
        return _refused(request, dialogue, f"{speaker.name}: {error}")
    where = next(i for i, r in enumerate(queue, start=1) if r.pk == speaker.pk)
    page_number = (where - 1) // QUEUE_PAGE + 1
    message = f"Đã chuyển {speaker.name} đến vị trí {where}."
    if request.htmx:
        context = _queue_context(request, dialogue, page_number=page_number)
        context["queue_done"] = message
        return render(request, "plans/speaker_queue.html#queue", context)
    messages.success(request, message)
    return redirect(_queue_url(dialogue, page_number) + f"#dk-{speaker.pk}")


@require_POST
@login_required
def speaker_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Cán bộ nhập đăng ký phát biểu (also from a printed slip): the request joins the end of the queue."""
    dialogue = _dialogue(request, pk)
    if dialogue.speaker_queue_closed:  # register_speaker refuses it too; the page has no entry form to show it on
        response = _refused(request, dialogue, actions.queue_closed_message(dialogue))
        if request.htmx:  # a page opened before the conclusion: the queue, now closed, says why
            response["HX-Retarget"], response["HX-Reswap"] = "#hang-doi", "outerHTML"
        return response
    form = SpeakerEntryForm(request.POST, dialogue=dialogue)
    if form.is_valid():
        speaker = run_action(form, lambda: actions.register_speaker(dialogue, by=request.user, **form.action_kwargs()))
        if speaker is not None:
            message = f"Đã ghi đăng ký phát biểu của {speaker.name}" + (
                f" (phiếu {speaker.slip_code})." if speaker.slip_code else "."
            )
            return after_post(request, _queue_url(dialogue) + "#nhap-dang-ky", message)
    if request.htmx:
        return render(request, "plans/speaker_queue.html#entry-form", {"dialogue": dialogue, "form": form}, status=422)
    return _queue_page(request, dialogue, form=form, status=422)


# ---------------------------------------------------------------- printed slips


def _batch_key(printed_at: dt.datetime) -> int:
    delta = printed_at - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _batch_time(raw: str) -> dt.datetime:
    # ASCII digits only ("²".isdigit() is true), and few enough to stay within the years a datetime holds.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 17:
        raise Http404("batch")
    return EPOCH + dt.timedelta(microseconds=int(raw))


@login_required
def slips(request: HttpRequest, pk: int) -> HttpResponse:
    """Phiếu in sẵn: print a batch (the coordinator) and the batches printed, with used/unused counts."""
    dialogue = _dialogue(request, pk)
    can_print = permissions.can(request.user, "dialogue.console", dialogue)
    form = PrintSlipsForm()
    status = 200
    if request.method == "POST":
        if not can_print:
            raise PermissionDenied("dialogue.console")
        form = PrintSlipsForm(request.POST)
        if form.is_valid():
            printed = run_action(
                form,
                lambda: actions.print_slips(
                    dialogue, kind=form.cleaned_data["kind"], count=form.cleaned_data["count"], by=request.user
                ),
            )
            if printed is not None:
                messages.success(request, f"Đã tạo {len(printed)} mã phiếu. Xin in trang này (khổ A4).")
                return redirect(_print_url(dialogue, printed[0].printed_at, printed[0].kind))
        status = 422
    batches = (
        PrintedSlip.objects.filter(dialogue=dialogue)
        .values("printed_at", "kind")
        .annotate(total=Count("pk"), used=Count("used_at"))
        .order_by("-printed_at", "kind")
    )
    page = Paginator(batches, LIST_PAGE).get_page(request.GET.get("trang"))
    for batch in page:
        batch["unused"] = batch["total"] - batch["used"]
        batch["label"] = PrintedSlip.Kind(batch["kind"]).label
        batch["url"] = _print_url(dialogue, batch["printed_at"], batch["kind"])
    totals = {
        row["kind"]: row
        for row in PrintedSlip.objects.filter(dialogue=dialogue)
        .values("kind")
        .annotate(total=Count("pk"), used=Count("used_at"))
        .order_by()
    }
    summary = [
        {"label": label, "total": totals.get(kind, {}).get("total", 0), "used": totals.get(kind, {}).get("used", 0)}
        for kind, label in PrintedSlip.Kind.choices
    ]
    for row in summary:
        row["unused"] = row["total"] - row["used"]
    context = {
        "dialogue": dialogue,
        "form": form,
        "can_print": can_print and not dialogue.speaker_queue_closed,
        "may_print": can_print,
        "page": page,
        "summary": summary,
    }
    return render(request, "plans/slips.html", context, status=status)


def _print_url(dialogue: Dialogue, printed_at: dt.datetime, kind: str = "", per_page: int | None = None) -> str:
    query = {"dot": _batch_key(printed_at)}
    if kind:
        query["loai"] = kind
    if per_page:
        query["moi-trang"] = per_page
    return f"{reverse('plans:slips_print', args=[dialogue.pk])}?{urlencode(query)}"


def public_targets(dialogue: Dialogue) -> dict[str, str]:
    """Where a slip's QR code leads: the public registration to speak, or the opinion form for this dialogue."""
    return {
        PrintedSlip.Kind.SPEAKER: absolute_url(reverse("portal:speaker_register", args=[dialogue.pk])),
        PrintedSlip.Kind.OPINION: absolute_url(f"{reverse('portal:submit')}?{urlencode({'buoi': dialogue.pk})}"),
    }


@login_required
def slips_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Bản in phiếu: one batch of slips, 2 or 4 to an A4 page when printed."""
    dialogue = _dialogue(request, pk)
    printed_at = _batch_time(request.GET.get("dot", ""))
    kind = request.GET.get("loai", "")
    rows = PrintedSlip.objects.filter(dialogue=dialogue, printed_at=printed_at).order_by("kind", "code")
    if kind:
        rows = rows.filter(kind=kind)
    rows = list(rows)
    if not rows:
        raise Http404("batch")
    raw = request.GET.get("moi-trang", "")
    per_page = int(raw) if raw in {str(n) for n in PER_PAGE} else PER_PAGE[0]
    targets = public_targets(dialogue)
    qrs = {
        kind: qr.svg(url, title="Mã QR: " + ("đăng ký phát biểu" if kind == "speaker" else "gửi ý kiến"))
        for kind, url in targets.items()
        if any(r.kind == kind for r in rows)
    }
    for row in rows:
        row.qr = qrs[row.kind]
        row.target = targets[row.kind]
    context = {
        "dialogue": dialogue,
        "slips": rows,
        "per_page": per_page,
        "layouts": [(n, _print_url(dialogue, printed_at, kind, n)) for n in PER_PAGE],
        "printed_at": printed_at,
    }
    return render(request, "plans/slips_print.html", context)


# ---------------------------------------------------------------- the business dialogue's list


@login_required
def business(request: HttpRequest, pk: int) -> HttpResponse:
    """Đối thoại với doanh nghiệp: the businesses invited and their replies, those registered to speak, and the
    opinions businesses raised at this dialogue; each list paginated on its own."""
    dialogue = _dialogue(request, pk)
    if dialogue.kind != Dialogue.Kind.BUSINESS:
        raise Http404("not a business dialogue")
    invitations = (
        Invitation.objects.filter(dialogue=dialogue, organization__kind=Organization.Kind.BUSINESS)
        .select_related("organization")
        .order_by("organization__name", "pk")
    )
    speakers = (
        SpeakerRequest.objects.filter(dialogue=dialogue)
        .filter(Q(as_business=True) | Q(organization__kind=Organization.Kind.BUSINESS))
        .select_related("organization", "topic")
        .only(
            "pk",
            "name",
            "on_behalf_of",
            "summary",
            "status",
            "position",
            "created_at",
            "organization__name",
            "topic__name",
        )  # never the phone
        .order_by("position", "created_at", "pk")
    )
    petitions = (
        permissions.petitions_visible_to(request.user)
        .filter(dialogue=dialogue)
        .filter(Q(submitter_organization__kind=Organization.Kind.BUSINESS) | ~Q(submitter_organization_name=""))
        .select_related("submitter_organization", "topic")
        .with_excerpt(EXCERPT)
        .only(
            "pk",
            "code",
            "kind",
            "status",
            "public_summary",
            "received_at",
            "submitter_organization_name",
            "submitter_organization__name",
            "topic__name",
        )  # never the submitter's name or contacts
        .order_by("-received_at", "-pk")
    )
    pages = {
        "invitations": Paginator(invitations, LIST_PAGE).get_page(request.GET.get("trang-moi")),
        "speakers": Paginator(speakers, LIST_PAGE).get_page(request.GET.get("trang-phat-bieu")),
        "petitions": Paginator(petitions, LIST_PAGE).get_page(request.GET.get("trang-y-kien")),
    }
    for petition in pages["petitions"]:
        confidential = petition.kind in CONFIDENTIAL_KINDS
        petition.business_name = (
            petition.submitter_organization.name
            if petition.submitter_organization_id
            else petition.submitter_organization_name
        )
        petition.text = ("" if confidential else petition.public_summary.strip()) or petition.excerpt.rstrip() + (
            "…" if petition.content_length > EXCERPT else ""
        )
        petition.confidential = confidential
    replies = invitations.aggregate(
        accepted=Count("pk", filter=Q(reply=Invitation.Reply.ACCEPTED)),
        declined=Count("pk", filter=Q(reply=Invitation.Reply.DECLINED)),
        pending=Count("pk", filter=Q(reply=Invitation.Reply.PENDING)),
    )
    base = reverse("plans:business", args=[dialogue.pk])
    links = {
        name: _page_links(base, request.GET, param, pages[name])
        for name, param in (
            ("invitations", "trang-moi"),
            ("speakers", "trang-phat-bieu"),
            ("petitions", "trang-y-kien"),
        )
    }
    context = {"dialogue": dialogue, "pages": pages, "links": links, "replies": replies}
    return render(request, "plans/business.html", context)


def _page_links(base: str, query, param: str, page) -> dict:
    """Previous and next links of one list, keeping the other lists' pages."""
    kept = {k: v for k, v in query.items() if k in ("trang-moi", "trang-phat-bieu", "trang-y-kien") and k != param}

    def url(number):
        return f"{base}?{urlencode({**kept, param: number})}"

    return {
        "prev": url(page.previous_page_number()) if page.has_previous() else "",
        "next": url(page.next_page_number()) if page.has_next() else "",
    }


urlpatterns = [
    path("buoi/<int:pk>/phat-bieu/", speaker_queue, name="speaker_queue"),
    path("buoi/<int:pk>/phat-bieu/nhap/", speaker_register, name="speaker_register"),
    path("buoi/<int:pk>/phat-bieu/<int:rid>/nhan/", speaker_accept, name="speaker_accept"),
    path("buoi/<int:pk>/phat-bieu/<int:rid>/da-phat-bieu/", speaker_spoke, name="speaker_spoke"),
    path("buoi/<int:pk>/phat-bieu/<int:rid>/rut/", speaker_withdraw, name="speaker_withdraw"),
    path("buoi/<int:pk>/phat-bieu/<int:rid>/thu-tu/", speaker_move, name="speaker_move"),
    path("buoi/<int:pk>/phieu/", slips, name="slips"),
    path("buoi/<int:pk>/phieu/in/", slips_print, name="slips_print"),
    path("buoi/<int:pk>/doanh-nghiep/", business, name="business"),
]
