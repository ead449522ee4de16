"""Idempotency keys and crashes: a key left claimed by a killed request is free again within seconds, a retry never
holds a server thread for more than about WAIT seconds, and a live request slower than its lease is not run twice."""

import datetime as dt
import json
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from doithoai.api import idempotency
from doithoai.api.models import IdempotencyKey
from doithoai.api.responses import json_answer
from doithoai.petitions.models import Petition
from tests import factories

URL = "/api/v1/petitions"
SCOPE = "POST /api/v1/petitions"
BODY = {"content": "Đề nghị nạo vét kênh tiêu thôn Trung trước mùa mưa.", "phone": "0912345678"}


def post(client, key):
    return client.post(URL, json.dumps(BODY), content_type="application/json", headers={"Idempotency-Key": key})


def crashed_claim(key, seconds_ago=0.0):
    """What a request killed (`kill -9`) after claiming its key leaves: the claim row, no answer."""
    row = IdempotencyKey.objects.create(
        scope=SCOPE, key=key, request_hash=idempotency.request_hash(json.dumps(BODY).encode())
    )
    IdempotencyKey.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(seconds=seconds_ago))


@pytest.mark.django_db
def test_a_key_left_by_a_crashed_request_is_free_once_its_lease_of_seconds_is_over(client, commune):
    assert idempotency.LEASE.total_seconds() <= 10  # "free again within seconds"
    assert post(client, "k-warm").status_code == 201  # the first request of a process loads what it needs
    crashed_claim("k-crash", seconds_ago=idempotency.LEASE.total_seconds() + 0.5)

    started = time.monotonic()
    response = post(client, "k-crash")

    assert response.status_code == 201 and time.monotonic() - started < 1  # taken over at once, no waiting
    assert Petition.objects.count() == 2
    assert IdempotencyKey.objects.get(key="k-crash").status_code == 201


@pytest.mark.django_db
def test_a_retry_during_the_lease_holds_its_thread_at_most_the_wait_then_gets_409(client, commune):
    crashed_claim("k-fresh")

    started = time.monotonic()
    response = post(client, "k-fresh")
    held = time.monotonic() - started

    assert response.status_code == 409
    assert idempotency.WAIT - 0.1 <= held < idempotency.WAIT + 1 and idempotency.WAIT <= 2
    assert 1 <= int(response["Retry-After"]) <= idempotency.LEASE.total_seconds()
    assert "đang được xử lý" in response.json()["detail"]
    assert not Petition.objects.exists()

    IdempotencyKey.objects.update(created_at=timezone.now() - idempotency.LEASE)  # Retry-After seconds later
    assert post(client, "k-fresh").status_code == 201
    assert Petition.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # two requests on two connections
def test_a_request_that_outlives_its_lease_is_not_run_twice(monkeypatch):
    monkeypatch.setattr(idempotency, "LEASE", dt.timedelta(seconds=0.3))
    unit = factories.CommuneFactory()
    started = threading.Event()
    answers = {}

    def work(delay):
        def run():
            started.set()
            time.sleep(delay)
            petition = factories.PetitionFactory(unit=unit)
            return json_answer({"code": petition.code}, 201)

        return run

    def slow_request():
        try:
            answers["slow"] = idempotency._once(SCOPE, "k-slow", "h", work(1.0), lambda: None)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_request)
    thread.start()
    started.wait(5)
    time.sleep(0.5)  # the slow request's lease is over: its retry takes the key over (or waits for its lock)
    answers["retry"] = idempotency._once(SCOPE, "k-slow", "h", work(0), lambda: None)
    thread.join(10)

    assert Petition.objects.count() == 1  # one run counted: the other was rolled back, or replayed
    stored = IdempotencyKey.objects.get()
    assert stored.status_code == 201 and stored.response == {"code": Petition.objects.get().code}
    statuses = sorted(a.status_code for a in answers.values())
    assert statuses in ([201, 201], [201, 409])
    for answer in answers.values():
        assert answer.status_code == 409 or json.loads(answer.content) == stored.response
