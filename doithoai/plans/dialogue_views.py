"""Staff pages of one dialogue (under /can-bo/): scheduling, per-dialogue roles, the agenda, invitations and
attendance, and the announcement (thông báo) with the 7-day rule; and the publisher's list of announcements.

Thin: a dialogue is found only among those the user may see (another unit's is a 404); each form posts to its own
URL, is parsed by a form of dialogue_forms and calls one action of plans/actions.py. Every page works without
JavaScript; htmx swaps a form in place (its errors answer 422, which base.html's htmx-config swaps).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from doithoai.accounts import permissions
from doithoai.lib import clock, urls
from doithoai.lib.responses import after_post
from doithoai.petitions.actions import ActionError
from doithoai.plans import actions, announcing, queries
from doithoai.plans import dialogue_forms as f
from doithoai.plans.fields import run_action
from doithoai.plans.models import AgendaItem, Announcement, Dialogue, DialogueEvent, DialogueMember, Invitation

St = Dialogue.Status
TEMPLATE = "plans/dialogue.html"
ANNOUNCEMENT_TEMPLATE = "plans/announcement.html"
PAGE_SIZE = 25
OPEN = (St.PLANNED, St.SCHEDULED, St.ANNOUNCED)


# ---------------------------------------------------------------- finding the dialogue


def _dialogue(user, pk: int) -> Dialogue:
    """The dialogue, if the user may see it (another unit's is a 404)."""
    qs = permissions.dialogues_visible_to(user).select_related("unit", "plan__document__register", "chair_post__person")
    return get_object_or_404(qs, pk=pk)


def _require(user, action: str, dialogue: Dialogue) -> None:
    if not permissions.can(user, action, dialogue):
        raise PermissionDenied(action)


def _done(request: HttpRequest, message: str, url: str) -> HttpResponse:
    return after_post(request, url, message)


def _page_url(dialogue: Dialogue, anchor: str = "") -> str:
    return reverse("plans:dialogue", args=[dialogue.pk]) + (f"#{anchor}" if anchor else "")


def _announcement_url(dialogue: Dialogue) -> str:
    return reverse("plans:announcement", args=[dialogue.pk])


# ---------------------------------------------------------------- the dialogue page


class _Page:
    """What the dialogue page shows, read in a fixed number of queries whatever the number of rows."""

    def __init__(self, request: HttpRequest, dialogue: Dialogue):
        self.request, self.dialogue, user = request, dialogue, request.user
        self.can_edit = permissions.can(user, "dialogue.edit", dialogue)
        self.can_console = permissions.can(user, "dialogue.console", dialogue)
        self.can_announce = permissions.can(user, "dialogue.announce", dialogue)
        self.can_conclude = permissions.can(user, "dialogue.conclude", dialogue)
        # The breadcrumb links the plan only for those who may open it: a dialogue's secretary or receiver
        # without a role in the unit sees this dialogue, not the plan (its staff page would be a 404).
        self.can_view_plan = bool(dialogue.plan_id) and (
            permissions.plans_visible_to(user).filter(pk=dialogue.plan_id).exists()
        )
        self.members = list(DialogueMember.objects.filter(dialogue=dialogue).select_related("user__person"))
        self.agenda = list(AgendaItem.objects.filter(dialogue=dialogue).order_by("position"))
        self.invitations = list(
            Invitation.objects.filter(dialogue=dialogue)
            .select_related("organization", "person")
            .order_by("organization__kind", "organization__name", "person__full_name", "pk")
        )

    def forms(self, bound: dict | None = None) -> dict:
        d = self.dialogue
        forms = {}
        if self.can_edit:
            forms["schedule"] = f.ScheduleForm(dialogue=d)
            forms["members"] = f.MembersForm(dialogue=d, members=self.members)
            forms["agenda"] = f.agenda_formset(d, self.agenda)
            forms["invite"] = f.InviteForm(
                dialogue=d,
                invited_orgs=[i.organization_id for i in self.invitations if i.organization_id],
                invited_people=[i.person_id for i in self.invitations if i.person_id],
            )
            forms["cancel"] = f.CancelForm()
        if self.can_console:
            forms["attendance"] = f.AttendanceForm(invitations=self.invitations)
        if self.can_conclude:
            forms["conclude"] = f.ConclusionForm(initial={"conclusion": d.conclusion, "minutes": d.minutes})
        forms.update(bound or {})
        return forms

    def context(self, bound: dict | None = None, errors: dict | None = None) -> dict:
        d, today = self.dialogue, clock.today()
        published = list(d.announcements.filter(published_at__isnull=False).order_by("-published_at")[:1])
        replies = {choice: 0 for choice in Invitation.Reply.values}
        for invitation in self.invitations:
            replies[invitation.reply] += 1
        days_left = d.announcement_days_left(today)
        return {
            "dialogue": d,
            "page": self,
            "forms": self.forms(bound),
            "errors": errors or {},
            "members": self.members,
            "secretaries": [m.user for m in self.members if m.role == DialogueMember.Role.SECRETARY],
            "receivers": [m.user for m in self.members if m.role == DialogueMember.Role.RECEIVER],
            "agenda": self.agenda,
            "invitations": self.invitations,
            "replies": replies,
            "reply_choices": Invitation.Reply.choices,
            "events": _events(d),
            "announcement": published[0] if published else None,
            "last_day": d.last_announcement_day,
            "days_left": days_left,
            "days_overdue": -days_left if days_left is not None and days_left < 0 else 0,
            "today": today,
            "next_step": _next_step(d, self, published),
            "can_mark_held": self.can_edit and d.status in (St.SCHEDULED, St.ANNOUNCED) and d.starts_at <= clock.now(),
            "open": d.status in OPEN,
            # Any dated dialogue of a plan may be announced; only conferences and business dialogues must be,
            # 7 days ahead (a giao ban's announcement is optional, yet its page is reachable from here).
            "announceable": bool(d.starts_at) and d.kind != Dialogue.Kind.RECEPTION and d.status != St.CANCELLED,
        }


def _events(dialogue: Dialogue) -> list[DialogueEvent]:
    events = list(dialogue.events.select_related("actor__person").order_by("-at", "-id")[:100])
    for event in events:
        event.label = event.get_action_display()
    return events


def _next_step(dialogue: Dialogue, page: _Page, published) -> str:
    """One sentence: what this dialogue waits for now."""
    if dialogue.status == St.PLANNED:
        return "Ấn định ngày, giờ, địa điểm tổ chức."
    if dialogue.status == St.SCHEDULED:
        if dialogue.needs_announcement:
            last = dialogue.last_announcement_day
            return f"Đăng thông báo trên Cổng thông tin và Đài truyền thanh, chậm nhất ngày {last:%d/%m/%Y}."
        return "Gửi giấy mời; sau buổi, ghi “Đã tổ chức”."
    if dialogue.status == St.ANNOUNCED:
        return "Gửi giấy mời, ghi trả lời; ngày tổ chức: điểm danh, rồi ghi “Đã tổ chức”."
    if dialogue.status == St.HELD:
        return "Ghi biên bản, kết luận và công bố kết quả (chậm nhất 10 ngày sau buổi)."
    if dialogue.status == St.CANCELLED:
        return f"Buổi đã bị hủy: {dialogue.cancellation_reason}"
    return "Buổi đã kết luận."


def _render_page(request, dialogue, *, bound=None, errors=None, panel="", status=200) -> HttpResponse:
    page = _Page(request, dialogue)
    context = page.context(bound, errors)
    template = f"{TEMPLATE}#{panel}-panel" if request.htmx and panel else TEMPLATE
    return render(request, template, context, status=status)


@login_required
def dialogue(request: HttpRequest, pk: int) -> HttpResponse:
    """Trang buổi: status and next step, schedule, roles, agenda, invitations, attendance, history."""
    return _render_page(request, _dialogue(request.user, pk))


# The panel (partial `<panel>-panel` of the page, and the anchor it redirects to) that shows each form.
PANEL_OF = {"invite": "invitations", "conclude": "held", "cancel": "cancel"}
ANCHOR_OF = {"invite": "giay-moi", "conclude": "held", "cancel": "huy-buoi"}


def _post_view(name: str, permission: str, handle):
    """A POST of one panel: `handle(request, dialogue)` returns (form or None, error message or None, done message);
    success redirects (htmx: the client reloads), failure answers 422 with the panel."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        dialogue = _dialogue(request.user, pk)
        _require(request.user, permission, dialogue)
        form, done = handle(request, dialogue)
        if done:
            return _done(request, done, _page_url(dialogue, ANCHOR_OF.get(name, name)))
        bound = {name: form} if form is not None and not isinstance(form, str) else None
        errors = {name: form} if isinstance(form, str) else None
        return _render_page(request, dialogue, bound=bound, errors=errors, panel=PANEL_OF.get(name, name), status=422)

    view.__name__ = f"dialogue_{name}"
    return view


def _run(form, call) -> bool:
    """Call the action; its refusal goes onto the form. Whether it succeeded."""
    return run_action(form, lambda: [call()]) is not None  # wrapped: some calls return None when they succeed


def _schedule(request, dialogue):
    form = f.ScheduleForm(request.POST, dialogue=dialogue)
    if form.is_valid():
        d = form.cleaned_data
        call = lambda: actions.schedule_dialogue(  # noqa: E731
            dialogue,
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            place=d["place"],
            chair_post=d["chair_post"],
            by=request.user,
        )
        if _run(form, call):
            return form, "Đã ấn định thời gian, địa điểm."
    return form, None


def _members(request, dialogue):
    form = f.MembersForm(request.POST, dialogue=dialogue)
    if form.is_valid():
        d = form.cleaned_data
        call = lambda: actions.set_dialogue_members(  # noqa: E731
            dialogue, secretaries=list(d["secretaries"]), receivers=list(d["receivers"]), by=request.user
        )
        if _run(form, call):
            return form, "Đã phân công thư ký và bộ phận tiếp nhận."
    return form, None


def _agenda(request, dialogue):
    formset = f.agenda_formset(dialogue, (), data=request.POST)
    if formset.is_valid():
        try:
            actions.set_agenda(dialogue, formset.items(), by=request.user)
        except (ValidationError, ActionError) as error:
            formset._non_form_errors = formset.error_class(
                error.messages if isinstance(error, ValidationError) else [str(error)]
            )
        else:
            return formset, "Đã lưu chương trình."
    return formset, None


def _invite(request, dialogue):
    invited = Invitation.objects.filter(dialogue=dialogue)
    form = f.InviteForm(
        request.POST,
        dialogue=dialogue,
        invited_orgs=invited.exclude(organization=None).values_list("organization_id", flat=True),
        invited_people=invited.exclude(person=None).values_list("person_id", flat=True),
    )
    if form.is_valid():
        d = form.cleaned_data
        result = []
        call = lambda: result.append(  # noqa: E731
            actions.invite(
                dialogue, organizations=list(d["organizations"]), persons=list(d["persons"]), by=request.user
            )
        )
        if _run(form, call):
            return form, f"Đã gửi {len(result[0])} giấy mời."
    return form, None


def _attendance(request, dialogue):
    invitations = list(Invitation.objects.filter(dialogue=dialogue).select_related("organization", "person"))
    form = f.AttendanceForm(request.POST, invitations=invitations)
    if form.is_valid():
        result = []
        present = {int(pk) for pk in form.cleaned_data["present"]}
        if _run(form, lambda: result.append(actions.record_attendance(dialogue, present, by=request.user))):
            return form, f"Đã điểm danh: {result[0]} đại biểu có mặt."
    return form, None


def _held(request, dialogue):
    try:
        actions.mark_held(dialogue, by=request.user)
    except ActionError as error:
        return str(error), None
    return None, "Đã ghi buổi đã tổ chức."


def _conclude(request, dialogue):
    form = f.ConclusionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        call = lambda: actions.conclude_dialogue(  # noqa: E731
            dialogue, conclusion=d["conclusion"], minutes=d["minutes"], by=request.user
        )
        if _run(form, call):
            return form, "Đã ghi kết luận; buổi đã kết thúc."
    return form, None


def _cancel(request, dialogue):
    form = f.CancelForm(request.POST)
    call = lambda: actions.cancel_dialogue(dialogue, reason=form.cleaned_data["reason"], by=request.user)  # noqa: E731
    if form.is_valid() and _run(form, call):
        return form, "Đã hủy buổi; trang công khai của buổi ghi rõ lý do."
    return form, None


dialogue_schedule = _post_view("schedule", "dialogue.edit", _schedule)
dialogue_members = _post_view("members", "dialogue.edit", _members)
dialogue_agenda = _post_view("agenda", "dialogue.edit", _agenda)
dialogue_invite = _post_view("invite", "dialogue.edit", _invite)
dialogue_attendance = _post_view("attendance", "dialogue.console", _attendance)
dialogue_held = _post_view("held", "dialogue.edit", _held)
dialogue_conclude = _post_view("conclude", "dialogue.conclude", _conclude)
dialogue_cancel = _post_view("cancel", "dialogue.edit", _cancel)


@login_required
@require_POST
def dialogue_reply(request: HttpRequest, pk: int, invitation_id: int) -> HttpResponse:
    """Ghi trả lời một giấy mời (the invitation must be this dialogue's: another id is a 404)."""
    dialogue = _dialogue(request.user, pk)
    _require(request.user, "dialogue.edit", dialogue)
    invitation = get_object_or_404(Invitation, pk=invitation_id, dialogue=dialogue)
    form = f.ReplyForm(request.POST)
    if form.is_valid():
        call = lambda: actions.record_reply(invitation, by=request.user, **form.cleaned_data)  # noqa: E731
        if _run(form, call):
            return _done(request, f"Đã ghi trả lời của {invitation}.", _page_url(dialogue, "giay-moi"))
    message = "; ".join(e for errors in form.errors.values() for e in errors)
    return _render_page(request, dialogue, errors={"invitations": message}, panel="invitations", status=422)


@login_required
def attendance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Danh sách đại biểu: the attendance list for the day, to print and tick."""
    dialogue = _dialogue(request.user, pk)
    invitations = (
        Invitation.objects.filter(dialogue=dialogue)
        .select_related("organization", "person")
        .order_by("organization__kind", "organization__name", "person__full_name", "pk")
    )
    return render(request, "plans/dialogue_attendance_print.html", {"dialogue": dialogue, "invitations": invitations})


# ---------------------------------------------------------------- the announcement


def _announcement_context(request, dialogue: Dialogue, form=None, errors=None) -> dict:
    now, today = clock.now(), clock.today()
    announcements = list(dialogue.announcements.select_related("published_by__person").order_by("-pk"))
    published = next(
        (a for a in sorted(announcements, key=lambda a: a.published_at or now, reverse=True) if a.published_at), None
    )
    draft = next((a for a in announcements if a.published_at is None), None)
    dated = bool(dialogue.starts_at) and dialogue.status in (St.SCHEDULED, St.ANNOUNCED)
    can_publish = dated and dialogue.status == St.SCHEDULED and dialogue.starts_at > now
    late = dialogue.announcement_is_late(now) if dialogue.starts_at else False
    if form is None and can_publish:
        initial = (
            {"portal_text": draft.portal_text, "radio_script": draft.radio_script}
            if draft
            else {
                "portal_text": announcing.portal_text(dialogue, urls.base_url()),
                "radio_script": announcing.radio_script(dialogue),
            }
        )
        form = f.AnnouncementForm(initial=initial, late=late)
    schedule = (draft.broadcast_schedule if draft else None) if can_publish else None
    if schedule is None and dated:
        schedule = (published.broadcast_schedule if published and not can_publish else None) or (
            announcing.broadcast_schedule(dialogue, today)
        )
    last_day = dialogue.last_announcement_day
    days_left = dialogue.announcement_days_left(today)
    if published:
        published.days_late = _days_late(published)
    return {
        "dialogue": dialogue,
        "unit": None,
        "published": published,
        "draft": draft,
        "form": form,
        "errors": errors or {},
        "can_publish": can_publish,
        "dated": dated,
        "late": late,
        "last_day": last_day,
        "days_left": days_left,
        "days_late": -days_left if days_left is not None and days_left < 0 else 0,
        "near": days_left is not None and 0 <= days_left <= 2,
        "schedule": schedule or [],
        "today": today,
        "can_edit": permissions.can(request.user, "dialogue.edit", dialogue),
    }


def _days_late(a: Announcement) -> int:
    """How many days after the last allowed day the announcement was published (0: on time)."""
    if not a.is_late or not a.last_allowed_on or not a.published_at:
        return 0
    return (timezone.localdate(a.published_at) - a.last_allowed_on).days


def _announcer(request: HttpRequest, pk: int) -> Dialogue:
    dialogue = _dialogue(request.user, pk)
    _require(request.user, "dialogue.announce", dialogue)
    return dialogue


@login_required
def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    """Thông báo: compose (pre-filled, editable), the broadcast schedule, the last allowed day, publish."""
    dialogue = _announcer(request, pk)
    return render(request, ANNOUNCEMENT_TEMPLATE, _announcement_context(request, dialogue))


def _announcement_failed(request, dialogue, form=None, error: str = "") -> HttpResponse:
    context = _announcement_context(request, dialogue, form=form, errors={"form": error} if error else None)
    template = (
        f"{ANNOUNCEMENT_TEMPLATE}#compose-form" if request.htmx and context["can_publish"] else (ANNOUNCEMENT_TEMPLATE)
    )
    return render(request, template, context, status=422)


@login_required
@require_POST
def announcement_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Lưu bản soạn: the texts kept as a draft (and the broadcast schedule from today)."""
    dialogue = _announcer(request, pk)
    form = f.AnnouncementForm(
        request.POST, late=dialogue.announcement_is_late(clock.now()) if dialogue.starts_at else False
    )
    if form.is_valid():
        d = form.cleaned_data
        call = lambda: actions.compose_announcement(  # noqa: E731
            dialogue,
            by=request.user,
            base_url=urls.base_url(),
            portal_text=d["portal_text"],
            radio_script=d["radio_script"],
        )
        if _run(form, call):
            return _done(request, "Đã lưu bản soạn thông báo.", _announcement_url(dialogue))
    return _announcement_failed(request, dialogue, form)


@login_required
@require_POST
def announcement_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Đăng thông báo: the texts as edited are saved and published now (late: with the reason, recorded)."""
    dialogue = _announcer(request, pk)
    late = dialogue.announcement_is_late(clock.now()) if dialogue.starts_at else False
    form = f.AnnouncementForm(request.POST, late=late, publishing=True)
    if form.is_valid():
        d = form.cleaned_data
        published = []

        def call():
            published.append(
                actions.announce(
                    dialogue,
                    by=request.user,
                    base_url=urls.base_url(),
                    portal_text=d["portal_text"],
                    radio_script=d["radio_script"],
                    late_reason=d.get("late_reason", ""),
                )
            )

        if _run(form, call):
            a = published[0]
            message = "Đã đăng thông báo" + (" (đăng muộn, đã ghi lý do)." if a.is_late else " đúng hạn.")
            return _done(request, message, _announcement_url(dialogue))
    return _announcement_failed(request, dialogue, form)


@login_required
def radio_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Bài đọc cho phát thanh viên: the radio script in large type, with the broadcast schedule, to print."""
    dialogue = _announcer(request, pk)
    announcements = list(dialogue.announcements.order_by("-published_at", "-pk"))
    chosen = next((a for a in announcements if a.published_at), None) or (announcements[0] if announcements else None)
    if chosen is None:
        raise Http404("announcement")
    context = {"dialogue": dialogue, "announcement": chosen, "schedule": chosen.broadcast_schedule}
    return render(request, "plans/announcement_radio_print.html", context)


# ---------------------------------------------------------------- the publisher's list


@login_required
def announcement_list(request: HttpRequest) -> HttpResponse:
    """Thông báo cần đăng: the dialogues still to be announced (overdue first), and the announcements published."""
    units = queries.announcement_units(request.user)
    if not units:
        raise PermissionDenied("dialogue.announce")
    today = clock.today()
    due = list(queries.due_announcements(units)[:200])
    for d in due:
        d.last_day = d.last_announcement_day
        d.days_left = (d.last_day - today).days
    optional = list(queries.optional_announcements(units)[:200])
    published = (
        Announcement.objects.filter(dialogue__unit_id__in=units, published_at__isnull=False)
        .select_related("dialogue", "published_by__person")
        .order_by("-published_at", "-pk")
    )
    page = Paginator(published, PAGE_SIZE).get_page(request.GET.get("trang"))
    for a in page:
        a.days_late = _days_late(a)
    context = {"due": due, "optional": optional, "page": page, "today": today, "several_units": len(units) > 1}
    return render(request, "plans/announcement_list.html", context)


urlpatterns = [
    path("buoi/<int:pk>/", dialogue, name="dialogue"),
    path("buoi/<int:pk>/lich/", dialogue_schedule, name="dialogue_schedule"),
    path("buoi/<int:pk>/phan-cong/", dialogue_members, name="dialogue_members"),
    path("buoi/<int:pk>/chuong-trinh/", dialogue_agenda, name="dialogue_agenda"),
    path("buoi/<int:pk>/giay-moi/", dialogue_invite, name="dialogue_invite"),
    path("buoi/<int:pk>/giay-moi/<int:invitation_id>/tra-loi/", dialogue_reply, name="dialogue_reply"),
    path("buoi/<int:pk>/diem-danh/", dialogue_attendance, name="dialogue_attendance"),
    path("buoi/<int:pk>/diem-danh/in/", attendance_sheet, name="dialogue_attendance_sheet"),
    path("buoi/<int:pk>/da-to-chuc/", dialogue_held, name="dialogue_held"),
    path("buoi/<int:pk>/ket-luan/", dialogue_conclude, name="dialogue_conclude"),
    path("buoi/<int:pk>/huy/", dialogue_cancel, name="dialogue_cancel"),
    path("buoi/<int:pk>/thong-bao/", announcement, name="announcement"),
    path("buoi/<int:pk>/thong-bao/luu/", announcement_save, name="announcement_save"),
    path("buoi/<int:pk>/thong-bao/dang/", announcement_publish, name="announcement_publish"),
    path("buoi/<int:pk>/thong-bao/bai-doc/", radio_print, name="announcement_radio"),
    path("thong-bao/", announcement_list, name="announcement_list"),
]
