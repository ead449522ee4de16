"""Bounded requests and sessions: bodies refused by their size before anything reads them, attachments counted per
address and hour, tracking-code look-ups sharing the API's limit, signed-in sessions that end and are never cached."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpResponse
from django.test import Client, RequestFactory

from doithoai.api.models import RateCounter
from doithoai.lib import body_limit
from doithoai.petitions.models import Attachment, Petition
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _png(name: str = "anh.png", size: int = 100 * 1024) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG + b"\x00" * (size - len(PNG)), content_type="image/png")


# ------------------------------------------------------------------ request bodies


@pytest.mark.parametrize(
    ("path", "declared"),
    [
        ("/gui-y-kien/", body_limit.ATTACHMENTS_MAX + 1),  # more than 5 files of 10 MB
        ("/gui-y-kien/", 1024 * MB),  # the 1 GB body of the report
        ("/dang-nhap/", 3 * MB),  # a form without files
        ("/can-bo/y-kien/1/phan-loai/", 3 * MB),
        ("/khong-co-trang-nay/", 3 * MB),
    ],
)
def test_a_body_declared_too_large_is_refused_by_its_length_before_csrf_or_parsing(commune, path, declared):
    client = Client(enforce_csrf_checks=True)  # no CSRF token: the size is refused first
    # The declared length is larger than what is sent: had anything tried to read the body, the test client's
    # payload would have failed ("Cannot read more than the available bytes").
    response = client.post(
        path, data=b"x" * 10, content_type="multipart/form-data; boundary=xx", CONTENT_LENGTH=str(declared)
    )
    assert response.status_code == 413
    assert response["Connection"] == "close"
    body = response.content.decode()
    assert "Nội dung gửi lên quá lớn" in body
    assert not Petition.objects.exists()


def test_the_api_answers_413_in_json_and_in_vietnamese(commune):
    response = Client().post(
        "/api/v1/petitions", data=b"{}", content_type="application/json", CONTENT_LENGTH=str(3 * MB)
    )
    assert response.status_code == 413
    assert "quá lớn" in response.json()["detail"]


def test_routes_that_take_files_accept_their_own_size(commune):
    assert body_limit.limit_for("/gui-y-kien/") == body_limit.ATTACHMENTS_MAX
    assert body_limit.limit_for("/xa/tan-yen/gui-y-kien/") == body_limit.ATTACHMENTS_MAX
    assert body_limit.limit_for("/can-bo/nhap-excel/") == body_limit.ONE_FILE_MAX
    assert body_limit.limit_for("/can-bo/co-quan/viec/3/tra-loi/") == body_limit.ONE_FILE_MAX
    assert body_limit.limit_for("/can-bo/y-kien/3/phan-loai/") == body_limit.limit_for("/dang-nhap/") < 3 * MB


def test_an_opinion_with_five_files_of_ten_megabytes_fits(commune, settings):
    settings.UPLOAD_BYTES_PER_HOUR = 0  # the hourly allowance is tested below
    files = [_png(f"anh-{i}.png", 10 * MB - 1024) for i in range(5)]
    response = Client().post(
        "/gui-y-kien/", {"kind": "kien_nghi", "content": "Đường thôn Trung hỏng nặng.", "attachments": files}
    )
    assert response.status_code == 302
    assert Petition.objects.get().attachments.count() == 5


def test_a_body_that_carries_more_than_it_declared_is_stopped_while_streaming(settings):
    """A server that hands over an unbounded stream: reading stops at the route's limit, the answer is a 413."""
    settings.MAX_REQUEST_BODY = 1000

    def view(request):
        request.POST  # noqa: B018 - the parser reads the stream
        return HttpResponse("đọc hết")

    middleware = body_limit.RequestBodyLimitMiddleware(convert_exception_to_response(view))
    request = RequestFactory().post(
        "/dang-nhap/", data="a=" + "x" * 10, content_type="application/x-www-form-urlencoded"
    )
    request.META["CONTENT_LENGTH"] = "500"  # declared within the limit, the stream carries 100 times more
    request._stream = io.BytesIO(b"a=" + b"x" * 50_000)
    response = middleware(request)
    assert response.status_code == 413


# ------------------------------------------------------------------ attachments per address and hour


def _submit(client: Client, files, address: str = "203.0.113.5"):
    data = {"kind": "kien_nghi", "content": "Xin sửa đèn đường thôn Đông.", "attachments": files}
    return client.post("/gui-y-kien/", data, REMOTE_ADDR=address, follow=True)


def test_past_the_hourly_allowance_the_opinion_is_kept_and_its_files_refused_in_vietnamese(commune, settings):
    settings.UPLOAD_BYTES_PER_HOUR = 250 * 1024
    with time_machine.travel("2026-12-07 09:10 +0700", tick=False) as traveller:
        client = Client()
        first = _submit(client, [_png("a.png"), _png("b.png")])
        assert first.status_code == 200 and Attachment.objects.count() == 2
        second = _submit(client, [_png("c.png")])  # 300 KB in the hour: over 250 KB
        assert second.status_code == 200
        assert Petition.objects.count() == 2 and Attachment.objects.count() == 2
        body = second.content.decode()
        assert "đã được tiếp nhận" in body and "tệp đính kèm không được lưu" in body
        refused = Petition.objects.order_by("-pk").first()
        assert "1 tệp đính kèm không được lưu" in refused.history.get(action="receive").note
        # Another address has its own allowance; the next hour this one has its allowance back.
        _submit(Client(), [_png("d.png")], address="198.51.100.9")
        assert Attachment.objects.count() == 3
        traveller.shift(60 * 60)
        _submit(client, [_png("e.png")])
        assert Attachment.objects.count() == 4


def test_a_refused_upload_uses_up_nothing_of_the_allowance(commune, settings):
    settings.UPLOAD_BYTES_PER_HOUR = 150 * 1024
    client = Client()
    _submit(client, [_png("lon.png", 200 * 1024)])  # alone over the allowance: refused
    _submit(client, [_png("nho.png")])  # 100 KB still fits
    assert Attachment.objects.count() == 1


def test_an_ipv6_network_shares_one_allowance_whatever_address_it_takes(commune, settings):
    settings.UPLOAD_BYTES_PER_HOUR = 150 * 1024
    _submit(Client(), [_png("a.png")], address="2001:db8:1:2::10")
    _submit(Client(), [_png("b.png")], address="2001:db8:1:2:ffff::1")  # same /64
    _submit(Client(), [_png("c.png")], address="2001:db8:1:3::10")  # another /64
    assert Attachment.objects.count() == 2
    uploads = RateCounter.objects.filter(bucket="upload_bytes")
    assert set(uploads.values_list("client", flat=True)) == {"2001:db8:1:2::/64", "2001:db8:1:3::/64"}


def test_a_nearly_full_disk_refuses_files_and_keeps_the_opinion(commune, settings, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(100 * MB, 99 * MB, 1 * MB))
    response = _submit(Client(), [_png()])
    assert Petition.objects.count() == 1 and not Attachment.objects.exists()
    assert "tạm thời không nhận thêm tệp" in response.content.decode()


# ------------------------------------------------------------------ tracking-code look-ups


def test_status_pages_and_the_api_share_one_look_up_limit(commune, settings):
    settings.RATE_LIMIT_LOOKUP = 3
    petition = PetitionFactory(unit=commune.unit)
    client = Client()
    assert client.get(f"/tra-cuu/{petition.code}/").status_code == 200
    assert client.get(f"/tra-cuu/?ma={petition.code}").status_code == 302
    assert client.get(f"/api/v1/petitions/{petition.code}").status_code == 200
    refused = client.get(f"/tra-cuu/{petition.code}/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Tra cứu quá nhiều lần" in refused.content.decode()
    assert client.get(f"/api/v1/petitions/{petition.code}").status_code == 429
    assert Client(REMOTE_ADDR="192.0.2.44").get(f"/tra-cuu/{petition.code}/").status_code == 200  # another address


def test_the_qr_image_of_a_known_code_is_free_and_an_unknown_code_counts(commune, settings):
    settings.RATE_LIMIT_LOOKUP = 2
    petition = PetitionFactory(unit=commune.unit)
    client = Client()
    for _ in range(5):
        assert client.get(f"/tra-cuu/{petition.code}/qr.svg").status_code == 200
    assert client.get("/tra-cuu/AAAA-AAAA-AAAA-A/qr.svg").status_code == 404
    assert client.get("/tra-cuu/BBBB-BBBB-BBBB-B/qr.svg").status_code == 404
    assert client.get("/tra-cuu/CCCC-CCCC-CCCC-C/qr.svg").status_code == 429


# ------------------------------------------------------------------ signed-in sessions


@pytest.fixture
def office(commune, user_with_role):
    return user_with_role("coordinator", commune.unit, username="vanphong")


def _logged_in(user) -> Client:
    client = Client()
    assert client.post("/dang-nhap/", {"username": user.username, "password": "mat-khau-thu-2026"}).status_code == 302
    return client


def test_staff_pages_are_never_cached_and_public_pages_may_be(office, commune):
    client = _logged_in(office)
    staff = client.get("/can-bo/y-kien/")
    assert "no-store" in staff["Cache-Control"] and "private" in staff["Cache-Control"]
    detail = client.get(f"/can-bo/y-kien/{PetitionFactory(unit=commune.unit).pk}/")
    assert "no-store" in detail["Cache-Control"]
    assert "no-store" not in Client().get("/").get("Cache-Control", "")


def test_a_session_ends_after_two_idle_hours_with_a_vietnamese_message(office):
    with time_machine.travel("2026-12-07 08:00 +0700", tick=False) as traveller:
        client = _logged_in(office)
        traveller.shift(119 * 60)
        assert client.get("/can-bo/").status_code == 200  # activity: the idle clock starts again
        traveller.shift(119 * 60)
        assert client.get("/can-bo/").status_code == 200
        traveller.shift(121 * 60)
        ended = client.get("/can-bo/y-kien/")
        assert ended.status_code == 302 and ended["Location"].startswith("/dang-nhap/?next=/can-bo/y-kien/")
        page = client.get(ended["Location"])
        assert "không thao tác trong 120 phút" in page.content.decode()
        assert client.get("/can-bo/").status_code == 302  # logged out for good


def test_polling_does_not_count_as_activity(office):
    with time_machine.travel("2026-12-07 08:00 +0700", tick=False) as traveller:
        client = _logged_in(office)
        for _ in range(4):  # a progress bar left open, polling for 2 hours
            traveller.shift(30 * 60)
            assert client.get("/can-bo/", HTTP_HX_REQUEST="true", HTTP_X_DOITHOAI_POLL="1").status_code == 200
        traveller.shift(30 * 60)
        expired = client.get("/can-bo/", HTTP_HX_REQUEST="true", HTTP_X_DOITHOAI_POLL="1")
        assert expired.status_code == 204 and expired["HX-Redirect"].startswith("/dang-nhap/")


def test_a_session_ends_after_its_maximum_age_however_active(office, settings):
    with time_machine.travel("2026-12-07 07:00 +0700", tick=False) as traveller:
        client = _logged_in(office)
        for _ in range(23):  # every half hour for 11.5 hours
            traveller.shift(30 * 60)
            assert client.get("/can-bo/").status_code == 200
        traveller.shift(31 * 60)
        assert client.get("/can-bo/").status_code == 302


def test_the_receipt_of_what_one_just_sent_is_shown_even_when_the_address_is_over_its_limit(commune, settings):
    settings.RATE_LIMIT_LOOKUP = 1
    client = Client()
    client.get("/tra-cuu/AAAA-BBBB-CCCC-D/")  # the hall's address has used its look-ups
    sent = client.post("/gui-y-kien/", {"kind": "kien_nghi", "content": "Xin lắp đèn đường thôn Bắc."})
    receipt = client.get(sent["Location"])
    assert receipt.status_code == 200 and "Mã theo dõi" in receipt.content.decode()
    printing = client.get(sent["Location"] + "&in=1")
    assert printing.status_code == 200
    petition = Petition.objects.get()
    assert client.get(f"/tra-cuu/{petition.code}/").status_code == 429  # without the receipt's key it counts
    forged = client.get(f"/tra-cuu/{petition.code}/?moi=1&k=gia-mao")
    assert forged.status_code == 429
