"""Parallel requests on real separate connections (a file database on SQLite, and PostgreSQL in CI)."""

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection
from django.test import Client

from doithoai.api.models import IdempotencyKey, RateCounter
from doithoai.petitions.models import Petition
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/petitions"
PARALLEL = 20
BODY = {"content": "Đề nghị lắp đèn chiếu sáng đường trục thôn Đông.", "name": "Lê Văn Hùng", "phone": "0912345678"}


@pytest.fixture
def unit():
    return factories.CommuneFactory()


def in_parallel(request, n=PARALLEL):
    """Run request(i) in n threads started together; each thread closes its own database connection."""
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait(timeout=30)
            return request(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def post(body, key=None, addr="127.0.0.1"):
    headers = {"Idempotency-Key": key} if key else {}
    response = Client().post(
        URL, data=json.dumps(body), content_type="application/json", headers=headers, REMOTE_ADDR=addr
    )
    return response.status_code, response.json(), response.headers.get("Idempotent-Replayed")


def test_twenty_parallel_submissions_with_one_key_create_one_opinion(unit):
    results = in_parallel(lambda i: post(BODY, key="mot-khoa-cho-hai-muoi-lan-gui"))
    assert {status for status, _, _ in results} == {201}
    assert len({body["code"] for _, body, _ in results}) == 1
    assert sorted(replayed or "" for _, _, replayed in results) == [""] + ["true"] * (PARALLEL - 1)
    assert Petition.objects.count() == 1
    assert IdempotencyKey.objects.get().status_code == 201


def test_twenty_parallel_refused_submissions_with_one_key_all_get_the_same_422(unit):
    results = in_parallel(lambda i: post({**BODY, "phone": "123"}, key="khoa-sai"))
    assert {status for status, _, _ in results} == {422}
    assert all(body == results[0][1] for _, body, _ in results)
    assert not Petition.objects.exists()
    assert IdempotencyKey.objects.get().status_code == 422


def test_parallel_submissions_with_different_keys_each_create_one(unit):
    results = in_parallel(lambda i: post({**BODY, "content": f"Ý kiến số {i}"}, key=f"khoa-{i}"), n=10)
    assert [status for status, _, _ in results] == [201] * 10
    assert Petition.objects.count() == 10 == IdempotencyKey.objects.count()


def test_the_limit_holds_across_parallel_connections(unit, settings):
    settings.RATE_LIMIT_SUBMIT = 7
    # Half a minute into a minute: all twenty fall in one counting window.
    with time_machine.travel(dt.datetime(2026, 11, 27, 2, 0, 30, tzinfo=dt.UTC), tick=True):
        results = in_parallel(lambda i: post({**BODY, "content": f"Ý kiến số {i}"}, addr="192.0.2.10"))
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [201] * 7 + [429] * (PARALLEL - 7)
    assert Petition.objects.count() == 7
    assert RateCounter.objects.get().count == PARALLEL
