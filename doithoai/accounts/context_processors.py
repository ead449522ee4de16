"""Navigation by role, for the base layout."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from doithoai.accounts import permissions
from doithoai.accounts.models import Unit


def _sole_commune() -> Unit | None:
    """The commune of a one-commune deployment (one query, only if a page asks for it)."""
    communes = list(Unit.objects.filter(level=Unit.Level.COMMUNE)[:2])
    return communes[0] if len(communes) == 1 else None


def navigation(request) -> dict:
    """`nav_items` [(label, url)], `nav_roles` [labels] and `nav_unit`, the unit named in the header
    when the page gives none (the unit of the user's roles, or the deployment's only commune)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_roles": [], "nav_unit": SimpleLazyObject(_sole_commune)}
    roles = permissions.roles_of(user)
    codes = {r.role for r in roles}
    items = [("Tổng quan", reverse("portal:staff_home"))]
    if roles:
        items.append(("Kế hoạch", reverse("portal:plan_list")))
    # Roles are read once per request; a dialogue seat costs a query, so it is asked only of accounts with no role.
    if codes & set(permissions.UNIT_STAFF) or (not roles and user.dialogue_roles.exists()):
        items.append(("Nhập ý kiến", reverse("petitions:enter")))
    # Who may upload a list (import_views._organizations): a coordinator, or a representative of an organisation.
    if permissions.Role.COORDINATOR in codes or any(
        r.role == permissions.Role.ORG_REP and r.organization_id for r in roles
    ):
        items.append(("Nhập Excel", reverse("petitions:import")))
    supervisor = any(
        r.role == permissions.Role.ORG_REP and r.organization_id and r.organization.is_supervisor for r in roles
    )
    if codes & set(permissions.UNIT_STAFF) or supervisor:
        items.append(("Ý kiến, kiến nghị", reverse("petitions:inbox")))
    if codes & {permissions.Role.COORDINATOR, permissions.Role.PUBLISHER}:
        items.append(("Thông báo", reverse("plans:announcement_list")))
    if codes & {permissions.Role.COORDINATOR, permissions.Role.CHAIR}:
        items.append(("Tiếp công dân", reverse("plans:reception")))
        items.append(("Thư gửi đi", reverse("notifications:outbox")))
    if permissions.Role.AGENCY in codes:
        items.append(("Việc được giao", reverse("petitions:agency_inbox")))
    if permissions.Role.ORG_REP in codes:
        items.append(("Ý kiến của tổ chức", reverse("petitions:org_batch")))
    # The public site is offered in the account menu (base.html), to keep the header on one line at 1280 px.
    if user.is_staff:
        items.append(("Quản trị dữ liệu", reverse("admin:index")))
    labels = sorted(
        {f"{r.get_role_display()}{' — ' + r.organization.name if r.organization_id else ''}" for r in roles}
    )
    units = {r.unit_id: r.unit for r in roles}
    nav_unit = next(iter(units.values())) if len(units) == 1 else SimpleLazyObject(_sole_commune)
    return {"nav_items": items, "nav_roles": labels, "nav_unit": nav_unit}
