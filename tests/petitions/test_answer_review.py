"""Issue 10, the answer's path: "Trả lời tại hội nghị" only once the dialogue has started, on a classified opinion,
and public only through the chair's approval and publication; the chair sending an answer back to the agency (the
action, the detail page's panel, the agency's work list); the agency's links to the citizen's attachments; and the
"Giao lại xử lý" form (the current lead preselected, the coordinating organisations as check boxes).

Time is frozen on Friday 27/11/2026 09:00 (Asia/Ho_Chi_Minh); the `w` world comes from test_actions (its dialogue
began that morning at 08:00).
"""

import datetime as dt
import re

import pytest
import time_machine

from doithoai.notifications.models import Notification
from doithoai.petitions import actions, queries
from doithoai.petitions.models import Answer, Assignment, HistoryEntry, Petition
from doithoai.plans.models import Dialogue
from doithoai.portal.answers import published_answers
from tests import factories
from tests.petitions import test_actions
from tests.petitions.test_actions import assert_vietnamese, last_entry, refused, reload, snapshot
from tests.petitions.test_agency_inbox import ITEM_BUDGET
from tests.petitions.test_detail import _attach

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_demo_now")]
w = test_actions.w

S = Petition.Status
K = Petition.Kind
HTMX = {"HTTP_HX_REQUEST": "true"}
LOCAL = dt.timezone(dt.timedelta(hours=7))
REASON = "Chưa nêu rõ thời gian hoàn thành và nguồn kinh phí; xin bổ sung."


def url(petition, tail=""):
    return f"/can-bo/y-kien/{petition.pk}/" + (f"{tail}/" if tail else "")


def item(assignment) -> str:
    return f"/can-bo/co-quan/viec/{assignment.pk}/"


def html(client, user, path) -> str:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def starting(w, at: dt.datetime) -> Petition:
    """A classified opinion raised at a dialogue that starts at `at`."""
    Dialogue.objects.filter(pk=w.dialogue.pk).update(starts_at=at, status="announced")
    return w.classified_at_dialogue()


def panel(page: str, name: str) -> str:
    return page.split(f'id="thao-tac-{name}"')[1].split("</form>")[0].split("</section>")[0]


# ---------------------------------------------------------------- 1. answered in the hall, once it has started


def test_one_minute_before_the_start_the_answer_is_refused_and_at_the_start_it_is_recorded(w):
    petition = starting(w, dt.datetime(2026, 11, 27, 14, 0, tzinfo=LOCAL))
    with time_machine.travel(dt.datetime(2026, 11, 27, 13, 59, tzinfo=LOCAL), tick=False):
        message = refused(lambda: actions.answer_at_dialogue(petition, "Xã sẽ sửa.", by=w.chair), petition)
    assert message == (
        "Buổi đối thoại chưa bắt đầu (bắt đầu lúc 14:00 ngày 27/11/2026): chỉ ghi trả lời tại hội nghị từ khi buổi "
        "bắt đầu."
    )
    with time_machine.travel(dt.datetime(2026, 11, 27, 14, 0, tzinfo=LOCAL), tick=False):
        actions.answer_at_dialogue(petition, "Xã sẽ sửa.", by=w.chair)
    assert reload(petition).status == S.ANSWER_PENDING


def test_the_start_is_read_in_vietnam_time_not_utc(w):
    # 00:30 on 28/11 in Tân Yên is 17:30 UTC on 27/11: the UTC date would say the dialogue is "today" too early.
    petition = starting(w, dt.datetime(2026, 11, 28, 0, 30, tzinfo=LOCAL))
    with time_machine.travel(dt.datetime(2026, 11, 28, 0, 29, tzinfo=LOCAL), tick=False):
        message = refused(lambda: actions.answer_at_dialogue(petition, "Trả lời", by=w.secretary), petition)
    assert "00:30 ngày 28/11/2026" in message
    with time_machine.travel(dt.datetime(2026, 11, 28, 0, 30, tzinfo=LOCAL), tick=False):
        actions.answer_at_dialogue(petition, "Trả lời", by=w.secretary)


def test_ten_days_before_or_with_only_a_tentative_month_nothing_is_recorded(w):
    petition = starting(w, dt.datetime(2026, 12, 7, 8, 0, tzinfo=LOCAL))
    refused(lambda: actions.answer_at_dialogue(petition, "Trả lời", by=w.chair), petition, match="chưa bắt đầu")
    Dialogue.objects.filter(pk=w.dialogue.pk).update(
        starts_at=None, status="planned", tentative_month=dt.date(2026, 11, 1)
    )
    refused(lambda: actions.answer_at_dialogue(petition, "Trả lời", by=w.chair), petition, match="chưa có ngày giờ")


def test_an_unclassified_opinion_is_refused_even_in_the_hall(w):
    petition = w.at_dialogue()
    message = refused(lambda: actions.answer_at_dialogue(petition, "Trả lời", by=w.chair), petition)
    assert message == "Xin phân loại ý kiến (lĩnh vực, loại, thẩm quyền) trước khi ghi trả lời tại hội nghị."


def test_the_hall_answer_is_public_only_after_approval_and_publication(w):
    petition = w.classified_at_dialogue()
    actions.answer_at_dialogue(petition, "Chủ trì hội nghị: xã sẽ lắp đèn trong tháng 12.", by=w.secretary)
    petition = reload(petition)
    public = queries.public_status(petition)
    assert (public["status"], public["status_label"], public["answer"]) == (S.ANSWER_PENDING, "Đang giải quyết", None)
    assert not any(step["action"] == "answer_at_dialogue" for step in public["steps"])
    # The submitter is not told anything yet; the chair is told an answer awaits approval.
    told = Notification.objects.filter(petition=petition).exclude(kind="receipt")
    assert {n.recipient_user for n in told} == {w.chair}
    assert not published_answers([w.unit]).exists()

    actions.approve_answer(petition, public_text="Xã sẽ lắp đèn chiếu sáng trong tháng 12.", by=w.chair)
    petition = reload(petition)
    public = queries.public_status(petition)
    assert (public["status"], public["status_label"], public["answer"]) == (
        S.ANSWERED_AT_DIALOGUE,
        "Đã trả lời tại hội nghị",
        None,
    )
    assert not published_answers([w.unit]).exists()

    actions.publish(petition, by=w.coordinator)
    public = queries.public_status(reload(petition))
    assert public["answer"]["text"] == "Xã sẽ lắp đèn chiếu sáng trong tháng 12."
    assert public["answer"]["by"] == "Chủ trì hội nghị"
    assert published_answers([w.unit]).count() == 1


def test_before_the_start_the_page_offers_no_form_but_says_when(client, w):
    petition = starting(w, dt.datetime(2026, 11, 27, 9, 1, tzinfo=LOCAL))  # one minute after "now"
    page = html(client, w.coordinator, url(petition))
    assert url(petition, "tra-loi-hoi-nghi") not in page
    assert "Ghi được từ khi buổi đối thoại bắt đầu (09:01 ngày 27/11/2026)." in page
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 1, tzinfo=LOCAL), tick=False):
        page = html(client, w.coordinator, url(petition))
    assert f'action="{url(petition, "tra-loi-hoi-nghi")}"' in page
    assert "Ghi được từ khi" not in page


def test_a_post_before_the_start_is_refused_with_422_and_changes_nothing(client, w):
    petition = starting(w, dt.datetime(2026, 11, 27, 9, 1, tzinfo=LOCAL))
    before = snapshot(petition)
    client.force_login(w.chair)
    response = client.post(url(petition, "tra-loi-hoi-nghi"), {"dialogue_answer-text": "Trả lời"}, **HTMX)
    assert response.status_code == 422
    assert "Buổi đối thoại chưa bắt đầu" in response.content.decode()
    assert snapshot(petition) == before


def test_an_unclassified_opinion_at_a_started_dialogue_asks_for_classification_first(client, w):
    petition = w.at_dialogue()
    page = html(client, w.secretary, url(petition))
    assert url(petition, "tra-loi-hoi-nghi") not in page
    assert "Xin phân loại ý kiến (lĩnh vực, loại, thẩm quyền) trước khi ghi trả lời tại hội nghị." in page
    # Nobody without the right to answer is told how to.
    assert "trước khi ghi trả lời tại hội nghị" not in html(client, w.receiver, url(petition))


# ---------------------------------------------------------------- 2. the chair sends an answer back


def test_the_chair_sends_the_agencys_answer_back_with_the_reason(w):
    petition = w.pending()
    assignment = Assignment.objects.get(petition=petition, is_current=True)
    w.cs.economy.email = "phongkinhte@tanyen.example"
    w.cs.economy.save()
    answer = actions.return_answer(petition, f"  {REASON}  ", by=w.chair)

    petition, assignment, answer = reload(petition), reload(assignment), reload(answer)
    assert petition.status == S.ASSIGNED
    assert (assignment.status, assignment.is_current) == (Assignment.Status.ACCEPTED, True)
    assert (answer.is_current, answer.approved_at) == (False, None)  # kept, as an earlier answer
    entry = last_entry(petition)
    assert (entry.action, entry.actor, entry.from_status, entry.to_status, entry.is_public, entry.note) == (
        "return_answer",
        w.chair,
        S.ANSWER_PENDING,
        S.ASSIGNED,
        False,
        REASON,
    )
    assert queries.public_status(petition)["status_label"] == "Đang giải quyết"  # the public sees no change

    told = Notification.objects.filter(event_key__contains=":answer_returned:")
    assert {(n.recipient_user, n.recipient) for n in told} == {
        (w.economy, "kinhte@tanyen.example"),
        (None, "phongkinhte@tanyen.example"),
    }
    assert all(REASON in n.body and petition.code in n.subject for n in told)
    assert all(f"/can-bo/co-quan/viec/{assignment.pk}/" in n.body for n in told)

    # The agency answers again; the chair approves this time.
    actions.record_answer(petition, "Xã bố trí 300 triệu đồng, hoàn thành trước 31/3/2027.", by=w.economy)
    assert reload(petition).status == S.ANSWER_PENDING
    actions.approve_answer(petition, by=w.chair)
    assert reload(petition).status == S.ANSWERED
    assert Answer.objects.filter(petition=petition).count() == 2


def test_a_higher_authoritys_answer_goes_back_to_forwarded_and_the_party_office_is_told(w):
    assignment = w.forwarded()
    actions.record_answer(assignment.petition, "UBND tỉnh đã trả lời.", by=w.coordinator)
    actions.return_answer(assignment.petition, REASON, by=w.chair)
    assert reload(assignment.petition).status == S.FORWARDED
    told = Notification.objects.filter(event_key__contains=":answer_returned:")
    assert [n.recipient_user for n in told] == [w.coordinator]


def test_an_answer_given_in_the_hall_goes_back_to_the_party_office_and_can_be_given_again(w):
    petition = w.classified_at_dialogue()
    actions.answer_at_dialogue(petition, "Trả lời chưa rõ.", by=w.secretary)
    actions.return_answer(petition, REASON, by=w.chair)
    assert reload(petition).status == S.CLASSIFIED
    assert [n.recipient_user for n in Notification.objects.filter(event_key__contains=":answer_returned:")] == [
        w.coordinator
    ]
    actions.answer_at_dialogue(petition, "Xã sẽ sửa trong tháng 12.", by=w.secretary)
    assert reload(petition).status == S.ANSWER_PENDING


def test_only_a_pending_answer_is_sent_back_and_only_with_a_reason(w):
    petition = w.pending()
    refused(lambda: actions.return_answer(petition, "  \n ", by=w.chair), petition, match="lý do")
    refused(lambda: actions.return_answer(petition, REASON, by=w.coordinator), petition)  # the chair's, not theirs
    answered = w.answered()
    refused(lambda: actions.return_answer(answered, REASON, by=w.chair), answered, match="chờ duyệt")


def test_a_huge_reason_is_kept_to_2000_characters(w):
    petition = w.pending()
    actions.return_answer(petition, "Bổ sung. " * 1000, by=w.chair)
    assert len(last_entry(petition).note) == actions.RETURN_REASON_MAX == 2000


def test_the_chair_sees_the_send_back_panel_beside_approve_and_uses_it(client, w):
    petition = w.pending()
    page = html(client, w.chair, url(petition))
    assert page.index('id="thao-tac-approve"') < page.index('id="thao-tac-return_answer"')
    assert "Trả lại để trả lời lại" in page and "trả lại Phòng Kinh tế kèm lý do" in page
    response = client.post(url(petition, "tra-lai-tra-loi"), {"return_answer-reason": REASON})
    assert response.status_code == 302
    assert reload(petition).status == S.ASSIGNED
    page = html(client, w.chair, url(petition))
    assert "Trả lại trả lời" in page and REASON in page  # in the timeline
    assert "Trả lời trước đây" in page  # the answer sent back is kept


def test_only_the_chair_may_send_back_through_the_page(client, w):
    petition = w.pending()
    for user in (w.coordinator, w.economy):
        assert url(petition, "tra-lai-tra-loi") not in html(client, user, url(petition))
        assert client.post(url(petition, "tra-lai-tra-loi"), {"return_answer-reason": REASON}).status_code == 403
    other_chair = factories.user_with_role("chair", w.other.unit, username="bithu-nt")
    client.force_login(other_chair)
    assert client.post(url(petition, "tra-lai-tra-loi"), {"return_answer-reason": REASON}).status_code == 404
    assert reload(petition).status == S.ANSWER_PENDING


@pytest.mark.parametrize("reason, error", [("", "Xin điền mục này."), ("x" * 2001, "Tối đa 2.000 ký tự.")])
def test_an_empty_or_too_long_reason_is_refused_with_422_and_changes_nothing(client, w, reason, error):
    petition = w.pending()
    before = snapshot(petition)
    client.force_login(w.chair)
    response = client.post(url(petition, "tra-lai-tra-loi"), {"return_answer-reason": reason}, **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert error in body and 'id="thao-tac-return_answer"' in body
    assert_vietnamese(error)
    assert snapshot(petition) == before


def test_the_agency_finds_the_answer_sent_back_in_its_list_with_the_reason_and_answers_again(client, w):
    petition = w.pending()
    assignment = Assignment.objects.get(petition=petition, is_current=True)
    actions.return_answer(petition, REASON, by=w.chair)

    inbox = html(client, w.economy, "/can-bo/co-quan/")
    row = inbox.split(petition.code)[1].split("</tr>")[0]
    assert "Đã nhận xử lý" in row and f"Trả lời bị trả lại:</strong> {REASON}" in row
    page = html(client, w.economy, item(assignment))
    assert "Trả lời bị trả lại — xin trả lời lại" in page and REASON in page
    assert "Xã đã bố trí kinh phí sửa chữa trong quý I năm 2027." in page  # the answer sent back, to rework
    assert "Trả lại trả lời" in page  # the step in the agency's timeline
    assert f'action="{item(assignment)}tra-loi/"' in page

    response = client.post(f"{item(assignment)}tra-loi/", {"text": "Xã bố trí 300 triệu đồng trong quý I/2027."})
    assert response.status_code == 302 and reload(petition).status == S.ANSWER_PENDING
    assert "Trả lời bị trả lại" not in html(client, w.economy, "/can-bo/co-quan/")
    assert "xin trả lời lại" not in html(client, w.economy, item(assignment))


def test_a_returned_item_page_stays_within_the_query_budget(client, w, django_assert_max_num_queries):
    petition = w.pending()
    assignment = Assignment.objects.get(petition=petition, is_current=True)
    _attach(petition)
    actions.return_answer(petition, REASON, by=w.chair)
    client.force_login(w.economy)
    with django_assert_max_num_queries(ITEM_BUDGET):  # the same budget as an item never sent back
        assert client.get(item(assignment)).status_code == 200


# ---------------------------------------------------------------- 3. the agency opens the citizen's attachments


def test_the_assigned_agencies_see_and_download_the_attachments_another_agency_gets_404(client, w):
    petition = w.classified()
    attachment = _attach(petition, name="ảnh ổ gà.png")
    assignment = actions.assign(petition, w.cs.economy, coordinating=[w.cs.culture], by=w.coordinator)
    link = f'href="{url(petition, f"tep/{attachment.pk}")}"'
    for officer in (w.economy, w.culture):  # the lead and the coordinating agency
        page = html(client, officer, item(assignment))
        assert link in page and "ảnh ổ gà.png" in page and "Ảnh PNG" in page
        response = client.get(url(petition, f"tep/{attachment.pk}"))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    outsider = factories.user_with_role("agency", w.unit, w.cs.service_centre, username="trungtam")
    client.force_login(outsider)
    assert client.get(url(petition, f"tep/{attachment.pk}")).status_code == 404
    assert client.get(item(assignment)).status_code == 404


def test_a_denunciations_files_are_named_but_not_linked_for_the_agency(client, w):
    assignment = w.assigned(kind=K.TO_CAO)
    attachment = _attach(assignment.petition)
    page = html(client, w.economy, item(assignment))
    assert "ảnh đường.png" in page and url(assignment.petition, f"tep/{attachment.pk}") not in page
    assert client.get(url(assignment.petition, f"tep/{attachment.pk}")).status_code == 404


# ---------------------------------------------------------------- 4. Giao lại xử lý


def _checked_boxes(form_html: str) -> set[str]:
    return set(re.findall(r'<input type="checkbox" name="assign-coordinating" value="(\d+)"[^>]*checked', form_html))


def test_reassigning_starts_from_the_current_lead_and_coordinating_organisations(client, w):
    petition = w.classified()
    actions.assign(petition, w.cs.culture, coordinating=[w.cs.front], by=w.coordinator)
    form = panel(html(client, w.coordinator, url(petition)), "assign")
    assert "Giao lại xử lý" in form
    assert re.search(rf'<option value="{w.cs.culture.pk}" selected>Phòng Văn hóa - Xã hội</option>', form)
    assert _checked_boxes(form) == {str(w.cs.front.pk)}
    assert '<select name="assign-coordinating"' not in form and "Ctrl" not in form
    assert form.count('type="checkbox" name="assign-coordinating"') == 5  # every organisation of the commune


def test_the_first_assignment_has_nothing_preselected(client, w):
    petition = w.classified()
    form = panel(html(client, w.coordinator, url(petition)), "assign")
    assert "<h3>Giao xử lý</h3>" in form
    assert re.findall(r'<option value="\d+" selected', form) == []
    assert _checked_boxes(form) == set()


def test_several_boxes_ticked_make_the_coordinating_organisations(client, w):
    petition = w.classified()
    actions.assign(petition, w.cs.economy, by=w.coordinator)
    client.force_login(w.coordinator)
    response = client.post(
        url(petition, "giao"),
        {
            "assign-lead": w.cs.culture.pk,
            "assign-coordinating": [w.cs.economy.pk, w.cs.front.pk, w.cs.farmers.pk, w.cs.culture.pk],
            "assign-deadline": "2026-12-15",
        },
    )
    assert response.status_code == 302
    current = Assignment.objects.get(petition=petition, is_current=True)
    assert current.lead == w.cs.culture
    # The lead ticked as well is not its own coordinating organisation.
    assert set(current.coordinating.all()) == {w.cs.economy, w.cs.front, w.cs.farmers}
    assert HistoryEntry.objects.filter(petition=petition, action="assign").count() == 2


def test_a_box_for_an_organisation_not_offered_is_refused(client, w):
    petition = w.classified()
    client.force_login(w.coordinator)
    response = client.post(
        url(petition, "giao"),
        {
            "assign-lead": w.cs.economy.pk,
            "assign-coordinating": [w.other.culture.pk],
            "assign-deadline": "2026-12-15",
        },
    )
    assert response.status_code == 422
    assert "Lựa chọn này không có trong danh sách" in response.content.decode()
    assert reload(petition).status == S.CLASSIFIED


def test_the_pages_stay_fast_with_many_checkboxes(client, w, django_assert_max_num_queries):
    for n in range(30):
        factories.OrganizationFactory(unit=w.unit, name=f"Chi hội {n}", kind="mass_org")
    petition = w.assigned().petition
    client.force_login(w.coordinator)
    with django_assert_max_num_queries(14):  # test_detail's budget: the organisations are read once
        assert client.get(url(petition)).status_code == 200
