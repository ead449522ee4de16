"""The admin (/quan-tri/) keeps notifications read-only, and never shows nor finds a complainant's or a denouncer's
contact: masked in the list and the detail, the text hidden, a search by the address finds nothing."""

import re

import pytest

from doithoai.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

LIST = "/quan-tri/notifications/notification/"
SECRET = "to.cao.nguoi@gmail.com"


@pytest.fixture
def admin_client(client, commune):
    client.force_login(factories.UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


def _message(commune, key, recipient, kind="kien_nghi", body="Nội dung thư."):
    petition = factories.PetitionFactory(unit=commune.unit, kind=kind, submitter_email=recipient)
    return Notification.objects.create(
        event_key=key,
        kind="receipt",
        channel="email",
        recipient=recipient,
        subject=f"Mã {petition.code}",
        body=body,
        petition=petition,
        unit=commune.unit,
    )


@pytest.mark.parametrize("kind", ["to_cao", "khieu_nai"])
def test_a_confidential_cases_recipient_is_masked_and_its_text_hidden(admin_client, commune, kind):
    n = _message(commune, "a", SECRET, kind=kind, body=f"Gửi {SECRET}: đã tiếp nhận.")

    listing = admin_client.get(LIST)
    detail = admin_client.get(f"{LIST}{n.pk}/change/")

    assert listing.status_code == detail.status_code == 200
    for response in (listing, detail):
        assert SECRET not in response.content.decode()
    assert "t***@g***.com" in listing.content.decode()
    assert "t***@g***.com" in detail.content.decode() and "(ẩn: khiếu nại, tố cáo)" in detail.content.decode()
    assert n.petition.code in detail.content.decode() and n.petition.content[:30] not in detail.content.decode()


def test_an_ordinary_message_is_shown_in_full(admin_client, commune):
    n = _message(commune, "a", "nguoi.gui@example.vn", body="Đã tiếp nhận ý kiến của bạn.")
    detail = admin_client.get(f"{LIST}{n.pk}/change/").content.decode()
    assert "nguoi.gui@example.vn" in detail and "Đã tiếp nhận ý kiến của bạn." in detail
    assert "nguoi.gui@example.vn" in admin_client.get(LIST).content.decode()


def _recipients(response) -> list[str]:
    return re.findall(r'<td class="field-recipient_shown">([^<]*)</td>', response.content.decode())


def test_searching_by_a_confidential_recipient_finds_nothing(admin_client, commune):
    _message(commune, "petition:1:receipt:email", SECRET, kind="to_cao")
    _message(commune, "petition:2:receipt:email", SECRET + ".vn")  # an ordinary one whose address contains it

    assert _recipients(admin_client.get(LIST, {"q": SECRET})) == [SECRET + ".vn"]
    assert _recipients(admin_client.get(LIST, {"q": "petition:1:"})) == ["t***@g***.com"]  # by its key: masked


def test_notifications_are_read_only_in_the_admin(admin_client, commune):
    n = _message(commune, "a", "nguoi.gui@example.vn")
    assert admin_client.get(f"{LIST}add/").status_code == 403
    response = admin_client.post(f"{LIST}{n.pk}/change/", {"recipient": "khac@example.vn", "status": "sent"})
    assert response.status_code == 403
    n.refresh_from_db()
    assert (n.recipient, n.status) == ("nguoi.gui@example.vn", Notification.Status.QUEUED)
