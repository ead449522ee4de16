"""The staff detail page of one petition (/can-bo/y-kien/<pk>/) and its action panels: who sees what, each panel's
happy path and an illegal move, the submitter's identity, attachments, hostile input and the query budget.

Time is frozen on Friday 27/11/2026 09:00 (Asia/Ho_Chi_Minh); the `w` world comes from test_actions.
"""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doithoai.petitions import actions
from doithoai.petitions.models import Answer, Attachment, HistoryEntry, IdentityView, Petition
from tests import factories
from tests.petitions import test_actions
from tests.petitions.test_actions import TODAY, reload
from tests.portal.test_pages import assert_csp_clean

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_demo_now")]

S = Petition.Status
K = Petition.Kind
HTMX = {"HTTP_HX_REQUEST": "true"}
w = test_actions.w  # the World fixture: coordinator, chair, agencies, MTTQ, another commune
POST_URLS = (
    "tom-tat",
    "phan-loai",
    "gop",
    "khong-thu-ly",
    "chuyen-phap-luat",
    "giao",
    "chuyen-cap-tren",
    "tra-loi-cap-tren",
    "tra-loi-hoi-nghi",
    "duyet",
    "tra-lai-tra-loi",
    "cong-khai",
    "ket-thuc",
)


def url(petition, tail=""):
    return f"/can-bo/y-kien/{petition.pk}/" + (f"{tail}/" if tail else "")


def page(client, user, petition):
    client.force_login(user)
    response = client.get(url(petition))
    assert response.status_code == 200
    return response.content.decode()


def history_count(petition):
    return HistoryEntry.objects.filter(petition=petition).count()


# ---------------------------------------------------------------- who may open the page and post


def test_anonymous_visitor_is_sent_to_login_for_the_page_and_every_post(client, w):
    petition = w.classified()
    login = reverse("accounts:login")
    response = client.get(url(petition))
    assert response.status_code == 302 and response["Location"].startswith(login)
    for tail in (*POST_URLS, "danh-tinh", "tep/1"):
        response = client.post(url(petition, tail))
        assert response.status_code == 302 and response["Location"].startswith(login), tail
    assert reload(petition).status == S.CLASSIFIED


def test_coordinator_of_another_commune_gets_404_everywhere(client, w):
    petition = w.classified()
    client.force_login(w.other_coordinator)
    assert client.get(url(petition)).status_code == 404
    for tail in (*POST_URLS, "danh-tinh"):
        assert client.post(url(petition, tail)).status_code == 404
    assert client.get(url(petition, "tep/1")).status_code == 404


def test_agency_not_assigned_gets_404(client, w):
    petition = w.assigned().petition
    client.force_login(w.culture)
    assert client.get(url(petition)).status_code == 404
    assert client.post(url(petition, "giao")).status_code == 404


def test_assigned_agency_reads_the_page_but_has_no_coordinator_panels_and_is_refused(client, w):
    petition = w.assigned().petition
    html = page(client, w.economy, petition)
    assert petition.code in html
    for action in ("giao", "chuyen-cap-tren", "khong-thu-ly", "tom-tat", "cong-khai", "phan-loai"):
        assert f"{url(petition, action)}" not in html
    before = history_count(petition)
    for action in ("giao", "chuyen-cap-tren", "khong-thu-ly", "tom-tat", "ket-thuc", "cong-khai"):
        assert client.post(url(petition, action), {"decline-reason": "x"}).status_code in (403, 404)
    assert history_count(petition) == before and reload(petition).status == S.ASSIGNED


def test_front_supervisor_reads_an_ordinary_petition_without_panels_and_never_a_denunciation(client, w):
    ordinary = w.classified()
    html = page(client, w.front_rep, ordinary)
    assert ordinary.code in html and "Không có thao tác nào" in html
    assert "Thông tin người gửi được bảo mật" in html and "0987654321" not in html
    assert client.post(url(ordinary, "khong-thu-ly"), {"decline-reason": "Trùng"}).status_code == 403
    denunciation = w.received(kind=K.TO_CAO)
    assert client.get(url(denunciation)).status_code == 404
    assert client.post(url(denunciation, "danh-tinh")).status_code == 404


def test_chair_may_approve_and_the_coordinator_may_not(client, w):
    petition = w.pending()
    coordinator_html = page(client, w.coordinator, petition)
    assert url(petition, "duyet") not in coordinator_html
    assert client.post(url(petition, "duyet"), {"approve-public_text": "Công khai"}).status_code == 403
    assert reload(petition).status == S.ANSWER_PENDING
    chair_html = page(client, w.chair, petition)
    assert url(petition, "duyet") in chair_html
    response = client.post(url(petition, "duyet"), {"approve-public_text": "Xã sẽ sửa đường trong quý I/2027."})
    assert response.status_code == 302
    assert reload(petition).status == S.ANSWERED
    assert Answer.objects.get(petition=petition, is_current=True).public_text == "Xã sẽ sửa đường trong quý I/2027."


# ---------------------------------------------------------------- what the page shows


def test_page_shows_facts_both_status_labels_texts_timeline_and_is_csp_clean(client, w):
    petition = w.assigned().petition
    client.force_login(w.coordinator)
    response = client.get(url(petition))
    html = response.content.decode()
    assert "Đã giao xử lý" in html and "Đang giải quyết" in html  # internal and public labels
    assert "Đề nghị sửa chữa đoạn đường liên thôn" in html and "Đề nghị sửa đường liên thôn Trung" in html
    assert "Phòng Kinh tế" in html and "Giao xử lý" in html and "Phân loại" in html and "Tiếp nhận" in html
    assert "Đã phân loại → Đã giao xử lý" in html
    assert_csp_clean(response)


def test_overdue_deadline_is_marked(client, w):
    petition = w.classified()
    Petition.objects.filter(pk=petition.pk).update(deadline=TODAY - dt.timedelta(days=3))
    assert "is-overdue" in page(client, w.coordinator, petition)


def test_merged_parent_lists_its_children_and_the_child_names_the_parent(client, w):
    parent = w.classified()
    children = [w.classified() for _ in range(2)]
    for child in children:
        actions.merge(child, parent, by=w.coordinator)
    html = page(client, w.coordinator, parent)
    assert "3 ý kiến cùng nội dung" in html and all(c.code in html for c in children)
    assert parent.code in page(client, w.coordinator, children[0])


def test_an_agency_sees_the_codes_merged_into_its_opinion_but_links_only_what_it_may_open(client, w):
    parent = w.assigned().petition  # Phòng Kinh tế has the parent
    children = [w.classified() for _ in range(2)]
    for child in children:
        actions.merge(child, parent, by=w.coordinator)
    html = page(client, w.economy, parent)
    assert all(f'<span class="code">{c.code}</span>' in html for c in children)
    assert all(url(c) not in html for c in children)  # a link would be a 404 for the agency
    assert all(client.get(url(c)).status_code == 404 for c in children)
    html = page(client, w.coordinator, parent)
    assert all(f'href="{url(c)}"' in html for c in children)


def test_earlier_answer_is_kept_with_the_unsatisfied_reason(client, w):
    petition = w.closed()
    actions.record_feedback(petition, satisfied=False, reason="Đường vẫn chưa được sửa.")
    html = page(client, w.coordinator, petition)
    assert "Trả lời trước đây" in html and "Đường vẫn chưa được sửa." in html and "Chưa hài lòng" in html


# ---------------------------------------------------------------- the submitter's identity


def test_identity_shown_to_the_coordinator_and_hidden_from_the_supervisor(client, w):
    petition = w.classified()
    assert "0987654321" in page(client, w.coordinator, petition)
    assert "0987654321" not in page(client, w.front_rep, petition)


def test_denunciation_identity_needs_the_button_and_every_view_is_logged(client, w):
    petition = w.received(kind=K.TO_CAO)
    html = page(client, w.coordinator, petition)
    assert "Xem thông tin người gửi" in html and "0987654321" not in html
    assert IdentityView.objects.filter(petition=petition).count() == 0
    response = client.post(url(petition, "danh-tinh"), **HTMX)
    assert response.status_code == 200 and "0987654321" in response.content.decode()
    assert IdentityView.objects.filter(petition=petition).count() == 1
    response = client.post(url(petition, "danh-tinh"))  # without JavaScript: the whole page
    assert response.status_code == 200 and "0987654321" in response.content.decode()
    assert IdentityView.objects.filter(petition=petition, user=w.coordinator).count() == 2


def test_chair_sees_the_denunciation_button_too(client, w):
    petition = w.received(kind=K.TO_CAO)
    client.force_login(w.chair)
    assert client.post(url(petition, "danh-tinh")).status_code == 200
    assert IdentityView.objects.filter(petition=petition, user=w.chair).count() == 1


# ---------------------------------------------------------------- every panel's happy path


def test_classify_panel(client, w):
    petition = w.received()
    client.force_login(w.coordinator)
    topic = factories.canonical_topic("moi_truong")
    response = client.post(
        url(petition, "phan-loai"),
        {"classify-topic": topic.pk, "classify-kind": "phan_anh", "classify-jurisdiction": "commune"},
    )
    assert response.status_code == 302 and response["Location"] == url(petition)
    petition = reload(petition)
    assert petition.status == S.CLASSIFIED and petition.topic == topic and petition.kind == "phan_anh"
    assert "Đã phân loại ý kiến." in client.get(url(petition)).content.decode()


def test_summary_panel_escapes_script(client, w):
    petition = w.classified()
    client.force_login(w.coordinator)
    response = client.post(url(petition, "tom-tat"), {"summary-public_summary": "<script>alert(1)</script> Đường"})
    assert response.status_code == 302
    assert reload(petition).public_summary == "<script>alert(1)</script> Đường"
    html = client.get(url(petition)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_merge_panel_by_typed_code(client, w):
    parent, child = w.classified(), w.classified()
    client.force_login(w.coordinator)
    response = client.post(url(child, "gop"), {"merge-target": parent.code.lower().replace("-", " ")})
    assert response.status_code == 302
    assert reload(child).status == S.MERGED and reload(child).merged_into == parent


def test_merge_panel_refuses_a_bogus_code_and_a_foreign_one(client, w):
    child = w.classified()
    foreign = actions.submit_petition(w.other.unit, content="Ý kiến xã khác", channel="online")
    client.force_login(w.coordinator)
    for code in ("KHONG-CO-MA", foreign.code, "A" * 10_000):
        response = client.post(url(child, "gop"), {"merge-target": code})
        assert response.status_code == 422
        assert "Không tìm thấy ý kiến có mã này" in response.content.decode() or "Tối đa" in response.content.decode()
    assert reload(child).status == S.CLASSIFIED


def test_decline_panel(client, w):
    petition = w.classified()
    client.force_login(w.coordinator)
    assert client.post(url(petition, "khong-thu-ly"), {"decline-reason": "Không thuộc thẩm quyền."}).status_code == 302
    assert reload(petition).status == S.DECLINED
    assert HistoryEntry.objects.filter(petition=petition, action="decline").exists()


def test_legal_track_panel_only_for_complaints(client, w):
    ordinary, complaint = w.classified(), w.received(kind=K.KHIEU_NAI)
    assert url(ordinary, "chuyen-phap-luat") not in page(client, w.coordinator, ordinary)
    assert url(complaint, "chuyen-phap-luat") in page(client, w.coordinator, complaint)
    response = client.post(
        url(complaint, "chuyen-phap-luat"), {"legal-body": "Thanh tra tỉnh", "legal-document": "12/CV"}
    )
    assert response.status_code == 302 and reload(complaint).status == S.LEGAL_TRACK


def test_assign_panel(client, w):
    petition = w.classified()
    client.force_login(w.coordinator)
    html = client.get(url(petition)).content.decode()
    assert "UBND tỉnh Bắc Ninh" not in html.split('id="thao-tac-assign"')[1].split("</form>")[0]
    response = client.post(
        url(petition, "giao"),
        {
            "assign-lead": w.cs.economy.pk,
            "assign-coordinating": [w.cs.culture.pk],
            "assign-deadline": "2026-12-10",
            "assign-instructions": "Kiểm tra thực địa.",
        },
    )
    assert response.status_code == 302
    petition = reload(petition)
    assignment = petition.assignments.get(is_current=True)
    assert petition.status == S.ASSIGNED and assignment.lead == w.cs.economy
    assert list(assignment.coordinating.all()) == [w.cs.culture] and assignment.deadline == dt.date(2026, 12, 10)


def test_forward_panel_and_recording_the_higher_answer(client, w):
    petition = w.classified()
    client.force_login(w.coordinator)
    response = client.post(
        url(petition, "chuyen-cap-tren"),
        {
            "forward-authority": w.cs.higher.pk,
            "forward-outgoing_number": "215/UBND-VP",
            "forward-outgoing_date": "27/11/2026",
        },
    )
    assert response.status_code == 302 and reload(petition).status == S.FORWARDED
    assert url(petition, "tra-loi-cap-tren") in client.get(url(petition)).content.decode()
    pdf = ContentFile(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", name="tra-loi.pdf")
    response = client.post(
        url(petition, "tra-loi-cap-tren"),
        {
            "higher_answer-text": "UBND tỉnh đã đưa vào kế hoạch 2027.",
            "higher_answer-document_number": "9/UBND",
            "higher_answer-document_date": "2026-11-26",
            "higher_answer-document_file": pdf,
        },
    )
    assert response.status_code == 302
    assert reload(petition).status == S.ANSWER_PENDING
    assert Answer.objects.get(petition=petition, is_current=True).source == Answer.Source.HIGHER_AUTHORITY


def test_dialogue_answer_panel_only_with_a_dialogue(client, w):
    plain = w.classified()
    assert url(plain, "tra-loi-hoi-nghi") not in page(client, w.coordinator, plain)
    raised = w.classified_at_dialogue()
    assert url(raised, "tra-loi-hoi-nghi") in page(client, w.coordinator, raised)
    response = client.post(
        url(raised, "tra-loi-hoi-nghi"),
        {"dialogue_answer-text": "Xã sẽ sửa trong tháng 12.", "dialogue_answer-organization": ""},
    )
    assert response.status_code == 302 and reload(raised).status == S.ANSWER_PENDING


def test_publish_panel_shows_what_the_public_sees_and_publishes(client, w):
    petition = w.answered()
    html = page(client, w.coordinator, petition)
    assert "Người dân sẽ đọc trên trang công khai" in html
    response = client.post(url(petition, "cong-khai"))
    assert response.status_code == 302
    petition = reload(petition)
    assert petition.status == S.CLOSED and petition.is_public


def test_publish_without_a_public_summary_is_refused_and_changes_nothing(client, w):
    petition = w.answered(summary="")
    client.force_login(w.coordinator)
    before = history_count(petition)
    response = client.post(url(petition, "cong-khai"))
    assert response.status_code == 422
    assert "Xin viết tóm tắt công khai trước khi công khai" in response.content.decode()
    assert reload(petition).status == S.ANSWERED and history_count(petition) == before


def test_close_panel(client, w):
    petition = w.answered()
    client.force_login(w.coordinator)
    assert client.post(url(petition, "ket-thuc"), {"close-reason": ""}).status_code == 422
    assert client.post(url(petition, "ket-thuc"), {"close-reason": "Chỉ liên quan người gửi."}).status_code == 302
    assert reload(petition).status == S.CLOSED and not reload(petition).is_public


def test_htmx_success_rerenders_the_page_part_and_errors_swap_the_panel(client, w):
    petition = w.classified()
    client.force_login(w.coordinator)
    response = client.post(url(petition, "khong-thu-ly"), {"decline-reason": ""}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422 and html.lstrip().startswith('<form id="thao-tac-decline"')
    assert "<html" not in html and "Xin điền mục này." in html
    assert_csp_clean(response)
    response = client.post(url(petition, "khong-thu-ly"), {"decline-reason": "Trùng lặp."}, **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#y-kien-chi-tiet"
    assert "Đã ghi không thụ lý." in response.content.decode()


def test_a_panel_the_status_does_not_allow_is_hidden_and_its_post_is_refused(client, w):
    petition = w.closed()
    html = page(client, w.coordinator, petition)
    for tail in ("giao", "phan-loai", "khong-thu-ly", "cong-khai", "gop"):
        assert url(petition, tail) not in html
    response = client.post(url(petition, "khong-thu-ly"), {"decline-reason": "Muộn."})
    assert response.status_code == 422 and "Không thể từ chối thụ lý" in response.content.decode()


# ---------------------------------------------------------------- hostile input


def test_hostile_input_gets_vietnamese_errors_never_a_500(client, w):
    petition = w.classified()
    client.force_login(w.coordinator)
    long = "Đ" * 10_000
    cases = [
        ("khong-thu-ly", {"decline-reason": long}, "Tối đa 2.000 ký tự"),
        ("tom-tat", {"summary-public_summary": long}, "Tối đa 2.000 ký tự"),
        ("giao", {"assign-lead": w.cs.economy.pk, "assign-deadline": "31/02/2026"}, "Ngày không hợp lệ"),
        ("giao", {"assign-lead": w.cs.economy.pk, "assign-deadline": "mai"}, "Ngày không hợp lệ"),
        ("giao", {"assign-lead": w.cs.higher.pk, "assign-deadline": "2026-12-10"}, "không có trong danh sách"),
        ("giao", {"assign-lead": w.other.economy.pk, "assign-deadline": "2026-12-10"}, "không có trong danh sách"),
        ("giao", {"assign-lead": w.cs.economy.pk, "assign-deadline": "2026-01-01"}, "không được trước ngày hôm nay"),
        (
            "chuyen-cap-tren",
            {
                "forward-authority": w.cs.higher.pk,
                "forward-outgoing_number": long,
                "forward-outgoing_date": "2026-11-27",
            },
            "Tối đa 40 ký tự",
        ),
        ("phan-loai", {"classify-topic": "x", "classify-kind": "bogus", "classify-jurisdiction": ""}, "Xin điền"),
    ]
    for tail, data, message in cases:
        response = client.post(url(petition, tail), data)
        assert response.status_code == 422, (tail, data)
        assert message in response.content.decode(), (tail, message)
        assert_csp_clean(response)
    assert reload(petition).status == S.CLASSIFIED


def test_a_file_that_is_not_a_document_is_refused_on_the_higher_answer(client, w):
    petition = w.forwarded().petition
    client.force_login(w.coordinator)
    fake = ContentFile(b"MZ\x90\x00 not a pdf at all", name="tra-loi.pdf")
    response = client.post(
        url(petition, "tra-loi-cap-tren"),
        {
            "higher_answer-text": "Trả lời.",
            "higher_answer-document_file": fake,
        },
    )
    assert response.status_code == 422 and "hệ thống không nhận loại tệp này" in response.content.decode()
    assert reload(petition).status == S.FORWARDED and not Answer.objects.filter(petition=petition).exists()


def test_a_future_document_date_and_a_number_without_date_are_refused(client, w):
    petition = w.forwarded().petition
    client.force_login(w.coordinator)
    for extra, message in (
        (
            {"higher_answer-document_date": "2026-12-30", "higher_answer-document_number": "1/X"},
            "không được sau ngày hôm nay",
        ),
        ({"higher_answer-document_number": "1/X"}, "cần có cả số và ngày"),
    ):
        response = client.post(url(petition, "tra-loi-cap-tren"), {"higher_answer-text": "Trả lời.", **extra})
        assert response.status_code == 422 and message in response.content.decode()
        assert "Trả lời." in response.content.decode()  # what was typed is kept


# ---------------------------------------------------------------- attachments


def _attach(petition, name="ảnh đường.png", data=b"\x89PNG\r\n\x1a\n" + b"0" * 100):
    item = Attachment(
        petition=petition,
        original_name=name,
        content_type="image/png",
        extension=".png",
        size=len(data),
        sha256="0" * 64,
        uploaded_at=petition.received_at,
    )
    item.file.save("x.png", ContentFile(data), save=True)
    return item


def test_attachment_is_listed_and_downloaded_as_an_attachment(client, w):
    petition = w.classified()
    item = _attach(petition)
    html = page(client, w.coordinator, petition)
    assert "ảnh đường.png" in html and "Ảnh PNG" in html
    response = client.get(url(petition, f"tep/{item.pk}"))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert "%E1%BA%A3nh%20%C4%91%C6%B0%E1%BB%9Dng.png" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_foreign_attachment_is_404(client, w):
    petition, other = w.classified(), w.classified()
    item = _attach(other)
    client.force_login(w.coordinator)
    assert client.get(url(petition, f"tep/{item.pk}")).status_code == 404
    client.force_login(w.other_coordinator)
    assert client.get(url(other, f"tep/{item.pk}")).status_code == 404
    client.force_login(w.culture)
    assert client.get(url(other, f"tep/{item.pk}")).status_code == 404


def test_the_answer_document_is_downloaded_by_those_who_see_the_petition(client, w, django_capture_on_commit_callbacks):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assignment = w.assigned()
    with django_capture_on_commit_callbacks(execute=True):  # the file is written once the answer is committed
        actions.record_answer(
            assignment.petition,
            "Xã bố trí kinh phí sửa đường trong quý I năm 2027.",
            document_number="88/UBND-KT",
            document_date=dt.date(2026, 11, 26),
            document_file=SimpleUploadedFile("tra loi.pdf", pdf),
            by=w.economy,
        )
    answer = Answer.objects.get(petition=assignment.petition)
    link = url(assignment.petition, f"van-ban/{answer.pk}")
    assert link in page(client, w.coordinator, assignment.petition)
    for reader in (w.coordinator, w.economy):  # the office, and the agency that wrote it
        client.force_login(reader)
        response = client.get(link)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith('attachment; filename="van-ban-tra-loi-88ubnd-kt.pdf"')
        assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == pdf
    for outsider in (w.culture, w.other_coordinator):  # another agency; another commune
        client.force_login(outsider)
        assert client.get(link).status_code == 404
    client.force_login(w.coordinator)
    other = w.classified()
    assert client.get(url(other, f"van-ban/{answer.pk}")).status_code == 404  # an answer of another petition


# ---------------------------------------------------------------- query budget


def _grow(petition, world, entries: int, files: int):
    from doithoai.petitions import history

    for i in range(entries):
        history.record(petition, "edit_summary", actor=world.coordinator, note=f"Bước {i}")
    for i in range(files):
        _attach(petition, name=f"tệp {i}.png")


def test_query_count_is_the_same_for_a_short_and_a_long_history(client, w):
    small, large = w.assigned().petition, w.assigned().petition
    _grow(large, w, 30, 5)
    client.force_login(w.coordinator)
    client.get(url(small))  # warm up the session and the roles
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(url(small)).status_code == 200
    with CaptureQueriesContext(connection) as large_queries:
        assert client.get(url(large)).status_code == 200
    assert len(small_queries) == len(large_queries)


def test_query_budget(client, w, django_assert_max_num_queries):
    petition = w.assigned().petition
    _grow(petition, w, 30, 5)
    client.force_login(w.coordinator)
    with django_assert_max_num_queries(14):
        assert client.get(url(petition)).status_code == 200
    client.force_login(w.economy)
    with django_assert_max_num_queries(14):
        assert client.get(url(petition)).status_code == 200


@pytest.mark.parametrize("decision", ["grant", "refuse"])
def test_extension_panel_decides_a_pending_request(client, w, decision):
    assignment = w.assigned()
    old_deadline = reload(assignment.petition).deadline
    asked = old_deadline + dt.timedelta(days=20)
    actions.request_extension(assignment, new_deadline=asked, reason="Chờ kết quả khảo sát", by=w.economy)
    html = page(client, w.coordinator, assignment.petition)
    assert "Đề nghị gia hạn" in html and "Chờ kết quả khảo sát" in html
    response = client.post(
        url(assignment.petition, "gia-han"), {"extension-decision": decision, "extension-note": "Đã xem"}
    )
    assert response.status_code == 302
    expected = asked if decision == "grant" else old_deadline
    assert reload(assignment.petition).deadline == expected
    # Decided: the panel is gone, and a second decision is refused.
    assert "thao-tac-extension" not in page(client, w.coordinator, assignment.petition)
    again = client.post(url(assignment.petition, "gia-han"), {"extension-decision": "grant"})
    assert again.status_code == 422 and "Không có đề nghị gia hạn" in again.content.decode()


def test_extension_panel_is_the_coordinators_only(client, w):
    assignment = w.assigned()
    actions.request_extension(
        assignment, new_deadline=TODAY + dt.timedelta(days=60), reason="Thiếu kinh phí", by=w.economy
    )
    client.force_login(w.economy)
    response = client.post(url(assignment.petition, "gia-han"), {"extension-decision": "grant"})
    assert response.status_code in (403, 404)
    assert reload(assignment).extensions.get().status == "extension_requested"
