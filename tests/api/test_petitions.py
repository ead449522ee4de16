import datetime as dt
import json
import unicodedata
from urllib.parse import urlsplit

import pytest
import time_machine
from django.utils import timezone

from doithoai.api import idempotency, ratelimit
from doithoai.api.models import IdempotencyKey, RateCounter
from doithoai.api.petitions import LONE_SURROGATE
from doithoai.petitions.actions import merge
from doithoai.petitions.models import Petition
from tests.factories import AnswerFactory, DialogueFactory, HistoryEntryFactory, PetitionFactory, canonical_topic

URL = "/api/v1/petitions"
BODY = {
    "content": "Đề nghị sửa chữa cống thoát nước ở xóm Giữa bị tắc.",
    "name": "Trần Thị Mẫu",
    "phone": "0987 654 321",
    "address": "Số 12 xóm Giữa",
}
STATUS_KEYS = {"code", "status", "status_label", "received_at", "topic", "steps", "answer"}


def post(client, body, key=None, **extra):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(URL, data=data, content_type="application/json", headers=headers, **extra)


def nfd(text):
    return unicodedata.normalize("NFD", text)


# ------------------------------------------------------------------ POST: accepted


def test_submission_answers_201_with_code_status_and_absolute_status_url(client, commune, settings):
    response = post(client, BODY)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"code", "status", "status_url"}
    assert body["status"] == "received"
    assert body["status_url"] == f"{settings.BASE_URL}/tra-cuu/{body['code']}/"
    assert body["status_url"].startswith(("http://", "https://"))


def test_submitted_petition_is_online_with_consent_and_nfc_text(client, commune):
    body = {
        **BODY,
        "content": nfd(BODY["content"]),
        "name": nfd("  Trần   Thị Mẫu "),
        "address": nfd("Xóm Giữa"),
        "organization": nfd("Hợp tác xã Nông nghiệp"),
        "email": "Mau@Example.vn",
    }
    code = post(client, body).json()["code"]
    petition = Petition.objects.get(code=code)
    assert petition.unit == commune.unit
    assert petition.channel == Petition.Channel.ONLINE
    assert petition.kind == Petition.Kind.KIEN_NGHI
    assert petition.consent_at is not None
    assert petition.content == BODY["content"]
    assert petition.submitter_name == "Trần Thị Mẫu"
    assert petition.submitter_address == "Xóm Giữa"
    assert petition.submitter_organization_name == "Hợp tác xã Nông nghiệp"
    assert petition.submitter_phone == "0987654321"
    assert petition.submitter_email == "mau@example.vn"
    assert all(unicodedata.is_normalized("NFC", v) for v in (petition.content, petition.submitter_name))


def test_status_url_opens_the_public_status_page(client, commune):
    status_url = post(client, BODY).json()["status_url"]
    assert client.get(urlsplit(status_url).path).status_code == 200


def test_markup_is_kept_as_plain_text(client, commune):
    content = "Đường xóm Đông <script>alert('x')</script> bị ngập"
    code = post(client, {"content": content}).json()["code"]
    assert Petition.objects.get(code=code).content == content


def test_anonymous_opinion_keeps_no_identity(client, commune):
    code = post(client, {**BODY, "anonymous": True, "kind": "phan_anh"}).json()["code"]
    petition = Petition.objects.get(code=code)
    assert (petition.anonymous, petition.kind, petition.submitter_name, petition.submitter_phone) == (
        True,
        "phan_anh",
        "",
        "",
    )


def test_opinion_about_a_dialogue_of_the_commune_is_linked_and_stays_online(client, commune):
    dialogue = DialogueFactory(unit=commune.unit)
    code = post(client, {**BODY, "dialogue": dialogue.pk}).json()["code"]
    petition = Petition.objects.get(code=code)
    assert (petition.dialogue, petition.channel) == (dialogue, Petition.Channel.ONLINE)


def test_null_optional_fields_are_accepted(client, commune):
    body = {"content": "Xin lắp đèn đường thôn Trung.", "name": None, "phone": None, "unit": None, "dialogue": None}
    assert post(client, body).status_code == 201


def test_unit_slug_picks_the_commune_when_there_are_several(client, commune, other_commune):
    code = post(client, {**BODY, "unit": " Ngoc-Thien "}).json()["code"]
    assert Petition.objects.get(code=code).unit == other_commune.unit


# ------------------------------------------------------------------ POST: refused


def assert_refused(response, field):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "Dữ liệu không hợp lệ."
    assert field in body["errors"], body
    assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert not Petition.objects.exists()
    return body["errors"][field]


@pytest.mark.parametrize(
    "change, field, expected",
    [
        ({"content": ""}, "content", "Xin nhập nội dung ý kiến."),
        ({"content": "   \n  "}, "content", "Xin nhập nội dung ý kiến."),
        ({"content": "đ" * 100_000}, "content", "Nội dung quá dài (tối đa 20.000 ký tự)."),
        ({"content": None}, "content", "Giá trị không hợp lệ."),
        ({"phone": "12345"}, "phone", "Số điện thoại không hợp lệ"),
        ({"email": "khong-phai-thu"}, "email", "Địa chỉ thư điện tử không hợp lệ."),
        ({"kind": "bogus"}, "kind", "Giá trị không nằm trong danh sách cho phép."),
        ({"kind": "to_cao", "anonymous": True}, "anonymous", "Khiếu nại, tố cáo không được gửi ẩn danh"),
        ({"kind": "khieu_nai", "name": ""}, "name", "Khiếu nại, tố cáo cần ghi rõ họ tên người gửi."),
        ({"anonymous": "có lẽ"}, "anonymous", "Phải là true hoặc false."),
        ({"dialogue": "một"}, "dialogue", "Phải là một số."),
        ({"unit": "khong-co-xa-nay"}, "unit", "Không có xã nào với mã “khong-co-xa-nay”."),
        ({"dialogue": 987654}, "dialogue", "Không tìm thấy buổi tiếp xúc, đối thoại này của xã."),
    ],
)
def test_bad_input_is_refused_with_vietnamese_messages_per_field(client, commune, change, field, expected):
    messages = assert_refused(post(client, {**BODY, **change}), field)
    assert messages[0].startswith(expected)


def test_missing_content_is_refused(client, commune):
    assert assert_refused(post(client, {"name": "Trần Thị Mẫu"}), "content") == ["Trường này là bắt buộc."]


def test_dialogue_of_another_commune_is_refused(client, commune, other_commune):
    foreign = DialogueFactory(unit=other_commune.unit)
    assert_refused(post(client, {**BODY, "unit": "tan-yen", "dialogue": foreign.pk}), "dialogue")


def test_several_communes_need_the_unit_field(client, commune, other_commune):
    assert assert_refused(post(client, BODY), "unit") == ["Xin chọn xã nhận ý kiến (mã đường dẫn của xã)."]


def test_a_province_is_not_a_unit_that_receives_opinions(client, commune):
    assert_refused(post(client, {**BODY, "unit": commune.province.slug}), "unit")


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2]", b'"chu"', b"[" * 100_000])
def test_malformed_json_is_a_400_in_vietnamese(client, commune, raw):
    response = post(client, raw)
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert not Petition.objects.exists()


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=zz",
        "application/json; charset=latin-1",
        "application/xml",
    ],
)
def test_a_body_that_is_not_application_json_is_refused_with_415_before_it_is_read(client, commune, content_type):
    extra = {"CONTENT_TYPE": content_type} if content_type else {}
    response = client.generic("POST", URL, json.dumps(BODY).encode(), content_type=content_type or "", **extra)
    assert response.status_code == 415
    assert response.json() == {"detail": "Nội dung gửi lên phải có kiểu application/json (mã hóa UTF-8)."}
    assert not Petition.objects.exists() and not IdempotencyKey.objects.exists()


def test_json_with_a_charset_of_utf_8_is_accepted(client, commune):
    response = client.post(URL, json.dumps(BODY), content_type="application/json; charset=UTF-8")
    assert response.status_code == 201


@pytest.mark.parametrize("field", ["content", "name", "address", "organization", "unit", "kind"])
def test_a_lone_surrogate_is_refused_with_a_vietnamese_422_naming_the_field(client, commune, field):
    raw = json.dumps({**BODY, field: "Đường \ud800 xuống cấp"}).encode()  # the escape as a client sends it
    assert b"\\ud800" in raw
    response = post(client, raw)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [LONE_SURROGATE]}
    assert not Petition.objects.exists()


def test_the_lone_surrogate_of_issue_9_is_a_422_and_never_a_500(client, commune):
    response = post(client, b'{"content": "\\ud800"}')
    assert response.status_code == 422
    assert "Có ký tự không hợp lệ" in response.json()["errors"]["content"][0]


def test_a_lone_surrogate_in_a_key_or_deep_in_a_value_is_refused(client, commune):
    assert post(client, json.dumps({**BODY, "\udfff": 1})).status_code == 422
    assert post(client, json.dumps({**BODY, "name": ["\udfff"]})).status_code == 422


def test_bytes_that_are_not_utf_8_are_a_400(client, commune):
    response = post(client, b'{"content": "\xed\xa0\x80 \xff"}')  # a surrogate as raw bytes, and a stray byte
    assert response.status_code == 400
    assert response.json() == {"detail": "Nội dung gửi lên phải là JSON mã hóa UTF-8."}


def test_nul_invisible_and_bidi_characters_are_removed_from_every_string(client, commune):
    body = {
        "content": "Đề\x00 nghị\u2060 sửa\u061c đường\u202e thôn\u200b Trung",
        "name": "Trần\u2066 Thị\x1b Mẫu",
        "address": "Xóm\u00ad Giữa\ufeff",
        "organization": "\U000e0041Hợp tác xã",
        "unit": "tan-yen\u200d",
    }
    response = post(client, body)
    assert response.status_code == 201
    petition = Petition.objects.get(code=response.json()["code"])
    assert petition.content == "Đề nghị sửa đường thôn Trung"
    assert (petition.submitter_name, petition.submitter_address) == ("Trần Thị Mẫu", "Xóm Giữa")
    assert petition.submitter_organization_name == "Hợp tác xã"


def test_an_object_key_is_cleaned_like_its_value(client, commune):
    response = post(client, {"con\u2060tent": "Xin lắp đèn đường thôn Trung."})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "raw, field, expected",
    [
        ('"dialogue": 1e400', "dialogue", "Phải là một số."),
        ('"dialogue": 1' + "0" * 400, "dialogue", "Giá trị nằm ngoài khoảng cho phép."),
        ('"dialogue": -5', "dialogue", "Giá trị nằm ngoài khoảng cho phép."),
        ('"dialogue": true', "dialogue", "Phải là một số."),
        ('"content": {"text": "Xin sửa đường."}', "content", "Giá trị không hợp lệ. Phải là một chuỗi"),
        ('"content": 42', "content", "Giá trị không hợp lệ. Phải là một chuỗi"),
        ('"name": [1, {"a": null}]', "name", "Giá trị không hợp lệ. Phải là một chuỗi"),
        ('"anonymous": "đúng"', "anonymous", "Phải là true hoặc false."),
    ],
)
def test_wrong_types_and_huge_numbers_are_a_vietnamese_422(client, commune, raw, field, expected):
    messages = assert_refused(post(client, '{"content": "Xin sửa đường.", ' + raw + "}"), field)
    assert messages[0].startswith(expected)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"content": NaN}',
        b'{"content": "a", "dialogue": Infinity}',
        b'{"a":' * 20 + b"1" + b"}" * 20,
        b'{"content": "x", "dialogue": ' + b"9" * 5000 + b"}",
    ],
)
def test_non_standard_numbers_deep_nesting_and_endless_digits_are_a_400(client, commune, raw):
    response = post(client, raw)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Nội dung gửi lên")
    assert not Petition.objects.exists()


def test_a_body_over_one_megabyte_is_refused(client, commune):
    response = post(client, {**BODY, "content": "a" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert response.json()["detail"] == "Nội dung gửi lên quá lớn (tối đa 1 MB)."


def test_path_has_no_trailing_slash(client, commune):
    assert client.get(URL + "/").status_code == 404


# ------------------------------------------------------------------ Idempotency-Key


def test_retry_with_the_same_key_returns_the_first_answer_and_creates_nothing(client, commune):
    first = post(client, BODY, key="9b2f0d6e-1c1e-4d4c-8a55-6f1e0c3e2a10")
    again = post(client, BODY, key="9b2f0d6e-1c1e-4d4c-8a55-6f1e0c3e2a10")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Petition.objects.count() == 1
    stored = IdempotencyKey.objects.get()
    assert (stored.scope, stored.status_code, stored.response) == ("POST /api/v1/petitions", 201, first.json())


def test_same_body_written_differently_is_the_same_request(client, commune):
    first = post(client, BODY, key="k-1").json()
    reordered = json.dumps({k: nfd(v) for k, v in reversed(BODY.items())}, indent=2)
    assert post(client, reordered, key="k-1").json() == first
    assert Petition.objects.count() == 1


def test_same_key_with_a_different_body_is_refused(client, commune):
    post(client, BODY, key="k-2")
    response = post(client, {**BODY, "content": "Một ý kiến khác hẳn."}, key="k-2")
    assert response.status_code == 422
    assert "đã được dùng cho một yêu cầu có nội dung khác" in response.json()["detail"]
    assert Petition.objects.count() == 1


def test_a_refused_first_request_is_replayed_too(client, commune):
    bad = {**BODY, "phone": "12345"}
    first = post(client, bad, key="k-3")
    again = post(client, bad, key="k-3")
    assert (first.status_code, again.status_code) == (422, 422)
    assert again.json() == first.json()
    assert IdempotencyKey.objects.get().status_code == 422


def test_different_keys_make_different_petitions(client, commune):
    assert post(client, BODY, key="a").json()["code"] != post(client, BODY, key="b").json()["code"]


@pytest.mark.parametrize("key", ["x" * 201, "", "   ", "khóa-có-dấu", "tab\there"])
def test_a_bad_key_is_a_400(client, commune, key):
    response = post(client, BODY, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert not Petition.objects.exists()


def test_a_key_of_200_printable_characters_is_accepted(client, commune):
    assert post(client, BODY, key="A~ !" * 50).status_code == 201


def test_a_request_with_a_key_purges_old_keys_now_and_then(client, commune, monkeypatch):
    IdempotencyKey.objects.create(scope="s", key="old", request_hash="h")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - dt.timedelta(hours=25))
    monkeypatch.setattr(idempotency, "PURGE_CHANCE", 1)  # this request is the one in a hundred
    assert post(client, BODY, key="moi").status_code == 201
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["moi"]


def test_old_keys_are_purged_after_a_day(commune):
    IdempotencyKey.objects.create(scope="s", key="old", request_hash="h")
    IdempotencyKey.objects.create(scope="s", key="new", request_hash="h")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert idempotency.purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_a_claim_left_by_a_dead_process_is_taken_over(client, commune):
    digest = idempotency.request_hash(json.dumps(BODY).encode())
    IdempotencyKey.objects.create(scope="POST /api/v1/petitions", key="k-dead", request_hash=digest)
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert post(client, BODY, key="k-dead").status_code == 201
    assert IdempotencyKey.objects.get().status_code == 201


# ------------------------------------------------------------------ GET /api/v1/petitions/{code}


def test_status_is_masked_and_has_exactly_the_public_keys(client, commune):
    code = post(client, BODY).json()["code"]
    response = client.get(f"{URL}/{code}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == STATUS_KEYS
    assert (body["code"], body["status"], body["status_label"]) == (code, "received", "Đã tiếp nhận")
    assert body["received_at"].endswith("+07:00")
    assert body["topic"] is None and body["answer"] is None
    assert [set(s) for s in body["steps"]] == [{"at", "status", "label", "note"}]
    assert body["steps"][0]["label"] == "Đã tiếp nhận"
    text = response.content.decode()
    for secret in ("Trần", "Mẫu", "0987654321", "654 321", "Số 12", "xóm Giữa", "cống thoát nước"):
        assert secret not in text


def test_loosely_typed_codes_are_found(client, commune):
    code = post(client, BODY).json()["code"]
    for typed in (code.lower(), code.replace("-", ""), " " + code.lower().replace("-", " ")):
        assert client.get(f"{URL}/{typed}").json()["code"] == code


@pytest.mark.parametrize(
    "code",
    [
        "ZZZZ-ZZZZ-ZZZZ-Z",
        "x",
        "%27%20OR%201%3D1",
        "' OR 1=1 --",
        "A" * 5000,
        "đường-xuống-cấp",
        "a/b/c",
        "%F0%9F%98%80",
        "K7QX-M3RW-9HTD-B0",
    ],
)
def test_unknown_and_malformed_codes_are_404(client, commune, code):
    PetitionFactory(unit=commune.unit)
    response = client.get(f"{URL}/{code}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy mã theo dõi."}


def _answered(unit, **petition_fields):
    topic = canonical_topic("giao_thong_xay_dung")
    petition = PetitionFactory(unit=unit, topic=topic, status=Petition.Status.CLOSED, **petition_fields)
    HistoryEntryFactory(petition=petition, is_public=True, note="Tiếp nhận qua kênh: Trực tuyến")
    HistoryEntryFactory(petition=petition, is_public=False, action="assign", to_status="assigned", note="nội bộ")
    AnswerFactory(
        petition=petition,
        document_number="12/TB-UBND",
        document_date=dt.date(2026, 9, 1),
        approved_at=timezone.now(),
        published_at=timezone.now(),
        organization=None,
    )
    return petition


def test_published_answer_and_canonical_topic_are_shown(client, commune):
    petition = _answered(commune.unit, is_public=True)
    body = client.get(f"{URL}/{petition.code}").json()
    assert body["topic"] == "giao_thong_xay_dung"
    assert body["status_label"] == "Đã hoàn thành"
    assert set(body["answer"]) == {"text", "by", "document_number", "document_date", "published_at"}
    assert body["answer"]["document_number"] == "12/TB-UBND"
    assert body["answer"]["document_date"] == "2026-09-01"
    assert [s["note"] for s in body["steps"]] == ["Tiếp nhận qua kênh: Trực tuyến"]


def test_a_merged_opinion_shows_its_parents_status_and_answer(client, commune, user_with_role):
    parent = _answered(commune.unit, is_public=True)
    child = PetitionFactory(unit=commune.unit, status=Petition.Status.CLASSIFIED)
    merge(child, parent, by=user_with_role("coordinator", commune.unit))
    response = client.get(f"{URL}/{child.code.lower()}")
    body = response.json()
    assert parent.code not in response.content.decode()  # the parent's code is its own submitter's secret
    assert (body["code"], body["status"], body["status_label"]) == (child.code, "closed", "Đã hoàn thành")
    assert body["answer"]["document_number"] == "12/TB-UBND"
    assert body["steps"][-1]["label"] == "Đã gộp"


@pytest.mark.parametrize("kind", ["khieu_nai", "to_cao"])
def test_complaints_and_denunciations_show_status_and_steps_only(client, commune, kind):
    petition = _answered(commune.unit, kind=kind)
    body = client.get(f"{URL}/{petition.code}").json()
    assert set(body) == STATUS_KEYS
    assert body["answer"] is None and body["topic"] is None
    assert all(s["note"] == "" for s in body["steps"])
    assert "Trần" not in json.dumps(body, ensure_ascii=False)


# ------------------------------------------------------------------ rate limits


@pytest.fixture
def low_limits(settings):
    # Start half a minute into a minute, so a test's requests never straddle two counting windows.
    with time_machine.travel(dt.datetime(2026, 11, 27, 2, 0, 30, tzinfo=dt.UTC), tick=True):
        settings.RATE_LIMIT_SUBMIT = 3
        settings.RATE_LIMIT_LOOKUP = 3
        settings.PROXY_COUNT = 0
        yield


def test_the_fourth_submission_in_a_minute_gets_429_with_retry_after(client, commune, low_limits):
    statuses = [post(client, {**BODY, "content": f"Ý kiến số {n}"}).status_code for n in range(3)]
    response = post(client, BODY)
    assert statuses == [201, 201, 201]
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "quá nhiều yêu cầu" in response.json()["detail"]
    assert Petition.objects.count() == 3


def test_another_address_is_not_affected(client, commune, low_limits):
    for _ in range(4):
        post(client, BODY, REMOTE_ADDR="10.0.0.1")
    assert post(client, BODY, REMOTE_ADDR="10.0.0.2").status_code == 201


def test_an_idempotent_retry_is_not_counted(client, commune, low_limits):
    assert post(client, BODY, key="retry").status_code == 201
    assert all(post(client, BODY, key="retry").status_code == 201 for _ in range(5))
    assert [post(client, BODY).status_code for _ in range(3)] == [201, 201, 429]
    assert Petition.objects.count() == 3


def test_a_refused_request_does_not_keep_its_key(client, commune, low_limits):
    for _ in range(3):
        post(client, BODY)
    assert post(client, BODY, key="late").status_code == 429
    assert not IdempotencyKey.objects.filter(key="late").exists()


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, commune, low_limits):
    codes = [post(client, BODY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(4)]
    assert codes == [201, 201, 201, 429]


def test_forwarded_for_names_the_client_behind_a_trusted_proxy(client, commune, low_limits, settings):
    settings.PROXY_COUNT = 1
    codes = [post(client, BODY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, 203.0.113.{n}").status_code for n in range(4)]
    assert codes == [201, 201, 201, 201]
    assert set(RateCounter.objects.values_list("client", flat=True)) == {f"203.0.113.{n}" for n in range(4)}


def test_lookups_have_their_own_limit(client, commune, low_limits):
    code = PetitionFactory(unit=commune.unit).code
    assert [client.get(f"{URL}/{code}").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert post(client, BODY).status_code == 201


def test_a_limit_of_zero_switches_the_limit_off(client, commune, settings):
    settings.RATE_LIMIT_LOOKUP = 0
    for _ in range(3):
        client.get(f"{URL}/x")
    assert not RateCounter.objects.exists()


def test_client_address_takes_the_entry_the_trusted_proxies_saw(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.8")
    settings.PROXY_COUNT = 0
    assert ratelimit.client_address(request) == "10.0.0.9"
    settings.PROXY_COUNT = 2
    assert ratelimit.client_address(request) == "198.51.100.7"
    settings.PROXY_COUNT = 5  # fewer entries than proxies: not trusted
    assert ratelimit.client_address(request) == "10.0.0.9"
    settings.PROXY_COUNT = 1
    assert ratelimit.client_address(rf.get("/", HTTP_X_FORWARDED_FOR="nonsense")) == "127.0.0.1"
    assert ratelimit.client_address(rf.get("/", HTTP_X_FORWARDED_FOR="fe80::1%\x00x")) == "127.0.0.1"  # no scope text


def test_requests_purge_old_counters_now_and_then_without_cron(db, monkeypatch):
    old = timezone.now() - dt.timedelta(minutes=10)
    ratelimit.hit("10.0.0.1", ratelimit.SUBMIT, old)
    monkeypatch.setattr(ratelimit, "PURGE_CHANCE", 1)  # this request is the one in a hundred
    ratelimit.hit("10.0.0.2", ratelimit.SUBMIT)
    assert list(RateCounter.objects.values_list("client", flat=True)) == ["10.0.0.2"]


def test_counters_of_past_minutes_are_purged(db):
    now = timezone.now()
    ratelimit.hit("10.0.0.1", ratelimit.SUBMIT, now - dt.timedelta(minutes=10))
    assert ratelimit.hit("10.0.0.1", ratelimit.SUBMIT, now) == 1
    assert ratelimit.hit("10.0.0.1", ratelimit.SUBMIT, now) == 2
    assert ratelimit.purge(now) == 1
    assert RateCounter.objects.get().count == 2


# ------------------------------------------------------------------ OpenAPI


def test_openapi_still_describes_the_submission_and_its_bounds(client, db):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/petitions"]["post"]
    assert operation["summary"] == "Gửi ý kiến, kiến nghị"
    schema = document["components"]["schemas"]["PetitionIn"]
    assert set(schema["properties"]) == {
        "content",
        "name",
        "phone",
        "email",
        "address",
        "organization",
        "kind",
        "dialogue",
        "anonymous",
        "unit",
    }
    dialogue = next(s for s in schema["properties"]["dialogue"]["anyOf"] if s.get("type") == "integer")
    assert (dialogue["minimum"], dialogue["maximum"]) == (1, 2**63 - 1)
    assert {"201", "400", "413", "415", "422", "429"} <= set(operation["responses"])


def test_api_errors_of_ninja_itself_are_vietnamese(client, db):
    response = client.get("/api/v1/dialogues/987654/calendar.ics")
    assert (response.status_code, response.json()) == (404, {"detail": "Không tìm thấy."})
    response = client.get("/api/v1/dialogues?kind=%E2%81%A0")
    assert response.status_code == 422
    assert response.json()["errors"] == {"kind": ["Giá trị không nằm trong danh sách cho phép."]}


def test_openapi_lists_both_paths_with_the_idempotency_header(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/petitions"]
    assert "get" in paths["/api/v1/petitions/{code}"]
    headers = [p["name"] for p in paths["/api/v1/petitions"]["post"]["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"]


def test_status_and_submission_cost_a_fixed_number_of_queries(client, commune, django_assert_max_num_queries):
    petition = _answered(commune.unit, is_public=True)
    for _ in range(5):
        HistoryEntryFactory(petition=petition, is_public=True)
    with django_assert_max_num_queries(10):  # 4 are savepoints; the same for 1 step or 50
        assert client.get(f"{URL}/{petition.code}").status_code == 200
    with django_assert_max_num_queries(20):  # most are submit_petition's own (history, receipt notice)
        assert post(client, BODY, key="budget").status_code == 201
