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
