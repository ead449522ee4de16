"""Log-in lockout that an attacker cannot turn against a real user (hạn chế đăng nhập sai).

Failed log-ins are counted in the database (so every server process shares them) under three keys:

- a user name from one client address: DOITHOAI_LOGIN_FAILURES (5) failures lock that pair for an hour;
- a user name alone, from anywhere: a higher limit (DOITHOAI_LOGIN_FAILURES_PER_NAME, 20), against guessing from
  many addresses;
- a user name from a browser that has logged in as that user before (a signed device cookie): its own allowance
  (DOITHOAI_LOGIN_FAILURES), and the two locks above do not apply to it.

So someone typing a colleague's name at the shared office address locks out only browsers that never logged in
as that colleague; the colleague's own browser keeps working, and the coordinator can unlock the name at once
(accounts.actions.unlock_login). Nothing here logs a name or an address.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from doithoai.accounts.models import LoginThrottle
from doithoai.lib.text import nfc_line

S = LoginThrottle.Scope
DEVICE_COOKIE = "doithoai_device"
DEVICE_SALT = "doithoai.accounts.device"
DEVICE_MAX_AGE = 365 * 24 * 3600
DEVICE_NAMES = 8  # user names remembered by one browser (a shared office PC)


def folded_name(username: str) -> str:
    """The user name as counted: NFC, one line, case-insensitive, bounded."""
    return nfc_line(username).casefold()[:150]


def _lock_time() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def _limit(scope: str) -> int:
    return settings.LOGIN_FAILURES_PER_NAME if scope == S.NAME else settings.LOGIN_FAILURES


def read_device(request: HttpRequest) -> dict:
    """The browser's device cookie ({"id", "names"}), or an empty one when missing, forged or expired."""
    try:
        value = signing.loads(request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return {}
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or not isinstance(value.get("names"), list):
        return {}
    return value


@dataclass
class LoginAttempt:
    """One log-in attempt: which keys it is counted under, and whether any of them is locked."""

    name: str
    keys: list[tuple[str, str]]  # (scope, key)

    @classmethod
    def of(cls, request: HttpRequest, username: str) -> "LoginAttempt":
        from doithoai.api.ratelimit import client_address

        name = folded_name(username)
        device = read_device(request)
        if name and name in device.get("names", []):
            return cls(name, [(S.DEVICE, f"device:{device['id']}:{name}")])
        return cls(name, [(S.ADDRESS, f"address:{client_address(request)}:{name}"), (S.NAME, f"name:{name}")])

    def locked(self) -> bool:
        now = timezone.now()
        return LoginThrottle.objects.filter(key__in=[k for _, k in self.keys], locked_until__gt=now).exists()

    def failed(self) -> None:
        """Count one failure under every key; a key reaching its limit is locked for DOITHOAI_LOGIN_LOCK_MINUTES."""
        now = timezone.now()
        for scope, key in self.keys:
            row = _count(scope, key, self.name, now)
            if row.failures >= _limit(scope) and not (row.locked_until and row.locked_until > now):
                LoginThrottle.objects.filter(pk=row.pk).update(locked_until=now + _lock_time())

    def succeeded(self) -> None:
        """A right password clears this browser's and this address's count (not the name's: it expires)."""
        LoginThrottle.objects.filter(key__in=[k for s, k in self.keys if s != S.NAME]).delete()


def _count(scope: str, key: str, name: str, now: dt.datetime) -> LoginThrottle:
    """Add one failure to the key's row; a row idle for longer than the lock time starts again from zero."""
    stale = now - _lock_time()
    with transaction.atomic():
        LoginThrottle.objects.filter(key=key, last_failure_at__lt=stale).exclude(locked_until__gt=now).update(
            failures=0, locked_until=None
        )
        if not LoginThrottle.objects.filter(key=key).update(failures=F("failures") + 1, last_failure_at=now):
            try:
                with transaction.atomic():
                    LoginThrottle.objects.create(key=key, scope=scope, username=name, failures=1, last_failure_at=now)
            except IntegrityError:  # another process created it first
                LoginThrottle.objects.filter(key=key).update(failures=F("failures") + 1, last_failure_at=now)
        return LoginThrottle.objects.get(key=key)


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a successful log-in: this browser is now known for this user name (its own allowance from now on)."""
    device = read_device(request) or {"id": secrets.token_hex(16), "names": []}
    name = folded_name(username)
    names = [n for n in device["names"] if n != name][-(DEVICE_NAMES - 1) :] + [name]
    value = signing.dumps({"id": device["id"], "names": names}, salt=DEVICE_SALT)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def locked_names(names: list[str]) -> set[str]:
    """Which of these (folded) user names are locked now, under any key."""
    rows = LoginThrottle.objects.filter(username__in=names, locked_until__gt=timezone.now())
    return set(rows.values_list("username", flat=True))


def purge() -> int:
    """Delete counts idle for a day and locks long ended (for `doithoai sweep`); returns how many."""
    old = timezone.now() - dt.timedelta(days=1)
    deleted, _ = LoginThrottle.objects.filter(last_failure_at__lt=old).exclude(locked_until__gt=timezone.now()).delete()
    return deleted
