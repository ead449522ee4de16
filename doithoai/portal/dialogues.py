"""Public pages of dialogues: the year's list, each dialogue's page, registering to speak, the reception days,
and the feeds (Atom of the published announcements, iCalendar of every dialogue).

Nothing here shows a speaker's name, phone or summary to anyone but the person who just registered (through a
signed link of the confirmation page); the public sees the dialogue, its agenda and its announcement.
"""

import datetime as dt

from django import forms
from django.contrib.syndication.views import Feed
from django.core import signing
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from doithoai.accounts.models import Organization, Unit
from doithoai.api import ratelimit
from doithoai.lib import clock
from doithoai.lib.text import nfc, nfc_line
from doithoai.petitions.models import Topic
from doithoai.plans import actions as plan_actions
from doithoai.plans import queries as plan_queries
from doithoai.plans.calendar import calendar_bytes
from doithoai.plans.fields import run_action
from doithoai.plans.models import AgendaItem, Announcement, Dialogue, SpeakerRequest

FEED_SIZE = 50
RECEPTION_MONTHS = 3  # the current month and the next three
SPEAKER_BUCKET = "speaker"  # rate-limit bucket of the public registration form (the limit of API submissions)
CONFIRMATION_SALT = "doithoai.portal.speaker"
CONFIRMATION_AGE = 7 * 24 * 3600
MAX_SUMMARY = 2000


def _commune(slug: str) -> Unit:
    return get_object_or_404(Unit, slug=slug, level=Unit.Level.COMMUNE)


def _public_dialogue(pk: int, *related: str) -> Dialogue:
    """A dialogue of a commune (never of the province or an unknown id): else the 404."""
    return get_object_or_404(Dialogue.objects.select_related("unit", *related), pk=pk, unit__level=Unit.Level.COMMUNE)


def _choice(request: HttpRequest, page, link: str, heading: str, lead: str) -> HttpResponse:
    from doithoai.portal.views import communes_or_choice

    return communes_or_choice(request, page, link=link, heading=heading, lead=lead)


# ---------------------------------------------------------------- the dialogues of the year


def dialogue_list(request: HttpRequest) -> HttpResponse:
    """Lịch tiếp xúc, đối thoại. One commune: its list. Several: the commune choice."""
    return _choice(
        request,
        _list_page,
        "portal:commune_dialogues",
        "Lịch tiếp xúc, đối thoại",
        "Chọn xã để xem lịch các buổi tiếp xúc, đối thoại trong năm.",
    )


def commune_dialogues(request: HttpRequest, slug: str) -> HttpResponse:
    return _list_page(request, _commune(slug))


def _year(request: HttpRequest) -> int:
    """?nam=2025 for an earlier year; anything else, the current one."""
    today = clock.today()
    try:
        year = int(request.GET.get("nam", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def _dialogue_years(unit: Unit) -> list[int]:
    """The years of the commune's plans that have dialogues (reception days aside), in order (one query)."""
    dialogues = Dialogue.objects.filter(unit=unit, plan__isnull=False).exclude(kind=Dialogue.Kind.RECEPTION)
    return sorted(dialogues.order_by().values_list("plan__year", flat=True).distinct())


def _list_page(request: HttpRequest, unit: Unit) -> HttpResponse:
    year = _year(request)
    plan = plan_queries.current_plan(unit, year)
    coming, held = plan_queries.split_coming_and_held(plan_queries.year_dialogues(plan)) if plan else ([], [])
    years = _dialogue_years(unit)
    context = {
        "unit": unit,
        "year": year,
        # The year links lead only to years that have dialogues: the nearest one before and after (no walk through
        # empty years back to 2000, nor into years with no plan yet).
        "previous_year": max((y for y in years if y < year), default=None),
        "next_year": min((y for y in years if y > year), default=None),
        "plan": plan,
        "coming": coming,
        "held": held,
        "calendar_url": reverse("portal:commune_calendar", args=[unit.slug]),
        "feed_url": reverse("portal:commune_announcements_feed", args=[unit.slug]),
    }
    return render(request, "portal/dialogue_list.html", context)


# ---------------------------------------------------------------- one dialogue


def dialogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue = get_object_or_404(
        Dialogue.objects.select_related("unit", "plan__document__register", "chair_post__person").prefetch_related(
            Prefetch("agenda", queryset=AgendaItem.objects.order_by("position"))
        ),
        pk=pk,
        unit__level=Unit.Level.COMMUNE,
    )
    announcement = (
        dialogue.announcements.filter(published_at__isnull=False, on_portal=True).order_by("-published_at").first()
    )
    context = {
        "dialogue": dialogue,
        "unit": dialogue.unit,
        "announcement": announcement,
        "last_day": dialogue.last_announcement_day,
        "open_for_speakers": _closed_reason(dialogue) is None,
        "takes_opinions": dialogue.status in plan_actions.OPEN_FOR_SPEAKERS
        and dialogue.kind != Dialogue.Kind.RECEPTION,
    }
    return render(request, "portal/dialogue_detail.html", context)


def _closed_reason(dialogue: Dialogue) -> str | None:
    """Why the public cannot register to speak at this dialogue now (None: it can)."""
    if dialogue.kind == Dialogue.Kind.RECEPTION:
        return "Ngày tiếp công dân không nhận đăng ký phát biểu trực tuyến: xin đến trực tiếp theo lịch tiếp công dân."
    if dialogue.status == Dialogue.Status.CANCELLED:
        return "Buổi này đã bị hủy, không nhận đăng ký phát biểu."
    if dialogue.status not in plan_actions.OPEN_FOR_SPEAKERS:
        return "Buổi này đã được tổ chức, không còn nhận đăng ký phát biểu."
    if dialogue.starts_at and clock.now() >= dialogue.starts_at:
        return "Buổi đã bắt đầu: xin đăng ký trực tiếp với bộ phận tiếp nhận tại hội trường."
    return None


# ---------------------------------------------------------------- registering to speak


class _OrganizationChoice(forms.ModelChoiceField):
    def label_from_instance(self, organization: Organization) -> str:
        return organization.name


class SpeakerForm(forms.Form):
    """Đăng ký phát biểu: what a person types on the public form. The rules are register_speaker's."""

    PERSON, BUSINESS = "ca-nhan", "doanh-nghiep"

    name = forms.CharField(
        label=_("Họ và tên"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": 120}),
        error_messages={"required": _("Xin ghi họ và tên."), "max_length": _("Họ và tên quá dài (tối đa 120 ký tự).")},
    )
    phone = forms.CharField(
        label=_("Điện thoại (không bắt buộc)"),
        max_length=30,
        required=False,
        help_text=_("Để Văn phòng Đảng ủy xã liên hệ khi cần, ví dụ báo thứ tự phát biểu."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "maxlength": 30}),
        error_messages={
            "max_length": _("Số điện thoại không hợp lệ (cần 10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84).")
        },
    )
    speak_as = forms.ChoiceField(
        label=_("Bạn đăng ký với tư cách"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (BUSINESS, _("Thay mặt doanh nghiệp, hợp tác xã")),
            (PERSON, _("Cá nhân, hoặc thay mặt tổ chức khác")),
        ],
    )
    organization = _OrganizationChoice(
        label=_("Thay mặt tổ chức"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— Không chọn —"),
        error_messages={"invalid_choice": _("Xin chọn một tổ chức trong danh sách.")},
    )
    on_behalf_of = forms.CharField(
        label=_("Hoặc ghi tên nhóm, tổ chức"),
        max_length=200,
        required=False,
        help_text=_(
            "Ví dụ: Chi hội Cựu chiến binh thôn Đông, nhóm hộ kinh doanh chợ xã. Để trống nếu phát biểu với tư cách cá nhân."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "organization", "maxlength": 200}),
        error_messages={"max_length": _("Quá dài (tối đa 200 ký tự).")},
    )
    topic = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("— Chọn lĩnh vực (nếu biết) —"),
        error_messages={"invalid_choice": _("Xin chọn một lĩnh vực trong danh sách.")},
    )
    summary = forms.CharField(
        label=_("Tóm tắt nội dung phát biểu"),
        max_length=MAX_SUMMARY,
        strip=False,
        help_text=_("Vài dòng về điều bạn muốn nói hoặc đề nghị (tối đa 2.000 ký tự)."),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_SUMMARY}),
        error_messages={
            "required": _("Xin tóm tắt nội dung bạn muốn phát biểu."),
            "max_length": _("Tóm tắt quá dài (tối đa 2.000 ký tự)."),
        },
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Xin đánh dấu đồng ý để cơ quan được lưu họ tên và nội dung đăng ký của bạn.")}
    )

    # Keys of register_speaker's error dictionary, by field of this form.
    ACTION_FIELDS = ("name", "phone", "on_behalf_of", "organization", "topic", "summary")

    def __init__(self, *args, dialogue: Dialogue, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        unit = dialogue.unit
        self.business = dialogue.kind == Dialogue.Kind.BUSINESS
        self.fields["consent"].label = _(
            "Tôi đồng ý để Đảng ủy xã %(unit)s xử lý thông tin cá nhân của tôi như thông báo trên."
        ) % {"unit": unit.short_name}
        self.fields["topic"].queryset = Topic.objects.filter(Q(unit__isnull=True) | Q(unit=unit)).order_by(
            "position", "name"
        )
        kinds = (
            [Organization.Kind.BUSINESS]
            if self.business
            else [
                Organization.Kind.VILLAGE,
                Organization.Kind.MASS_ORG,
                Organization.Kind.PARTY_CELL,
                Organization.Kind.BUSINESS,
            ]
        )
        self.fields["organization"].queryset = Organization.objects.filter(
            unit=unit, kind__in=kinds, is_active=True
        ).order_by("kind", "name")
        if self.business:
            self.fields["speak_as"].initial = self.BUSINESS
            self.fields["organization"].label = _("Doanh nghiệp, hợp tác xã")
            self.fields["organization"].empty_label = _("— Chọn doanh nghiệp —")
            self.fields["on_behalf_of"].label = _("Hoặc ghi tên doanh nghiệp, hợp tác xã")
            self.fields["on_behalf_of"].help_text = _("Nếu doanh nghiệp của bạn không có trong danh sách.")
        else:
            del self.fields["speak_as"]

    def clean(self):
        data = super().clean()
        for name in ("name", "phone", "on_behalf_of"):
            if name in data:
                data[name] = nfc_line(data[name])
        if "summary" in data:
            data["summary"] = nfc(data["summary"])
            if not data["summary"]:
                self.add_error("summary", self.fields["summary"].error_messages["required"])
        if self.as_business and not data.get("organization") and not data.get("on_behalf_of"):
            self.add_error("on_behalf_of", _("Xin chọn doanh nghiệp trong danh sách hoặc ghi tên doanh nghiệp."))
        return data

    @property
    def as_business(self) -> bool:
        return self.business and self.data.get("speak_as", self.BUSINESS) != self.PERSON

    def action_kwargs(self) -> dict:
        return {**{key: self.cleaned_data[key] for key in self.ACTION_FIELDS}, "as_business": self.as_business}


def speaker_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Đăng ký phát biểu (public, phone-first). Refused when the dialogue has started or is over; a flood from one
    address is refused too (counted in the database), with the limit of the API's submissions, which a hall behind
    one Wi-Fi address does not reach."""
    dialogue = _public_dialogue(pk)
    closed = _closed_reason(dialogue)
    if request.method != "POST":
        return _speaker_page(request, dialogue, SpeakerForm(dialogue=dialogue), closed)
    form = SpeakerForm(request.POST, dialogue=dialogue)
    if closed is not None:
        return _speaker_page(request, dialogue, form, closed, status=409)
    if _flooded(request):
        form.is_valid()
        form.add_error(None, "Có quá nhiều lượt đăng ký từ cùng một địa chỉ trong một phút; xin thử lại sau ít phút.")
        return _speaker_page(request, dialogue, form, None, status=429)
    if form.is_valid():
        speaker = run_action(form, lambda: plan_actions.register_speaker(dialogue, **form.action_kwargs()))
        if speaker is not None:
            token = signing.dumps(speaker.pk, salt=CONFIRMATION_SALT)
            return redirect(reverse("portal:speaker_done", args=[dialogue.pk]) + f"?t={token}")
    return _speaker_page(request, dialogue, form, None, status=422)


def _speaker_page(request, dialogue: Dialogue, form: SpeakerForm, closed: str | None, status: int = 200):
    context = {"dialogue": dialogue, "unit": dialogue.unit, "form": form, "closed": closed}
    return render(request, "portal/speaker_form.html", context, status=status)


def _flooded(request: HttpRequest) -> bool:
    limit = ratelimit.limit_of(ratelimit.SUBMIT)
    if limit <= 0:
        return False
    return ratelimit.hit(ratelimit.client_address(request), SPEAKER_BUCKET) > limit


def speaker_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation with the queue number; the link is signed, so only the person who registered sees it."""
    dialogue = _public_dialogue(pk)
    try:
        speaker_pk = signing.loads(request.GET.get("t", ""), salt=CONFIRMATION_SALT, max_age=CONFIRMATION_AGE)
    except signing.BadSignature:
        raise Http404("t") from None
    speaker = get_object_or_404(
        SpeakerRequest.objects.select_related("topic", "organization"), pk=speaker_pk, dialogue=dialogue
    )
    return render(
        request, "portal/speaker_done.html", {"dialogue": dialogue, "unit": dialogue.unit, "speaker": speaker}
    )


# ---------------------------------------------------------------- reception days


def receptions(request: HttpRequest) -> HttpResponse:
    return _choice(
        request,
        _reception_page,
        "portal:commune_receptions",
        "Lịch tiếp công dân",
        "Chọn xã để xem lịch tiếp công dân của đồng chí Bí thư Đảng ủy.",
    )


def commune_receptions(request: HttpRequest, slug: str) -> HttpResponse:
    return _reception_page(request, _commune(slug))


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _reception_page(request: HttpRequest, unit: Unit) -> HttpResponse:
    today = clock.today()
    first = today.replace(day=1)
    end = _add_months(first, RECEPTION_MONTHS + 1) - dt.timedelta(days=1)
    days = list(plan_queries.reception_days(unit, first, end).select_related("chair_post__person"))
    months = []
    for offset in range(RECEPTION_MONTHS + 1):
        month = _add_months(first, offset)
        months.append({"month": month, "days": [d for d in days if d.month == month]})
    context = {"unit": unit, "months": months, "today": today}
    return render(request, "portal/reception_calendar.html", context)


# ---------------------------------------------------------------- feeds


class _AnnouncementsAtom(Atom1Feed):
    """Atom with the announcement's text as the entry's <content>."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "text"})


def _feed_units(slug: str | None) -> list[Unit]:
    if slug is not None:
        return [_commune(slug)]
    return list(Unit.objects.filter(level=Unit.Level.COMMUNE).order_by("name"))


class AnnouncementsFeed(Feed):
    """Atom feed of the announcements published on the portal (one commune, or every commune)."""

    feed_type = _AnnouncementsAtom

    def get_object(self, request: HttpRequest, slug: str | None = None) -> dict:
        return {"units": _feed_units(slug), "base": request.build_absolute_uri("/")[:-1]}

    def title(self, obj: dict) -> str:
        names = ", ".join(u.name for u in obj["units"]) if len(obj["units"]) <= 3 else "các xã"
        return f"Thông báo tiếp xúc, đối thoại — {names}"

    def subtitle(self, obj: dict) -> str:
        return "Thông báo các buổi tiếp xúc, đối thoại trực tiếp với Nhân dân"

    def link(self, obj: dict) -> str:
        if len(obj["units"]) == 1:
            return reverse("portal:commune_dialogues", args=[obj["units"][0].slug])
        return reverse("portal:dialogues")

    def items(self, obj: dict) -> list[Announcement]:
        return list(
            Announcement.objects.filter(published_at__isnull=False, on_portal=True, dialogue__unit__in=obj["units"])
            .select_related("dialogue__unit")
            .defer("radio_script", "broadcast_schedule", "late_reason")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: Announcement) -> str:
        return f"Thông báo: {item.dialogue.title}"

    def item_description(self, item: Announcement) -> None:
        return None

    def item_extra_kwargs(self, item: Announcement) -> dict:
        return {"content": item.portal_text}

    def item_link(self, item: Announcement) -> str:
        return reverse("portal:dialogue_detail", args=[item.dialogue.pk]) + "#thong-bao"

    def item_guid(self, item: Announcement) -> str:
        # The UTC date on purpose: ids already read by feed readers must never change (it is not shown to anyone).
        return f"tag:doithoai,{item.published_at.astimezone(dt.UTC):%Y-%m-%d}:thong-bao-{item.pk}"

    def item_pubdate(self, item: Announcement):
        return timezone.localtime(item.published_at)  # +07:00, as people there read it

    def item_updateddate(self, item: Announcement):
        return timezone.localtime(item.published_at)

    def item_author_name(self, item: Announcement) -> str:
        return f"Đảng ủy {item.dialogue.unit.name}"

    def item_categories(self, item: Announcement) -> list[str]:
        return [item.dialogue.get_kind_display()]


announcements_feed = AnnouncementsFeed()


def calendar_feed(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """iCalendar of every dialogue of the commune(s) from last year on, reception days included; a dialogue with only
    a tentative month is an all-day TENTATIVE event over that month."""
    units = _feed_units(slug)
    since = clock.today().year - 1
    dialogues = (
        Dialogue.objects.filter(unit__in=units)
        .filter(Q(starts_at__year__gte=since) | Q(starts_at__isnull=True, tentative_month__year__gte=since))
        .select_related("unit")
        .order_by("starts_at", "tentative_month", "pk")
    )
    name = f"Tiếp xúc, đối thoại — {units[0].name}" if len(units) == 1 else "Tiếp xúc, đối thoại"
    body = calendar_bytes(dialogues, name=name, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lich-doi-thoai.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


urlpatterns = [
    path("doi-thoai/", dialogue_list, name="dialogues"),
    path("doi-thoai/lich.ics", calendar_feed, name="calendar"),
    path("doi-thoai/<int:pk>/", dialogue_detail, name="dialogue_detail"),
    path("doi-thoai/<int:pk>/dang-ky-phat-bieu/", speaker_register, name="speaker_register"),
    path("doi-thoai/<int:pk>/dang-ky-phat-bieu/da-gui/", speaker_done, name="speaker_done"),
    path("thong-bao/feed.atom", announcements_feed, name="announcements_feed"),
    path("lich-tiep-cong-dan/", receptions, name="receptions"),
    path("xa/<slug:slug>/doi-thoai/", commune_dialogues, name="commune_dialogues"),
    path("xa/<slug:slug>/doi-thoai/lich.ics", calendar_feed, name="commune_calendar"),
    path("xa/<slug:slug>/thong-bao/feed.atom", announcements_feed, name="commune_announcements_feed"),
    path("xa/<slug:slug>/lich-tiep-cong-dan/", commune_receptions, name="commune_receptions"),
]
