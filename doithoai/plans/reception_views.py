"""The citizen reception calendar (Lịch tiếp công dân, /can-bo/tiep-cong-dan/): the secretary's reception days of
the year month by month, with a warning for a month with fewer than the required days; the coordinator adds days
(add_reception_day); each day leads to the opinion entry page on the reception channel.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from doithoai.accounts import permissions
from doithoai.accounts.models import Unit
from doithoai.lib import clock
from doithoai.lib.responses import after_post
from doithoai.petitions.models import Petition
from doithoai.plans import actions
from doithoai.plans.fields import run_action
from doithoai.plans.models import Dialogue
from doithoai.plans.plan_forms import ReceptionDayForm

MIN_DAYS_A_MONTH = 2  # a commune Party secretary receives citizens at least 2 days a month


def _unit(request: HttpRequest) -> Unit:
    """The unit whose calendar is shown: one where the user is coordinator or chair (?don-vi= among them)."""
    return permissions.chosen_unit(request.user, permissions.UNIT_STAFF, request.GET.get("don-vi", ""))


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("nam", "")
    if raw.isascii() and raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= 2100:  # int() refuses 4300+ digits
        return int(raw)
    return clock.today().year


@login_required
def reception_calendar(request: HttpRequest) -> HttpResponse:
    """Lịch tiếp công dân của năm, tháng theo tháng."""
    unit = _unit(request)
    return _page(request, unit, _year(request), form=None)


def _page(request, unit: Unit, year: int, *, form: ReceptionDayForm | None, status: int = 200) -> HttpResponse:
    can_edit = permissions.can(request.user, "dialogue.edit", unit)
    if form is None and can_edit:
        last = Dialogue.objects.filter(unit=unit, kind=Dialogue.Kind.RECEPTION).order_by("-starts_at").first()
        form = ReceptionDayForm(unit=unit, initial={"place": last.place} if last else {})
    days = list(
        Dialogue.objects.filter(unit=unit, kind=Dialogue.Kind.RECEPTION, starts_at__year=year)
        .select_related("chair_post__person")
        .annotate(opinions=Count("petitions"))
        .order_by("starts_at", "pk")
    )
    enter = reverse("petitions:enter")
    months = {m: [] for m in range(1, 13)}
    for day in days:
        local = timezone.localtime(day.starts_at)
        day.local_start = local
        day.local_end = timezone.localtime(day.ends_at) if day.ends_at else None
        day.enter_url = f"{enter}?{urlencode({'kenh': Petition.Channel.RECEPTION, 'buoi': day.pk})}"
        months[local.month].append(day)
    today = clock.today()
    calendar = [
        {
            "month": month,
            "year": year,
            "days": items,
            "short": len(items) < MIN_DAYS_A_MONTH,
            "is_current": (year, month) == (today.year, today.month),
            "is_past": (year, month) < (today.year, today.month),
        }
        for month, items in months.items()
    ]
    context = {
        "unit": unit,
        "year": year,
        "calendar": calendar,
        "short_months": [m for m in calendar if m["short"]],
        "total": len(days),
        "min_days": MIN_DAYS_A_MONTH,
        "can_edit": can_edit,
        "form": form,
        "today": today,
        "years": (year - 1, year + 1),
        "action": reverse("plans:reception_add") + (f"?don-vi={unit.pk}" if "don-vi" in request.GET else ""),
    }
    return render(request, "plans/reception.html", context, status=status)


@require_POST
@login_required
def reception_add(request: HttpRequest) -> HttpResponse:
    """Thêm ngày tiếp công dân (Văn phòng Đảng ủy)."""
    unit = _unit(request)
    if not permissions.can(request.user, "dialogue.edit", unit):
        raise PermissionDenied("dialogue.edit")
    form = ReceptionDayForm(request.POST, unit=unit)
    if form.is_valid():
        data = form.cleaned_data
        day = run_action(
            form,
            lambda: actions.add_reception_day(
                unit,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                chair_post=data["chair_post"],
                by=request.user,
            ),
        )
        if day is not None:
            local = timezone.localtime(day.starts_at)
            url = reverse("plans:reception") + "?" + urlencode({"nam": local.year}) + f"#thang-{local.month}"
            return after_post(request, url, f"Đã thêm ngày tiếp công dân {local:%d/%m/%Y}.")
    year = form.cleaned_data.get("day").year if form.cleaned_data.get("day") else _year(request)
    return _page(request, unit, year if 2000 <= year <= 2100 else clock.today().year, form=form, status=422)


urlpatterns = [
    path("tiep-cong-dan/", reception_calendar, name="reception"),
    path("tiep-cong-dan/them/", reception_add, name="reception_add"),
]
