"""Rate limits of the public API per client address, counted in the database so every process shares them.

One RateCounter row per client address, bucket ("submit", "lookup") and minute, incremented atomically.
Rows of past minutes are purged now and then by the requests themselves (about 1 in 100), so no cron is needed.
"""

import datetime as dt
import functools
import ipaddress
import random
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from doithoai.api.models import RateCounter
from doithoai.api.responses import message

SUBMIT = "submit"
LOOKUP = "lookup"
LIMIT_SETTINGS = {SUBMIT: "RATE_LIMIT_SUBMIT", LOOKUP: "RATE_LIMIT_LOOKUP"}
PURGE_CHANCE = 0.01
KEEP = dt.timedelta(minutes=5)


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind N trusted proxies (DOITHOAI_PROXY_COUNT) the N-th X-Forwarded-For entry from the
    right, the one the outermost trusted proxy saw. With 0 proxies the header is ignored: a client could forge it."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = int(getattr(settings, "PROXY_COUNT", 0) or 0)
    if proxies > 0:
        chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(chain) >= proxies and _is_ip(chain[-proxies]):
            return chain[-proxies]
    return remote[:64]


def _is_ip(value: str) -> bool:
    """A plain address: no IPv6 scope ("fe80::1%eth0"), which would carry any text a client chose into the counters."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return "%" not in value


def limit_of(bucket: str) -> int:
    return int(getattr(settings, LIMIT_SETTINGS[bucket]))


def hit(client: str, bucket: str, now: dt.datetime | None = None) -> int:
    """Count one request of `client` in `bucket` for the current minute; return the minute's count so far."""
    window = (now or timezone.now()).replace(second=0, microsecond=0)
    counter = RateCounter.objects.filter(client=client, bucket=bucket, window=window)
    if random.random() < PURGE_CHANCE:
        purge()
    # The update holds the row (locked on PostgreSQL, the database on SQLite) until commit, so the count read back
    # is exactly this request's.
    with transaction.atomic():
        if not counter.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(client=client, bucket=bucket, window=window, count=1)
                return 1
            except IntegrityError:  # another process created the row first
                counter.update(count=F("count") + 1)
        return counter.values_list("count", flat=True).get()


def exceeded(request: HttpRequest, bucket: str) -> int | None:
    """Count the request; over the limit, the seconds until the next minute (for Retry-After), else None.
    A limit of 0 or less switches the bucket's limit off. Pages and the API share the same counters."""
    limit = limit_of(bucket)
    if limit <= 0:
        return None
    now = timezone.now()
    if hit(client_address(request), bucket, now) <= limit:
        return None
    return max(1, 60 - now.second)


def check(request: HttpRequest, bucket: str) -> HttpResponse | None:
    """Count the request; over the limit, the API's 429 answer (Vietnamese, with Retry-After), else None."""
    retry_after = exceeded(request, bucket)
    if retry_after is None:
        return None
    response = message(f"Bạn đã gửi quá nhiều yêu cầu trong một phút; xin thử lại sau {retry_after} giây.", 429)
    response["Retry-After"] = str(retry_after)
    return response


def limited(bucket: str) -> Callable:
    """View decorator (for ninja's `decorate_view`) that counts every request in `bucket`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            return check(request, bucket) or view(request, *args, **kwargs)

        return wrapped

    return decorator


def purge(now: dt.datetime | None = None) -> int:
    """Delete the counters of minutes (and, for uploads, hours) long past; returns how many."""
    now = now or timezone.now()
    old = Q(bucket=UPLOAD_BYTES, window__lt=now - 2 * HOUR) | (~Q(bucket=UPLOAD_BYTES) & Q(window__lt=now - KEEP))
    deleted, _ = RateCounter.objects.filter(old).delete()
    return deleted


# ------------------------------------------------------------------ bytes of attachments per address and hour

UPLOAD_BYTES = "upload_bytes"
HOUR = dt.timedelta(hours=1)


def upload_client(request: HttpRequest) -> str:
    """The client as counted for uploads: its address, or its /64 network for IPv6 (one home or phone holds a
    whole /64, and could otherwise take a fresh address for every upload)."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6 and not parsed.ipv4_mapped:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def reserve_upload(request: HttpRequest, size: int, now: dt.datetime | None = None) -> bool:
    """Count `size` bytes of attachments against the client's hourly allowance (DOITHOAI_UPLOAD_MB_PER_HOUR);
    False, counting nothing, when they would go past it. Each address has its own allowance, so one address cannot
    use up anybody else's; a hall behind one Wi-Fi shares one (set it for the hall's size)."""
    limit = settings.UPLOAD_BYTES_PER_HOUR
    if limit <= 0 or size <= 0:
        return True
    window = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    counter = RateCounter.objects.filter(client=upload_client(request), bucket=UPLOAD_BYTES, window=window)
    with transaction.atomic():
        if not counter.update(count=F("count") + size):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(
                        client=upload_client(request), bucket=UPLOAD_BYTES, window=window, count=size
                    )
                return size <= limit or _give_back(counter, size)
            except IntegrityError:  # another process created the row first
                counter.update(count=F("count") + size)
        used = counter.values_list("count", flat=True).get()
        return used <= limit or _give_back(counter, size)


def _give_back(counter, size: int) -> bool:
    counter.update(count=F("count") - size)
    return False
