"""Quick staff entry of opinions (/can-bo/y-kien/nhap/): who may enter for which dialogue, what is saved, and how
bad input is answered."""

import datetime as dt
import re
import unicodedata
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone

from doithoai.accounts import permissions
from doithoai.accounts.context_processors import navigation
from doithoai.accounts.models import Organization
from doithoai.petitions.models import Attachment, HistoryEntry, Petition
from doithoai.plans.models import Dialogue, DialogueMember
from tests.factories import (
    DialogueFactory,
    DialogueMemberFactory,
    OrganizationFactory,
    PetitionFactory,
    PlanFactory,
    UserFactory,
)
from tests.portal.test_pages import assert_csp_clean

URL = "/can-bo/y-kien/nhap/"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    + b"\x00" * 64
)


def at(year, month, day, hour=8):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


@pytest.fixture
def world(commune, other_commune, frozen_demo_now):
    """Tân Yên's 2026 dialogues (a conference today, a reception day, one of 2025), a village, and a dialogue of
    another commune; "today" is 27/11/2026."""
    plan = PlanFactory(unit=commune.unit)
    return SimpleNamespace(
        commune=commune,
        conference=DialogueFactory(
            unit=commune.unit,
            plan=plan,
            title="Hội nghị đối thoại trực tiếp",
            starts_at=at(2026, 11, 27),
            status=Dialogue.Status.ANNOUNCED,
        ),
        reception=DialogueFactory(
            unit=commune.unit,
            plan=None,
            kind=Dialogue.Kind.RECEPTION,
            title="Ngày tiếp công dân của Bí thư",
            starts_at=at(2026, 11, 16),
            status=Dialogue.Status.HELD,
        ),
        last_year=DialogueFactory(
            unit=commune.unit,
            plan=None,
            title="Giao ban quý IV năm 2025",
            kind=Dialogue.Kind.REGULAR,
            starts_at=at(2025, 12, 18),
            status=Dialogue.Status.CONCLUDED,
        ),
        foreign=DialogueFactory(
            unit=other_commune.unit,
            plan=None,
            title="Hội nghị của xã Ngọc Thiện",
            starts_at=at(2026, 11, 20),
            status=Dialogue.Status.HELD,
        ),
        village=OrganizationFactory(unit=commune.unit, name="Thôn Trung", kind=Organization.Kind.VILLAGE),
    )


@pytest.fixture
def receiver(world):
    """An account whose only right is a receiver's seat at today's conference."""
    seat = DialogueMemberFactory(dialogue=world.conference, role=DialogueMember.Role.RECEIVER)
    return seat.user


def entry(world, **changes) -> dict:
    data = {
        "channel": Petition.Channel.WRITTEN_AT_DIALOGUE,
        "dialogue": str(world.conference.pk),
        "name": "Nguyễn Văn Hải",
        "phone": "0912 345 678",
        "village": str(world.village.pk),
        "address": "Xóm Giữa",
        "organization_name": "",
        "kind": Petition.Kind.KIEN_NGHI,
        "content": "Đề nghị sửa đoạn đường bê tông thôn Trung bị xuống cấp.",
    }
    data.update(changes)
    return data


def dialogue_choices(response) -> set[str]:
    values = set()
    for value, label in response.context["form"].fields["dialogue"].choices:
        values |= {v for v, _ in label} if isinstance(label, list | tuple) else {value}
    return values - {""}


# ---------------------------------------------------------------- who may enter


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


def test_account_without_a_role_cannot_open_the_entry_page(client, world):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    assert client.post(URL, entry(world)).status_code == 403
    assert not Petition.objects.exists()


def test_agency_officer_cannot_enter_opinions(client, world, user_with_role):
    client.force_login(user_with_role("agency", world.commune.unit, world.commune.economy))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}?buoi={world.conference.pk}").status_code == 403
    assert client.post(URL, entry(world)).status_code == 403
    assert not Petition.objects.exists()


def test_receiver_can_enter_only_for_the_dialogue_where_they_sit(client, world, receiver):
    client.force_login(receiver)
    response = client.get(f"{URL}?buoi={world.conference.pk}")
    assert response.status_code == 200
    assert dialogue_choices(response) == {str(world.conference.pk)}
    assert client.get(f"{URL}?buoi={world.reception.pk}").status_code == 404
    assert client.get(f"{URL}?buoi={world.foreign.pk}").status_code == 404
    assert client.get(f"{URL}?buoi=999999").status_code == 404
    assert client.get(f"{URL}?buoi=abc").status_code == 404

    response = client.post(URL, entry(world, dialogue=str(world.reception.pk)))
    assert response.status_code == 422
    assert not Petition.objects.exists()


def test_coordinator_of_another_commune_gets_404_for_this_communes_dialogue(client, world, user_with_role):
    client.force_login(user_with_role("coordinator", world.foreign.unit))
    assert client.get(f"{URL}?buoi={world.conference.pk}").status_code == 404
    assert client.get(f"{URL}?buoi={world.foreign.pk}").status_code == 200


def test_coordinator_chooses_among_the_years_dialogues_of_the_commune_with_reception_days(
    client, world, user_with_role
):
    client.force_login(user_with_role("coordinator", world.commune.unit))
    response = client.get(URL)
    assert response.status_code == 200
    assert dialogue_choices(response) == {str(world.conference.pk), str(world.reception.pk)}
    # today's conference is chosen already, with the channel of a conference
    assert response.context["form"].initial == {"channel": "spoken_at_dialogue", "dialogue": str(world.conference.pk)}
    # an earlier dialogue of the commune may still be named explicitly
    assert client.get(f"{URL}?buoi={world.last_year.pk}").status_code == 200


def test_a_reception_day_in_the_address_preselects_the_reception_channel(client, world, user_with_role):
    client.force_login(user_with_role("chair", world.commune.unit))
    response = client.get(f"{URL}?buoi={world.reception.pk}")
    assert response.context["form"].initial == {"channel": "reception", "dialogue": str(world.reception.pk)}


# ---------------------------------------------------------------- what is saved


def test_entry_creates_the_petition_with_channel_dialogue_creator_and_unit(client, world, receiver):
    client.force_login(receiver)
    response = client.post(f"{URL}?buoi={world.conference.pk}", entry(world))
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert (petition.channel, petition.dialogue, petition.created_by, petition.unit) == (
        "written_at_dialogue",
        world.conference,
        receiver,
        world.commune.unit,
    )
    assert (petition.submitter_name, petition.submitter_phone, petition.village) == (
        "Nguyễn Văn Hải",
        "0912345678",
        world.village,
    )
    assert petition.status == Petition.Status.RECEIVED
    assert HistoryEntry.objects.filter(petition=petition, action="receive", actor=receiver).exists()

    # "Lưu và nhập tiếp": the same form again, channel and dialogue kept, with a green message naming the code
    page = client.get(response.url)
    html = page.content.decode()
    assert f"Mã theo dõi: {petition.code}" in html and "message-success" in html
    assert page.context["form"].initial == {"channel": "written_at_dialogue", "dialogue": str(world.conference.pk)}
    assert not page.context["form"].is_bound and "Nguyễn Văn Hải" not in html


def test_htmx_entry_swaps_in_the_form_again_with_the_new_code(client, world, receiver):
    client.force_login(receiver)
    response = client.post(URL, entry(world), headers={"HX-Request": "true"})
    petition = Petition.objects.get()
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith("<form")
    assert 'hx-target="this"' in html and 'hx-swap="outerHTML"' in html
    assert f'<strong class="code">{petition.code}</strong>' in html
    assert f'<option value="{world.conference.pk}" selected>' in html
    assert '<option value="written_at_dialogue" selected>' in html
    # the receiver's list under the form is refreshed out of band
    assert 'id="vua-nhap"' in html and 'hx-swap-oob="true"' in html and petition.code in html.split('id="vua-nhap"')[1]


def test_coordinator_records_a_phone_call_without_a_dialogue(client, world, user_with_role):
    coordinator = user_with_role("coordinator", world.commune.unit)
    client.force_login(coordinator)
    response = client.post(URL, entry(world, channel="phone", dialogue=""))
    assert response.status_code == 302 and "kenh=phone" in response.url and "buoi" not in response.url
    petition = Petition.objects.get()
    assert (petition.channel, petition.dialogue, petition.unit, petition.created_by) == (
        "phone",
        None,
        world.commune.unit,
        coordinator,
    )


def test_an_opinion_spoken_at_a_conference_needs_its_dialogue(client, world, user_with_role):
    client.force_login(user_with_role("coordinator", world.commune.unit))
    response = client.post(URL, entry(world, channel="spoken_at_dialogue", dialogue=""))
    assert response.status_code == 422
    assert "Xin chọn buổi đối thoại nơi ý kiến được nêu." in response.content.decode()
    assert not Petition.objects.exists()


def test_a_receiver_must_name_the_dialogue_even_for_a_letter(client, world, receiver):
    client.force_login(receiver)
    response = client.post(URL, entry(world, channel="letter", dialogue=""))
    assert response.status_code == 422
    assert "Xin chọn buổi nơi bạn tiếp nhận ý kiến này." in response.content.decode()
    assert not Petition.objects.exists()


def test_attachments_are_kept_and_more_than_five_are_refused(client, world, receiver):
    client.force_login(receiver)
    photo = SimpleUploadedFile("anh-duong.png", PNG, content_type="image/png")
    assert client.post(URL, {**entry(world), "attachments": [photo]}).status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type) == ("anh-duong.png", "image/png")

    six = [SimpleUploadedFile(f"anh-{i}.png", PNG, content_type="image/png") for i in range(6)]
    response = client.post(URL, {**entry(world), "attachments": six})
    assert response.status_code == 422
    assert "Chỉ được gửi tối đa 5 tệp." in response.content.decode()
    assert Petition.objects.count() == 1


def test_a_file_that_is_not_an_image_or_document_is_refused(client, world, receiver):
    client.force_login(receiver)
    script = SimpleUploadedFile("anh.png", b"#!/bin/sh\necho pwned\n", content_type="image/png")
    response = client.post(URL, {**entry(world), "attachments": [script]})
    assert response.status_code == 422
    assert "hệ thống không nhận loại tệp này" in response.content.decode()
    assert not Petition.objects.exists()


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"content": "   "}, "Xin nhập nội dung ý kiến."),
        ({"content": "đ" * 100_000}, "Nội dung quá dài (tối đa 20.000 ký tự)."),
        ({"phone": "12345"}, "Số điện thoại không hợp lệ"),
        ({"kind": "to_cao", "name": ""}, "Khiếu nại, tố cáo cần ghi rõ họ tên người gửi."),
        ({"channel": "online"}, "Lựa chọn này không có trong danh sách; xin chọn lại."),
    ],
    ids=["empty", "too-long", "phone", "denunciation-without-name", "public-channel"],
)
def test_bad_input_is_answered_in_vietnamese_and_saves_nothing(client, world, receiver, changes, message):
    client.force_login(receiver)
    response = client.post(URL, entry(world, **changes))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert "field-invalid" in html and "Xin sửa các mục được đánh dấu bên dưới." in html
    assert not Petition.objects.exists()


def test_bad_input_in_htmx_returns_the_form_with_its_errors(client, world, receiver):
    client.force_login(receiver)
    response = client.post(URL, entry(world, content=""), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only successful responses
    assert html.lstrip().startswith("<form") and "Xin nhập nội dung ý kiến." in html
    assert re.search(r'<textarea[^>]*autofocus[^>]*id="id_content"', html)
    assert not Petition.objects.exists()


def test_text_typed_in_decomposed_form_is_stored_composed(client, world, receiver):
    client.force_login(receiver)
    text = "Đường thôn Trung xuống cấp, đề nghị sửa chữa"
    name = "Nguyễn Thị Hường"
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    client.post(URL, entry(world, content=decomposed, name=unicodedata.normalize("NFD", name)))
    petition = Petition.objects.get()
    assert (petition.content, petition.submitter_name) == (text, name)
    assert petition.search_key == "duong thon trung xuong cap de nghi sua chua"


def test_markup_is_stored_as_text_and_escaped_in_the_list(client, world, receiver):
    client.force_login(receiver)
    content = "<script>alert('x')</script> Cống thôn Trung bị tắc"
    client.post(URL, entry(world, content=content))
    assert Petition.objects.get().content == content
    response = client.get(f"{URL}?buoi={world.conference.pk}")
    html = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Cống thôn Trung bị tắc" in html
    assert "<script>alert" not in html
    assert_csp_clean(response)


# ---------------------------------------------------------------- the receiver's list


def test_receiver_sees_the_last_20_opinions_they_entered_for_the_dialogue(client, world, receiver):
    start = at(2026, 11, 27, 8)
    mine = [
        PetitionFactory(
            unit=world.commune.unit,
            dialogue=world.conference,
            created_by=receiver,
            channel="spoken_at_dialogue",
            received_at=start + dt.timedelta(minutes=i),
            content=f"Ý kiến số {i:02d} " + "rất dài " * 30,
        )
        for i in range(22)
    ]
    someone_else = PetitionFactory(
        unit=world.commune.unit,
        dialogue=world.conference,
        created_by=UserFactory(),
        channel="spoken_at_dialogue",
        received_at=start + dt.timedelta(hours=1),
    )
    client.force_login(receiver)
    response = client.get(f"{URL}?buoi={world.conference.pk}")
    shown = [p.code for p in response.context["recent"]]
    assert shown == [p.code for p in reversed(mine[2:])]
    html = response.content.decode()
    assert someone_else.code not in html and mine[0].code not in html
    assert "Ý kiến số 21 rất dài" in html and mine[21].content not in html and "…" in html


# ---------------------------------------------------------------- cost and markup


@pytest.mark.parametrize("existing", [2, 40])
def test_entry_page_costs_a_bounded_number_of_queries(
    client, world, receiver, user_with_role, django_assert_max_num_queries, existing
):
    for i in range(existing):
        PetitionFactory(
            unit=world.commune.unit,
            dialogue=world.conference,
            created_by=receiver,
            channel="spoken_at_dialogue",
            received_at=at(2026, 11, 27) + dt.timedelta(minutes=i),
        )
    for i in range(existing):
        OrganizationFactory(unit=world.commune.unit, name=f"Thôn số {i}", kind=Organization.Kind.VILLAGE)
    client.force_login(receiver)
    with django_assert_max_num_queries(10):
        assert client.get(f"{URL}?buoi={world.conference.pk}").status_code == 200
    client.force_login(user_with_role("coordinator", world.commune.unit))
    with django_assert_max_num_queries(7):
        assert client.get(URL).status_code == 200


def test_entry_page_is_csp_clean_and_every_field_has_a_label(client, world, receiver):
    client.force_login(receiver)
    response = client.get(f"{URL}?buoi={world.conference.pk}")
    assert_csp_clean(response)
    html = response.content.decode()
    for name in (
        "channel",
        "dialogue",
        "name",
        "phone",
        "village",
        "address",
        "organization_name",
        "kind",
        "content",
        "attachments",
    ):
        assert f'<label for="id_{name}"' in html, name
    assert 'enctype="multipart/form-data"' in html and "Lưu và nhập tiếp" in html
    assert re.search(r'<input type="file" name="attachments"[^>]*\bmultiple\b[^>]*id="id_attachments"', html)


# ---------------------------------------------------------------- navigation


def _nav_labels(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [label for label, _ in navigation(request)["nav_items"]]


def test_navigation_offers_entry_to_coordinators_chairs_and_dialogue_seats(world, receiver, user_with_role):
    unit = world.commune.unit
    assert "Nhập ý kiến" in _nav_labels(user_with_role("coordinator", unit))
    assert "Nhập ý kiến" in _nav_labels(user_with_role("chair", unit))
    assert "Nhập ý kiến" in _nav_labels(receiver)
    assert "Nhập ý kiến" not in _nav_labels(user_with_role("agency", unit, world.commune.economy))
    assert "Nhập ý kiến" not in _nav_labels(user_with_role("org_rep", unit, world.commune.farmers))
    assert "Nhập ý kiến" not in _nav_labels(UserFactory())


def test_navigation_adds_no_query_for_an_account_with_a_role(
    world, receiver, user_with_role, django_assert_num_queries
):
    coordinator = user_with_role("coordinator", world.commune.unit)
    permissions.roles_of(coordinator)  # read once per request by the page itself
    with django_assert_num_queries(0):
        _nav_labels(coordinator)
    permissions.roles_of(receiver)
    with django_assert_num_queries(1):  # the seat, asked only of an account without a role
        _nav_labels(receiver)


def test_a_secretary_starts_on_the_latest_dialogue_that_has_begun(client, world):
    coming = DialogueFactory(
        unit=world.commune.unit,
        plan=None,
        title="Giao ban quý IV",
        kind=Dialogue.Kind.REGULAR,
        starts_at=at(2026, 12, 18),
        status=Dialogue.Status.SCHEDULED,
    )
    secretary = UserFactory()
    for dialogue in (world.reception, coming):
        DialogueMemberFactory(dialogue=dialogue, user=secretary, role=DialogueMember.Role.SECRETARY)
    client.force_login(secretary)
    response = client.get(URL)
    assert dialogue_choices(response) == {str(world.reception.pk), str(coming.pk)}
    assert response.context["form"].initial == {"channel": "reception", "dialogue": str(world.reception.pk)}


def test_a_coordinator_of_two_communes_names_the_commune_of_a_letter(client, world, user_with_role):
    from doithoai.accounts.models import RoleAssignment

    coordinator = user_with_role("coordinator", world.commune.unit)
    RoleAssignment.objects.create(user=coordinator, unit=world.foreign.unit, role="coordinator")
    client.force_login(coordinator)
    letter = entry(world, channel="letter", dialogue="", village="")
    response = client.post(URL, letter)
    assert response.status_code == 422 and "Xin chọn xã tiếp nhận ý kiến này." in response.content.decode()
    assert client.post(URL, {**letter, "unit": str(world.foreign.unit.pk)}).status_code == 302
    assert Petition.objects.get().unit == world.foreign.unit
