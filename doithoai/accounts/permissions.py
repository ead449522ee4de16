"""Who may see and do what: the one place that decides (DESIGN.md §1).

Staff queries start from the `*_visible_to(user)` querysets here, so an object outside the
user's reach is simply not found (a 404), never shown. Actions call `require(user, action, obj)`.
Superusers get no domain rights from being superusers: roles decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from doithoai.accounts.models import Organization, RoleAssignment, Unit, User
from doithoai.lib.confidential import CONFIDENTIAL_KINDS

if TYPE_CHECKING:
    from doithoai.petitions.models import Petition
    from doithoai.plans.models import Dialogue

Role = RoleAssignment.Role
UNIT_STAFF = (Role.COORDINATOR, Role.CHAIR)
ANY_COMMUNE_ROLE = (Role.COORDINATOR, Role.CHAIR, Role.AGENCY, Role.ORG_REP, Role.PUBLISHER)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def roles_of(user) -> list[RoleAssignment]:
    """The user's role assignments, fetched once per user object (one query per request)."""
    if not _active(user):
        return []
    cached = getattr(user, "_doithoai_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.select_related("unit", "organization").filter(user=user))
        user._doithoai_roles = cached
    return cached


def has_role(user, unit: Unit | int | None, *roles: str) -> bool:
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    return any(r.role in roles and r.unit_id == unit_id for r in roles_of(user))


def role_codes(user) -> set[str]:
    return {r.role for r in roles_of(user)}


def organizations_for(user, *roles: str) -> list[Organization]:
    """The organisations the user acts for in the given roles."""
    return [r.organization for r in roles_of(user) if r.role in roles and r.organization_id]


def organizations_for_role_in_unit(role: str, unit_id: int) -> list[Organization]:
    """The organisations whose accounts hold `role` in the unit (e.g. the service centre that publishes)."""
    ids = RoleAssignment.objects.filter(unit_id=unit_id, role=role, organization__isnull=False).values("organization")
    return list(Organization.objects.filter(pk__in=ids))


def units_with_role(user, *roles: str) -> list[int]:
    return sorted({r.unit_id for r in roles_of(user) if r.role in roles})


def chosen_unit(user, roles, choice: str = "") -> Unit:
    """The unit a staff page works on: among those where the user holds one of `roles`, the chosen one (the
    page's ?don-vi=<id>), else the first by name. PermissionDenied without any such role; Http404 for a choice
    that is not among them."""
    from django.http import Http404

    units = {r.unit_id: r.unit for r in roles_of(user) if r.role in roles}
    if not units:
        raise PermissionDenied("unit")
    if choice:
        if not (choice.isascii() and choice.isdigit() and len(choice) < 19 and int(choice) in units):
            raise Http404("don-vi")
        return units[int(choice)]
    return sorted(units.values(), key=lambda u: u.name)[0]


def is_staff_user(user) -> bool:
    """Anyone with a role, or with a seat at a dialogue, uses the staff pages."""
    return bool(roles_of(user)) or (_active(user) and user.dialogue_roles.exists())


def province_communes(user) -> list[int]:
    """Communes whose aggregates a province officer may read."""
    provinces = units_with_role(user, Role.PROVINCE)
    if not provinces:
        return []
    return list(Unit.objects.filter(parent_id__in=provinces).values_list("pk", flat=True))


# ---------------------------------------------------------------- petitions


def petitions_visible_to(user) -> QuerySet[Petition]:
    """Petitions a staff user may open. Province officers and publishers see none (aggregates only)."""
    from doithoai.petitions.models import Assignment, Petition

    condition = Q(pk__in=[])
    for role in roles_of(user):
        if role.role in UNIT_STAFF:
            condition |= Q(unit_id=role.unit_id)
        elif role.role == Role.AGENCY:
            on_it = Assignment.objects.filter(petition=OuterRef("pk"), is_current=True).filter(
                Q(lead_id=role.organization_id) | Q(coordinating=role.organization_id)
            )
            condition |= Q(unit_id=role.unit_id) & Q(Exists(on_it))
        elif role.role == Role.ORG_REP:
            condition |= Q(unit_id=role.unit_id, submitter_organization_id=role.organization_id)
            if role.organization.is_supervisor:
                condition |= Q(unit_id=role.unit_id) & ~Q(kind__in=CONFIDENTIAL_KINDS)
    seats = seat_dialogue_ids(user)
    if seats:
        # Secretaries and receivers of a dialogue see what was raised there (never complaints or denunciations).
        condition |= Q(dialogue_id__in=seats) & ~Q(kind__in=CONFIDENTIAL_KINDS)
    return Petition.objects.filter(condition)


def seat_dialogue_ids(user) -> list[int]:
    """The dialogues where the user sits as secretary or receiver, fetched once per user object.

    Read first, so that staff queries stay simple conditions on indexed columns instead of a subquery per row."""
    if not _active(user):
        return []
    cached = getattr(user, "_doithoai_seats", None)
    if cached is None:
        from doithoai.plans.models import DialogueMember

        cached = list(DialogueMember.objects.filter(user_id=user.pk).values_list("dialogue_id", flat=True))
        user._doithoai_seats = cached
    return cached


def can_see_identity(user, petition: Petition) -> bool:
    """Who may read a submitter's name and contact details (a denouncer's: coordinator and chair only)."""
    if has_role(user, petition.unit_id, *UNIT_STAFF):
        return True
    if petition.kind == "to_cao":
        return False
    if petition.submitter_organization_id and petition.submitter_organization_id in {
        o.pk for o in organizations_for(user, Role.ORG_REP)
    }:
        return True
    return _is_assigned_agency(user, petition)


def can_see_internal(user, petition: Petition) -> bool:
    """Internal notes, attachments, assignments and answers of a petition the user may open. Once it is a tố cáo,
    only the coordinator and the chair: the organisation that sent it keeps the public steps and nothing more."""
    if petition.kind == "to_cao":
        return has_role(user, petition.unit_id, *UNIT_STAFF)
    return True


def _is_assigned_agency(user, petition: Petition, lead_only: bool = False) -> bool:
    orgs = [o.pk for o in organizations_for(user, Role.AGENCY)]
    if not orgs:
        return False
    current = petition.assignments.filter(is_current=True)
    if lead_only:
        return current.filter(lead_id__in=orgs).exists()
    return current.filter(Q(lead_id__in=orgs) | Q(coordinating__in=orgs)).exists()


def _is_dialogue_member(user, dialogue_id: int | None, *roles: str) -> bool:
    if not dialogue_id or not _active(user):
        return False
    seats = user.dialogue_roles.filter(dialogue_id=dialogue_id)
    return seats.filter(role__in=roles).exists() if roles else seats.exists()


# ---------------------------------------------------------------- dialogues and plans


def dialogues_visible_to(user) -> QuerySet[Dialogue]:
    """Dialogues of the units where the user has a role (the province: of its communes)."""
    from doithoai.plans.models import Dialogue

    units = set(units_with_role(user, *ANY_COMMUNE_ROLE)) | set(province_communes(user))
    condition = Q(unit_id__in=units)
    if _active(user):
        condition |= Q(members__user_id=user.pk)
    return Dialogue.objects.filter(condition).distinct()


def plans_visible_to(user):
    from doithoai.plans.models import Plan

    units = set(units_with_role(user, *ANY_COMMUNE_ROLE)) | set(province_communes(user))
    return Plan.objects.filter(unit_id__in=units)


# ---------------------------------------------------------------- the rule table


def _unit_of(obj) -> int | None:
    if isinstance(obj, Unit):
        return obj.pk
    if hasattr(obj, "unit_id"):
        return obj.unit_id
    if hasattr(obj, "plan"):
        return obj.plan.unit_id
    if hasattr(obj, "dialogue"):
        return obj.dialogue.unit_id
    return None


def _coordinator(user, obj) -> bool:
    return has_role(user, _unit_of(obj), Role.COORDINATOR)


def _chair(user, obj) -> bool:
    return has_role(user, _unit_of(obj), Role.CHAIR)


def _unit_staff(user, obj) -> bool:
    return has_role(user, _unit_of(obj), *UNIT_STAFF)


def _petition_view(user, petition) -> bool:
    return petitions_visible_to(user).filter(pk=petition.pk).exists()


def _petition_view_internal(user, petition) -> bool:
    return can_see_internal(user, petition) and _petition_view(user, petition)


def _answer_at_dialogue(user, petition) -> bool:
    if petition.kind in CONFIDENTIAL_KINDS:  # handed to their legal procedure, never to a dialogue seat
        return _unit_staff(user, petition)
    return _unit_staff(user, petition) or _is_dialogue_member(user, petition.dialogue_id, "secretary")


def _record_answer(user, petition) -> bool:
    return _coordinator(user, petition) or _is_assigned_agency(user, petition, lead_only=True)


def _agency_lead(user, petition) -> bool:
    return _is_assigned_agency(user, petition, lead_only=True)


def _enter_for_dialogue(user, dialogue) -> bool:
    return _unit_staff(user, dialogue) or _is_dialogue_member(user, dialogue.pk)


def _submit_for_org(user, organization) -> bool:
    return organization.pk in {o.pk for o in organizations_for(user, Role.ORG_REP)} or _coordinator(user, organization)


def _dialogue_view(user, dialogue) -> bool:
    return dialogues_visible_to(user).filter(pk=dialogue.pk).exists()


def _announce(user, dialogue) -> bool:
    return has_role(user, dialogue.unit_id, Role.PUBLISHER, Role.COORDINATOR)


def _complete_task(user, task) -> bool:
    if _coordinator(user, task.plan):
        return True
    return any(r.organization_id == task.organization_id and r.unit_id == task.plan.unit_id for r in roles_of(user))


def _unlock_account(user, account) -> bool:
    """A coordinator unlocks the accounts that hold a role in their unit."""
    units = set(units_with_role(user, Role.COORDINATOR))
    return bool(units) and account.roles.filter(unit_id__in=units).exists()


def _aggregates(user, unit) -> bool:
    unit_id = _unit_of(unit)
    return has_role(user, unit_id, *UNIT_STAFF) or unit_id in province_communes(user)


RULES = {
    "petition.view": _petition_view,
    "petition.view_identity": can_see_identity,
    "petition.view_internal": _petition_view_internal,
    "petition.classify": _coordinator,
    "petition.merge": _coordinator,
    "petition.decline": _coordinator,
    "petition.assign": _coordinator,
    "petition.forward": _coordinator,
    "petition.legal_track": _coordinator,
    "petition.publish": _coordinator,
    "petition.close": _coordinator,
    "petition.edit_summary": _coordinator,
    "petition.decide_extension": _coordinator,
    "petition.approve": _chair,
    "petition.return_answer": _chair,
    "petition.answer_at_dialogue": _answer_at_dialogue,
    "petition.record_answer": _record_answer,
    "petition.accept_assignment": _agency_lead,
    "petition.return_assignment": _agency_lead,
    "petition.request_extension": _agency_lead,
    "petition.enter": _unit_staff,
    "dialogue.view": _dialogue_view,
    "dialogue.enter_petition": _enter_for_dialogue,
    "dialogue.console": _enter_for_dialogue,
    "dialogue.edit": _coordinator,
    "dialogue.conclude": _unit_staff,
    "dialogue.announce": _announce,
    "plan.edit": _coordinator,
    "plantask.complete": _complete_task,
    "organization.submit_petitions": _submit_for_org,
    "unit.view_aggregates": _aggregates,
    "account.unlock": _unlock_account,
}


def can(user, action: str, obj) -> bool:
    """Whether `user` may do `action` on `obj` (an unknown action is refused, never allowed)."""
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"unknown permission {action!r}")
    if not _active(user):
        return False
    return bool(rule(user, obj))


def require(user, action: str, obj) -> None:
    """Raise PermissionDenied unless `user` may do `action` on `obj`."""
    if not can(user, action, obj):
        raise PermissionDenied(action)


def allowed_actions(user, obj, actions: Iterable[str]) -> set[str]:
    return {a for a in actions if can(user, a, obj)}


__all__ = [
    "Role",
    "can",
    "require",
    "roles_of",
    "has_role",
    "petitions_visible_to",
    "dialogues_visible_to",
    "plans_visible_to",
    "can_see_identity",
    "can_see_internal",
    "is_staff_user",
    "User",
]
