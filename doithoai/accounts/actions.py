"""Changes to accounts that go through the workflow (one function each, permission checked)."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction

from doithoai.accounts import permissions, throttle
from doithoai.accounts.models import LoginThrottle, User

logger = logging.getLogger(__name__)


@transaction.atomic
def unlock_login(account: User, *, by) -> int:
    """Mở khóa đăng nhập: the coordinator lifts every log-in lock on an account of the unit; returns how many."""
    if not permissions.can(by, "account.unlock", account):
        raise PermissionDenied("account.unlock")
    deleted, _ = LoginThrottle.objects.filter(username=throttle.folded_name(account.username)).delete()
    logger.info("Log-in locks lifted on account %s by account %s (%s keys)", account.pk, by.pk, deleted)
    return deleted
