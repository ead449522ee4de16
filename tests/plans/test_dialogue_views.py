"""The staff page of a dialogue, its announcement, the publisher's list and the staff home reminders."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from doithoai.accounts.models import Organization
from doithoai.plans.models import AgendaItem, Announcement, Dialogue, DialogueMember, Invitation, PlanTask
from tests import factories
from tests.portal.test_pages import assert_csp_clean

HX = {"HTTP_HX_REQUEST": "true"}
GET_ROUTES = ["", "thong-bao/", "thong-bao/bai-doc/", "diem-danh/in/"]
POST_ROUTES = [
    "lich/",
    "phan-cong/",
    "chuong-trinh/",
    "giay-moi/",
    "diem-danh/",
    "da-to-chuc/",
    "thong-bao/luu/",
    "thong-bao/dang/",
]


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def url(d, suffix=""):
    return f"/can-bo/buoi/{d.pk}/{suffix}"


@pytest.fixture
def w(plans_world):
    """The world with its dialogue scheduled on Friday 18/12/2026 08:00 (last allowed day: 11/12/2026)."""
    d = plans_world.dialogue
    d.starts_at, d.ends_at, d.status = local(2026, 12, 18, 8), local(2026, 12, 18, 11), Dialogue.Status.SCHEDULED
    d.save()
    AgendaItem.objects.create(dialogue=d, position=1, title="Tuyên bố lý do", presenter="Văn phòng Đảng ủy")
    AgendaItem.objects.create(dialogue=d, position=2, title="Chủ trì kết luận", presenter="Bí thư")
    return plans_world


def schedule_data(**over):
    data = {
        "day": "2026-12-18",
        "start": "08:00",
        "end": "11:00",
        "place": "Hội trường Nhà văn hóa xã",
        "chair_post": "",
    }
    return {**data, **over}


def agenda_data(rows, extra=0):
    data = {
        "agenda-TOTAL_FORMS": str(len(rows) + extra),
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "30",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"agenda-{i}-{key}"] = value
    return data


# ---------------------------------------------------------------- permissions


def test_coordinator_sees_every_editing_panel(client, w):
    client.force_login(w.coordinator)
    response = client.get(url(w.dialogue))
    html = response.content.decode()
    assert response.status_code == 200
    for action in ("lich/", "phan-cong/", "chuong-trinh/", "giay-moi/"):
        assert f'action="{url(w.dialogue, action)}"' in html
    assert "Tuyên bố lý do" in html and "Nhật ký buổi" in html
    assert "Hạn đăng thông báo chậm nhất" in html and "11/12/2026" in html
    assert_csp_clean(response)


@pytest.mark.parametrize("who", ["chair", "secretary", "receiver"])
def test_chair_and_seats_view_and_take_attendance_but_do_not_edit(client, w, who):
    client.force_login(getattr(w, who))
    response = client.get(url(w.dialogue))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{url(w.dialogue, "lich/")}"' not in html
    assert "chỉ Văn phòng Đảng ủy sửa được" in html
    assert client.post(url(w.dialogue, "lich/"), schedule_data()).status_code == 403
    Invitation.objects.create(dialogue=w.dialogue, organization=w.c.farmers)
    response = client.get(url(w.dialogue))  # before the start: no attendance form yet, and why
    assert f'action="{url(w.dialogue, "diem-danh/")}"' not in response.content.decode()
    assert "Điểm danh được từ giờ bắt đầu của buổi" in response.content.decode()
    with time_machine.travel(local(2026, 12, 18, 8, 30), tick=False):  # attendance is taken from the start
        client.force_login(getattr(w, who))  # a new session on the day (an idle one would have expired)
        response = client.get(url(w.dialogue))
    assert f'action="{url(w.dialogue, "diem-danh/")}"' in response.content.decode()


@pytest.mark.parametrize("who", ["agency", "org_rep", "publisher"])
def test_other_unit_roles_read_only(client, w, who):
    client.force_login(getattr(w, who))
    response = client.get(url(w.dialogue, "").replace(str(w.dialogue.pk), str(w.other_dialogue.pk)))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post" action="/can-bo/buoi/' not in html
    for suffix in ("lich/", "phan-cong/", "chuong-trinh/", "giay-moi/", "diem-danh/", "da-to-chuc/"):
        assert client.post(url(w.other_dialogue, suffix), {}).status_code == 403


@pytest.mark.parametrize("who", ["agency", "org_rep", "chair", "secretary"])
def test_only_publisher_and_coordinator_open_the_announcement(client, w, who):
    client.force_login(getattr(w, who))
    assert client.get(url(w.dialogue, "thong-bao/")).status_code == 403
    assert client.post(url(w.dialogue, "thong-bao/dang/"), {}).status_code == 403
    assert client.get("/can-bo/thong-bao/").status_code == 403


def test_publisher_may_only_announce(client, w):
    client.force_login(w.publisher)
    assert client.get(url(w.dialogue, "thong-bao/")).status_code == 200
    assert client.get("/can-bo/thong-bao/").status_code == 200
    assert client.post(url(w.dialogue, "lich/"), schedule_data()).status_code == 403
    assert client.post(url(w.dialogue, "da-to-chuc/")).status_code == 403


@pytest.mark.parametrize("route", GET_ROUTES + POST_ROUTES)
def test_another_communes_coordinator_gets_404_everywhere(client, w, route):
    client.force_login(w.foreign_coordinator)
    method = client.post if route in POST_ROUTES else client.get
    assert method(url(w.dialogue, route)).status_code == 404
    invitation = Invitation.objects.create(dialogue=w.dialogue, organization=w.c.farmers)
    assert client.post(url(w.dialogue, f"giay-moi/{invitation.pk}/tra-loi/"), {"reply": "accepted"}).status_code == 404


def test_account_without_role_gets_404_and_anonymous_goes_to_login(client, w):
    client.force_login(w.citizen)
    assert client.get(url(w.dialogue)).status_code == 404
    client.logout()
    assert client.get(url(w.dialogue)).status_code == 302


# ---------------------------------------------------------------- schedule


def test_scheduling_a_planned_dialogue(client, w):
    d = w.other_dialogue
    client.force_login(w.coordinator)
    response = client.post(url(d, "lich/"), schedule_data(day="2027-01-08", chair_post=w.secretary_post.pk))
    assert response.status_code == 302 and response["Location"].endswith("#schedule")
    d.refresh_from_db()
    assert d.status == "scheduled" and timezone.localtime(d.starts_at) == local(2027, 1, 8, 8)
    assert d.chair_post == w.secretary_post and d.events.filter(action="schedule").exists()


def test_scheduling_with_htmx_redirects_the_client(client, w):
    client.force_login(w.coordinator)
    response = client.post(url(w.other_dialogue, "lich/"), schedule_data(), **HX)
    assert response.status_code == 200 and response["HX-Redirect"].endswith("#schedule")


@pytest.mark.parametrize(
    "over, field, message",
    [
        ({"day": ""}, "day", "Xin chọn ngày."),
        ({"day": "31/02/2026"}, "day", "Ngày không hợp lệ"),
        ({"day": "2026-13-45"}, "day", "Ngày không hợp lệ"),
        ({"start": "25:99"}, "start", "Giờ không hợp lệ"),
        ({"end": "07:00"}, "end", "Giờ kết thúc phải sau giờ bắt đầu."),
        ({"place": ""}, "place", "Xin ghi địa điểm."),
        ({"place": "x" * 5000}, "place", "Quá dài"),
        ({"chair_post": "999999"}, "chair_post", "Lựa chọn không hợp lệ"),
    ],
)
def test_bad_schedule_is_refused_with_a_vietnamese_message_and_nothing_changes(client, w, over, field, message):
    d = w.other_dialogue
    client.force_login(w.coordinator)
    response = client.post(url(d, "lich/"), schedule_data(**over))
    assert response.status_code == 422
    assert message in response.content.decode()
    d.refresh_from_db()
    assert d.status == "planned" and d.starts_at is None


def test_a_foreign_chair_post_is_refused(client, w):
    client.force_login(w.coordinator)
    response = client.post(url(w.other_dialogue, "lich/"), schedule_data(chair_post=w.foreign_post.pk), **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Lựa chọn không hợp lệ" in html and "<html" not in html  # only the panel, for htmx


# ---------------------------------------------------------------- per-dialogue roles


def test_setting_secretary_and_receivers(client, w):
    client.force_login(w.coordinator)
    response = client.post(url(w.dialogue, "phan-cong/"), {"secretaries": [w.agency.pk], "receivers": [w.chair.pk]})
    assert response.status_code == 302
    roles = set(DialogueMember.objects.filter(dialogue=w.dialogue).values_list("user__username", "role"))
    assert roles == {("phongkinhte", "secretary"), ("thuongtruc", "receiver")}


@pytest.mark.parametrize("pick", ["foreign", "citizen", "garbage"])
def test_members_outside_the_unit_are_refused(client, w, pick):
    value = {"foreign": w.foreign_coordinator.pk, "citizen": w.citizen.pk, "garbage": "abc"}[pick]
    client.force_login(w.coordinator)
    response = client.post(url(w.dialogue, "phan-cong/"), {"secretaries": [value]})
    assert response.status_code == 422 and "Lựa chọn không hợp lệ" in response.content.decode()
    assert DialogueMember.objects.filter(dialogue=w.dialogue).count() == 2


# ---------------------------------------------------------------- agenda


def test_the_agenda_form_is_prefilled_and_reorders_removes_and_adds(client, w):
    client.force_login(w.coordinator)
    html = client.get(url(w.dialogue)).content.decode()
    assert 'name="agenda-TOTAL_FORMS" value="5"' in html  # two steps and three empty rows
    rows = [
        {"position": "2", "title": "Tuyên bố lý do", "presenter": "Văn phòng"},
        {"position": "1", "title": "Chủ trì kết luận", "presenter": "Bí thư", "DELETE": "on"},
        {"position": "", "title": "Đại biểu phát biểu", "presenter": ""},
        {"position": "1", "title": "Khai mạc", "presenter": "Chủ trì"},
    ]
    response = client.post(url(w.dialogue, "chuong-trinh/"), agenda_data(rows, extra=1))
    assert response.status_code == 302
    assert list(w.dialogue.agenda.order_by("position").values_list("title", flat=True)) == [
        "Khai mạc",
        "Tuyên bố lý do",
        "Đại biểu phát biểu",
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (agenda_data([{"title": ""}]), "Chương trình cần ít nhất một mục."),
        (agenda_data([{"title": "Mục", "DELETE": "on"}]), "Chương trình cần ít nhất một mục."),
        (agenda_data([{"title": "x" * 2001}]), "Quá dài"),
        (agenda_data([{"title": "Mục", "position": "abc"}]), "Xin nhập một số."),
        ({"agenda-0-title": "Không có management form"}, "ManagementForm"),
    ],
)
def test_bad_agenda_is_refused_and_nothing_changes(client, w, data, message):
    client.force_login(w.coordinator)
    response = client.post(url(w.dialogue, "chuong-trinh/"), data, **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html or (message == "ManagementForm" and "form-errors" in html)
    assert w.dialogue.agenda.count() == 2


def test_too_many_agenda_rows_are_refused(client, w):
    client.force_login(w.coordinator)
    rows = [{"title": f"Mục {i}"} for i in range(31)]
    response = client.post(url(w.dialogue, "chuong-trinh/"), agenda_data(rows))
    assert response.status_code == 422
    assert w.dialogue.agenda.count() == 2


# ---------------------------------------------------------------- invitations, replies, attendance, held


def test_invitation_checkboxes_are_grouped_by_kind_without_businesses_at_a_conference(client, w):
    factories.OrganizationFactory(unit=w.c.unit, name="Công ty TNHH Minh Phát", kind=Organization.Kind.BUSINESS)
    factories.OrganizationFactory(unit=w.c.unit, name="Thôn Trung", kind=Organization.Kind.VILLAGE)
    client.force_login(w.coordinator)
    html = client.get(url(w.dialogue)).content.decode()
    assert "Mặt trận, tổ chức chính trị - xã hội" in html and "Thôn Trung" in html
    assert "Minh Phát" not in html
    w.dialogue.kind = Dialogue.Kind.BUSINESS
    w.dialogue.save()
    assert "Minh Phát" in client.get(url(w.dialogue)).content.decode()


def test_inviting_organisations_and_persons_then_replies_and_attendance(client, w):
    person = factories.PersonFactory(unit=w.c.unit, full_name="Lê Thị Mời")
    client.force_login(w.coordinator)
    response = client.post(
        url(w.dialogue, "giay-moi/"), {"organizations": [w.c.farmers.pk, w.c.front.pk], "persons": [person.pk]}
    )
    assert response.status_code == 302
    invitations = {str(i): i for i in w.dialogue.invitations.all()}
    assert set(invitations) == {"Hội Nông dân xã", "Ủy ban MTTQ xã", "Lê Thị Mời"}
    farmers = invitations["Hội Nông dân xã"]
    response = client.post(
        url(w.dialogue, f"giay-moi/{farmers.pk}/tra-loi/"), {"reply": "accepted", "note": "Chủ tịch hội dự"}
    )
    assert response.status_code == 302
    farmers.refresh_from_db()
    assert farmers.reply == "accepted" and farmers.note == "Chủ tịch hội dự"
    response = client.post(url(w.dialogue, "diem-danh/"), {"present": [farmers.pk]})
    assert response.status_code == 422 and "từ giờ bắt đầu" in response.content.decode()  # not before the day
    with time_machine.travel(local(2026, 12, 18, 8, 30), tick=False):  # attendance is taken from the start
        client.force_login(w.coordinator)  # a new session on the day (an idle one would have expired)
        response = client.post(url(w.dialogue, "diem-danh/"), {"present": [farmers.pk]})
    assert response.status_code == 302
    assert set(w.dialogue.invitations.filter(attended=True).values_list("pk", flat=True)) == {farmers.pk}
    sheet = client.get(url(w.dialogue, "diem-danh/in/"))
    assert (
        sheet.status_code == 200 and "Lê Thị Mời" in sheet.content.decode() and "data-print" in sheet.content.decode()
    )
    assert_csp_clean(sheet)


def test_the_secretary_takes_attendance(client, w):
    invitation = Invitation.objects.create(dialogue=w.dialogue, organization=w.c.farmers)
    client.force_login(w.secretary)
    with time_machine.travel(local(2026, 12, 18, 8, 30), tick=False):  # attendance is taken from the start
        client.force_login(w.secretary)  # a new session on the day (an idle one would have expired)
        assert client.post(url(w.dialogue, "diem-danh/"), {"present": [invitation.pk]}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.attended is True


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Xin chọn ít nhất một cơ quan, tổ chức hoặc cá nhân để mời."),
        ({"organizations": ["abc"]}, "Lựa chọn không hợp lệ"),
    ],
)
def test_bad_invitations_are_refused(client, w, data, message):
    client.force_login(w.coordinator)
    response = client.post(url(w.dialogue, "giay-moi/"), data, **HX)
    assert response.status_code == 422 and message in response.content.decode()
    assert not w.dialogue.invitations.exists()


def test_foreign_organisations_persons_and_invitations_are_refused(client, w):
    foreign_org = factories.OrganizationFactory(unit=w.other.unit, kind=Organization.Kind.MASS_ORG)
    foreign_person = factories.PersonFactory(unit=w.other.unit)
    client.force_login(w.coordinator)
    for data in ({"organizations": [foreign_org.pk]}, {"persons": [foreign_person.pk]}):
        response = client.post(url(w.dialogue, "giay-moi/"), data)
        assert response.status_code == 422 and "Lựa chọn không hợp lệ" in response.content.decode()
    assert not w.dialogue.invitations.exists()
    other = Invitation.objects.create(dialogue=w.other_dialogue, organization=w.c.farmers)
    assert client.post(url(w.dialogue, f"giay-moi/{other.pk}/tra-loi/"), {"reply": "accepted"}).status_code == 404
    response = client.post(url(w.dialogue, "diem-danh/"), {"present": [other.pk]})
    assert response.status_code == 422 and "không phải giấy mời của buổi này" in response.content.decode()
    assert other.attended is None


def test_a_bad_reply_is_refused(client, w):
    invitation = Invitation.objects.create(dialogue=w.dialogue, organization=w.c.farmers)
    client.force_login(w.coordinator)
    response = client.post(url(w.dialogue, f"giay-moi/{invitation.pk}/tra-loi/"), {"reply": "maybe", "note": "x" * 300})
    assert response.status_code == 422 and "Trả lời không hợp lệ." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.reply == "pending"


def test_mark_held_before_the_start_is_refused_then_allowed_after(client, w):
    client.force_login(w.coordinator)
    response = client.post(url(w.dialogue, "da-to-chuc/"), **HX)
    assert response.status_code == 422 and "Buổi chưa đến giờ bắt đầu." in response.content.decode()
    with time_machine.travel(local(2026, 12, 18, 11, 30), tick=False):
        client.force_login(w.coordinator)
        assert client.post(url(w.dialogue, "da-to-chuc/")).status_code == 302
    w.dialogue.refresh_from_db()
    assert w.dialogue.status == "held"


def test_the_chair_records_the_conclusion_of_a_held_dialogue(client, w):
    conclude = url(w.dialogue, "ket-luan/")
    client.force_login(w.chair)
    response = client.post(conclude, {"conclusion": "Kết luận."})
    assert response.status_code == 422 and "Chỉ ghi kết luận cho buổi đã tổ chức." in response.content.decode()
    with time_machine.travel(local(2026, 12, 18, 11, 30), tick=False):
        client.force_login(w.coordinator)
        assert client.post(url(w.dialogue, "da-to-chuc/")).status_code == 302
        client.force_login(w.chair)
        page = client.get(url(w.dialogue)).content.decode()
        assert "Ghi kết luận" in page
        empty = client.post(conclude, {"conclusion": "  ", "minutes": "Biên bản giữ lại."}, **HX)
        html = empty.content.decode()
        assert empty.status_code == 422 and "Xin ghi nội dung kết luận." in html and "Biên bản giữ lại." in html
        client.force_login(w.agency)
        assert client.post(conclude, {"conclusion": "Không được."}).status_code == 403
        client.force_login(w.chair)
        text = "Giao Phòng Kinh tế khảo sát, báo cáo trước ngày 15/01/2027."
        assert client.post(conclude, {"conclusion": text, "minutes": "Có 120 đại biểu."}).status_code == 302
    w.dialogue.refresh_from_db()
    assert (w.dialogue.status, w.dialogue.conclusion, w.dialogue.minutes) == ("concluded", text, "Có 120 đại biểu.")
    event = w.dialogue.events.order_by("-at", "-pk").first()
    assert (event.action, event.from_status, event.to_status, event.actor) == ("conclude", "held", "concluded", w.chair)


def test_a_saved_panel_reloads_the_page_it_was_posted_from(client, w):
    """htmx: a redirect to the same page with an #anchor would load nothing, so the browser is told to reload."""
    client.force_login(w.coordinator)
    page = "http://testserver" + url(w.other_dialogue)
    response = client.post(url(w.other_dialogue, "lich/"), schedule_data(), HTTP_HX_CURRENT_URL=page, **HX)
    assert response.status_code == 200 and response["HX-Refresh"] == "true" and "HX-Redirect" not in response


# ---------------------------------------------------------------- the announcement


def test_announcement_page_is_prefilled_and_shows_the_last_day_and_broadcasts(client, w):
    client.force_login(w.publisher)
    response = client.get(url(w.dialogue, "thong-bao/"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "11/12/2026" in html and "Còn 14 ngày." in html
    assert "Kính thưa toàn thể Nhân dân" in html  # the radio script, composed
    assert "Lịch phát trên Đài truyền thanh" in html and "18/12/2026" in html
    assert 'name="late_reason"' not in html
    assert_csp_clean(response)


def test_saving_a_draft_keeps_the_edited_texts(client, w):
    client.force_login(w.publisher)
    data = {"portal_text": "Thông báo đã sửa", "radio_script": "Bài đọc đã sửa"}
    assert client.post(url(w.dialogue, "thong-bao/luu/"), data).status_code == 302
    draft = Announcement.objects.get(dialogue=w.dialogue)
    assert draft.portal_text == "Thông báo đã sửa" and draft.published_at is None
    assert "Bài đọc đã sửa" in client.get(url(w.dialogue, "thong-bao/")).content.decode()
    radio = client.get(url(w.dialogue, "thong-bao/bai-doc/"))
    assert radio.status_code == 200 and "Bài đọc đã sửa" in radio.content.decode()
    assert_csp_clean(radio)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"portal_text": "", "radio_script": "Bài đọc"}, "Xin ghi nội dung thông báo."),
        ({"portal_text": "x" * 20_001, "radio_script": "Bài đọc"}, "Quá dài"),
        ({"portal_text": "Thông báo", "radio_script": ""}, "Xin ghi bài đọc trên Đài truyền thanh."),
    ],
)
def test_bad_announcement_texts_are_refused(client, w, data, message):
    client.force_login(w.publisher)
    for route in ("thong-bao/luu/", "thong-bao/dang/"):
        response = client.post(url(w.dialogue, route), data, **HX)
        assert response.status_code == 422 and message in response.content.decode()
    assert not Announcement.objects.exists()
    w.dialogue.refresh_from_db()
    assert w.dialogue.status == "scheduled"


def test_publishing_on_the_last_allowed_day_is_on_time(client, w):
    PlanTask.objects.create(
        plan=w.plan,
        organization=w.c.service_centre,
        dialogue=w.dialogue,
        purpose=PlanTask.Purpose.ANNOUNCE,
        title="Thông báo",
    )
    client.force_login(w.publisher)
    with time_machine.travel(local(2026, 12, 11, 23, 59), tick=False):
        client.force_login(w.publisher)
        html = client.get(url(w.dialogue, "thong-bao/")).content.decode()
        assert "Hôm nay là ngày cuối" in html
        data = {"portal_text": "Thông báo", "radio_script": "Bài đọc"}
        assert client.post(url(w.dialogue, "thong-bao/dang/"), data).status_code == 302
        response = client.get(url(w.dialogue, "thong-bao/"))
    html = response.content.decode()
    a = Announcement.objects.get(dialogue=w.dialogue)
    assert (
        a.published_at == local(2026, 12, 11, 23, 59) and not a.is_late and a.last_allowed_on == dt.date(2026, 12, 11)
    )
    assert "Đúng hạn" in html and "23:59" in html
    assert PlanTask.objects.get(dialogue=w.dialogue).done_at is not None
    w.dialogue.refresh_from_db()
    assert w.dialogue.status == "announced"


def test_publishing_a_day_late_needs_a_reason_and_is_shown_late(client, w):
    client.force_login(w.publisher)
    with time_machine.travel(local(2026, 12, 12, 0, 0), tick=False):
        client.force_login(w.publisher)
        html = client.get(url(w.dialogue, "thong-bao/")).content.decode()
        assert "Đã quá hạn 1 ngày" in html and "ghi nhận là đăng muộn" in html and 'name="late_reason"' in html
        data = {"portal_text": "Thông báo", "radio_script": "Bài đọc"}
        response = client.post(url(w.dialogue, "thong-bao/dang/"), data, **HX)
        assert response.status_code == 422 and "xin ghi lý do" in response.content.decode()
        assert not Announcement.objects.exists()  # the draft of the failed publication is not kept either
        data["late_reason"] = "Chờ Thường trực duyệt nội dung"
        assert client.post(url(w.dialogue, "thong-bao/dang/"), data).status_code == 302
        html = client.get(url(w.dialogue, "thong-bao/")).content.decode()
    a = Announcement.objects.get(dialogue=w.dialogue)
    assert a.is_late and a.late_reason == "Chờ Thường trực duyệt nội dung"
    assert "Đăng muộn 1 ngày" in html and "Chờ Thường trực duyệt" in html


def test_a_planned_dialogue_cannot_be_announced_yet(client, w):
    client.force_login(w.coordinator)
    response = client.get(url(w.other_dialogue, "thong-bao/"))
    assert response.status_code == 200 and "chưa soạn được thông báo" in response.content.decode()
    response = client.post(url(w.other_dialogue, "thong-bao/dang/"), {"portal_text": "a", "radio_script": "b"})
    assert response.status_code == 422 and "Xin ấn định ngày giờ" in response.content.decode()
    assert client.get(url(w.other_dialogue, "thong-bao/bai-doc/")).status_code == 404


# ---------------------------------------------------------------- the publisher's list and the staff home


def _conference(w, title, starts_at):
    return factories.DialogueFactory(
        unit=w.c.unit, plan=w.plan, title=title, starts_at=starts_at, status=Dialogue.Status.SCHEDULED
    )


def test_the_publishers_list_soonest_first_overdue_highlighted_and_published(client, w):
    overdue = _conference(w, "Hội nghị quá hạn", local(2026, 12, 1, 8))  # last day 24/11: overdue
    later = _conference(w, "Hội nghị tháng Một", local(2027, 1, 15, 8))
    _conference(w, "Đã bắt đầu", local(2026, 11, 27, 8))  # started: no longer announceable
    Announcement.objects.create(
        dialogue=w.other_dialogue,
        portal_text="x",
        published_at=local(2026, 11, 20, 9),
        last_allowed_on=dt.date(2026, 11, 18),
        is_late=True,
    )
    client.force_login(w.publisher)
    response = client.get("/can-bo/thong-bao/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Hội nghị quá hạn") < html.index(w.dialogue.title) < html.index("Hội nghị tháng Một")
    assert "Đã bắt đầu" not in html and 'class="row-alert"' in html and "quá hạn" in html
    assert "Đăng muộn 2 ngày" in html
    assert overdue.pk and later.pk
    assert_csp_clean(response)


def test_staff_home_reminds_the_coordinator_and_the_publisher(client, w):
    _conference(w, "Hội nghị quá hạn", local(2026, 12, 1, 8))
    _conference(w, "Hội nghị tháng Một", local(2027, 1, 15, 8))  # due in 42 days: not yet
    soon = _conference(w, "Hội nghị sắp đến hạn", local(2026, 12, 10, 8))  # last day 03/12: within 7 days
    for user in (w.coordinator, w.publisher):
        client.force_login(user)
        html = client.get("/can-bo/").content.decode()
        assert "Thông báo cần đăng" in html and "Hội nghị quá hạn" in html and "03/12/2026" in html
        assert f"/can-bo/buoi/{soon.pk}/thong-bao/" in html
        assert "Hội nghị tháng Một" not in html.split("Thông báo cần đăng")[1].split("</section>")[0]
    client.force_login(w.agency)
    assert "Thông báo cần đăng" not in client.get("/can-bo/").content.decode()


# ---------------------------------------------------------------- query budgets


def _fill(w, n):
    d = w.dialogue
    orgs = [factories.OrganizationFactory(unit=w.c.unit, kind=Organization.Kind.VILLAGE) for _ in range(n)]
    people = [factories.PersonFactory(unit=w.c.unit) for _ in range(n)]
    Invitation.objects.bulk_create(
        [Invitation(dialogue=d, organization=o) for o in orgs] + [Invitation(dialogue=d, person=p) for p in people]
    )
    AgendaItem.objects.filter(dialogue=d).delete()
    AgendaItem.objects.bulk_create(AgendaItem(dialogue=d, position=i, title=f"Mục {i}") for i in range(1, n + 1))
    users = [factories.user_with_role("agency", w.c.unit, w.c.economy) for _ in range(n)]
    DialogueMember.objects.bulk_create(DialogueMember(dialogue=d, user=u, role="receiver") for u in users)
    for i in range(n):
        d.events.create(at=timezone.now(), action="invite", note=f"{i}")


@pytest.mark.parametrize("n", [2, 20])
def test_dialogue_page_query_budget(client, w, n, django_assert_max_num_queries):
    _fill(w, n)
    client.force_login(w.coordinator)
    with django_assert_max_num_queries(24):
        assert client.get(url(w.dialogue)).status_code == 200


@pytest.mark.parametrize("n", [2, 20])
def test_announcement_pages_query_budget(client, w, n, django_assert_max_num_queries):
    _fill(w, n)
    for i in range(n):
        _conference(w, f"Hội nghị {i}", local(2026, 12, 2 + i % 20, 8))
    client.force_login(w.publisher)
    with django_assert_max_num_queries(14):
        assert client.get(url(w.dialogue, "thong-bao/")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/can-bo/thong-bao/").status_code == 200


# ---------------------------------------------------------------- a giao ban's announcement (no 7-day rule)


def _giao_ban(w, starts_at=None, status=Dialogue.Status.SCHEDULED, title="Giao ban quý IV năm 2026"):
    return factories.DialogueFactory(
        unit=w.c.unit,
        plan=w.plan,
        kind=Dialogue.Kind.REGULAR,
        status=status,
        title=title,
        starts_at=starts_at or local(2026, 12, 18, 8),
        ends_at=(starts_at or local(2026, 12, 18, 8)) + dt.timedelta(hours=3),
    )


@pytest.mark.parametrize("who", ["coordinator", "publisher"])
def test_a_giao_bans_page_links_its_announcement_page(client, w, who):
    giao_ban = _giao_ban(w)
    client.force_login(getattr(w, who))
    html = client.get(url(giao_ban)).content.decode()
    assert f'href="{url(giao_ban, "thong-bao/")}"' in html
    assert "không bắt buộc thông báo trước 07 ngày" in html and "Hạn đăng thông báo chậm nhất" not in html
    page = client.get(url(giao_ban, "thong-bao/"))
    assert page.status_code == 200 and "Đăng thông báo" in page.content.decode()


@pytest.mark.parametrize("who", ["chair", "secretary", "agency"])
def test_the_announcement_link_only_for_those_who_announce(client, w, who):
    giao_ban = _giao_ban(w)
    DialogueMember.objects.create(dialogue=giao_ban, user=w.secretary, role="secretary")
    client.force_login(getattr(w, who))
    assert url(giao_ban, "thong-bao/") not in client.get(url(giao_ban)).content.decode()


def test_an_undated_giao_ban_or_a_reception_day_offers_no_announcement(client, w):
    undated = factories.DialogueFactory(
        unit=w.c.unit, plan=w.plan, kind=Dialogue.Kind.REGULAR, tentative_month=dt.date(2027, 3, 1)
    )
    reception = factories.DialogueFactory(
        unit=w.c.unit, kind=Dialogue.Kind.RECEPTION, starts_at=local(2026, 12, 8, 7), status=Dialogue.Status.SCHEDULED
    )
    client.force_login(w.coordinator)
    for d in (undated, reception):
        assert url(d, "thong-bao/") not in client.get(url(d)).content.decode()


def test_the_announcement_list_offers_the_coming_giao_ban_apart_from_the_due_ones(client, w):
    giao_ban = _giao_ban(w)
    _giao_ban(w, starts_at=local(2026, 11, 20, 8), status=Dialogue.Status.CONCLUDED, title="Giao ban đã kết luận")
    _giao_ban(w, starts_at=local(2026, 11, 27, 8), title="Giao ban đã bắt đầu")  # 08:00 today: no longer offered
    ad_hoc = factories.DialogueFactory(
        unit=w.c.unit,
        plan=w.plan,
        kind=Dialogue.Kind.AD_HOC,
        title="Đối thoại đột xuất",
        starts_at=local(2026, 12, 4, 14),
        status=Dialogue.Status.SCHEDULED,
    )
    foreign = factories.DialogueFactory(
        unit=w.other.unit,
        kind=Dialogue.Kind.REGULAR,
        title="Giao ban xã bạn",
        starts_at=local(2026, 12, 4, 8),
        status=Dialogue.Status.SCHEDULED,
    )
    for who in (w.publisher, w.coordinator):
        client.force_login(who)
        html = client.get("/can-bo/thong-bao/").content.decode()
        due, optional = html.split("Buổi khác có thể thông báo")[0], html.split("Buổi khác có thể thông báo")[1]
        optional = optional.split("Thông báo đã đăng")[0]
        assert w.dialogue.title in due and giao_ban.title not in due  # the conference: due under the 7-day rule
        assert optional.index(ad_hoc.title) < optional.index(giao_ban.title)  # soonest first
        assert f'href="{url(giao_ban, "thong-bao/")}"' in optional and f'href="{url(ad_hoc, "thong-bao/")}"' in optional
        assert "Giao ban đã bắt đầu" not in html and "Giao ban đã kết luận" not in html and foreign.title not in html
    client.force_login(w.agency)
    assert client.get("/can-bo/thong-bao/").status_code == 403


def test_a_published_giao_ban_announcement_leaves_the_offer_and_shows_no_deadline(client, w):
    from doithoai.plans import actions

    giao_ban = _giao_ban(w)
    actions.announce(giao_ban, by=w.publisher)
    client.force_login(w.publisher)
    html = client.get("/can-bo/thong-bao/").content.decode()
    optional, published = html.split("Buổi khác có thể thông báo")[1].split("Thông báo đã đăng")
    assert giao_ban.title not in optional and giao_ban.title in published
    assert "Không bắt buộc hạn" in published
    page = client.get(url(giao_ban)).content.decode()
    assert "Đã thông báo lúc" in page and f'href="{url(giao_ban, "thong-bao/")}"' in page


# ---------------------------------------------------------------- what a dialogue's seat may open


def _links(html: str) -> set[str]:
    import re

    return {href.replace("&amp;", "&") for href in re.findall(r'href="(/[^"#]*)', html)} - {"/dang-xuat/"}


@pytest.fixture
def seat_only(w):
    """thuky and tiepnhan as in the demo: a seat at the dialogue, no role in the unit."""
    secretary = factories.UserFactory(username="thuky-buoi")
    receiver = factories.UserFactory(username="tiepnhan-buoi")
    DialogueMember.objects.create(dialogue=w.dialogue, user=secretary, role="secretary")
    DialogueMember.objects.create(dialogue=w.dialogue, user=receiver, role="receiver")
    return secretary, receiver


def test_a_seat_without_a_unit_role_sees_the_plan_as_plain_text(client, w, seat_only):
    for user in seat_only:
        client.force_login(user)
        html = client.get(url(w.dialogue)).content.decode()
        assert f"Kế hoạch {w.plan.year}" in html
        assert f"/can-bo/ke-hoach/{w.plan.pk}/" not in html
        assert client.get(f"/can-bo/ke-hoach/{w.plan.pk}/").status_code == 404  # what the link used to lead to
    client.force_login(w.coordinator)
    assert f'href="/can-bo/ke-hoach/{w.plan.pk}/"' in client.get(url(w.dialogue)).content.decode()


@pytest.mark.parametrize("status", [Dialogue.Status.SCHEDULED, Dialogue.Status.CONCLUDED])
def test_every_link_on_a_seats_dialogue_pages_opens(client, w, seat_only, status):
    """A small crawl: the dialogue page, the speaker queue and the slips of a secretary and a receiver who hold
    no role in the unit; every staff link on them answers 200 (or sends to a page that does)."""
    Dialogue.objects.filter(pk=w.dialogue.pk).update(status=status)
    for user in seat_only:
        client.force_login(user)
        pages = [url(w.dialogue), url(w.dialogue, "phat-bieu/"), url(w.dialogue, "phieu/")]
        seen = set()
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            for link in sorted(_links(response.content.decode()) - seen):
                seen.add(link)
                assert client.get(link, follow=True).status_code == 200, (user.username, page, link)
        assert url(w.dialogue, "phat-bieu/") in seen and f"/doi-thoai/{w.dialogue.pk}/" in seen
