"""`Idempotency-Key`: a retry of a request with the same key gets the first answer back and creates nothing.

The key is claimed FIRST, by inserting its IdempotencyKey row in a transaction of its own: the unique constraint
on (scope, key) lets exactly one of any number of parallel requests win, on SQLite (where `select_for_update`
does nothing) as on PostgreSQL. The winner runs the request and stores its answer in the same transaction as
the work, so the work and the stored answer commit together. Answers the endpoint gave (201, 4xx such as a 422 on
bad input) are stored; an exception, a 5xx or a 429 releases the key so a retry can run again. Checks made before
the key is claimed (body too large, malformed JSON, a bad key) are not stored either.

A parallel request with the same key waits for the stored answer, polling, at most WAIT seconds (so a retry never
holds a server thread for long), then gets 409 with Retry-After.

A claim is a lease of LEASE seconds: a request killed (`kill -9`, a server crash) leaves its claim row with no
answer, and once the lease is over the next retry deletes it and runs the request itself, so a crashed key is free
again within seconds. A live request is never run twice for that: it may take longer than the lease, but its
answer is stored by an UPDATE of its own claim row (by id) inside its work transaction, and that row is gone if a
retry took over. The slow request then rolls its work back and answers 409; the retry's run is the one that
counts. (On PostgreSQL the UPDATE and the retry's conditional DELETE lock the row, on SQLite the write lock
orders them: either the slow request commits first and the DELETE finds an answered row and leaves it, or the
DELETE comes first and the slow request's UPDATE finds nothing.)

Keys older than KEEP (24 hours) are purged by the requests themselves, about 1 in 100 (`purge`), and by
`doithoai sweep`.
"""

import datetime as dt
import functools
import hashlib
import json
import math
import random
import time
import unicodedata
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from doithoai.api.models import IdempotencyKey
from doithoai.api.responses import json_answer

HEADER = "Idempotency-Key"
MAX_KEY = 200
WAIT = 2.0  # seconds a parallel request waits for the first one's answer before a 409
POLL = 0.05
LEASE = dt.timedelta(seconds=5)  # a claim not answered in this time may be taken over by a retry
KEEP = dt.timedelta(hours=24)
PURGE_CHANCE = 0.01
_NOT_JSON = object()

BAD_KEY_EMPTY = "Khóa Idempotency-Key không được để trống."
BAD_KEY_LONG = f"Khóa Idempotency-Key dài tối đa {MAX_KEY} ký tự."
BAD_KEY_CHARS = "Khóa Idempotency-Key chỉ được gồm các ký tự ASCII in được."
OTHER_BODY = "Khóa Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác; xin dùng khóa mới."
STILL_RUNNING = "Yêu cầu với khóa Idempotency-Key này đang được xử lý; xin thử lại sau ít giây."


def key_problem(key: str) -> str | None:
    """Why a header value cannot be a key (Vietnamese), or None: 1–200 printable ASCII characters."""
    if not key:
        return BAD_KEY_EMPTY
    if len(key) > MAX_KEY:
        return BAD_KEY_LONG
    if any(not " " <= ch <= "~" for ch in key):
        return BAD_KEY_CHARS
    return None


def request_hash(body: bytes) -> str:
    """SHA-256 of the body as JSON with sorted keys and NFC strings (so key order, spacing, escapes and NFD/NFC
    do not make a retry "different"); of the raw bytes when it is not JSON."""
    try:
        canonical = json.dumps(_nfc(json.loads(body)), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        data = canonical.encode()
    except (ValueError, RecursionError):
        data = bytes(body)
    return hashlib.sha256(data).hexdigest()


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    return value


def idempotent(scope: str, *, before: Callable[[HttpRequest], HttpResponse | None] | None = None) -> Callable:
    """View decorator (for ninja's `decorate_view`). `before(request)` runs only when this request will really be
    executed (not for a replay or a wait), e.g. a rate limit; an answer from it is returned and nothing stored."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            key = request.headers.get(HEADER)

            def run():
                return view(request, *args, **kwargs)

            if key is None:
                return (before and before(request)) or run()
            key = key.strip()
            problem = key_problem(key)
            if problem:
                return json_answer({"detail": problem}, 400)
            return _once(scope, key, request_hash(request.body), run, lambda: before and before(request))

        return wrapped

    return decorator


def _once(scope: str, key: str, digest: str, run: Callable, before: Callable) -> HttpResponse:
    deadline = time.monotonic() + WAIT
    while True:
        claim = _claim(scope, key, digest)
        if claim is not None:
            refused = before()
            if refused:
                _release(claim.pk)
                return refused
            return _run_and_store(claim, run)
        answer = _wait_for_winner(scope, key, digest, deadline)
        if answer is not None:
            return answer
        if time.monotonic() > deadline:
            return _still_running()
        # The key is free again (its request was refused, failed, or died): try to claim it.


def _claim(scope: str, key: str, digest: str) -> IdempotencyKey | None:
    if random.random() < PURGE_CHANCE:
        purge()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(scope=scope, key=key, request_hash=digest)
    except IntegrityError:
        return None


def _wait_for_winner(scope: str, key: str, digest: str, deadline: float) -> HttpResponse | None:
    """The stored answer of the request holding the key; None when the key is free (claim it again); a 409 once
    the deadline has passed."""
    while True:
        row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if row is None:
            return None
        if row.request_hash != digest:
            return json_answer({"detail": OTHER_BODY, "errors": {HEADER: [OTHER_BODY]}}, 422)
        if row.status_code is not None:
            response = json_answer(row.response, row.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        lease_left = (row.created_at + LEASE - timezone.now()).total_seconds()
        if lease_left <= 0:
            # Its request died (or runs past its lease: then its own commit finds the claim gone, see above).
            IdempotencyKey.objects.filter(pk=row.pk, status_code__isnull=True, created_at=row.created_at).delete()
            return None
        if time.monotonic() > deadline:
            return _still_running(lease_left)
        time.sleep(POLL)


def _run_and_store(claim: IdempotencyKey, run: Callable) -> HttpResponse:
    overtaken = False
    try:
        with transaction.atomic():
            response = run()
            payload = _payload(response)
            keep = payload is not _NOT_JSON and response.status_code < 500 and response.status_code != 429
            if keep:
                stored = IdempotencyKey.objects.filter(pk=claim.pk, status_code__isnull=True).update(
                    status_code=response.status_code, response=payload
                )
                overtaken = not stored
            if overtaken or not keep:
                transaction.set_rollback(True)
    except BaseException:
        _release(claim.pk)
        raise
    if overtaken:  # this request outlived its lease and a retry took the key over: that retry's run counts
        return _still_running()
    if not keep:
        _release(claim.pk)
    return response


def _payload(response: HttpResponse):
    if getattr(response, "streaming", False) or "json" not in response.get("Content-Type", ""):
        return _NOT_JSON
    try:
        return json.loads(response.content)
    except ValueError:
        return _NOT_JSON


def _release(pk: int) -> None:
    IdempotencyKey.objects.filter(pk=pk, status_code__isnull=True).delete()


def _still_running(lease_left: float = 1.0) -> HttpResponse:
    """409, to retry after the claim's lease (at least a second): by then it is answered, or free."""
    response = json_answer({"detail": STILL_RUNNING}, 409)
    response["Retry-After"] = str(max(1, math.ceil(lease_left)))
    return response


def purge(now: dt.datetime | None = None) -> int:
    """Delete keys older than 24 hours; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
