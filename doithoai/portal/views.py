"""Public pages of a commune and the staff home. Thin: fetch through queries, render."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from doithoai.accounts import permissions
from doithoai.accounts.models import Unit
from doithoai.lib import clock
from doithoai.petitions import queries as petition_queries
from doithoai.plans import queries as plan_queries
from doithoai.plans.models import AgendaItem, Dialogue, DialogueMember, Plan, PlanTask


def home(request: HttpRequest) -> HttpResponse:
    """One commune: its public home. Several: the list of communes."""
    communes = list(Unit.objects.filter(level=Unit.Level.COMMUNE).order_by("name"))
    if len(communes) == 1:
        return _commune_page(request, communes[0])
    return render(request, "portal/communes.html", {"communes": communes})


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
        },
    )


def dialogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue = get_object_or_404(
        Dialogue.objects.select_related("unit", "plan__document__register", "chair_post__person").prefetch_related(
            Prefetch("agenda", queryset=AgendaItem.objects.order_by("position"))
        ),
        pk=pk,
        unit__level=Unit.Level.COMMUNE,
    )
    return render(
        request,
        "portal/dialogue_detail.html",
        {"dialogue": dialogue, "unit": dialogue.unit, "last_day": plan_queries.last_announcement_day(dialogue)},
    )


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The staff home: real figures for the units and organisations the user works for."""
    user = request.user
    roles = permissions.roles_of(user)
    if not roles and not user.dialogue_roles.exists():
        return render(request, "portal/no_role.html", status=403)
    visible = permissions.petitions_visible_to(user)
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
    # The dialogues where the user sits as secretary or receiver (one query).
    seats = list(
        DialogueMember.objects.filter(user=user, dialogue__starts_at__year=today.year)
        .select_related("dialogue")
        .order_by("dialogue__starts_at", "role")
    )
    context = {
        "units": units,
        "plans": plans,
        "figures": petition_queries.summary_figures(visible),
        "status_counts": [row for row in petition_queries.status_counts(visible) if row[2]],
        "topic_counts": petition_queries.topic_counts(visible)[:6],
        "coming": coming,
        "tasks": tasks,
        "today": today,
        "role_codes": permissions.role_codes(user),
        "province_rows": _province_rows(province_units) if province_units else [],
        "last_days": {d.pk: plan_queries.last_announcement_day(d) for d in coming},
        "seats": seats,
    }
    return render(request, "portal/staff_home.html", context)


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
    return render(request, "portal/plan_list.html", {"plans": plans})


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


def petition_status(request: HttpRequest, code: str) -> HttpResponse:
    """The public status of a tracking code, masked (DESIGN.md §6)."""
    from doithoai.petitions import queries as pq

    petition = pq.by_public_code(code)
    if petition is None:
        return render(request, "portal/petition_not_found.html", {"code": code[:40]}, status=404)
    return render(request, "portal/petition_status.html", {"status": pq.public_status(petition), "unit": petition.unit})
