"""Hủy buổi: a dialogue that will not take place is cancelled with its reason, before it is held. From then on its
speaker queue is closed (no one added, moved, accepted or withdrawn), nothing of the day is recorded, the public page
says so with the reason, calendars get STATUS:CANCELLED, and those who registered to speak with a phone are told."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from doithoai.lib.clock import local_datetime
from doithoai.notifications.models import Notification
from doithoai.petitions import actions as petition_actions
from doithoai.petitions.actions import ActionError
from doithoai.petitions.models import Petition
from doithoai.plans import actions
from doithoai.plans.models import Dialogue, DialogueEvent, Invitation, PrintedSlip, SpeakerRequest
from tests import factories

St = Dialogue.Status
NO_RIGHT = "Bạn không có quyền thực hiện thao tác này."
START = local_datetime(dt.date(2026, 12, 18), 8)
REASON = "Trùng lịch họp khẩn của Ban Thường vụ Đảng ủy; buổi sẽ được tổ chức vào tháng 01/2027."


def scheduled(w) -> Dialogue:
    return actions.schedule_dialogue(
        w.dialogue, starts_at=START, ends_at=START + dt.timedelta(hours=3), place="Hội trường", by=w.coordinator
    )


def cancelled(w) -> Dialogue:
    return actions.cancel_dialogue(scheduled(w), reason=REASON, by=w.coordinator)


def url(dialogue, suffix="") -> str:
    return f"/can-bo/buoi/{dialogue.pk}/{suffix}"


# ------------------------------------------------------------------ the action


@pytest.mark.parametrize("status", [St.PLANNED, St.SCHEDULED, St.ANNOUNCED])
def test_a_dialogue_not_yet_held_is_cancelled_with_its_reason(plans_world, status):
    w = plans_world
    if status != St.PLANNED:
        scheduled(w)
        Dialogue.objects.filter(pk=w.dialogue.pk).update(status=status)
    dialogue = actions.cancel_dialogue(Dialogue.objects.get(pk=w.dialogue.pk), reason=f"  {REASON}  ", by=w.coordinator)
    dialogue.refresh_from_db()
    assert dialogue.status == St.CANCELLED and dialogue.cancellation_reason == REASON
    event = DialogueEvent.objects.filter(dialogue=dialogue, action="cancel").get()
    assert (event.from_status, event.to_status, event.note, event.actor) == (
        status,
        St.CANCELLED,
        REASON,
        w.coordinator,
    )
    assert dialogue.speaker_queue_closed and not dialogue.has_started


@pytest.mark.parametrize("status", [St.HELD, St.CONCLUDED])
def test_a_held_or_concluded_dialogue_cannot_be_cancelled(plans_world, status):
    w = plans_world
    scheduled(w)
    Dialogue.objects.filter(pk=w.dialogue.pk).update(status=status)
    with pytest.raises(ActionError, match="đã diễn ra"):
        actions.cancel_dialogue(w.dialogue, reason=REASON, by=w.coordinator)
    assert Dialogue.objects.get(pk=w.dialogue.pk).status == status


def test_cancelling_twice_is_refused_and_keeps_the_first_reason(plans_world):
    w = plans_world
    cancelled(w)
    with pytest.raises(ActionError, match="đã bị hủy"):
        actions.cancel_dialogue(w.dialogue, reason="Lý do khác", by=w.coordinator)
    assert Dialogue.objects.get(pk=w.dialogue.pk).cancellation_reason == REASON


@pytest.mark.parametrize("reason", ["", "   \n\t ", "x" * 1001])
def test_the_reason_is_required_and_bounded(plans_world, reason):
    w = plans_world
    with pytest.raises(ValidationError):
        actions.cancel_dialogue(scheduled(w), reason=reason, by=w.coordinator)
    assert Dialogue.objects.get(pk=w.dialogue.pk).status == St.SCHEDULED


@pytest.mark.parametrize(
    "who", ["chair", "secretary", "publisher", "agency", "org_rep", "foreign_coordinator", "citizen"]
)
def test_only_the_office_cancels(plans_world, who):
    w = plans_world
    scheduled(w)
    with pytest.raises(ActionError, match=NO_RIGHT):
        actions.cancel_dialogue(w.dialogue, reason=REASON, by=getattr(w, who))
    assert Dialogue.objects.get(pk=w.dialogue.pk).status == St.SCHEDULED


def test_nothing_of_the_day_is_recorded_on_a_cancelled_dialogue(plans_world):
    w = plans_world
    scheduled(w)
    (invitation,) = actions.invite(w.dialogue, organizations=[w.c.farmers], by=w.coordinator)
    speaker = actions.register_speaker(w.dialogue, name="Nguyễn Văn Hải", summary="Kênh tưới thôn Trung", by=None)
    other = actions.register_speaker(w.dialogue, name="Lê Thị Hoa", summary="Đèn đường", by=None)
    dialogue = actions.cancel_dialogue(w.dialogue, reason=REASON, by=w.coordinator)
    refusals = [
        lambda: actions.register_speaker(dialogue, name="Trần Văn Nam", summary="Đường làng", by=None),
        lambda: actions.register_speaker(dialogue, name="Trần Văn Nam", summary="Đường làng", by=w.secretary),
        lambda: actions.accept_speaker(speaker, by=w.coordinator),
        lambda: actions.withdraw_speaker(speaker, by=w.coordinator),
        lambda: actions.move_speaker(other, to=1, by=w.coordinator),
        lambda: actions.schedule_dialogue(dialogue, starts_at=START, ends_at=None, place="Khác", by=w.coordinator),
        lambda: actions.invite(dialogue, organizations=[w.c.front], by=w.coordinator),
        lambda: actions.record_reply(invitation, reply="accepted", by=w.coordinator),
        lambda: actions.compose_announcement(dialogue, by=w.coordinator),
        lambda: actions.print_slips(dialogue, kind="speaker", count=5, by=w.coordinator),
    ]
    for refuse in refusals:
        with pytest.raises(ActionError, match="đã bị hủy"):
            refuse()
    with time_machine.travel(START + dt.timedelta(minutes=30), tick=False):
        for refuse in (
            lambda: actions.record_attendance(dialogue, {invitation.pk}, by=w.secretary),
            lambda: actions.mark_held(dialogue, by=w.coordinator),
        ):
            with pytest.raises(ActionError, match="đã bị hủy"):
                refuse()
    assert list(
        SpeakerRequest.objects.filter(dialogue=dialogue).order_by("position").values_list("name", "status")
    ) == [("Nguyễn Văn Hải", "requested"), ("Lê Thị Hoa", "requested")]
    assert Invitation.objects.get(pk=invitation.pk).attended is None
    assert not PrintedSlip.objects.filter(dialogue=dialogue).exists()
    assert Dialogue.objects.get(pk=dialogue.pk).status == St.CANCELLED


def test_no_answer_is_recorded_in_the_hall_of_a_cancelled_dialogue(plans_world):
    w = plans_world
    dialogue = cancelled(w)
    petition = factories.PetitionFactory(unit=w.c.unit, dialogue=dialogue, status=Petition.Status.CLASSIFIED)
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False), pytest.raises(ActionError, match="đã bị hủy"):
        petition_actions.answer_at_dialogue(petition, "Xã sẽ sửa trong quý I.", by=w.chair)
    assert not petition.answers.exists()


def test_those_registered_to_speak_with_a_phone_are_told_by_sms(plans_world, settings):
    settings.SMS_BACKEND = "outbox"
    w = plans_world
    scheduled(w)
    with_phone = actions.register_speaker(w.dialogue, name="Nguyễn Văn Hải", summary="Kênh tưới", phone="0912456781")
    actions.register_speaker(w.dialogue, name="Lê Thị Hoa", summary="Đèn đường")  # no phone: nobody to tell
    withdrawn = actions.register_speaker(w.dialogue, name="Đỗ Văn Tâm", summary="Chợ", phone="0912888207")
    actions.withdraw_speaker(withdrawn, by=w.coordinator)
    with pytest.raises(ActionError):  # a refused cancellation tells nobody
        actions.cancel_dialogue(w.dialogue, reason=REASON, by=w.chair)
    assert not Notification.objects.exists()
    actions.cancel_dialogue(w.dialogue, reason=REASON, by=w.coordinator)
    (sms,) = Notification.objects.all()
    assert (sms.channel, sms.recipient, sms.unit_id) == ("sms", with_phone.phone, w.c.unit.pk)
    assert "đã bị hủy" in sms.body and REASON in sms.body and "18/12/2026" in sms.body


# ------------------------------------------------------------------ the pages


def test_the_office_cancels_from_the_dialogue_page(client, plans_world):
    w = plans_world
    scheduled(w)
    client.force_login(w.coordinator)
    page = client.get(url(w.dialogue)).content.decode()
    assert f'action="{url(w.dialogue, "huy/")}"' in page and "Hủy buổi" in page
    response = client.post(url(w.dialogue, "huy/"), {"reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "Xin ghi lý do hủy buổi." in response.content.decode()
    assert Dialogue.objects.get(pk=w.dialogue.pk).status == St.SCHEDULED
    response = client.post(url(w.dialogue, "huy/"), {"reason": REASON})
    assert response.status_code == 302 and response["Location"].endswith("#huy-buoi")
    page = client.get(url(w.dialogue)).content.decode()
    assert "Buổi đã bị hủy: " + REASON in page and "Đã hủy" in page
    assert f'action="{url(w.dialogue, "huy/")}"' not in page  # nothing more to cancel
    assert f'action="{url(w.dialogue, "lich/")}"' not in page and "Trang thông báo" not in page
    assert "Đã tổ chức" not in page.split("Nhật ký buổi")[0]


@pytest.mark.parametrize("who", ["chair", "secretary", "publisher"])
def test_others_are_not_offered_the_cancellation_and_are_refused(client, plans_world, who):
    w = plans_world
    scheduled(w)
    client.force_login(getattr(w, who))
    assert f'action="{url(w.dialogue, "huy/")}"' not in client.get(url(w.dialogue)).content.decode()
    assert client.post(url(w.dialogue, "huy/"), {"reason": REASON}).status_code == 403
    assert Dialogue.objects.get(pk=w.dialogue.pk).status == St.SCHEDULED


def test_another_communes_dialogue_is_a_404(client, plans_world):
    w = plans_world
    scheduled(w)
    client.force_login(w.foreign_coordinator)
    assert client.post(url(w.dialogue, "huy/"), {"reason": REASON}).status_code == 404
    assert Dialogue.objects.get(pk=w.dialogue.pk).status == St.SCHEDULED


def test_a_held_dialogue_is_not_offered_the_cancellation(client, plans_world):
    w = plans_world
    scheduled(w)
    Dialogue.objects.filter(pk=w.dialogue.pk).update(status=St.HELD)
    client.force_login(w.coordinator)
    assert f'action="{url(w.dialogue, "huy/")}"' not in client.get(url(w.dialogue)).content.decode()
    assert client.post(url(w.dialogue, "huy/"), {"reason": REASON}).status_code == 422


def test_the_speaker_queue_of_a_cancelled_dialogue_is_read_only(client, plans_world):
    w = plans_world
    scheduled(w)
    actions.register_speaker(w.dialogue, name="Nguyễn Văn Hải", summary="Kênh tưới thôn Trung")
    actions.cancel_dialogue(w.dialogue, reason=REASON, by=w.coordinator)
    client.force_login(w.coordinator)
    page = client.get(url(w.dialogue, "phat-bieu/")).content.decode()
    assert "Buổi đã bị hủy: không nhận đăng ký phát biểu" in page and "Nguyễn Văn Hải" in page
    assert f'action="{url(w.dialogue, "phat-bieu/nhap/")}' not in page
    response = client.post(url(w.dialogue, "phat-bieu/nhap/"), {"name": "Trần Văn Nam", "summary": "Đường làng"})
    assert response.status_code == 422 and SpeakerRequest.objects.filter(dialogue=w.dialogue).count() == 1
    slips = client.get(url(w.dialogue, "phieu/")).content.decode()
    assert "Buổi đã bị hủy: không in phiếu nữa" in slips


def test_the_public_page_says_it_is_cancelled_and_why_and_takes_no_registration(client, plans_world):
    w = plans_world
    cancelled(w)
    page = client.get(f"/doi-thoai/{w.dialogue.pk}/").content.decode()
    assert "Buổi này đã bị hủy." in page and REASON in page and "Đã hủy" in page
    assert "Đăng ký phát biểu</a>" not in page and f"?buoi={w.dialogue.pk}" not in page
    response = client.get(f"/doi-thoai/{w.dialogue.pk}/dang-ky-phat-bieu/")
    assert "Buổi này đã bị hủy" in response.content.decode()
    listing = client.get(f"/xa/{w.c.unit.slug}/doi-thoai/").content.decode()
    assert "Đã hủy" in listing and "Lý do: Trùng lịch họp khẩn" in listing


def test_calendars_mark_it_cancelled(client, plans_world):
    w = plans_world
    cancelled(w)
    body = client.get(f"/api/v1/dialogues/{w.dialogue.pk}/calendar.ics").content.decode().replace("\r\n ", "")
    assert "STATUS:CANCELLED" in body and "[Đã hủy]" in body and "STATUS:CONFIRMED" not in body
    items = client.get("/api/v1/dialogues").json()["items"]
    assert {i["id"]: i["status"] for i in items}[w.dialogue.pk] == "cancelled"


def test_a_cancelled_planned_dialogue_needs_no_date(plans_world):
    w = plans_world
    dialogue = actions.cancel_dialogue(w.dialogue, reason=REASON, by=w.coordinator)
    dialogue.refresh_from_db()
    assert dialogue.starts_at is None and dialogue.status == St.CANCELLED
