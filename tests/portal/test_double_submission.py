"""A form posted twice creates one opinion: a double click, a resend, twenty identical posts at the same instant."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from doithoai.petitions import actions
from doithoai.petitions.models import Petition
from tests import factories

CONTENT = "Đề nghị sửa cống thoát nước đầu thôn Trung, mưa to là ngập."


def _token(client: Client, url: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode()).group(1)


@pytest.mark.django_db
def test_the_same_key_gives_back_the_first_opinion_and_creates_nothing(commune):
    first = actions.submit_petition(commune.unit, content=CONTENT, channel="online", submission_key="k" * 32)
    again = actions.submit_petition(commune.unit, content="khác", channel="online", submission_key="k" * 32)
    assert again.pk == first.pk and Petition.objects.count() == 1
    assert first.history.count() == 1


@pytest.mark.django_db
def test_a_key_used_in_one_commune_is_no_way_into_another(commune, other_commune):
    actions.submit_petition(commune.unit, content=CONTENT, channel="online", submission_key="k" * 32)
    other = actions.submit_petition(other_commune.unit, content=CONTENT, channel="online", submission_key="k" * 32)
    assert other.unit == other_commune.unit and Petition.objects.count() == 2


@pytest.mark.django_db
def test_a_resent_form_leads_to_the_first_receipt(client, commune):
    token = _token(client, "/gui-y-kien/")
    data = {"kind": "kien_nghi", "content": CONTENT, "form_token": token}
    first = client.post("/gui-y-kien/", data)
    second = client.post("/gui-y-kien/", data)
    assert Petition.objects.count() == 1
    code = Petition.objects.get().code
    assert first.status_code == second.status_code == 302
    assert f"/tra-cuu/{code}/" in first["Location"] and f"/tra-cuu/{code}/" in second["Location"]


@pytest.mark.django_db
def test_each_form_shown_has_its_own_token_and_a_form_with_errors_keeps_it(client, commune):
    token = _token(client, "/gui-y-kien/")
    assert token != _token(client, "/gui-y-kien/")
    refused = client.post("/gui-y-kien/", {"kind": "kien_nghi", "content": "", "form_token": token})
    assert refused.status_code == 422 and f'value="{token}"' in refused.content.decode()


@pytest.mark.django_db
def test_a_post_without_a_token_or_with_a_forged_one_is_still_accepted(client, commune):
    assert client.post("/gui-y-kien/", {"kind": "kien_nghi", "content": CONTENT}).status_code == 302
    bad = {"kind": "kien_nghi", "content": CONTENT, "form_token": "<script>"}
    assert client.post("/gui-y-kien/", bad).status_code == 302
    assert Petition.objects.count() == 2
    assert set(Petition.objects.values_list("submission_key", flat=True)) == {""}


@pytest.mark.django_db
def test_a_double_click_on_the_staff_entry_form_saves_one_opinion(client, commune, user_with_role):
    client.force_login(user_with_role("coordinator", commune.unit))
    token = _token(client, "/can-bo/y-kien/nhap/")
    data = {"channel": "phone", "kind": "kien_nghi", "content": CONTENT, "form_token": token}
    assert client.post("/can-bo/y-kien/nhap/", data).status_code == 302
    assert client.post("/can-bo/y-kien/nhap/", data).status_code == 302
    assert Petition.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_identical_posts_at_the_same_instant_create_one_opinion():
    unit = factories.CommuneFactory()
    token = _token(Client(), "/gui-y-kien/")
    barrier = threading.Barrier(20)

    def post(i):
        try:
            barrier.wait(timeout=30)
            return Client().post("/gui-y-kien/", {"kind": "kien_nghi", "content": CONTENT, "form_token": token})
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(post, range(20)))
    assert {a.status_code for a in answers} == {302}
    assert Petition.objects.filter(unit=unit).count() == 1
    assert len({a["Location"].split("?")[0] for a in answers}) == 1
