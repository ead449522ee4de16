"""The public API with hostile input: any JSON value in any field of a submission (strings with lone surrogates,
NUL and invisible characters, huge numbers, nested objects, wrong types), any key, any Content-Type, any bytes,
any Idempotency-Key, any code or filter. The answer is 201/200 with clean stored text, or a 4xx with a Vietnamese
message that created nothing; never a 500.
"""

import json

import pytest
from django.db import transaction
from hypothesis import example, given, settings
from hypothesis import strategies as st

from doithoai.petitions.models import Petition
from tests.fuzz import hostile
from tests.fuzz.conftest import PROFILE

pytestmark = pytest.mark.django_db
URL = "/api/v1/petitions"
BODY = {"content": "Đề nghị nạo vét kênh tưới tiêu thôn Đông.", "name": "Trần Thị Mẫu", "phone": "0987654321"}
FIELDS = ("content", "name", "phone", "email", "address", "organization", "kind", "dialogue", "anonymous", "unit")
FUZZ = settings(settings.get_profile(PROFILE))

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from((10**400, -(10**30), 2**63, 2**63 - 1, 0, -1)),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile.HOSTILE.filter(lambda v: len(v) < 300_000),  # a bigger body is refused for its size alone
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile.any_text, inner, max_size=3),
    max_leaves=8,
)


def send(client, body: bytes, content_type: str = "application/json", **extra):
    return client.generic("POST", URL, body, content_type=content_type, **extra)


def check(response) -> None:
    """2xx with only clean text stored, or a Vietnamese 4xx that created nothing."""
    assert response.status_code < 500
    if response.status_code >= 400:
        hostile.assert_vietnamese_refusal(response)
        assert not Petition.objects.exists()
    else:
        assert hostile.dirty_texts({Petition._meta.db_table}) == []


def rolled_back(call):
    with transaction.atomic():
        call()
        transaction.set_rollback(True)


@pytest.fixture
def api(client, commune):
    return client


@FUZZ
@given(field=st.sampled_from(FIELDS), value=json_values, ascii_only=st.booleans())
@example(field="content", value="\ud800", ascii_only=True)  # the 500 of issue 9: a lone surrogate, escaped
@example(field="content", value="Đề nghị \x00 sửa \u2060đường\u061c", ascii_only=False)
@example(field="dialogue", value=10**400, ascii_only=True)
@example(field="name", value={"a": [{"b": None}]}, ascii_only=True)
def test_any_json_value_in_any_field_is_accepted_clean_or_refused_in_vietnamese(api, field, value, ascii_only):
    # ascii_only: "\ud800" as an escape in the JSON; otherwise as the raw bytes a broken encoder writes (not UTF-8).
    text = json.dumps({**BODY, field: value}, ensure_ascii=ascii_only)
    rolled_back(lambda: check(send(api, text.encode("utf-8", "surrogatepass"))))


@FUZZ
@given(key=hostile.any_text | hostile.invisible_mix, value=json_values)
def test_any_key_is_ignored_cleaned_or_refused(api, key, value):
    rolled_back(lambda: check(send(api, json.dumps({**BODY, key: value}).encode())))


@FUZZ
@given(
    body=st.binary(max_size=200) | st.sampled_from((b"[" * 5000, b"{" * 5000, b'{"content": NaN}', b"\xef\xbb\xbf{}"))
)
def test_any_bytes_are_refused_in_vietnamese(api, body):
    rolled_back(lambda: check(send(api, body)))


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "application/json; charset=latin-1",
        "application/jsonp",
        "application/json\x00",
    ],
)
def test_a_body_that_is_not_json_is_refused_with_415(api, content_type):
    response = send(api, json.dumps(BODY).encode(), content_type)
    assert response.status_code == 415
    assert response.json()["detail"] == "Nội dung gửi lên phải có kiểu application/json (mã hóa UTF-8)."
    assert not Petition.objects.exists()


@FUZZ
@given(key=st.text(st.characters(max_codepoint=255), max_size=300))
def test_any_idempotency_key_is_used_or_refused_in_vietnamese(api, key):
    # WSGI hands header values over as Latin-1 text: any code point up to 255 may arrive.
    rolled_back(lambda: check(send(api, json.dumps(BODY).encode(), headers={"Idempotency-Key": key})))


@FUZZ
@given(code=hostile.HOSTILE.filter(lambda v: len(v) < 5000))
@example(code="%00")
@example(code="K7QX-M3RW-9HTD-B\x00")
def test_any_tracking_code_is_found_or_a_vietnamese_404(api, code):
    from urllib.parse import quote

    response = api.get(f"{URL}/{quote(code.encode('utf-8', 'surrogatepass'), safe='')}")
    assert response.status_code in (200, 404)
    if response.status_code == 404:
        hostile.assert_vietnamese_refusal(response)


@FUZZ
@given(name=st.sampled_from(("kind", "unit")), value=hostile.HOSTILE.filter(lambda v: len(v) < 5000))
def test_any_filter_of_the_dialogue_list_answers_200_or_a_vietnamese_422(api, name, value):
    from urllib.parse import urlencode

    query = urlencode({name: value.encode("utf-8", "surrogatepass")})
    response = api.get(f"/api/v1/dialogues?{query}")
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        hostile.assert_vietnamese_refusal(response)


@pytest.mark.parametrize("dialogue_id", ["0", "-1", "99999999999999999999999", "1e3", "%00", "%E2%81%A0", "x" * 500])
def test_the_calendar_of_a_dialogue_that_does_not_exist_is_a_vietnamese_404_or_422(api, dialogue_id):
    response = api.get(f"/api/v1/dialogues/{dialogue_id}/calendar.ics")
    assert response.status_code in (404, 422)
    hostile.assert_vietnamese_refusal(response)
