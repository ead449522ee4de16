"""Read-only queries about accounts that several pages share."""

from django.utils import timezone

from doithoai.accounts import permissions, throttle
from doithoai.accounts.models import LoginThrottle, User


def unit_accounts(user) -> list[User] | None:
    """The accounts holding a role in the units the user coordinates; None for anyone who coordinates none."""
    units = permissions.units_with_role(user, permissions.Role.COORDINATOR)
    if not units:
        return None
    accounts = User.objects.filter(roles__unit_id__in=units).select_related("person").distinct()
    return list(accounts.order_by("username"))


def locked_accounts(user) -> list[dict]:
    """The coordinator's unit accounts locked out of log-in now: {"account", "scopes", "until"}, by user name.
    One query when nothing is locked anywhere (the usual case), three otherwise."""
    now = timezone.now()
    if not LoginThrottle.objects.filter(locked_until__gt=now).exists():
        return []
    accounts = {throttle.folded_name(a.username): a for a in unit_accounts(user) or []}
    rows = LoginThrottle.objects.filter(username__in=list(accounts), locked_until__gt=now)
    locked: dict[int, dict] = {}
    for row in rows.order_by("-locked_until")[:500]:
        account = accounts[row.username]
        entry = locked.setdefault(account.pk, {"account": account, "scopes": set(), "until": row.locked_until})
        entry["scopes"].add(row.get_scope_display())
        entry["until"] = max(entry["until"], row.locked_until)
    return sorted(locked.values(), key=lambda e: e["account"].username)
