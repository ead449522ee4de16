"""Staff pages of speaker registration: the queue and its actions, staff entry, printed slips, the business list."""

import re

import pytest
from django.urls import reverse

from doithoai.accounts.models import Organization
from doithoai.plans import actions
from doithoai.plans.models import Dialogue, Invitation, PrintedSlip, SpeakerRequest
from tests.factories import DialogueFactory, DialogueMemberFactory, OrganizationFactory, PetitionFactory, UserFactory
from tests.portal.test_pages import assert_csp_clean

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
S = SpeakerRequest.Status


def queue_url(d):
    return reverse("plans:speaker_queue", args=[d.pk])


def add(d, name, by, **extra):
    extra.setdefault("summary", f"Ý kiến của {name} về đường giao thông nông thôn.")
    return actions.register_speaker(d, name=name, by=by, **extra)


def order(d):
    return list(
        SpeakerRequest.objects.filter(dialogue=d)
        .exclude(status=S.WITHDRAWN)
        .order_by("position", "created_at", "pk")
        .values_list("name", flat=True)
    )


@pytest.fixture
def w(plans_world):
    return plans_world


@pytest.fixture
def queue(w):
    """Three requests at the dialogue, in the order An, Bình, Cúc."""
    return [
        add(w.dialogue, "Nguyễn Văn An", w.coordinator, phone="0912345678", on_behalf_of="Hộ kinh doanh thôn Trung"),
        add(w.dialogue, "Trần Thị Bình", w.coordinator),
        add(w.dialogue, "Lê Văn Cúc", w.coordinator),
    ]


# ---------------------------------------------------------------- who may open the queue


@pytest.mark.parametrize("who", ["coordinator", "chair", "secretary", "receiver"])
def test_queue_open_to_unit_staff_and_this_dialogues_seats(client, w, queue, who):
    client.force_login(getattr(w, who))
    response = client.get(queue_url(w.dialogue))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Văn An" in html and "0912345678" in html  # the phone, to these staff only
    assert_csp_clean(response)


@pytest.mark.parametrize(
    "who,status",
    [("agency", 403), ("org_rep", 403), ("publisher", 403), ("foreign_coordinator", 404), ("citizen", 404)],
)
def test_queue_closed_to_others(client, w, queue, who, status):
    client.force_login(getattr(w, who))
    assert client.get(queue_url(w.dialogue)).status_code == status
    assert client.post(reverse("plans:speaker_accept", args=[w.dialogue.pk, queue[0].pk])).status_code == status
    assert SpeakerRequest.objects.get(pk=queue[0].pk).status == S.REQUESTED


def test_seat_at_one_dialogue_opens_no_other(client, w, queue):
    """The secretary (agency role in the unit) gets 403 at another dialogue; a receiver without a unit role, 404."""
    client.force_login(w.secretary)
    assert client.get(queue_url(w.other_dialogue)).status_code == 403
    bare = UserFactory(username="chi-tiep-nhan")
    DialogueMemberFactory(dialogue=w.other_dialogue, user=bare, role="receiver")
    client.force_login(bare)
    assert client.get(queue_url(w.other_dialogue)).status_code == 200
    assert client.get(queue_url(w.dialogue)).status_code == 404
    assert client.get(reverse("plans:slips", args=[w.dialogue.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, w):
    response = client.get(queue_url(w.dialogue))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_request_of_another_dialogue_is_404(client, w, queue):
    foreign = DialogueFactory(unit=w.other.unit, title="Buổi xã bên")
    theirs = add(foreign, "Người xã bên", w.foreign_coordinator)
    client.force_login(w.coordinator)
    assert client.post(reverse("plans:speaker_accept", args=[w.dialogue.pk, theirs.pk])).status_code == 404
    assert client.get(queue_url(foreign)).status_code == 404


def test_phone_never_on_the_business_list(client, w):
    business = DialogueFactory(unit=w.c.unit, kind=Dialogue.Kind.BUSINESS, title="Đối thoại với doanh nghiệp 2026")
    add(business, "Chủ doanh nghiệp", w.coordinator, phone="0988777666", as_business=True)
    client.force_login(w.coordinator)
    html = client.get(reverse("plans:business", args=[business.pk])).content.decode()
    assert "Chủ doanh nghiệp" in html and "0988777666" not in html


# ---------------------------------------------------------------- the queue: order, moves, accept, withdraw


def test_queue_in_order_with_badges_and_withdrawn_apart(client, w, queue):
    actions.accept_speaker(queue[1], by=w.coordinator)
    actions.withdraw_speaker(queue[2], by=w.coordinator)
    client.force_login(w.coordinator)
    html = client.get(queue_url(w.dialogue)).content.decode()
    assert html.index("Nguyễn Văn An") < html.index("Trần Thị Bình") < html.index("Đã rút đăng ký (1)")
    assert html.index("Đã rút đăng ký (1)") < html.index("Lê Văn Cúc")
    for label in ("Đã đăng ký", "Được phát biểu", "Rút đăng ký"):
        assert label in html
    assert "Hộ kinh doanh thôn Trung" in html


def test_move_up_down_and_to_position_without_javascript(client, w, queue):
    client.force_login(w.coordinator)
    move = reverse("plans:speaker_move", args=[w.dialogue.pk, queue[2].pk])
    response = client.post(move, {"to": 2})
    assert response.status_code == 302 and response["Location"].endswith(f"#dk-{queue[2].pk}")
    assert order(w.dialogue) == ["Nguyễn Văn An", "Lê Văn Cúc", "Trần Thị Bình"]
    client.post(move, {"to": 1})
    assert order(w.dialogue) == ["Lê Văn Cúc", "Nguyễn Văn An", "Trần Thị Bình"]
    client.post(reverse("plans:speaker_move", args=[w.dialogue.pk, queue[0].pk]), {"to": 3})  # An to the end
    assert order(w.dialogue) == ["Lê Văn Cúc", "Trần Thị Bình", "Nguyễn Văn An"]
    page = client.get(queue_url(w.dialogue)).content.decode()
    assert "Đã chuyển Nguyễn Văn An đến vị trí 3." in page


def test_move_with_htmx_swaps_the_queue(client, w, queue):
    client.force_login(w.coordinator)
    response = client.post(reverse("plans:speaker_move", args=[w.dialogue.pk, queue[1].pk]), {"to": 1}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="hang-doi"') and "<html" not in html
    assert html.index("Trần Thị Bình") < html.index("Nguyễn Văn An")
    assert "Đã chuyển Trần Thị Bình đến vị trí 1." in html


def test_move_bad_position_is_refused_with_a_message(client, w, queue):
    client.force_login(w.coordinator)
    move = reverse("plans:speaker_move", args=[w.dialogue.pk, queue[0].pk])
    for value, message in (("", "Xin ghi vị trí."), ("abc", "Vị trí là một số"), ("0", "Vị trí nhỏ nhất là 1.")):
        response = client.post(move, {"to": value})
        assert response.status_code == 422
        assert message in response.content.decode()
    response = client.post(move, {"to": 99}, **HX)  # beyond the end: to the end
    assert response.status_code == 200
    assert order(w.dialogue)[-1] == "Nguyễn Văn An"


def test_accept_and_withdraw_state_errors_shown(client, w, queue):
    client.force_login(w.coordinator)
    accept = reverse("plans:speaker_accept", args=[w.dialogue.pk, queue[0].pk])
    assert client.post(accept).status_code == 302
    assert SpeakerRequest.objects.get(pk=queue[0].pk).status == S.ACCEPTED
    response = client.post(accept)  # accepted already
    assert response.status_code == 422
    assert "Nguyễn Văn An: Chỉ nhận được đăng ký đang chờ." in response.content.decode()
    response = client.post(accept, **HX)
    assert response.status_code == 422 and "Chỉ nhận được đăng ký đang chờ." in response.content.decode()
    withdraw = reverse("plans:speaker_withdraw", args=[w.dialogue.pk, queue[0].pk])
    response = client.post(withdraw, **HX)
    assert response.status_code == 200 and "Đã ghi rút đăng ký: Nguyễn Văn An." in response.content.decode()
    response = client.post(withdraw)
    assert response.status_code == 422 and "Đăng ký này đã kết thúc." in response.content.decode()
    response = client.post(reverse("plans:speaker_move", args=[w.dialogue.pk, queue[0].pk]), {"to": 1})
    assert response.status_code == 422 and "đã rút đăng ký" in response.content.decode()


def test_an_accepted_speaker_is_marked_as_having_spoken_during_the_dialogue(client, w, queue):
    import datetime as dt

    import time_machine

    from doithoai.lib.clock import local_datetime

    start = local_datetime(dt.date(2026, 12, 18), 8)
    actions.schedule_dialogue(w.dialogue, starts_at=start, ends_at=None, place="Hội trường", by=w.coordinator)
    actions.accept_speaker(queue[0], by=w.coordinator)
    client.force_login(w.secretary)
    spoke = reverse("plans:speaker_spoke", args=[w.dialogue.pk, queue[0].pk])
    response = client.post(spoke, **HX)
    assert response.status_code == 422 and "Buổi chưa bắt đầu." in response.content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=40), tick=False):
        client.force_login(w.secretary)  # the session of three weeks ago has expired
        assert "Đã phát biểu</button>" in client.get(queue_url(w.dialogue)).content.decode()
        response = client.post(spoke, **HX)
        assert response.status_code == 200 and "Đã ghi Nguyễn Văn An đã phát biểu." in response.content.decode()
        assert SpeakerRequest.objects.get(pk=queue[0].pk).status == S.SPOKE
        waiting = reverse("plans:speaker_spoke", args=[w.dialogue.pk, queue[1].pk])
        assert client.post(waiting).status_code == 422  # not accepted yet
    client.force_login(w.agency)
    assert client.post(spoke).status_code == 403


def test_actions_need_post(client, w, queue):
    client.force_login(w.coordinator)
    assert client.get(reverse("plans:speaker_accept", args=[w.dialogue.pk, queue[0].pk])).status_code == 405


# ---------------------------------------------------------------- staff entry


def entry(client, d, **data):
    base = {"name": "Phạm Thị Dung", "summary": "Đề nghị lắp đèn chiếu sáng đường liên thôn.", "phone": ""}
    return client.post(reverse("plans:speaker_register", args=[d.pk]), {**base, **data})


def test_staff_entry_joins_the_end_of_the_queue(client, w, queue):
    client.force_login(w.receiver)
    response = entry(
        client,
        w.dialogue,
        phone="+84 912.000.111",
        on_behalf_of="Chi hội phụ nữ thôn Đông",
        organization=w.c.farmers.pk,
        as_business="",
    )
    assert response.status_code == 302
    dung = SpeakerRequest.objects.get(name="Phạm Thị Dung")
    assert dung.phone == "0912000111" and dung.organization == w.c.farmers and dung.status == S.REQUESTED
    assert order(w.dialogue)[-1] == "Phạm Thị Dung"
    assert "Đã ghi đăng ký phát biểu của Phạm Thị Dung." in client.get(queue_url(w.dialogue)).content.decode()


def test_staff_entry_with_htmx_redirects_the_page(client, w):
    client.force_login(w.coordinator)
    response = client.post(
        reverse("plans:speaker_register", args=[w.dialogue.pk]),
        {"name": "Hà Văn Em", "summary": "Về trường học."},
        **HX,
    )
    assert response.status_code == 200 and response["HX-Redirect"].startswith(queue_url(w.dialogue))


@pytest.mark.parametrize(
    "data,field_message",
    [
        ({"name": "   "}, "Xin ghi họ và tên người phát biểu."),
        ({"summary": ""}, "Xin ghi tóm tắt nội dung phát biểu."),
        ({"summary": "x" * 2001}, "Quá dài: tối đa 2.000 ký tự."),
        ({"name": "N" * 121}, "Quá dài: tối đa 120 ký tự."),
        ({"phone": "09-12"}, "Số điện thoại không hợp lệ"),
        ({"phone": "1" * 40}, "Số điện thoại không hợp lệ"),
        ({"organization": "999999"}, "Tổ chức không có trong danh sách của xã."),
    ],
)
def test_staff_entry_bad_input_answers_422_and_keeps_what_was_typed(client, w, data, field_message):
    client.force_login(w.coordinator)
    response = entry(client, w.dialogue, on_behalf_of="Tổ dân phố số 3", **data)
    assert response.status_code == 422
    html = response.content.decode()
    assert field_message in html
    assert "Tổ dân phố số 3" in html  # nothing lost
    assert not SpeakerRequest.objects.exists()
    assert_csp_clean(response)


def test_staff_entry_shows_all_mistakes_at_once(client, w):
    client.force_login(w.coordinator)
    response = entry(client, w.dialogue, name="", phone="12345")
    html = response.content.decode()
    assert response.status_code == 422
    assert "Xin ghi họ và tên người phát biểu." in html and "Số điện thoại không hợp lệ" in html


def test_staff_entry_bad_input_with_htmx_swaps_only_the_form(client, w):
    client.force_login(w.coordinator)
    response = client.post(
        reverse("plans:speaker_register", args=[w.dialogue.pk]), {"name": "", "summary": "Nội dung giữ lại"}, **HX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and "Nội dung giữ lại" in html and "Xin ghi họ và tên" in html


def test_staff_entry_from_a_printed_slip(client, w):
    slip = actions.print_slips(w.dialogue, kind="speaker", count=1, by=w.coordinator)[0]
    client.force_login(w.secretary)
    response = entry(client, w.dialogue, slip_code=slip.code.lower().replace("-", " - "))
    assert response.status_code == 302, response.content.decode()
    speaker = SpeakerRequest.objects.get()
    assert speaker.slip_code == slip.code.replace(" ", "")
    slip.refresh_from_db()
    assert slip.used_at is not None


def test_staff_entry_slip_code_typed_without_dash(client, w):
    slip = actions.print_slips(w.dialogue, kind="speaker", count=1, by=w.coordinator)[0]
    client.force_login(w.coordinator)
    assert entry(client, w.dialogue, slip_code=slip.code.replace("-", "").lower()).status_code == 302
    assert SpeakerRequest.objects.get().slip_code == slip.code


@pytest.mark.parametrize("code", ["ABC", "OOOO-0000", "ACDE-FGHJ-K"])
def test_staff_entry_malformed_slip_code_shown_with_the_other_mistakes(client, w, code):
    client.force_login(w.coordinator)
    response = entry(client, w.dialogue, slip_code=code, name="")
    html = response.content.decode()
    assert response.status_code == 422
    assert "Mã phiếu gồm 8 ký tự in trên phiếu" in html and "Xin ghi họ và tên" in html


@pytest.mark.parametrize("case", ["unknown", "used", "other_dialogue", "opinion"])
def test_staff_entry_slip_code_refused(client, w, case):
    if case == "unknown":
        code = "AAAA-AAAA"
    elif case == "used":
        code = actions.print_slips(w.dialogue, kind="speaker", count=1, by=w.coordinator)[0].code
        add(w.dialogue, "Người đã nhập", w.coordinator, slip_code=code)
    elif case == "other_dialogue":
        code = actions.print_slips(w.other_dialogue, kind="speaker", count=1, by=w.coordinator)[0].code
    else:
        code = actions.print_slips(w.dialogue, kind="opinion", count=1, by=w.coordinator)[0].code
    before = SpeakerRequest.objects.count()
    client.force_login(w.coordinator)
    response = entry(client, w.dialogue, slip_code=code)
    assert response.status_code == 422
    html = response.content.decode()
    expected = "Phiếu có mã này đã được nhập." if case == "used" else "Không có phiếu đăng ký phát biểu với mã này"
    assert expected in html and "Phạm Thị Dung" in html
    assert SpeakerRequest.objects.count() == before


def test_staff_entry_refused_after_the_dialogue_is_concluded(client, w):
    Dialogue.objects.filter(pk=w.dialogue.pk).update(
        status=Dialogue.Status.CONCLUDED, starts_at="2026-11-20T08:00:00+07:00"
    )
    client.force_login(w.coordinator)
    response = entry(client, w.dialogue)
    assert response.status_code == 422
    assert actions.QUEUE_CLOSED in response.content.decode()
    htmx = client.post(
        reverse("plans:speaker_register", args=[w.dialogue.pk]), {"name": "Phạm Thị Dung", "summary": "Ý kiến."}, **HX
    )
    assert htmx.status_code == 422 and htmx["HX-Retarget"] == "#hang-doi"
    assert actions.QUEUE_CLOSED in htmx.content.decode()
    assert not SpeakerRequest.objects.filter(dialogue=w.dialogue).exists()


def conclude(d):
    Dialogue.objects.filter(pk=d.pk).update(status=Dialogue.Status.CONCLUDED, starts_at="2026-11-20T08:00:00+07:00")


@pytest.mark.parametrize("who", ["coordinator", "secretary"])
def test_a_concluded_dialogues_queue_is_shown_read_only(client, w, queue, who):
    """No entry form, no order buttons, no accept/withdraw/spoke: the queue is the conference's record."""
    actions.accept_speaker(queue[1], by=w.coordinator)
    conclude(w.dialogue)
    client.force_login(getattr(w, who))
    response = client.get(queue_url(w.dialogue))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Văn An" in html and "Trần Thị Bình" in html
    assert "danh sách phát biểu đã chốt" in html
    for offered in ("speaker_register", "speaker_move", "speaker_accept", "speaker_withdraw", "speaker_spoke"):
        args = [w.dialogue.pk] if offered == "speaker_register" else [w.dialogue.pk, queue[1].pk]
        assert reverse(f"plans:{offered}", args=args) not in html, offered
    assert "Ghi đăng ký" not in html and "Đến vị trí" not in html


@pytest.mark.parametrize("hx", [False, True])
def test_a_post_to_a_concluded_queue_is_refused_and_changes_nothing(client, w, queue, hx):
    conclude(w.dialogue)
    client.force_login(w.secretary)
    extra = HX if hx else {}
    for name, data in (("speaker_move", {"to": 1}), ("speaker_accept", {}), ("speaker_withdraw", {})):
        response = client.post(reverse(f"plans:{name}", args=[w.dialogue.pk, queue[2].pk]), data, **extra)
        assert response.status_code == 422, name
        assert actions.QUEUE_CLOSED in response.content.decode()
    assert order(w.dialogue) == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cúc"]
    assert SpeakerRequest.objects.get(pk=queue[2].pk).status == S.REQUESTED


def test_a_held_dialogues_queue_still_offers_entry_and_order(client, w, queue):
    Dialogue.objects.filter(pk=w.dialogue.pk).update(status=Dialogue.Status.HELD, starts_at="2026-11-27T08:00:00+07:00")
    client.force_login(w.receiver)
    html = client.get(queue_url(w.dialogue)).content.decode()
    assert reverse("plans:speaker_register", args=[w.dialogue.pk]) in html
    assert reverse("plans:speaker_move", args=[w.dialogue.pk, queue[0].pk]) in html
    assert "đã chốt" not in html


def test_the_slips_page_of_a_concluded_dialogue_offers_no_printing(client, w):
    actions.print_slips(w.dialogue, kind="speaker", count=2, by=w.coordinator)
    conclude(w.dialogue)
    client.force_login(w.coordinator)
    html = client.get(reverse("plans:slips", args=[w.dialogue.pk])).content.decode()
    assert "Tạo mã và mở bản in" not in html and "Buổi đã kết luận: không in phiếu nữa." in html
    assert "Mở bản in" in html  # the batches printed before still open
    response = client.post(reverse("plans:slips", args=[w.dialogue.pk]), {"kind": "speaker", "count": 3})
    assert response.status_code == 422 and "Buổi đã kết luận: không in phiếu nữa." in response.content.decode()
    assert PrintedSlip.objects.filter(dialogue=w.dialogue).count() == 2


# ---------------------------------------------------------------- printed slips


def test_print_slips_and_the_print_view(client, w):
    client.force_login(w.coordinator)
    response = client.post(reverse("plans:slips", args=[w.dialogue.pk]), {"kind": "speaker", "count": 3})
    assert response.status_code == 302
    slips = list(PrintedSlip.objects.filter(dialogue=w.dialogue))
    assert len(slips) == 3
    response = client.get(response["Location"])
    assert response.status_code == 200
    html = response.content.decode()
    for slip in slips:
        assert slip.code in html
    assert html.count("<svg") == 3 and "PHIẾU ĐĂNG KÝ PHÁT BIỂU" in html and "PHIẾU GHI Ý KIẾN" not in html
    assert w.dialogue.title in html and w.dialogue.place in html
    assert "Họ và tên:" in html and "Thay mặt" in html and "Tóm tắt nội dung phát biểu" in html
    assert 'class="slip-sheet slips-2"' in html
    assert_csp_clean(response)
    four = client.get(response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"] + "&moi-trang=4")
    assert 'class="slip-sheet slips-4"' in four.content.decode()


def test_qr_of_each_kind_leads_to_its_public_page(client, w, settings):
    from doithoai.plans.speaker_views import public_targets

    settings.BASE_URL = "https://doithoai.example.vn"
    targets = public_targets(w.dialogue)
    assert targets["speaker"] == f"https://doithoai.example.vn/doi-thoai/{w.dialogue.pk}/dang-ky-phat-bieu/"
    assert targets["opinion"] == f"https://doithoai.example.vn/gui-y-kien/?buoi={w.dialogue.pk}"
    client.force_login(w.coordinator)
    response = client.post(reverse("plans:slips", args=[w.dialogue.pk]), {"kind": "opinion", "count": 2})
    html = client.get(response["Location"]).content.decode()
    assert "PHIẾU GHI Ý KIẾN" in html and "gửi ý kiến" in html


@pytest.mark.parametrize(
    "count,message",
    [
        ("0", "Mỗi lần in từ 1 đến 500 phiếu."),
        ("501", "Mỗi lần in từ 1 đến 500 phiếu."),
        ("", "Xin ghi số phiếu cần in."),
        ("mười", "Số phiếu là một số"),
    ],
)
def test_print_slips_count_limits(client, w, count, message):
    client.force_login(w.coordinator)
    response = client.post(reverse("plans:slips", args=[w.dialogue.pk]), {"kind": "speaker", "count": count})
    assert response.status_code == 422 and message in response.content.decode()
    assert not PrintedSlip.objects.exists()


def test_print_slips_bad_kind(client, w):
    client.force_login(w.coordinator)
    response = client.post(reverse("plans:slips", args=[w.dialogue.pk]), {"kind": "ballot", "count": 2})
    assert response.status_code == 422 and "Loại phiếu không hợp lệ." in response.content.decode()


def test_slips_list_counts_used_and_unused(client, w):
    printed = actions.print_slips(w.dialogue, kind="speaker", count=4, by=w.coordinator)
    actions.print_slips(w.dialogue, kind="opinion", count=2, by=w.coordinator)
    add(w.dialogue, "Người có phiếu", w.coordinator, slip_code=printed[0].code)
    client.force_login(w.receiver)  # the dialogue's receiver sees the batches and prints more in the hall
    response = client.get(reverse("plans:slips", args=[w.dialogue.pk]))
    html = response.content.decode()
    assert "Phiếu đăng ký phát biểu: 1 đã nhập, 3 chưa nhập" in html
    assert "Phiếu ghi ý kiến: 0 đã nhập, 2 chưa nhập" in html
    assert "In phiếu</legend>" in html and html.count("Mở bản in") == 2
    assert client.post(reverse("plans:slips", args=[w.dialogue.pk]), {"kind": "speaker", "count": 1}).status_code == 302
    client.force_login(w.agency)  # an officer of the unit with no seat at this dialogue
    assert client.post(reverse("plans:slips", args=[w.dialogue.pk]), {"kind": "speaker", "count": 1}).status_code == 403
    assert_csp_clean(response)


def test_print_view_of_an_unknown_batch_is_404(client, w):
    actions.print_slips(w.dialogue, kind="speaker", count=1, by=w.coordinator)
    client.force_login(w.coordinator)
    url = reverse("plans:slips_print", args=[w.dialogue.pk])
    assert client.get(url + "?dot=123").status_code == 404
    assert client.get(url + "?dot=abc").status_code == 404
    assert client.get(url).status_code == 404


def test_print_view_shows_only_this_dialogues_batch(client, w):
    theirs = actions.print_slips(w.other_dialogue, kind="speaker", count=1, by=w.coordinator)[0]
    from doithoai.plans.speaker_views import _print_url

    client.force_login(w.coordinator)
    url = _print_url(w.dialogue, theirs.printed_at)
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------- the business dialogue's list


@pytest.fixture
def business(w):
    d = DialogueFactory(unit=w.c.unit, plan=w.plan, kind=Dialogue.Kind.BUSINESS, title="Đối thoại với doanh nghiệp")
    companies = [
        OrganizationFactory(unit=w.c.unit, name=f"Công ty TNHH Minh Phát {n}", kind=Organization.Kind.BUSINESS)
        for n in range(3)
    ]
    actions.invite(d, organizations=[*companies, w.c.farmers], by=w.coordinator)
    actions.record_reply(
        Invitation.objects.get(dialogue=d, organization=companies[0]), reply="accepted", by=w.coordinator
    )
    return d, companies


def test_business_list(client, w, business):
    d, companies = business
    add(d, "Giám đốc Minh Phát", w.coordinator, organization=companies[0], summary="Thủ tục đất đai cho nhà xưởng.")
    add(d, "Hộ kinh doanh", w.coordinator, as_business=True, on_behalf_of="Hộ kinh doanh Hoa Mai")
    add(d, "Người dân thường", w.coordinator)
    SpeakerRequest.objects.create(
        dialogue=d, name="Đại diện Minh Phát 2", summary="Điện ba pha.", organization=companies[2]
    )
    by_org = PetitionFactory(
        unit=w.c.unit, dialogue=d, submitter_organization=companies[1], public_summary="Mặt bằng sản xuất."
    )
    by_name = PetitionFactory(
        unit=w.c.unit, dialogue=d, submitter_organization_name="HTX Rau sạch", public_summary="Đầu ra nông sản."
    )
    PetitionFactory(unit=w.c.unit, dialogue=d, public_summary="Ý kiến của người dân, không phải doanh nghiệp.")
    PetitionFactory(unit=w.c.unit, submitter_organization=companies[2], public_summary="Ý kiến ngoài buổi.")
    client.force_login(w.coordinator)
    response = client.get(reverse("plans:business", args=[d.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Công ty TNHH Minh Phát 0" in html and "Tham dự" in html and "Chưa trả lời" in html
    assert "Hội Nông dân xã" not in html  # invited, but not a business
    assert "Giám đốc Minh Phát" in html and "Hoa Mai" in html and "Người dân thường" not in html
    assert "Đại diện Minh Phát 2" in html  # of a business organisation, even if not flagged
    assert reverse("petitions:detail", args=[by_org.pk]) in html and "HTX Rau sạch" in html
    assert by_name.code in html
    assert "không phải doanh nghiệp" not in html and "Ý kiến ngoài buổi" not in html
    assert_csp_clean(response)


def test_business_list_only_for_business_dialogues(client, w, business):
    client.force_login(w.coordinator)
    assert client.get(reverse("plans:business", args=[w.dialogue.pk])).status_code == 404
    client.force_login(w.foreign_coordinator)
    assert client.get(reverse("plans:business", args=[business[0].pk])).status_code == 404
    client.force_login(w.agency)
    assert client.get(reverse("plans:business", args=[business[0].pk])).status_code == 403


def test_business_list_paginated(client, w, business):
    d, _ = business
    for n in range(30):
        add(d, f"Doanh nhân {n:02d}", w.coordinator, as_business=True)
    client.force_login(w.coordinator)
    html = client.get(reverse("plans:business", args=[d.pk])).content.decode()
    assert "Doanh nhân 24" in html and "Doanh nhân 25" not in html and "trang-phat-bieu=2" in html
    html = client.get(reverse("plans:business", args=[d.pk]) + "?trang-phat-bieu=2").content.decode()
    assert "Doanh nhân 25" in html and "Doanh nhân 24" not in html


# ---------------------------------------------------------------- query budgets


def _fill_queue(d, by, n):
    for i in range(n):
        add(d, f"Người đăng ký {i}", by, phone="0912345678", organization=None)


def _fill_business(d, by, companies, n):
    for i in range(n):
        add(d, f"Doanh nhân {i}", by, organization=companies[i % len(companies)])
        PetitionFactory(unit=d.unit, dialogue=d, submitter_organization=companies[i % len(companies)])
        org = OrganizationFactory(unit=d.unit, name=f"Doanh nghiệp mời {i}", kind=Organization.Kind.BUSINESS)
        actions.invite(d, organizations=[org], by=by)


@pytest.mark.parametrize("n", [3, 30])
def test_query_budget_of_the_queue(client, w, n, django_assert_max_num_queries):
    _fill_queue(w.dialogue, w.coordinator, n)
    for speaker in SpeakerRequest.objects.all()[:2]:
        actions.withdraw_speaker(speaker, by=w.coordinator)
    client.force_login(w.secretary)
    with django_assert_max_num_queries(10):
        assert client.get(queue_url(w.dialogue)).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_query_budget_of_the_move(client, w, n, django_assert_max_num_queries):
    _fill_queue(w.dialogue, w.coordinator, n)
    last = SpeakerRequest.objects.order_by("-position").first()
    client.force_login(w.coordinator)
    with django_assert_max_num_queries(14):  # the dialogue is locked before the request (no crossed locks)
        assert (
            client.post(reverse("plans:speaker_move", args=[w.dialogue.pk, last.pk]), {"to": 1}, **HX).status_code
            == 200
        )


@pytest.mark.parametrize("n", [3, 30])
def test_query_budget_of_slips(client, w, n, django_assert_max_num_queries):
    for _ in range(n // 3):
        actions.print_slips(w.dialogue, kind="speaker", count=3, by=w.coordinator)
    batch = PrintedSlip.objects.first()
    from doithoai.plans.speaker_views import _print_url

    client.force_login(w.coordinator)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("plans:slips", args=[w.dialogue.pk])).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(_print_url(w.dialogue, batch.printed_at)).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_query_budget_of_the_business_list(client, w, business, n, django_assert_max_num_queries):
    d, companies = business
    _fill_business(d, w.coordinator, companies, n)
    client.force_login(w.coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("plans:business", args=[d.pk]))
    assert response.status_code == 200
    assert len(re.findall(r'href="/can-bo/y-kien/\d+/"', response.content.decode())) == min(n, 25)
