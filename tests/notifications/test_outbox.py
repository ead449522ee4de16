"""The outbox (/can-bo/thu-gui/): the unit's messages for the coordinator and the chair, a confidential case's
recipient masked, another unit's message a 404, never cached; "Gửi lại" for a failed message."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from doithoai.accounts.context_processors import navigation
from doithoai.notifications.actions import notify
from doithoai.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/can-bo/thu-gui/"
S = Notification.Status
DENOUNCER_EMAIL = "to.cao.nguoi@gmail.com"
DENOUNCER_PHONE = "0912345612"


def message(unit, key, *, recipient="dan@example.vn", petition=None, minutes_ago=0, **fields):
    n = Notification.objects.create(
        event_key=key,
        kind=fields.pop("kind", Notification.Kind.RECEIPT),
        channel=fields.pop("channel", "email"),
        recipient=recipient,
        subject=fields.pop("subject", f"Tiêu đề {key}"),
        body=fields.pop("body", "Nội dung thư."),
        petition=petition,
        unit=unit,
        **fields,
    )
    Notification.objects.filter(pk=n.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return n


@pytest.fixture
def coordinator(commune, user_with_role):
    return user_with_role("coordinator", commune.unit)


@pytest.fixture
def denunciation(commune):
    return factories.PetitionFactory(
        unit=commune.unit, kind="to_cao", submitter_email=DENOUNCER_EMAIL, submitter_phone=DENOUNCER_PHONE
    )


def rows(html: str) -> list[str]:
    return re.findall(r'<a href="/can-bo/thu-gui/\d+/">([^<]*)</a>', html)


# ---------------------------------------------------------------- who sees what


def test_the_coordinator_sees_the_units_messages_newest_first(client, commune, coordinator):
    message(commune.unit, "a", subject="Cũ nhất", minutes_ago=30)
    message(commune.unit, "b", subject="Mới nhất", status=S.FAILED, error="Máy chủ thư ngắt kết nối", attempts=1)
    message(commune.unit, "c", subject="Ở giữa", status=S.KEPT, minutes_ago=10)
    client.force_login(coordinator)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Thư, tin nhắn gửi đi</h1>" in html
    assert rows(html) == ["Mới nhất", "Ở giữa", "Cũ nhất"]
    assert "Gửi lỗi" in html and "Máy chủ thư ngắt kết nối" in html
    assert "Lưu tại hộp thư, chưa gửi" in html
    assert "dan@example.vn" in html and "Xác nhận tiếp nhận" in html and "Thư điện tử" in html
    assert "no-store" in response["Cache-Control"]


def test_the_chair_reads_the_outbox_and_both_find_it_in_the_navigation(client, commune, coordinator, user_with_role):
    chair = user_with_role("chair", commune.unit)
    message(commune.unit, "a")
    client.force_login(chair)
    assert client.get(URL).status_code == 200
    for user in (coordinator, chair):
        request = RequestFactory().get("/can-bo/")
        request.user = user
        assert ("Thư gửi đi", URL) in navigation(request)["nav_items"]


@pytest.mark.parametrize("role, org", [("agency", "economy"), ("org_rep", "front"), ("publisher", "service_centre")])
def test_other_roles_are_refused_and_not_offered_the_page(client, commune, user_with_role, role, org):
    user = user_with_role(role, commune.unit, getattr(commune, org))
    n = message(commune.unit, "a")
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{n.pk}/").status_code == 403
    request = RequestFactory().get("/can-bo/")
    request.user = user
    assert URL not in [url for _, url in navigation(request)["nav_items"]]


def test_the_province_and_anonymous_visitors_are_refused(client, commune, user_with_role):
    n = message(commune.unit, "a")
    assert client.get(URL).status_code == 302  # to the log-in page
    client.force_login(user_with_role("province", commune.province))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{n.pk}/").status_code == 403


def test_another_units_message_is_not_listed_and_is_a_404(client, commune, other_commune, coordinator):
    mine = message(commune.unit, "mine", subject="Của xã mình")
    theirs = message(other_commune.unit, "theirs", subject="Của xã khác", recipient="khac@example.vn")
    client.force_login(coordinator)

    html = client.get(URL).content.decode()
    assert rows(html) == ["Của xã mình"] and "khac@example.vn" not in html
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/gui-lai/").status_code == 404
    assert client.get(f"{URL}{mine.pk}/").status_code == 200


# ---------------------------------------------------------------- confidential cases


def test_a_denouncers_contact_is_masked_in_the_list_and_the_message(client, commune, coordinator, denunciation):
    email = message(
        commune.unit,
        "e",
        recipient=DENOUNCER_EMAIL,
        petition=denunciation,
        body=f"Thư tới {DENOUNCER_EMAIL}, mã {denunciation.code}.",
        status=S.FAILED,
        error=f"Địa chỉ {DENOUNCER_EMAIL} bị từ chối",
    )
    sms = message(commune.unit, "s", recipient=DENOUNCER_PHONE, petition=denunciation, channel="sms")
    client.force_login(coordinator)

    pages = [client.get(URL), client.get(f"{URL}{email.pk}/"), client.get(f"{URL}{sms.pk}/")]

    for response in pages:
        html = response.content.decode()
        assert DENOUNCER_EMAIL not in html and DENOUNCER_PHONE not in html
        assert "no-store" in response["Cache-Control"]
    assert "t***@g***.com" in pages[0].content.decode() and "09******12" in pages[0].content.decode()
    detail = pages[1].content.decode()
    assert f"Thư tới t***@g***.com, mã {denunciation.code}." in detail
    assert "Địa chỉ t***@g***.com bị từ chối" in detail


def test_a_petition_that_becomes_a_denunciation_masks_its_messages_at_once(client, commune, coordinator):
    petition = factories.PetitionFactory(unit=commune.unit, kind="kien_nghi")
    message(commune.unit, "e", recipient="nguoi.gui@gmail.com", petition=petition)
    client.force_login(coordinator)
    assert "nguoi.gui@gmail.com" in client.get(URL).content.decode()

    petition.kind = "to_cao"
    petition.save()

    html = client.get(URL).content.decode()
    assert "nguoi.gui@gmail.com" not in html and "n***@g***.com" in html


# ---------------------------------------------------------------- filters, pages, queries


def test_filters_by_status_kind_and_channel(client, commune, coordinator):
    message(commune.unit, "a", subject="Lỗi SMS", status=S.FAILED, channel="sms", recipient="0987654321")
    message(commune.unit, "b", subject="Nhắc thư", status=S.SENT, kind=Notification.Kind.OVERDUE, minutes_ago=1)

    message(commune.unit, "c", subject="Biên nhận", status=S.SENT, minutes_ago=2)
    client.force_login(coordinator)

    assert rows(client.get(URL, {"trang_thai": "failed"}).content.decode()) == ["Lỗi SMS"]
    assert rows(client.get(URL, {"loai": "overdue"}).content.decode()) == ["Nhắc thư"]
    assert rows(client.get(URL, {"kenh": "email", "trang_thai": "sent"}).content.decode()) == ["Nhắc thư", "Biên nhận"]
    response = client.get(URL, {"trang_thai": "không-có", "kenh": "sms"})
    assert response.status_code == 200
    assert "Một số bộ lọc không hợp lệ và đã được bỏ qua." in response.content.decode()
    assert rows(response.content.decode()) == ["Lỗi SMS"]


def test_the_list_is_paged(client, commune, coordinator):
    for i in range(31):
        message(commune.unit, f"k{i}", subject=f"Thư {i:02d}", minutes_ago=i)
    client.force_login(coordinator)

    first = client.get(URL).content.decode()
    second = client.get(URL, {"trang": 2}).content.decode()

    assert len(rows(first)) == 30 and rows(second) == ["Thư 30"]
    assert "Trang 1/2" in first and "31 thư, tin nhắn" in first


@pytest.mark.parametrize("n", [3, 40])
def test_the_pages_cost_a_bounded_number_of_queries(
    client, commune, coordinator, denunciation, n, django_assert_max_num_queries
):
    for i in range(n):
        message(commune.unit, f"k{i}", petition=denunciation if i % 2 else None)
    client.force_login(coordinator)
    last = Notification.objects.latest("pk")
    # session, user, roles, count, page, counts by status; and up to 3 when the session's activity is written
    with django_assert_max_num_queries(9):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(7):  # session, user, roles, the message (with its unit); + the session write
        assert client.get(f"{URL}{last.pk}/").status_code == 200


# ---------------------------------------------------------------- Gửi lại


def test_the_coordinator_sends_a_failed_message_again(
    client, commune, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    n = message(commune.unit, "a", status=S.FAILED, error="Máy chủ thư ngắt kết nối", attempts=1)
    client.force_login(coordinator)
    assert "Gửi lại</button>" in client.get(f"{URL}{n.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{n.pk}/gui-lai/", follow=True)

    assert "Đã đưa thư, tin nhắn vào hàng đợi gửi lại." in response.content.decode()
    n.refresh_from_db()
    assert (n.status, n.error, n.attempts) == (S.SENT, "", 2)
    assert [m.to for m in mail.outbox] == [["dan@example.vn"]]


def test_only_the_coordinator_sends_again_and_only_what_failed(client, commune, coordinator, user_with_role):
    failed = message(commune.unit, "a", status=S.FAILED)
    sent = message(commune.unit, "b", status=S.SENT)
    client.force_login(user_with_role("chair", commune.unit))
    assert "Gửi lại</button>" not in client.get(f"{URL}{failed.pk}/").content.decode()
    assert client.post(f"{URL}{failed.pk}/gui-lai/").status_code == 403

    client.force_login(coordinator)
    response = client.post(f"{URL}{sent.pk}/gui-lai/", follow=True)
    assert "Chỉ gửi lại được thư, tin nhắn gửi lỗi hoặc đang lưu tại hộp thư." in response.content.decode()
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, sent.status) == (S.FAILED, S.SENT)


def test_a_kept_message_is_not_sent_again_while_no_mail_server_is_configured(client, commune, coordinator, settings):
    settings.EMAIL_BACKEND = "doithoai.notifications.backends.OutboxOnly"
    kept = message(commune.unit, "a", status=S.KEPT)
    client.force_login(coordinator)
    assert "Gửi lại</button>" not in client.get(f"{URL}{kept.pk}/").content.decode()
    response = client.post(f"{URL}{kept.pk}/gui-lai/", follow=True)
    assert "Chưa cấu hình máy chủ gửi" in response.content.decode()
    kept.refresh_from_db()
    assert kept.status == S.KEPT


# ---------------------------------------------------------------- whose outbox


def test_a_message_goes_to_the_outbox_of_its_petitions_unit_or_of_its_staff_recipient(
    commune, other_commune, user_with_role
):
    petition = factories.PetitionFactory(unit=other_commune.unit)
    officer = user_with_role("agency", commune.unit, commune.economy)
    about = notify(
        "t:1", kind="status", channel="email", recipient="a@example.vn", subject="s", body="b", petition=petition
    )
    staff = notify(
        "t:2", kind="digest", channel="email", recipient="b@example.vn", subject="s", body="b", recipient_user=officer
    )
    given = notify(
        "t:3",
        kind="digest",
        channel="email",
        recipient="c@example.vn",
        subject="s",
        body="b",
        unit_id=other_commune.unit.pk,
    )
    assert (about.unit_id, staff.unit_id, given.unit_id) == (
        other_commune.unit.pk,
        commune.unit.pk,
        other_commune.unit.pk,
    )


def test_an_event_key_with_an_address_is_refused():
    with pytest.raises(ValueError):
        notify(
            "petition:1:to:a@example.vn",
            kind="status",
            channel="email",
            recipient="a@example.vn",
            subject="s",
            body="b",
        )


def test_existing_messages_get_their_unit_from_the_migration(commune, user_with_role):
    from doithoai.plans.models import Dialogue

    petition = factories.PetitionFactory(unit=commune.unit)
    officer = user_with_role("agency", commune.unit, commune.economy)
    dialogue = factories.DialogueFactory(unit=commune.unit)
    rows_ = [
        message(None, "petition:1:receipt:email", petition=petition),
        message(None, "assignment:1:assigned:user:1", recipient_user=officer),
        message(None, f"unit:{commune.unit.pk}:digest:2026-12-07:user:1"),
        message(None, f"dialogue:{dialogue.pk}:announce:due:2026-12-10:user:1"),
        message(None, "dialogue:999999:announce:due:2026-12-10:user:1"),  # its dialogue is gone: left without
    ]
    assert Dialogue.objects.filter(pk=dialogue.pk).exists()
    migration = importlib.import_module("doithoai.notifications.migrations.0003_unit_of_existing_messages")

    migration.set_units(apps, None)

    units = [Notification.objects.get(pk=n.pk).unit_id for n in rows_]
    assert units == [commune.unit.pk] * 4 + [None]
