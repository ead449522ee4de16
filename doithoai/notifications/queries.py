"""The outbox a staff user may read: the messages of the units where they are coordinator or chair."""

from django.db.models import QuerySet

from doithoai.accounts import permissions
from doithoai.notifications.models import Notification


def outbox_units(user) -> list[int]:
    """Units whose outbox the user reads (coordinator or chair there)."""
    return permissions.units_with_role(user, *permissions.UNIT_STAFF)


def outbox_visible_to(user) -> QuerySet[Notification]:
    """Messages of those units, each annotated with the kind and code of its petition (for masking and links)."""
    return Notification.objects.filter(unit_id__in=outbox_units(user)).with_about()


def may_resend(user, notification: Notification) -> bool:
    """Only the coordinator sends a message again (the chair reads)."""
    return permissions.has_role(user, notification.unit_id, permissions.Role.COORDINATOR)
