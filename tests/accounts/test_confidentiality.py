"""Confidentiality that no path bypasses: the admin, an organisation whose opinion became a tố cáo, the province
and the MTTQ's supervisory view never read an identity they may not read."""

import pytest
from django.test import Client

from doithoai.accounts.models import User
from doithoai.petitions import actions
from doithoai.petitions.models import HistoryEntry, Petition, Topic
from doithoai.plans.models import SpeakerRequest
from tests import factories
from tests.crawl import crawl

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "petitions/petition",
    "petitions/answer",
    "petitions/assignment",
    "petitions/historyentry",
    "petitions/attachment",
    "petitions/identityview",
    "petitions/extensionrequest",
    "plans/dialogue",
    "plans/plan",
    "plans/announcement",
    "plans/speakerrequest",
    "plans/invitation",
    "documents/document",
]


@pytest.fixture
def admin_client(db):
    admin = factories.UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def _denunciation(commune, organization=None) -> Petition:
    return (
        actions.submit_petition(
            commune.unit,
            content="Tố cáo cán bộ địa chính nhận tiền khi làm sổ đỏ.",
            channel="online",
            kind="to_cao",
            name="Trần Văn Tố",
            phone="0912345678",
            email="to.cao@example.vn",
            address="Xóm Đình, số 12",
            consent=True,
        )
        if organization is None
        else actions.submit_petition(
            commune.unit,
            content="Hội viên phản ánh cán bộ địa chính nhận tiền khi làm sổ đỏ.",
            channel="org_batch",
            kind="kien_nghi",
            name="Trần Văn Tố",
            phone="0912345678",
            organization=organization,
            by=User.objects.get(username="hoinongdan"),
            attachments=[_png()],
        )
    )


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
        "c0f01f0005000201b5a9f1a60000000049454e44ae426082"
    )
    return SimpleUploadedFile("bien-nhan.png", png, content_type="image/png")


# ------------------------------------------------------------------ the admin


@pytest.mark.parametrize("model", ADMIN_PAGES)
def test_the_admin_can_add_change_or_delete_nothing_the_workflow_owns(admin_client, model):
    assert admin_client.get(f"/quan-tri/{model}/").status_code == 200
    assert admin_client.get(f"/quan-tri/{model}/add/").status_code == 403


def test_the_admin_cannot_change_a_complaints_kind_or_unit_and_writes_no_history(commune, other_commune, admin_client):
    petition = actions.submit_petition(
        commune.unit,
        content="Khiếu nại quyết định thu hồi đất.",
        channel="online",
        kind="khieu_nai",
        name="Lê Thị Khiếu",
        phone="0987654321",
        consent=True,
    )
    url = f"/quan-tri/petitions/petition/{petition.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Lê Thị Khiếu" not in body and "0987654321" not in body
    assert 'name="kind"' not in body and 'name="unit"' not in body and 'name="content"' not in body
    posted = admin_client.post(url, {"kind": "gop_y", "unit": other_commune.unit.pk, "content": "đổi"})
    assert posted.status_code == 403
    petition.refresh_from_db()
    assert (petition.kind, petition.unit_id) == ("khieu_nai", commune.unit.pk)
    assert petition.history.count() == 1
    assert admin_client.post(f"/quan-tri/petitions/petition/{petition.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_admin_shows_an_ordinary_submitters_identity_read_only(commune, admin_client):
    petition = actions.submit_petition(
        commune.unit, content="Đề nghị sửa đường thôn Trung.", channel="online", name="Ngô Văn Đường", consent=True
    )
    body = admin_client.get(f"/quan-tri/petitions/petition/{petition.pk}/change/").content.decode()
    assert "Ngô Văn Đường" in body and 'name="submitter_name"' not in body


def test_the_admin_finds_opinions_by_code_not_by_the_words_inside_them(commune, admin_client):
    petition = _denunciation(commune)
    assert admin_client.get("/quan-tri/petitions/petition/?q=dia+chinh").context["cl"].result_count == 0
    assert admin_client.get(f"/quan-tri/petitions/petition/?q={petition.code}").context["cl"].result_count == 1


# ------------------------------------------------------------------ an organisation's opinion becomes a tố cáo


@pytest.fixture
def farmers_rep(commune, user_with_role):
    return user_with_role("org_rep", commune.unit, commune.farmers, username="hoinongdan")


def test_an_organisation_loses_the_identity_notes_and_files_when_its_opinion_becomes_a_to_cao(
    commune, farmers_rep, user_with_role, django_capture_on_commit_callbacks
):
    coordinator = user_with_role("coordinator", commune.unit, username="vanphong")
    with django_capture_on_commit_callbacks(execute=True):
        petition = _denunciation(commune, commune.farmers)
    HistoryEntry.objects.create(petition=petition, at=petition.received_at, action="note", note="Ghi chú nội bộ XYZ")
    attachment = petition.attachments.get()
    org = Client()
    org.force_login(farmers_rep)
    before = org.get(f"/can-bo/y-kien/{petition.pk}/").content.decode()
    assert "Trần Văn Tố" in before and "Ghi chú nội bộ XYZ" in before  # still a kiến nghị: its own submission

    actions.classify(
        petition,
        topic=Topic.objects.get(code="dat_dai", unit__isnull=True),
        kind="to_cao",
        jurisdiction="commune",
        by=coordinator,
    )
    page = org.get(f"/can-bo/y-kien/{petition.pk}/")
    assert page.status_code == 200  # it keeps following the public steps
    body = page.content.decode()
    assert "Trần Văn Tố" not in body and "0912345678" not in body
    assert "Ghi chú nội bộ XYZ" not in body
    assert "Thông tin người gửi được bảo mật" in body
    assert org.post(f"/can-bo/y-kien/{petition.pk}/danh-tinh/").status_code == 403
    assert org.get(f"/can-bo/y-kien/{petition.pk}/tep/{attachment.pk}/").status_code == 404
    office = Client()
    office.force_login(coordinator)
    assert "Ghi chú nội bộ XYZ" in office.get(f"/can-bo/y-kien/{petition.pk}/").content.decode()
    assert office.get(f"/can-bo/y-kien/{petition.pk}/tep/{attachment.pk}/").status_code == 200


# ------------------------------------------------------------------ the province and the MTTQ read no identity


def _crawl(client: Client, limit: int = 120) -> dict[str, str]:
    """Every staff page reachable by links from the staff home (GET only), with its HTML."""
    return {url: html for url, (_status, html, _from) in crawl(client, limit=limit).items()}


def _identities(petitions) -> set[str]:
    values = set()
    for p in petitions:
        values |= {v for v in (p.submitter_name, p.submitter_phone, p.submitter_email) if v and len(v) > 5}
    return values


def test_the_province_reads_plans_and_dialogues_but_never_an_identity(demo):
    province = User.objects.get(username="tinh")
    client = Client()
    client.force_login(province)
    pages = _crawl(client)
    assert any(u.startswith("/can-bo/ke-hoach/") for u in pages)  # the plan is sent to the province "b/c"
    secrets = _identities(Petition.objects.all())
    secrets |= {v for s in SpeakerRequest.objects.all() for v in (s.name, s.phone) if v and len(v) > 5}
    leaked = {s for s in secrets for html in pages.values() if s in html}
    assert not leaked
    assert client.get(f"/can-bo/y-kien/{Petition.objects.first().pk}/").status_code == 404


def test_the_mttq_supervisor_reads_no_identity_of_other_submitters(demo):
    mttq = User.objects.get(username="mttq")
    client = Client()
    client.force_login(mttq)
    pages = _crawl(client, limit=80)
    others = Petition.objects.exclude(submitter_organization__name__icontains="Mặt trận")
    leaked = {s for s in _identities(others) for html in pages.values() if s in html}
    assert not leaked
