"""Read-only queries on plans and dialogues shared by pages, the API and commands."""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from doithoai.accounts.models import Unit
from doithoai.lib import clock
from doithoai.lib.text import nfc_line
from doithoai.plans.models import KINDS_WITH_NOTICE, NOTICE_DAYS, Announcement, Dialogue, Plan

HELD = (Dialogue.Status.HELD, Dialogue.Status.CONCLUDED)
# Not coming any more: held, concluded or cancelled.
NOT_COMING = (*HELD, Dialogue.Status.CANCELLED)


def current_plan(unit: Unit, year: int | None = None) -> Plan | None:
    """The plan in force for the year: the latest one that no other plan supersedes."""
    year = year or clock.today().year
    return (
        Plan.objects.filter(unit=unit, year=year, superseded_by__isnull=True)
        .select_related("document__register", "signer_post__person", "supersedes__document__register")
        .order_by("-issued_on", "-pk")
        .first()
    )


def superseded_chain(plan: Plan) -> list[Plan]:
    """The plans this one replaces, directly or through others (newest first)."""
    chain, current = [], plan.supersedes
    while current is not None and current not in chain:
        chain.append(current)
        current = current.supersedes
    return chain


def year_dialogues(plan: Plan) -> QuerySet[Dialogue]:
    """The dialogues of a plan's year: its own, and those already held under the plans it replaced."""
    older = [p.pk for p in superseded_chain(plan)]
    return (
        Dialogue.objects.filter(Q(plan=plan) | Q(plan_id__in=older, status__in=HELD))
        .exclude(kind=Dialogue.Kind.RECEPTION)
        .select_related("plan__document__register", "chair_post__person")
        .prefetch_related(Prefetch("announcements", queryset=Announcement.objects.filter(published_at__isnull=False)))
        .order_by("starts_at", "tentative_month", "pk")
    )


def sort_key(dialogue: Dialogue) -> dt.date:
    """The local day of a dated dialogue, or the first day of its tentative month."""
    if dialogue.starts_at:
        return timezone.localdate(dialogue.starts_at)  # never .date(): a stored start is in UTC
    return dialogue.tentative_month or dt.date.max


def split_coming_and_held(dialogues) -> tuple[list[Dialogue], list[Dialogue]]:
    """Coming dialogues (soonest first) and held ones (latest first)."""
    items = sorted(dialogues, key=sort_key)
    held = [d for d in items if d.status in HELD]
    coming = [d for d in items if d.status not in HELD]
    return coming, list(reversed(held))


def reception_days(unit: Unit, start: dt.date, end: dt.date) -> QuerySet[Dialogue]:
    return Dialogue.objects.filter(
        unit=unit, kind=Dialogue.Kind.RECEPTION, starts_at__date__gte=start, starts_at__date__lte=end
    ).order_by("starts_at")


def public_dialogues(unit_slug: str | None = None, kind: str | None = None) -> QuerySet[Dialogue]:
    """Every dialogue of the communes' plans and their reception days, for the public list and API."""
    qs = Dialogue.objects.filter(unit__level=Unit.Level.COMMUNE).select_related("unit")
    if unit_slug:
        qs = qs.filter(unit__slug=unit_slug)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.prefetch_related(
        Prefetch(
            "announcements", queryset=Announcement.objects.filter(published_at__isnull=False).order_by("published_at")
        )
    ).order_by("unit__slug", "starts_at", "tentative_month", "pk")


def first_publication(dialogue: Dialogue):
    """When the dialogue was first announced (from prefetched published announcements)."""
    published = [a.published_at for a in dialogue.announcements.all() if a.published_at]
    return min(published) if published else None


def announcement_units(user) -> list[int]:
    """Units where the user publishes announcements (the service centre) or coordinates."""
    from doithoai.accounts import permissions

    return permissions.units_with_role(user, permissions.Role.PUBLISHER, permissions.Role.COORDINATOR)


def due_announcements(unit_ids, *, within_days: int | None = None) -> QuerySet[Dialogue]:
    """Dialogues of the units that must still be announced (conference or business, scheduled, not started),
    soonest first; with `within_days`, only those whose last allowed day is at most that many days away."""

    now = clock.now()
    qs = Dialogue.objects.filter(
        unit_id__in=unit_ids,
        kind__in=KINDS_WITH_NOTICE,
        status=Dialogue.Status.SCHEDULED,
        starts_at__gt=now,
    )
    if within_days is not None:
        limit = clock.today() + dt.timedelta(days=within_days + NOTICE_DAYS + 1)
        qs = qs.filter(starts_at__lt=clock.local_datetime(limit))
    return qs.select_related("unit").order_by("starts_at", "pk")


def optional_announcements(unit_ids) -> QuerySet[Dialogue]:
    """Dated dialogues of the units that may be announced though no 7-day rule applies (the quarterly giao ban,
    an ad hoc dialogue), not yet announced and not started, soonest first."""

    return (
        Dialogue.objects.filter(unit_id__in=unit_ids, status=Dialogue.Status.SCHEDULED, starts_at__gt=clock.now())
        .exclude(kind__in=(*KINDS_WITH_NOTICE, Dialogue.Kind.RECEPTION))
        .select_related("unit")
        .order_by("starts_at", "pk")
    )


def same_title_dialogues(plan: Plan, title: str) -> list[Dialogue]:
    """The plan's dialogues with this title, case and spacing aside (a second one is most often a slip: the form
    sent twice, or a dialogue already added by a colleague)."""
    key = nfc_line(title).casefold()
    rows = plan.dialogues.only("pk", "title", "starts_at", "tentative_month").order_by(
        "starts_at", "tentative_month", "pk"
    )
    return [d for d in rows if nfc_line(d.title).casefold() == key]
