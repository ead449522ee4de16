import unicodedata

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from doithoai.lib.middleware import NormalizeInputMiddleware

NFD = unicodedata.normalize("NFD", "Đường xuống cấp ở thôn Hạ")


def echo(request):
    request.seen = request
    return HttpResponse("ok")


@pytest.fixture
def through():
    middleware = NormalizeInputMiddleware(echo)

    def run(request):
        middleware(request)
        return request

    return run


def test_form_values_and_query_strings_arrive_in_nfc(through):
    request = through(RequestFactory().post(f"/?q={NFD}", {"content": NFD, "tags": [NFD, "b"]}))
    assert request.POST["content"] == "Đường xuống cấp ở thôn Hạ"
    assert request.POST.getlist("tags") == ["Đường xuống cấp ở thôn Hạ", "b"]
    assert request.GET["q"] == "Đường xuống cấp ở thôn Hạ"
    assert unicodedata.is_normalized("NFC", request.POST["content"])


def test_passwords_are_left_as_typed(through):
    request = through(RequestFactory().post("/", {"password": NFD, "new_password1": NFD}))
    assert request.POST["password"] == NFD and request.POST["new_password1"] == NFD


def test_passwords_lose_only_nul(through):
    typed = f" {NFD}\u2060\x00\t"
    request = through(RequestFactory().post("/", {"password": typed, "old_password": "\x00"}))
    assert request.POST["password"] == f" {NFD}\u2060\t"
    assert request.POST["old_password"] == ""


def test_uploaded_files_are_untouched(through, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("tệp.txt", NFD.encode())
    request = through(RequestFactory().post("/", {"file": upload, "content": NFD}))
    assert request.FILES["file"].read() == NFD.encode()
    assert request.POST["content"] == "Đường xuống cấp ở thôn Hạ"


def test_nfc_input_is_passed_through_as_it_is(through):
    original = RequestFactory().post("/", {"content": "đã chuẩn"})
    post = original.POST
    assert through(original).POST is post


def test_form_values_keys_and_query_strings_lose_nul_controls_bidi_and_invisible_characters(through):
    dirty = "Đề\x00 nghị\u2060 sửa\u061c đường\u202e thôn\x85Trung\u200b "
    request = through(RequestFactory().post(f"/?q={dirty}", {"content": dirty, "na\u2060me": "Trần\x07 Thị Mẫu"}))
    assert request.POST["content"] == "Đề nghị sửa đường thôn\nTrung"
    assert request.POST["name"] == "Trần Thị Mẫu"
    assert request.GET["q"] == "Đề nghị sửa đường thôn\nTrung"


def test_two_keys_that_clean_to_one_keep_both_values(through):
    request = through(RequestFactory().post("/", {"chon": "1", "cho\u200bn": "2"}))
    assert sorted(request.POST.getlist("chon")) == ["1", "2"]


def test_multipart_values_and_file_names_are_cleaned(through):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ảnh\u202egpj.exe\x00.png", b"\x89PNG")
    request = through(RequestFactory().post("/", {"file": upload, "content": "Nội\u2060 dung"}))
    assert request.FILES["file"].name == "ảnhgpj.exe.png"
    assert request.POST["content"] == "Nội dung"


def test_a_json_body_is_left_to_the_api(through):
    body = '{"content": "a\\u0000b"}'
    request = through(RequestFactory().post("/api/v1/petitions", body, content_type="application/json"))
    assert request.body == body.encode()
