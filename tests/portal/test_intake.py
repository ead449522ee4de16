"""The public opinion form (/gui-y-kien/): what it creates, what it refuses, and that it refuses in Vietnamese."""

import re
import unicodedata
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doithoai.accounts.models import Organization
from doithoai.petitions import actions
from doithoai.petitions.models import Attachment, Petition
from tests.factories import DialogueFactory, OrganizationFactory
from tests.portal.test_pages import assert_csp_clean

CONTENT = "Đề nghị sửa chữa đoạn đường từ cổng làng đến nhà văn hóa thôn Trung, mặt đường bị bong tróc, trời mưa ngập."
PERSON = {"name": "Trần Thị Mẫu", "phone": "0987 654 321", "email": "mau@example.vn", "address": "Số 12, xóm Giữa"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def village(commune):
    OrganizationFactory(unit=commune.unit, name="Thôn Hạ", kind=Organization.Kind.VILLAGE)
    return OrganizationFactory(unit=commune.unit, name="Thôn Trung", kind=Organization.Kind.VILLAGE)


def form(**fields):
    return {"kind": "kien_nghi", "content": CONTENT, **PERSON, "consent": "on", **fields}


def errors_of(response, field: str) -> str:
    """The text of the error list the page puts beside one field (the id its aria-describedby names)."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', response.content.decode(), re.S)
    return match.group(1) if match else ""


# ---------------------------------------------------------------- the page


def test_form_offers_the_villages_every_kind_files_and_the_consent_notice(client, village):
    response = client.get("/gui-y-kien/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thôn Trung" in html and "Thôn Hạ" in html
    for label in ("Góp ý", "Kiến nghị", "Phản ánh", "Câu hỏi", "Khiếu nại", "Tố cáo"):
        assert re.search(rf'<label for="id_kind_\d" class="choice-label">{label}</label>', html)
    assert re.search(r'<input type="file" name="attachments" accept="[^"]*\.pdf[^"]*" multiple', html)
    assert "Nghị định số 13/2023/NĐ-CP" in html and "Tôi đồng ý" in html
    assert "Chỉ dành cho góp ý, kiến nghị, phản ánh, câu hỏi; khiếu nại, tố cáo phải ghi rõ họ tên" in html
    assert_csp_clean(response)


def test_villages_of_another_commune_are_not_offered(client, village, other_commune):
    OrganizationFactory(unit=other_commune.unit, name="Thôn Ngoài", kind=Organization.Kind.VILLAGE)
    html = client.get("/xa/tan-yen/gui-y-kien/").content.decode()
    assert "Thôn Trung" in html and "Thôn Ngoài" not in html


def test_with_several_communes_the_form_first_asks_which_commune(client, commune, other_commune):
    html = client.get("/gui-y-kien/").content.decode()
    assert "/xa/tan-yen/gui-y-kien/" in html and "/xa/ngoc-thien/gui-y-kien/" in html
    assert client.get("/xa/ngoc-thien/gui-y-kien/").status_code == 200
    assert client.get("/xa/khong-co/gui-y-kien/").status_code == 404


def test_the_form_page_costs_a_bounded_number_of_queries(client, village, django_assert_max_num_queries):
    dialogue = DialogueFactory(unit=village.unit)
    with django_assert_max_num_queries(2):  # the communes, the villages
        assert client.get("/gui-y-kien/").status_code == 200
    with django_assert_max_num_queries(3):  # and the dialogue
        assert client.get(f"/gui-y-kien/?buoi={dialogue.pk}").status_code == 200


def test_anonymous_visitors_find_the_form_and_the_look_up_in_the_header_and_on_the_home_page(client, commune):
    html = client.get("/").content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert 'href="/xa/tan-yen/gui-y-kien/">Gửi ý kiến</a>' in header
    assert 'href="/tra-cuu/">Tra cứu ý kiến</a>' in header
    main = html[html.index("<main") :]
    assert 'href="/xa/tan-yen/gui-y-kien/">Gửi ý kiến</a>' in main
    assert 'action="/tra-cuu/"' in main and 'name="ma"' in main


# ---------------------------------------------------------------- what a submission creates


def test_submission_creates_one_online_petition_and_leads_to_the_receipt(client, village):
    response = client.post("/gui-y-kien/", form(village=village.pk, organization_name="Hợp tác xã Tân Yên"))
    assert Petition.objects.count() == 1
    petition = Petition.objects.get()
    assert response.status_code == 302 and response.url.startswith(f"/tra-cuu/{petition.code}/?moi=1&k=")
    assert (petition.unit, petition.channel, petition.dialogue) == (village.unit, Petition.Channel.ONLINE, None)
    assert (petition.kind, petition.content, petition.village) == ("kien_nghi", CONTENT, village)
    assert (petition.submitter_name, petition.submitter_phone) == ("Trần Thị Mẫu", "0987654321")
    assert petition.submitter_organization_name == "Hợp tác xã Tân Yên"
    assert petition.consent_at is not None and petition.created_by is None

    receipt = client.get(response.url)
    html = receipt.content.decode()
    assert "Đã tiếp nhận ý kiến của bạn" in html
    assert f'<p class="receipt-code code" translate="no">{petition.code}</p>' in html
    assert f'<img src="/tra-cuu/{petition.code}/qr.svg"' in html
    qr = client.get(f"/tra-cuu/{petition.code}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert ElementTree.fromstring(qr.content).tag == "{http://www.w3.org/2000/svg}svg"
    assert_csp_clean(receipt)


def test_the_hall_qr_code_records_the_dialogue_and_its_channel(client, commune):
    dialogue = DialogueFactory(unit=commune.unit, title="Hội nghị đối thoại tháng 6")
    page = client.get(f"/gui-y-kien/?buoi={dialogue.pk}")
    assert "Hội nghị đối thoại tháng 6" in page.content.decode()
    response = client.post(f"/gui-y-kien/?buoi={dialogue.pk}", form())
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert (petition.channel, petition.dialogue) == (Petition.Channel.QR_AT_DIALOGUE, dialogue)


@pytest.mark.parametrize("buoi", ["other", "999999", "abc"])
def test_a_qr_code_for_no_dialogue_of_this_commune_is_not_found(client, commune, other_commune, buoi):
    other = DialogueFactory(unit=other_commune.unit)
    buoi = str(other.pk) if buoi == "other" else buoi
    assert client.get(f"/xa/tan-yen/gui-y-kien/?buoi={buoi}").status_code == 404
    assert client.post(f"/xa/tan-yen/gui-y-kien/?buoi={buoi}", form()).status_code == 404
    assert Petition.objects.count() == 0


def test_with_several_communes_the_hall_qr_code_leads_to_the_dialogues_commune(client, commune, other_commune):
    dialogue = DialogueFactory(unit=other_commune.unit)
    response = client.get(f"/gui-y-kien/?buoi={dialogue.pk}")
    assert response.status_code == 302 and response.url == f"/xa/ngoc-thien/gui-y-kien/?buoi={dialogue.pk}"
    client.post(response.url, form())
    assert Petition.objects.get().unit == other_commune.unit


def test_anonymous_opinion_needs_no_consent_and_keeps_no_identity(client, commune):
    response = client.post("/gui-y-kien/", form(kind="gop_y", anonymous="on", consent=""))
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.anonymous and petition.consent_at is None
    assert (petition.submitter_name, petition.submitter_phone, petition.submitter_email) == ("", "", "")


def test_a_valid_attachment_is_kept(client, commune):
    photo = SimpleUploadedFile("anh-duong.png", PNG, content_type="image/png")
    assert client.post("/gui-y-kien/", form(attachments=[photo])).status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type) == ("anh-duong.png", "image/png")


def test_nfd_text_is_stored_nfc(client, commune):
    nfd = unicodedata.normalize("NFD", CONTENT)
    assert nfd != CONTENT
    client.post("/gui-y-kien/", form(content=nfd, name=unicodedata.normalize("NFD", "  Trần   Thị Mẫu ")))
    petition = Petition.objects.get()
    assert petition.content == CONTENT and petition.submitter_name == "Trần Thị Mẫu"


def test_markup_in_content_is_stored_as_text_and_shown_escaped(client, commune, user_with_role):
    script = "Đường ngập <script>alert(1)</script> sau mưa"
    client.post("/gui-y-kien/", form(content=script))
    petition = Petition.objects.get()
    assert petition.content == script
    # Shown publicly only as a summary staff write; even copied verbatim, it is text, not markup.
    actions.edit_public_summary(petition, script, by=user_with_role("coordinator", commune.unit))
    html = client.get(f"/tra-cuu/{petition.code}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_a_signed_in_clerk_is_recorded_as_who_entered_it(client, commune, user_with_role):
    clerk = user_with_role("coordinator", commune.unit)
    client.force_login(clerk)
    assert client.post("/gui-y-kien/", form()).status_code == 302
    assert Petition.objects.get().created_by == clerk


# ---------------------------------------------------------------- what it refuses


def test_personal_data_without_consent_is_refused_and_what_was_typed_stays(client, village):
    response = client.post("/gui-y-kien/", form(consent="", village=village.pk))
    assert response.status_code == 422
    assert "Xin đánh dấu đồng ý" in errors_of(response, "consent")
    html = response.content.decode()
    assert 'value="Trần Thị Mẫu"' in html and CONTENT in html
    assert f'<option value="{village.pk}" selected>' in html
    assert 'aria-describedby="id_consent_helptext id_consent_error"' in html
    assert Petition.objects.count() == 0
    assert_csp_clean(response)


@pytest.mark.parametrize("kind", ["to_cao", "khieu_nai"])
def test_a_denunciation_or_complaint_cannot_be_anonymous(client, commune, kind):
    response = client.post("/gui-y-kien/", form(kind=kind, anonymous="on"))
    assert response.status_code == 422
    assert "không được gửi ẩn danh" in errors_of(response, "anonymous")
    assert Petition.objects.count() == 0


def _files(*files):
    return lambda: {"attachments": list(files)}


BAD_INPUT = {
    "empty content": (lambda: {"content": "   "}, "content", "Xin nhập nội dung ý kiến."),
    "100,000 characters": (lambda: {"content": "a" * 100_000}, "content", "Nội dung quá dài (tối đa 20.000 ký tự)."),
    "invalid phone": (lambda: {"phone": "12345"}, "phone", "Số điện thoại không hợp lệ"),
    "invalid e-mail": (lambda: {"email": "mau@"}, "email", "Địa chỉ thư điện tử không hợp lệ."),
    "disguised executable": (
        lambda: {"attachments": [SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg")]},
        "attachments",
        "Tệp “photo.jpg” không phải ảnh, PDF, Word (DOCX) hay Excel (XLSX)",
    ),
    "six files": (
        lambda: {"attachments": [SimpleUploadedFile(f"anh-{i}.png", PNG, "image/png") for i in range(6)]},
        "attachments",
        "Chỉ được gửi tối đa 5 tệp.",
    ),
    "11 MB file": (
        lambda: {"attachments": [SimpleUploadedFile("lon.png", PNG + b"\x00" * (11 * 1024 * 1024), "image/png")]},
        "attachments",
        "Tệp “lon.png” lớn hơn 10 MB.",
    ),
}


@pytest.mark.parametrize("change, field, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_gets_a_vietnamese_message_beside_its_field_and_creates_nothing(
    client, commune, settings, change, field, message
):
    response = client.post("/gui-y-kien/", form(**change()))
    assert response.status_code == 422
    assert message in errors_of(response, field)
    assert "Xin sửa các mục được đánh dấu bên dưới." in response.content.decode()
    assert Petition.objects.count() == 0 and Attachment.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*")), "no file is kept"


def test_refused_files_must_be_chosen_again_and_the_page_says_so(client, commune):
    photo = SimpleUploadedFile("anh.png", PNG, "image/png")
    response = client.post("/gui-y-kien/", form(content="", attachments=[photo]))
    assert "xin chọn lại tệp đính kèm" in response.content.decode()


def test_a_form_with_5000_fields_gets_the_vietnamese_400_page(client, commune):
    response = client.post("/gui-y-kien/", {**form(), **{f"x{i}": "1" for i in range(5000)}})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="vi">' in html and "Yêu cầu không hợp lệ" in html
    assert Petition.objects.count() == 0
