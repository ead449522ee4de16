"""The receipt (after sending, and printed) confirms each file received by name and size, and lists apart the files
refused past the address's hourly allowance; only the submitter's own receipt names them (a name may be personal)."""

import re
import unicodedata

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from doithoai.petitions.models import Attachment, Petition
from doithoai.portal import views
from doithoai.portal.templatetags.vn import vn_filesize
from tests.portal.test_pages import assert_csp_clean

KB, MB = 1024, 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n"
ROAD, FLOOD = "Ảnh mặt đường thôn Trung.png", "Đoạn đường ngập sau mưa.png"


def png(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG + b"\x00" * (size - len(PNG)), content_type="image/png")


def send(client: Client, files, address: str = "203.0.113.5"):
    data = {"kind": "kien_nghi", "content": "Đường thôn Trung hỏng nặng sau mưa.", "attachments": files}
    return client.post("/gui-y-kien/", data, REMOTE_ADDR=address)


def files_listed(html: str, css: str = "receipt-files") -> list[tuple[str, str]]:
    part = html[html.index(f'class="{css}"') :] if f'class="{css}"' in html else ""
    return re.findall(r'<span class="file-name">([^<]*)</span> <span class="file-size">\(([^)]*)\)</span>', part)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel("2026-12-07 09:10 +0700", tick=False):
        yield


def test_the_receipt_confirms_each_file_received_by_name_and_size(commune):
    client = Client()
    sent = send(client, [png(ROAD, 850 * KB), png(unicodedata.normalize("NFD", FLOOD), int(2.4 * MB))])
    assert sent.status_code == 302
    receipt = client.get(sent["Location"])
    html = receipt.content.decode()
    assert "Đã nhận 2 tệp đính kèm" in html
    # The name as sent, written composed (NFC) even when the phone sent it decomposed; sizes as Vietnamese writes them.
    assert files_listed(html) == [(ROAD, "850\xa0KB"), (FLOOD, "2,4\xa0MB")]
    assert "không được lưu" not in html
    assert_csp_clean(receipt)
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == sorted([ROAD, FLOOD])
    printed = client.get(sent["Location"] + "&in=1").content.decode()
    assert "Biên nhận ý kiến, kiến nghị" in printed
    assert files_listed(printed) == [(ROAD, "850\xa0KB"), (FLOOD, "2,4\xa0MB")]


def test_a_receipt_without_files_says_so(commune):
    client = Client()
    sent = send(client, [])
    assert "Không có tệp đính kèm." in client.get(sent["Location"]).content.decode()


def test_only_the_submitters_own_receipt_names_the_files(commune):
    client = Client()
    send(client, [png(ROAD, 850 * KB)])
    code = Petition.objects.get().code
    for page in (
        f"/tra-cuu/{code}/",
        f"/tra-cuu/{code}/?moi=1",
        f"/tra-cuu/{code}/?moi=1&in=1",
        f"/tra-cuu/{code}/?moi=1&k=gia-mao",
    ):
        html = Client().get(page).content.decode()
        assert ROAD not in html and "receipt-files" not in html, page


def test_files_refused_past_the_hourly_allowance_are_listed_apart_with_why(commune, settings):
    settings.UPLOAD_BYTES_PER_HOUR = 1 * MB
    client = Client()
    assert send(client, [png(ROAD, 850 * KB)]).status_code == 302
    sent = send(client, [png(FLOOD, int(2.4 * MB)), png("Biên bản họp thôn.png", 300 * KB)])  # over the allowance
    assert sent.status_code == 302
    second = Petition.objects.order_by("-pk").first()
    assert second.attachments.count() == 0
    assert "2 tệp đính kèm không được lưu" in second.history.get(action="receive").note  # issue 9 keeps working
    for page in (sent["Location"], sent["Location"] + "&in=1"):
        html = client.get(page).content.decode()
        assert "Đã tiếp nhận ý kiến" in html or "Biên nhận ý kiến" in html
        assert "2 tệp không được lưu" in html and "Đã nhận" not in html
        assert files_listed(html) == [(FLOOD, "2,4\xa0MB"), ("Biên bản họp thôn.png", "300\xa0KB")]
        assert "mỗi địa chỉ mạng chỉ gửi được tối đa 1 MB tệp" in html
    # The names are never in the address (which reaches the server's log).
    assert "Bi" not in sent["Location"].split("k=")[0] and FLOOD not in sent["Location"]
    # Another submission's receipt does not list them.
    other = send(client, [png(ROAD, 10 * KB)], address="198.51.100.9")
    html = client.get(other["Location"]).content.decode()
    assert files_listed(html) == [(ROAD, "10\xa0KB")] and "không được lưu" not in html


def test_a_forged_refused_files_cookie_is_ignored(commune):
    client = Client()
    sent = send(client, [png(ROAD, 850 * KB)])
    client.cookies[views.REFUSED_COOKIE] = "gia-mao"
    response = client.get(sent["Location"])
    assert response.status_code == 200 and "không được lưu" not in response.content.decode()


def test_a_receipt_costs_one_query_more_for_its_files(commune, django_assert_max_num_queries):
    client = Client()
    sent = send(client, [png(f"ảnh {i}.png", 10 * KB) for i in range(5)])
    with django_assert_max_num_queries(9):  # the status page's, without the look-up counted (own receipt), + files
        assert client.get(sent["Location"]).status_code == 200


@pytest.mark.parametrize(
    "size, shown",
    [
        (0, "0\xa0byte"),
        (900, "900\xa0byte"),
        (1024, "1\xa0KB"),
        (850 * KB, "850\xa0KB"),
        (1023 * KB + 900, "1\xa0MB"),
        (int(2.4 * MB), "2,4\xa0MB"),
        (10 * MB, "10\xa0MB"),
        (10 * MB - KB, "10\xa0MB"),
        (None, ""),
    ],
)
def test_file_sizes_are_written_the_vietnamese_way(size, shown):
    assert vn_filesize(size) == shown
