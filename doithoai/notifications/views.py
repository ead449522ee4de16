"""The outbox (Thư, tin nhắn gửi đi, /can-bo/thu-gui/): every message of the unit, newest first, for the coordinator
and the chair; one message with its text; "Gửi lại" for a failed one.

Everything starts from queries.outbox_visible_to (another unit's message is a 404). The recipient of a message
about a khiếu nại or tố cáo is masked everywhere here: the identity is read on the petition, where it is logged.
The pages show contacts, so no browser or proxy keeps them (Cache-Control: no-store).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from doithoai.lib.responses import after_post
from doithoai.notifications import actions, backends, queries
from doithoai.notifications.models import Notification

PAGE_SIZE = 30
S = Notification.Status
# The look of each status, with the badges the stylesheet already has.
BADGES = {S.QUEUED: "received", S.SENDING: "assigned", S.SENT: "done", S.KEPT: "pending", S.FAILED: "overdue"}
LIST_FIELDS = (
    "created_at",
    "sent_at",
    "kind",
    "channel",
    "recipient",
    "subject",
    "status",
    "attempts",
    "error",
    "petition_id",
    "unit_id",
    "unit__name",
)


def _choices(choices) -> list[tuple[str, str]]:
    return [("", "Tất cả"), *choices]


class OutboxFilterForm(forms.Form):
    """The outbox's filters (a query string; an unknown value is ignored, with a message)."""

    trang_thai = forms.ChoiceField(label="Trạng thái", choices=_choices(S.choices), required=False)
    loai = forms.ChoiceField(label="Loại", choices=_choices(Notification.Kind.choices), required=False)
    kenh = forms.ChoiceField(label="Kênh", choices=_choices(Notification.Channel.choices), required=False)

    FIELDS = {"trang_thai": "status", "loai": "kind", "kenh": "channel"}

    def filters(self) -> dict[str, str]:
        self.is_valid()
        return {self.FIELDS[k]: v for k, v in self.cleaned_data.items() if v}

    def query(self) -> str:
        return urlencode({k: v for k, v in self.cleaned_data.items() if v})


def _units(request: HttpRequest) -> list[int]:
    units = queries.outbox_units(request.user)
    if not units:
        raise PermissionDenied("notification.view")
    return units


@never_cache
@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    """Thư, tin nhắn gửi đi: the unit's messages, newest first, filtered by status, kind and channel."""
    units = _units(request)
    form = OutboxFilterForm(request.GET)
    chosen = form.filters()
    visible = queries.outbox_visible_to(request.user)
    rows = visible.filter(**chosen).select_related("unit").only(*LIST_FIELDS).order_by("-created_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    for n in page:
        n.badge = BADGES.get(n.status, "pending")
        n.subject_shown, n.error_shown = n.shown(n.subject), n.shown(n.error)
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("pk")))
    context = {
        "form": form,
        "page": page,
        "query": form.query(),
        "filtering": bool(chosen),
        "several_units": len(units) > 1,
        "counts": [
            {"value": s, "label": label, "n": counts[s], "badge": BADGES.get(s, "pending")}
            for s, label in S.choices
            if counts.get(s)
        ],
        "email_configured": backends.email_configured(),
    }
    return render(request, "notifications/outbox.html", context)


@never_cache
@login_required
def message(request: HttpRequest, pk: int) -> HttpResponse:
    """One message: to whom, what, and what became of it."""
    _units(request)
    notification = get_object_or_404(queries.outbox_visible_to(request.user).select_related("unit"), pk=pk)
    notification.badge = BADGES.get(notification.status, "pending")
    can_resend = (
        queries.may_resend(request.user, notification)
        and notification.status in actions.RESENDABLE
        and not (notification.status == S.KEPT and backends.channel_keeps(notification.channel))
    )
    shown = notification.shown
    context = {
        "n": notification,
        "subject": shown(notification.subject),
        "body": shown(notification.body),
        "error": shown(notification.error),
        "can_resend": can_resend,
    }
    return render(request, "notifications/message.html", context)


@never_cache
@require_POST
@login_required
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Gửi lại a failed message (the coordinator)."""
    _units(request)
    notification = get_object_or_404(queries.outbox_visible_to(request.user), pk=pk)
    url = reverse("notifications:message", args=[pk])
    try:
        actions.resend(notification, by=request.user)
    except actions.ActionError as error:
        messages.error(request, str(error))
        return redirect(url)
    return after_post(request, url, "Đã đưa thư, tin nhắn vào hàng đợi gửi lại.")
