"""Staff pages of a plan (under /can-bo/ke-hoach/): issue and edit a plan, add its dialogues, and the tasks of
section III with the Party cells' confirmations (III.1).

Thin: a plan is found only among those the user may see (anything else is a 404); each form calls one action
(plans.actions); ValidationError messages go to their fields, ActionError to the top of the page (422).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from doithoai.accounts import permissions
from doithoai.accounts.models import Organization, Unit
from doithoai.lib import clock
from doithoai.lib.responses import after_post
from doithoai.petitions.actions import ActionError
from doithoai.plans import actions, queries
from doithoai.plans.fields import run_action, show_action_errors
from doithoai.plans.models import Plan, PlanTask
from doithoai.plans.plan_forms import DialogueAddForm, PlanCreateForm, PlanEditForm, TaskForm

Role = permissions.Role
TASK_PAGE_SIZE = 100


# ---------------------------------------------------------------- whose plan


def _coordinated_unit(request: HttpRequest) -> Unit:
    """The unit where the user coordinates (?don-vi=<id> among them when there are several)."""
    return permissions.chosen_unit(request.user, (Role.COORDINATOR,), request.GET.get("don-vi", ""))


def _plan(request: HttpRequest, pk: int) -> Plan:
    """A plan the user may see (another unit's: 404)."""
    return get_object_or_404(
        permissions.plans_visible_to(request.user).select_related("unit", "document__register", "signer_post__person"),
        pk=pk,
    )


def _editable_plan(request: HttpRequest, pk: int) -> Plan:
    plan = _plan(request, pk)
    if not permissions.can(request.user, "plan.edit", plan):
        raise PermissionDenied("plan.edit")
    return plan


def _plan_url(plan: Plan) -> str:
    return reverse("portal:plan_detail", args=[plan.pk])


def _done(request: HttpRequest, message: str, url: str) -> HttpResponse:
    return after_post(request, url, message)


# ---------------------------------------------------------------- issue and edit a plan


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    """Ban hành kế hoạch mới (Văn phòng Đảng ủy): the number comes from the issuing body's register."""
    unit = _coordinated_unit(request)
    if request.method != "POST":
        initial = {"year": clock.today().year, "issued_on": clock.today()}
        replaced = request.GET.get("thay-the", "")
        if replaced.isascii() and replaced.isdigit() and len(replaced) < 19:  # "²".isdigit() is true, int() refuses it
            initial["supersedes"] = int(replaced)
        return _form_page(request, PlanCreateForm(unit=unit, initial=initial), unit=unit)
    form = PlanCreateForm(request.POST, unit=unit)
    if form.is_valid():
        data = form.cleaned_data
        plan = run_action(
            form,
            lambda: actions.create_plan(
                unit,
                title=data["title"],
                year=data["year"],
                issued_on=data["issued_on"],
                issuing_body=data["issuing_body"],
                signer_post=data["signer_post"],
                supersedes=data["supersedes"],
                by=request.user,
                **form.texts(),
            ),
        )
        if plan is not None:
            return _done(request, f"Đã ban hành Kế hoạch số {plan.code}.", _plan_url(plan))
    return _form_page(request, form, unit=unit, status=422)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Sửa kế hoạch: the texts and the signer (the number and date stay)."""
    plan = _editable_plan(request, pk)
    if request.method != "POST":
        initial = {"title": plan.title, "signer_post": plan.signer_post_id}
        initial.update({name: getattr(plan, name) for name in actions.PLAN_TEXTS})
        return _form_page(request, PlanEditForm(unit=plan.unit, initial=initial), unit=plan.unit, plan=plan)
    form = PlanEditForm(request.POST, unit=plan.unit)
    if form.is_valid():
        done = run_action(
            form,
            lambda: actions.update_plan(
                plan,
                title=form.cleaned_data["title"],
                signer_post=form.cleaned_data["signer_post"],
                by=request.user,
                **form.texts(),
            ),
        )
        if done is not None:
            return _done(request, "Đã lưu kế hoạch.", _plan_url(plan))
    return _form_page(request, form, unit=plan.unit, plan=plan, status=422)


def _form_page(request, form, *, unit: Unit, plan: Plan | None = None, status: int = 200) -> HttpResponse:
    context = {"form": form, "unit": unit, "plan": plan, "action": request.get_full_path()}
    return render(request, "plans/plan_form.html", context, status=status)


# ---------------------------------------------------------------- the plan's dialogues


@require_POST
@login_required
def plan_quarterly(request: HttpRequest, pk: int) -> HttpResponse:
    """Tạo các buổi giao ban quý: a quarter that already has one is skipped (pressing twice adds nothing)."""
    plan = _editable_plan(request, pk)
    try:
        created = actions.generate_quarterly_dialogues(plan, by=request.user)
    except ActionError as error:
        messages.error(request, str(error))
        return redirect(_plan_url(plan))
    if created:
        message = f"Đã tạo {len(created)} buổi giao ban quý."
    else:
        message = "Các quý đều đã có buổi giao ban; không tạo thêm buổi nào."
    return _done(request, message, _plan_url(plan) + "#cac-buoi")


@login_required
def plan_add_dialogue(request: HttpRequest, pk: int) -> HttpResponse:
    """Thêm buổi: a conference, a business dialogue or an ad hoc one, with its tentative month."""
    plan = _editable_plan(request, pk)
    today = clock.today()
    if request.method != "POST":
        return _dialogue_page(request, plan, DialogueAddForm(unit=plan.unit, plan=plan, today=today))
    form = DialogueAddForm(request.POST, unit=plan.unit, plan=plan, today=today)
    same: list = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            dialogue = actions.create_dialogue(
                plan.unit,
                kind=data["kind"],
                title=data["title"],
                plan=plan,
                tentative_month=data["tentative_month"],
                audience=data["audience"],
                content=data["content"],
                place=data["place"],
                chair_post=data["chair_post"],
                same_title_confirmed=data["same_title_confirmed"],
                by=request.user,
            )
        except ValidationError as error:
            if any(e.code == "duplicate_title" for e in getattr(error, "error_dict", {}).get("title", [])):
                same = queries.same_title_dialogues(plan, data["title"])
            show_action_errors(form, error)
        except ActionError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, f"Đã thêm buổi “{dialogue.title}”.", reverse("plans:dialogue", args=[dialogue.pk]))
    return _dialogue_page(request, plan, form, same=same, status=422)


def _dialogue_page(request, plan: Plan, form: DialogueAddForm, *, same=(), status: int = 200) -> HttpResponse:
    context = {"plan": plan, "form": form, "action": request.get_full_path(), "same_title": same}
    return render(request, "plans/plan_add_dialogue.html", context, status=status)


# ---------------------------------------------------------------- what the user may do with a plan


@login_required
def plan_actions(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's buttons for this user (the coordinator's actions, the tasks, an organisation's open tasks): a
    panel the plan page loads with htmx, and a page of its own without JavaScript."""
    plan = _plan(request, pk)
    try:
        superseded = plan.superseded_by is not None
    except Plan.DoesNotExist:
        superseded = False
    sees_all = permissions.has_role(request.user, plan.unit_id, *permissions.UNIT_STAFF)
    own = _own_organization_ids(request.user, plan.unit_id)
    context = {
        "plan": plan,
        "can_edit": permissions.can(request.user, "plan.edit", plan),
        "superseded": superseded,
        "sees_tasks": sees_all or bool(own),
        "sees_all": sees_all,
        "open_count": _open_count(plan, None if sees_all else own) if (sees_all or own) else 0,
        "unit_staff": sees_all,
    }
    template = "plans/plan_actions.html#actions" if request.htmx else "plans/plan_actions.html"
    return render(request, template, context)


# ---------------------------------------------------------------- tasks of section III


def _own_organization_ids(user, unit_id: int) -> set[int]:
    return {r.organization_id for r in permissions.roles_of(user) if r.unit_id == unit_id and r.organization_id}


def _tasks_scope(request: HttpRequest, plan: Plan) -> tuple[bool, set[int]]:
    """Unit staff see every task; anyone else only their own organisations' (none at all: 403)."""
    sees_all = permissions.has_role(request.user, plan.unit_id, *permissions.UNIT_STAFF)
    own = _own_organization_ids(request.user, plan.unit_id)
    if not sees_all and not own:
        raise PermissionDenied("plantask.view")
    return sees_all, own


@login_required
def plan_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    """Nhiệm vụ tổ chức thực hiện: the tasks grouped by organisation, with due dates, done marks and (for the
    office) the Party cells' confirmations that they passed the plan on (III.1)."""
    plan = _plan(request, pk)
    return _tasks_page(request, plan)


def _tasks_page(request, plan: Plan, *, error: str = "", task_form=None, status: int = 200) -> HttpResponse:
    sees_all, own = _tasks_scope(request, plan)
    only_open = request.GET.get("loc") == "chua-xong"
    tasks = PlanTask.objects.filter(plan=plan)
    if not sees_all:
        tasks = tasks.filter(organization_id__in=own)
    if only_open:
        tasks = tasks.filter(done_at__isnull=True)
    tasks = tasks.select_related("organization", "dialogue", "done_by__person").order_by(
        "organization__name", "organization_id", "due_on", "section", "pk"
    )
    page = Paginator(tasks, TASK_PAGE_SIZE).get_page(request.GET.get("trang"))
    today = clock.today()
    is_coordinator = permissions.has_role(request.user, plan.unit_id, Role.COORDINATOR)
    for task in page:
        task.can_mark = is_coordinator or task.organization_id in own
    may_edit = permissions.can(request.user, "plan.edit", plan)
    context = {
        "plan": plan,
        "page": page,
        "may_edit": may_edit,
        "task_form": (task_form or TaskForm(plan=plan)) if may_edit else None,
        "sees_all": sees_all,
        "only_open": only_open,
        "pass_on": _pass_on(plan) if sees_all else None,
        "error": error,
        "today": today,
        "open_count": _open_count(plan, None if sees_all else own),
    }
    return render(request, "plans/plan_tasks.html", context, status=status)


def _open_count(plan: Plan, own: set[int] | None) -> int:
    tasks = PlanTask.objects.filter(plan=plan, done_at__isnull=True)
    if own is not None:
        tasks = tasks.filter(organization_id__in=own)
    return tasks.count()


def _pass_on(plan: Plan) -> dict:
    """Section III.1: which Party cells confirmed they passed the plan on to their members (one query)."""
    cells: dict[int, dict] = {}
    rows = (
        PlanTask.objects.filter(plan=plan, purpose=PlanTask.Purpose.PASS_ON)
        .select_related("organization")
        .order_by("organization__name", "pk")
    )
    for task in rows:
        if task.organization.kind != Organization.Kind.PARTY_CELL:
            continue
        cell = cells.setdefault(task.organization_id, {"name": task.organization.name, "done": True, "due_on": None})
        cell["done"] = cell["done"] and task.done_at is not None
        cell["due_on"] = task.due_on if cell["due_on"] is None else min(cell["due_on"], task.due_on or cell["due_on"])
    listed = list(cells.values())
    missing = [c for c in listed if not c["done"]]
    due = min((c["due_on"] for c in missing if c["due_on"]), default=None)
    return {
        "total": len(listed),
        "done": len(listed) - len(missing),
        "missing": missing,
        "overdue": bool(missing and due and due < clock.today()),
        "due_on": due,
    }


@require_POST
@login_required
def plan_task_mark(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    """Đánh dấu hoàn thành (or undo): the coordinator any task, an organisation its own."""
    plan = _plan(request, pk)
    sees_all, own = _tasks_scope(request, plan)
    tasks = PlanTask.objects.filter(plan=plan)
    if not sees_all:
        tasks = tasks.filter(organization_id__in=own)
    task = get_object_or_404(tasks.select_related("plan", "organization"), pk=task_pk)
    done = request.POST.get("done") == "1"
    try:
        actions.complete_task(task, by=request.user, done=done)
    except ActionError as error:
        return _tasks_page(request, plan, error=str(error), status=422)
    message = f"Đã xác nhận hoàn thành: {task.title}." if done else f"Đã bỏ đánh dấu hoàn thành: {task.title}."
    back = request.POST.get("next", "")
    url = reverse("plans:plan_tasks", args=[plan.pk])
    if back == "chua-xong":
        url += "?loc=chua-xong"
    return _done(request, message, f"{url}#nhiem-vu-{task.pk}")


@require_POST
@login_required
def plan_task_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Giao nhiệm vụ: the coordinator adds one task of section III."""
    plan = _editable_plan(request, pk)
    form = TaskForm(request.POST, plan=plan)
    if form.is_valid():
        d = form.cleaned_data
        task = run_action(
            form,
            lambda: actions.add_task(
                plan,
                organization=d["organization"],
                title=d["title"],
                due_on=d["due_on"],
                section=d["section"] or "III",
                purpose=d["purpose"] or "",
                dialogue=d["dialogue"],
                by=request.user,
            ),
        )
        if task is not None:
            url = reverse("plans:plan_tasks", args=[plan.pk]) + f"#nhiem-vu-{task.pk}"
            return _done(request, f"Đã giao nhiệm vụ cho {task.organization.name}.", url)
    return _tasks_page(request, plan, task_form=form, status=422)


@require_POST
@login_required
def plan_tasks_standard(request: HttpRequest, pk: int) -> HttpResponse:
    """Giao các nhiệm vụ của mục III (Party cells, MTTQ and mass organisations, the service centre)."""
    plan = _editable_plan(request, pk)
    created = actions.create_section_iii_tasks(plan, by=request.user)
    message = (
        f"Đã giao {len(created)} nhiệm vụ của mục III." if created else "Các nhiệm vụ của mục III đã được giao đủ."
    )
    return _done(request, message, reverse("plans:plan_tasks", args=[plan.pk]))


urlpatterns = [
    path("ke-hoach/moi/", plan_create, name="plan_create"),
    path("ke-hoach/<int:pk>/sua/", plan_edit, name="plan_edit"),
    path("ke-hoach/<int:pk>/giao-ban-quy/", plan_quarterly, name="plan_quarterly"),
    path("ke-hoach/<int:pk>/them-buoi/", plan_add_dialogue, name="plan_add_dialogue"),
    path("ke-hoach/<int:pk>/thao-tac/", plan_actions, name="plan_actions"),
    path("ke-hoach/<int:pk>/nhiem-vu/", plan_tasks, name="plan_tasks"),
    path("ke-hoach/<int:pk>/nhiem-vu/<int:task_pk>/", plan_task_mark, name="plan_task_mark"),
    path("ke-hoach/<int:pk>/nhiem-vu/them/", plan_task_add, name="plan_task_add"),
    path("ke-hoach/<int:pk>/nhiem-vu/muc-iii/", plan_tasks_standard, name="plan_tasks_standard"),
]
