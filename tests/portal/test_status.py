"""The public status page of a tracking code (/tra-cuu/<code>/): masked, bounded, and the satisfaction rating."""

import datetime as dt

import pytest
from django.utils import timezone

from doithoai.lib import qr
from doithoai.petitions.actions import merge
from doithoai.petitions.models import Answer, Petition
from tests import factories
from tests.factories import AnswerFactory, HistoryEntryFactory, PetitionFactory, canonical_topic
from tests.portal.test_pages import assert_csp_clean

IDENTITY = ("Trần Thị Mẫu", "0987654321", "mau@example.vn", "Số 12")
SUMMARY = "Đề nghị sửa chữa đường liên thôn bị xuống cấp."
ANSWER = "Ủy ban nhân dân xã đã bố trí kinh phí sửa chữa trong quý IV năm 2026."


def _answered(commune, **fields) -> Petition:
    """A petition whose answer was approved and published (closed), as the workflow leaves it."""
    petition = PetitionFactory(
        unit=commune.unit,
        topic=canonical_topic("giao_thong_xay_dung"),
        status=Petition.Status.CLOSED,
        is_public=True,
        public_summary=SUMMARY,
        submitter_email="mau@example.vn",
        **fields,
    )
    HistoryEntryFactory(petition=petition, is_public=True, note="Tiếp nhận qua kênh: Trực tuyến")
    HistoryEntryFactory(petition=petition, is_public=False, action="assign", to_status="assigned", note="Nội bộ: giao")
    HistoryEntryFactory(
        petition=petition, is_public=True, action="publish", to_status="closed", note="Công khai kết quả trả lời"
    )
    now = timezone.now()
    AnswerFactory(
        petition=petition,
        text=ANSWER,
        public_text=ANSWER,
        organization=commune.economy,
        document_number="15/TB-UBND",
        document_date=dt.date(2026, 11, 2),
        approved_at=now,
        published_at=now,
    )
    return petition


def html_of(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- what the page shows, and what it never shows


def test_status_page_shows_the_public_facts_timeline_and_answer_and_no_identity(client, commune):
    petition = _answered(commune)
    response = client.get(f"/tra-cuu/{petition.code}/")
    assert response.status_code == 200
    html = html_of(response)
    assert '<span class="badge badge-closed">Đã hoàn thành</span>' in html and "Giao thông, xây dựng" in html
    assert SUMMARY in html and ANSWER in html
    assert "Phòng Kinh tế" in html and "Số 15/TB-UBND ngày 02/11/2026" in html
    assert "Tiếp nhận qua kênh: Trực tuyến" in html and "Công khai kết quả trả lời" in html
    assert "Nội bộ: giao" not in html
    for private in IDENTITY + (petition.content,):
        assert private not in html
    assert_csp_clean(response)


def test_a_new_opinion_shows_received_and_says_its_text_is_not_public(client, commune):
    petition = PetitionFactory(unit=commune.unit, public_summary="")
    HistoryEntryFactory(petition=petition, is_public=True, note="Tiếp nhận qua kênh: Trực tuyến")
    html = html_of(client.get(f"/tra-cuu/{petition.code}/"))
    assert '<span class="badge badge-received">Đã tiếp nhận</span>' in html
    assert "không hiển thị nội dung bạn đã gửi" in html
    assert petition.content not in html and "Bạn có hài lòng" not in html
    for private in IDENTITY:
        assert private not in html


def test_a_merged_opinion_shows_its_parents_status_and_answer_and_nobodys_identity_or_code(client, commune):
    parent = _answered(
        commune, submitter_name="Nguyễn Văn Bình", submitter_phone="0912000111", submitter_address="Số 7, thôn Hạ"
    )
    child = PetitionFactory(unit=commune.unit, status=Petition.Status.CLASSIFIED)
    HistoryEntryFactory(petition=child, is_public=True, note="Tiếp nhận qua kênh: Trực tuyến")
    merge(child, parent, by=factories.user_with_role("coordinator", commune.unit))
    response = client.get(f"/tra-cuu/{child.code}/")
    html = html_of(response)
    assert '<span class="badge badge-closed">Đã hoàn thành</span>' in html
    assert SUMMARY in html and ANSWER in html
    assert "được gộp với các ý kiến cùng nội dung" in html
    for private in IDENTITY + ("Nguyễn Văn Bình", "0912000111", "Số 7", child.content, parent.content):
        assert private not in html
    # The parent's code is its own submitter's secret (it lets one rate the answer).
    assert parent.code not in html
    assert "Bạn có hài lòng" not in html


@pytest.mark.parametrize("kind", ["to_cao", "khieu_nai"])
def test_a_denunciation_or_complaint_shows_only_its_status_and_steps(client, commune, kind):
    petition = PetitionFactory(
        unit=commune.unit,
        kind=kind,
        status=Petition.Status.LEGAL_TRACK,
        public_summary="Tố cáo ông Lê Văn Cường lấn chiếm đất công",
    )
    HistoryEntryFactory(
        petition=petition,
        is_public=True,
        action="legal_track",
        to_status="legal_track",
        note="Chuyển Thanh tra tỉnh xử lý theo Luật Tố cáo",
    )
    html = html_of(client.get(f"/tra-cuu/{petition.code}/"))
    assert "Đã chuyển xử lý theo quy định" in html
    assert "Lê Văn Cường" not in html and "Thanh tra tỉnh" not in html
    for private in IDENTITY:
        assert private not in html


# ---------------------------------------------------------------- codes


@pytest.mark.parametrize("typed", ["lower", "no dashes", "spaces"])
def test_codes_are_accepted_as_people_type_them(client, commune, typed):
    petition = PetitionFactory(unit=commune.unit)
    raw = petition.code.replace("-", "")
    code = {"lower": petition.code.lower(), "no dashes": raw, "spaces": f"{raw[:4]} {raw[4:8]} {raw[8:]}"}[typed]
    response = client.get(f"/tra-cuu/{code}/")
    assert response.status_code == 200 and petition.code in html_of(response)


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ-Z", "x", "' OR 1=1", "K7QX-M3RW-9HTD-BB", "0OIL-0OIL-0OIL-0"])
def test_unknown_or_malformed_codes_are_not_found_in_vietnamese(client, commune, code):
    PetitionFactory(unit=commune.unit)
    response = client.get(f"/tra-cuu/{code}/")
    assert response.status_code == 404
    assert "Không tìm thấy mã theo dõi" in html_of(response)
    assert client.get(f"/tra-cuu/{code}/qr.svg").status_code == 404
    assert client.post(f"/tra-cuu/{code}/danh-gia/", {"rating": "hai-long"}).status_code == 404


def test_the_look_up_form_leads_to_the_status_page(client, commune):
    petition = PetitionFactory(unit=commune.unit)
    assert 'name="ma"' in html_of(client.get("/tra-cuu/"))
    response = client.get("/tra-cuu/", {"ma": " " + petition.code.lower().replace("-", " ") + " "})
    assert response.status_code == 302 and response.url == f"/tra-cuu/{petition.code}/"


def test_a_malformed_code_in_the_look_up_form_is_explained(client, commune):
    response = client.get("/tra-cuu/", {"ma": "abc"})
    assert response.status_code == 200
    assert "Mã theo dõi gồm 13 chữ cái và chữ số" in html_of(response)
    assert 'value="abc"' in html_of(response)


# ---------------------------------------------------------------- the receipt and the QR code


def test_the_qr_code_carries_the_absolute_status_address(client, commune, settings):
    settings.BASE_URL = "https://doithoai.tanyen.bacninh.gov.vn"
    petition = PetitionFactory(unit=commune.unit)
    response = client.get(f"/tra-cuu/{petition.code}/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg ") and 'viewBox="0 0 ' in svg and 'width="' in svg
    # The drawn modules are those of the status page's absolute address.
    expected = qr.svg(
        f"https://doithoai.tanyen.bacninh.gov.vn/tra-cuu/{petition.code}/", title=f"Mã QR: {petition.code}"
    )
    assert svg == expected


def test_the_printable_receipt_shows_the_code_and_the_qr_code_without_inline_script(client, commune):
    petition = PetitionFactory(unit=commune.unit)
    response = client.get(f"/tra-cuu/{petition.code}/?moi=1&in=1")
    html = html_of(response)
    assert "Biên nhận ý kiến, kiến nghị" in html
    assert petition.code in html and f'src="/tra-cuu/{petition.code}/qr.svg"' in html
    assert '<script src="/static/js/print.js" defer></script>' in html
    assert_csp_clean(response)


def test_the_receipt_box_appears_only_right_after_sending(client, commune):
    petition = PetitionFactory(unit=commune.unit)
    assert "Đã tiếp nhận ý kiến của bạn" not in html_of(client.get(f"/tra-cuu/{petition.code}/"))
    html = html_of(client.get(f"/tra-cuu/{petition.code}/?moi=1"))
    assert "Đã tiếp nhận ý kiến của bạn" in html and 'href="?moi=1&amp;in=1"' in html


# ---------------------------------------------------------------- query budget


@pytest.mark.parametrize("steps", [2, 20])
def test_the_status_page_costs_the_same_queries_however_long_the_history(
    client, commune, django_assert_max_num_queries, steps
):
    petition = _answered(commune)
    for i in range(steps - 2):
        HistoryEntryFactory(petition=petition, is_public=True, action="note", note=f"Bước {i}")
    child = PetitionFactory(unit=commune.unit, status=Petition.Status.MERGED, merged_into=petition)
    for i in range(steps):
        HistoryEntryFactory(petition=child, is_public=True, action="note", note=f"Bước {i}")
    for code in (petition.code, child.code):
        # The petition with its unit, topic and parent; its answer; its steps (3); and the look-up counted in the
        # rate limit the page shares with the API: an update and a read, or an insert the first time, in a savepoint
        # (6; the purge of old counters, one request in 100, is kept out of tests by conftest.py).
        with django_assert_max_num_queries(9):
            assert client.get(f"/tra-cuu/{code}/?moi=1").status_code == 200


# ---------------------------------------------------------------- satisfaction


def rate(client, petition, rating, reason=""):
    return client.post(f"/tra-cuu/{petition.code}/danh-gia/", {"rating": rating, "reason": reason})


def test_the_rating_form_is_offered_once_the_answer_is_published(client, commune):
    html = html_of(client.get(f"/tra-cuu/{_answered(commune).code}/"))
    assert "Bạn có hài lòng với câu trả lời?" in html
    assert 'name="rating" value="hai-long"' in html and 'name="rating" value="chua-hai-long"' in html


def test_a_satisfied_submitter_is_thanked_and_the_case_stays_closed(client, commune):
    petition = _answered(commune)
    response = rate(client, petition, "hai-long")
    assert response.status_code == 302 and response.url == f"/tra-cuu/{petition.code}/"
    answer = Answer.objects.get(petition=petition)
    assert answer.satisfaction == Answer.Satisfaction.SATISFIED
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED
    html = html_of(client.get(response.url))
    assert "Cảm ơn bạn đã đánh giá câu trả lời." in html
    assert "Bạn có hài lòng" not in html


def test_unsatisfied_without_a_reason_is_refused(client, commune):
    petition = _answered(commune)
    response = rate(client, petition, "chua-hai-long", "   ")
    assert response.status_code == 422
    assert "Xin cho biết vì sao bạn chưa hài lòng" in html_of(response)
    assert Answer.objects.get(petition=petition).satisfaction == ""
    assert_csp_clean(response)


def test_unsatisfied_with_a_reason_reopens_the_case_without_publishing_the_reason(client, commune):
    petition = _answered(commune)
    response = rate(client, petition, "chua-hai-long", "Đường vẫn chưa được sửa, tôi là Trần Thị Mẫu 0987654321.")
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLASSIFIED
    html = html_of(client.get(response.url))
    assert "Đang xem xét" in html and "chuyển lại Văn phòng Đảng ủy" in html
    assert "Đường vẫn chưa được sửa" not in html and "0987654321" not in html


def test_rating_twice_is_refused(client, commune):
    petition = _answered(commune)
    assert rate(client, petition, "hai-long").status_code == 302
    response = rate(client, petition, "chua-hai-long", "Đổi ý")
    assert response.status_code == 422
    assert "Bạn đã đánh giá câu trả lời này rồi." in html_of(response)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED
    assert Answer.objects.get(petition=petition).satisfaction == Answer.Satisfaction.SATISFIED


def test_a_rating_needs_a_choice(client, commune):
    petition = _answered(commune)
    response = rate(client, petition, "")
    assert response.status_code == 422 and "Xin chọn “Hài lòng” hoặc “Chưa hài lòng”." in html_of(response)
    assert client.get(f"/tra-cuu/{petition.code}/danh-gia/").status_code == 405
