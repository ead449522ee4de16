"""The agency inbox (Việc được giao, /can-bo/co-quan/) and its item page: who may see what, the order of the list,
each action of the lead organisation through the page, bad input (Vietnamese errors, 422, nothing changed), no
submitter identity on complaints and denunciations, a query budget that does not grow with the rows, and CSP.

Time is frozen on Friday 27/11/2026 09:00 (Asia/Ho_Chi_Minh).
"""

import datetime as dt
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doithoai.petitions import actions
from doithoai.petitions.models import Answer, Assignment, ExtensionRequest, Petition
from tests import factories
from tests.petitions import test_actions
from tests.petitions.test_actions import TODAY, assert_vietnamese, reload, snapshot
from tests.portal.test_pages import assert_csp_clean

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_demo_now")]
w = test_actions.w  # the people of tests/petitions/test_actions.py (a fixture)

S = Petition.Status
K = Petition.Kind
INBOX = "/can-bo/co-quan/"
IDENTITY = ("Trần Thị Mẫu", "0987654321", "mau@example.vn", "Số 12, thôn Trung")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def item(assignment) -> str:
    return f"/can-bo/co-quan/viec/{assignment.pk}/"


def html_of(response) -> str:
    return response.content.decode()


def set_deadline(assignment, days: int) -> None:
    """Move a deadline (the action refuses one in the past; tests need overdue ones)."""
    Assignment.objects.filter(pk=assignment.pk).update(deadline=TODAY + dt.timedelta(days=days))


# ---------------------------------------------------------------- who may see what


def test_anonymous_visitors_are_sent_to_the_login_page(client, w):
    assignment = w.assigned()
    for url in (INBOX, item(assignment)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(item(assignment) + "nhan/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert reload(assignment).status == Assignment.Status.ASSIGNED


def test_coordinator_and_org_rep_are_refused_the_agency_inbox(client, w):
    for user in (w.coordinator, w.farmers_rep, w.chair):
        client.force_login(user)
        assert client.get(INBOX).status_code == 403


def test_agency_officer_sees_the_organisations_assignments_and_the_nav_link(client, w):
    assignment = w.assigned()
    client.force_login(w.economy)
    response = client.get(INBOX)
    assert response.status_code == 200
    html = html_of(response)
    assert assignment.petition.code in html
    assert "Việc được giao" in html and 'href="/can-bo/co-quan/"' in html
    assert_csp_clean(response)


def test_another_agencys_item_is_not_found(client, w):
    assignment = w.assigned()
    client.force_login(w.culture)
    assert client.get(item(assignment)).status_code == 404
    assert assignment.petition.code not in html_of(client.get(INBOX))
    assert client.post(item(assignment) + "nhan/").status_code == 404
    assert reload(assignment).status == Assignment.Status.ASSIGNED


def test_another_communes_item_is_not_found(client, w):
    other = w.other
    petition = actions.submit_petition(
        other.unit, content="Đề nghị lắp đèn đường thôn Đông.", channel="phone", by=w.other_coordinator
    )
    petition = actions.classify(
        petition, topic=factories.canonical_topic(), kind=K.KIEN_NGHI, jurisdiction="commune", by=w.other_coordinator
    )
    foreign = actions.assign(petition, other.economy, by=w.other_coordinator)
    client.force_login(w.economy)
    assert client.get(item(foreign)).status_code == 404
    assert petition.code not in html_of(client.get(INBOX))
    assert client.get(f"{INBOX}?co-quan={other.economy.pk}").status_code == 404


def test_a_choice_of_organisation_outside_the_officers_own_is_not_found(client, w):
    client.force_login(w.economy)
    assert client.get(f"{INBOX}?co-quan={w.cs.culture.pk}").status_code == 404
    assert client.get(f"{INBOX}?co-quan=abc").status_code == 404
    assert client.get(f"{INBOX}?co-quan={w.cs.economy.pk}").status_code == 200


def test_an_officer_of_two_organisations_chooses_between_them(client, w):
    from doithoai.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=w.economy, unit=w.unit, role="agency", organization=w.cs.culture)
    mine = w.assigned()
    theirs = actions.assign(w.classified(), w.cs.culture, by=w.coordinator)
    client.force_login(w.economy)
    html = html_of(client.get(f"{INBOX}?co-quan={w.cs.culture.pk}"))
    assert theirs.petition.code in html and mine.petition.code not in html
    assert 'aria-label="Chọn cơ quan"' in html


def test_coordinating_officer_reads_the_item_but_cannot_act(client, w):
    petition = w.classified()
    assignment = actions.assign(petition, w.cs.economy, coordinating=[w.cs.culture], by=w.coordinator)
    client.force_login(w.culture)
    inbox = html_of(client.get(f"{INBOX}?vai=phoi-hop"))
    assert petition.code in inbox
    assert petition.code not in html_of(client.get(f"{INBOX}?vai=chu-tri"))
    response = client.get(item(assignment))
    assert response.status_code == 200
    html = html_of(response)
    assert "Đơn vị phối hợp: gửi ý kiến cho cơ quan chủ trì" in html
    assert "Nhận xử lý</button>" not in html and "/tra-loi/" not in html and "/tra-lai/" not in html
    before = snapshot(petition)
    assert client.post(item(assignment) + "nhan/").status_code == 403
    assert client.post(item(assignment) + "tra-loi/", {"text": "Trả lời thử"}).status_code == 403
    assert client.post(item(assignment) + "gia-han/", {"new_deadline": "2026-12-31", "reason": "x"}).status_code == 403
    assert client.post(item(assignment) + "tra-lai/", {"reason": "Không thuộc"}).status_code == 403
    assert snapshot(petition) == before


# ---------------------------------------------------------------- the list


def test_open_items_come_first_overdue_at_the_top_then_nearest_deadline_then_answered(client, w):
    later, soon, overdue, answered = (w.assigned() for _ in range(4))
    set_deadline(later, 10)
    set_deadline(soon, 2)
    set_deadline(overdue, -3)
    actions.record_answer(answered.petition, "Đã sửa xong.", by=w.economy)
    client.force_login(w.economy)
    html = html_of(client.get(INBOX))
    positions = [html.index(a.petition.code) for a in (overdue, soon, later, answered)]
    assert positions == sorted(positions)
    assert "quá hạn 3 ngày" in html
    row = html[html.rindex("<tr", 0, positions[0]) : positions[0]]
    assert "row-alert" in row
    assert html.count("row-alert") == 1


def test_answered_items_older_than_30_days_leave_the_list(client, w):
    assignment = w.assigned()
    answer = actions.record_answer(assignment.petition, "Đã sửa xong.", by=w.economy)
    Answer.objects.filter(pk=answer.pk).update(answered_at=answer.answered_at - dt.timedelta(days=31))
    client.force_login(w.economy)
    assert assignment.petition.code not in html_of(client.get(INBOX))


def test_rows_show_the_summary_or_the_start_of_the_content_and_pending_extensions(client, w):
    with_summary = w.assigned()
    actions.assign(w.classified(summary="", content="Nội dung dài " + "x" * 300), w.cs.economy, by=w.coordinator)
    actions.request_extension(
        with_summary, new_deadline=TODAY + dt.timedelta(days=60), reason="Chờ kinh phí", by=w.economy
    )
    client.force_login(w.economy)
    html = html_of(client.get(INBOX))
    assert "Đề nghị sửa đường liên thôn Trung – Hạ." in html
    assert "Nội dung dài " + "x" * 127 + "…" in html and "x" * 128 not in html
    assert "Đang xin gia hạn đến" in html


def test_the_list_is_paginated_by_25(client, w):
    for _ in range(26):
        factories.AssignmentFactory(petition=factories.PetitionFactory(unit=w.unit), lead=w.cs.economy, deadline=TODAY)
    client.force_login(w.economy)
    first = html_of(client.get(INBOX))
    assert "Trang 1/2" in first and first.count('class="code"') == 25
    second = html_of(client.get(f"{INBOX}?vai=chu-tri&trang=2"))
    assert second.count('class="code"') == 1


# ---------------------------------------------------------------- the actions through the page


def test_lead_accepts_through_the_page(client, w):
    assignment = w.assigned()
    client.force_login(w.economy)
    page = html_of(client.get(item(assignment)))
    assert "Nhận xử lý</button>" in page
    assert_csp_clean(client.get(item(assignment)))
    response = client.post(item(assignment) + "nhan/", follow=True)
    assert response.redirect_chain[-1][0] == item(assignment)
    assert reload(assignment).status == Assignment.Status.ACCEPTED
    assert "Đã nhận xử lý" in html_of(response)


def test_accepting_twice_is_refused_with_422(client, w):
    assignment = w.assigned()
    actions.accept_assignment(assignment, by=w.economy)
    client.force_login(w.economy)
    response = client.post(item(assignment) + "nhan/")
    assert response.status_code == 422
    assert "Chỉ nhận được việc vừa được giao" in html_of(response)


def test_lead_answers_with_a_pdf_stored_only_after_commit(client, w, django_capture_on_commit_callbacks):
    assignment = w.assigned()
    client.force_login(w.economy)
    upload = SimpleUploadedFile("tra-loi.pdf", PDF, content_type="application/pdf")
    data = {
        "text": "Xã đã bố trí kinh phí sửa chữa trong quý I năm 2027.",
        "document_number": "88/UBND-KT",
        "document_date": "2026-11-26",
        "document_file": upload,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(item(assignment) + "tra-loi/", data)
        answer = Answer.objects.get(assignment=assignment)
        assert not default_storage.exists(answer.document_file.name)
    assert response.status_code == 302 and response["Location"] == item(assignment)
    assert reload(assignment.petition).status == S.ANSWER_PENDING
    assert reload(assignment).status == Assignment.Status.ANSWERED
    answer = Answer.objects.get(assignment=assignment)
    assert answer.document_number == "88/UBND-KT" and answer.document_date == dt.date(2026, 11, 26)
    assert answer.document_file.name.endswith(".pdf") and "tra-loi" not in answer.document_file.name
    assert default_storage.exists(answer.document_file.name)
    html = html_of(client.get(item(assignment)))
    assert "Trả lời đã gửi" in html and "đang chờ duyệt" in html


def test_lead_asks_for_an_extension(client, w):
    assignment = w.assigned()
    client.force_login(w.economy)
    response = client.post(item(assignment) + "gia-han/", {"new_deadline": "2027-01-15", "reason": "Chờ kinh phí"})
    assert response.status_code == 302
    request = ExtensionRequest.objects.get(assignment=assignment)
    assert request.requested_deadline == dt.date(2027, 1, 15) and request.reason == "Chờ kinh phí"
    html = html_of(client.get(item(assignment)))
    assert "đang chờ Văn phòng Đảng ủy quyết định" in html


def test_lead_returns_with_a_reason_and_the_item_leaves_the_list(client, w):
    assignment = w.assigned()
    client.force_login(w.economy)
    response = client.post(item(assignment) + "tra-lai/", {"reason": "Việc thuộc Công an xã."}, follow=True)
    assert response.status_code == 200
    assert reload(assignment.petition).status == S.CLASSIFIED
    assert reload(assignment).returned_reason == "Việc thuộc Công an xã."
    html = html_of(response)
    assert "Đã trả lại ý kiến" in html
    assert f'href="{item(assignment)}"' not in html
    assert client.get(item(assignment)).status_code == 404


def test_an_htmx_post_with_an_error_swaps_only_its_form_and_changes_nothing(client, w):
    assignment = w.assigned()
    client.force_login(w.economy)
    response = client.post(item(assignment) + "tra-lai/", {"reason": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 422  # swapped all the same: the htmx-config of base.html swaps a 422
    html = html_of(response)
    assert html.lstrip().startswith("<form") and "Xin ghi lý do trả lại." in html and "<html" not in html
    assert reload(assignment).status == Assignment.Status.ASSIGNED and reload(assignment).is_current


def test_an_htmx_success_redirects_the_browser(client, w):
    assignment = w.assigned()
    client.force_login(w.economy)
    response = client.post(item(assignment) + "nhan/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == item(assignment)


# ---------------------------------------------------------------- bad input


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode"
)

BAD_INPUT = {
    "empty answer": ("tra-loi/", {"text": "  "}, "Xin ghi nội dung trả lời."),
    "number without date": ("tra-loi/", {"text": "Đã sửa.", "document_number": "88/UBND-KT"}, "cả số và ngày"),
    "future date": (
        "tra-loi/",
        {"text": "Đã sửa.", "document_number": "88/UBND-KT", "document_date": "2026-12-01"},
        "không được sau ngày hôm nay",
    ),
    "disguised executable": ("tra-loi/", {"text": "Đã sửa.", "file": EXE}, "không phải ảnh, PDF"),
    "very long reason": ("tra-lai/", {"reason": "a" * 10_000}, "tối đa 2.000 ký tự"),
    "invalid date": ("gia-han/", {"new_deadline": "31/02/2027", "reason": "Chờ kinh phí"}, "Ngày không hợp lệ"),
    "garbage date": ("gia-han/", {"new_deadline": "ngày mai", "reason": "Chờ kinh phí"}, "Ngày không hợp lệ"),
    "extension before the deadline": ("gia-han/", {"new_deadline": "2026-11-28", "reason": "Chờ"}, "Hạn mới phải sau"),
    "very long extension reason": ("gia-han/", {"new_deadline": "2027-01-15", "reason": "a" * 10_000}, "tối đa"),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_is_refused_in_vietnamese_with_422_and_changes_nothing(client, w, case):
    path, data, message = BAD_INPUT[case]
    data = dict(data)
    if "file" in data:
        data["document_file"] = SimpleUploadedFile("tra-loi.pdf", data.pop("file"), content_type="application/pdf")
    assignment = w.assigned()
    set_deadline(assignment, 20)
    client.force_login(w.economy)
    before = snapshot(assignment.petition)
    response = client.post(item(assignment) + path, data)
    assert response.status_code == 422
    html = html_of(response)
    assert message in html
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    assert errors, "the error is shown on the form"
    assert_vietnamese(" ".join(errors))
    assert snapshot(assignment.petition) == before
    assert_csp_clean(response)
    # What was typed is kept (except a file, which a browser never re-fills).
    if data.get("text", "").strip():
        assert data["text"] in html
    if "reason" in data and len(data["reason"]) < 100:
        assert data["reason"] in html


# ---------------------------------------------------------------- identity of complaints and denunciations


@pytest.mark.parametrize("kind", [K.KHIEU_NAI, K.TO_CAO])
def test_no_submitter_identity_on_the_agency_pages_for_complaints_and_denunciations(client, w, kind):
    assignment = w.assigned(kind=kind)
    client.force_login(w.economy)
    for url in (INBOX, item(assignment)):
        html = html_of(client.get(url))
        assert assignment.petition.code in html
        for detail in IDENTITY:
            assert detail not in html, f"{detail} shown on {url}"
    assert "Đề nghị sửa chữa đoạn đường liên thôn" in html  # the content itself is shown


# ---------------------------------------------------------------- query budget


def _world_of(w, n: int) -> None:
    for index in range(n):
        petition = factories.PetitionFactory(unit=w.unit, kind=K.TO_CAO if index % 5 == 0 else K.KIEN_NGHI)
        assignment = factories.AssignmentFactory(
            petition=petition, lead=w.cs.economy, deadline=TODAY + dt.timedelta(days=index - 3)
        )
        assignment.coordinating.add(w.cs.culture)
        if index % 3 == 0:
            ExtensionRequest.objects.create(
                assignment=assignment,
                requested_by=w.economy,
                requested_at=petition.received_at,
                requested_deadline=TODAY + dt.timedelta(days=90),
                reason="Chờ",
            )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


INBOX_BUDGET = 6  # session, user, roles, tab counts, page count, page rows


@pytest.mark.parametrize("tab", ["chu-tri", "phoi-hop"])
def test_the_inbox_costs_the_same_queries_for_5_and_50_rows(client, w, django_assert_max_num_queries, tab):
    user = w.economy if tab == "chu-tri" else w.culture
    client.force_login(user)
    _world_of(w, 5)
    few = _queries(client, f"{INBOX}?vai={tab}")
    _world_of(w, 45)
    many = _queries(client, f"{INBOX}?vai={tab}")
    assert few == many
    with django_assert_max_num_queries(INBOX_BUDGET):
        client.get(f"{INBOX}?vai={tab}")


ITEM_BUDGET = 9  # session, user, roles, assignment, coordinating, attachments, answer, extensions, history


def test_the_item_page_has_a_bounded_query_count(client, w, django_assert_max_num_queries):
    petition = w.classified()
    assignment = actions.assign(petition, w.cs.economy, coordinating=[w.cs.culture], by=w.coordinator)
    actions.request_extension(assignment, new_deadline=TODAY + dt.timedelta(days=60), reason="Chờ", by=w.economy)
    client.force_login(w.economy)
    with django_assert_max_num_queries(ITEM_BUDGET):
        assert client.get(item(assignment)).status_code == 200
    for _ in range(10):
        factories.HistoryEntryFactory(petition=petition, action="classify", note="Phân loại lại")
    with django_assert_max_num_queries(ITEM_BUDGET):
        assert client.get(item(assignment)).status_code == 200
