"""The public pages of dialogues: the year's list, a dialogue's page, registering to speak, the reception days and
the feeds (Atom, iCalendar)."""

import datetime as dt
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from doithoai.accounts.models import Organization
from doithoai.api.models import RateCounter
from doithoai.plans.models import AgendaItem, Announcement, Dialogue, SpeakerRequest
from tests.factories import DialogueFactory, OrganizationFactory, PlanFactory, canonical_topic
from tests.portal.test_pages import assert_csp_clean

ATOM = "{http://www.w3.org/2005/Atom}"


def at(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def plan(commune, frozen_demo_now):
    return PlanFactory(unit=commune.unit)


@pytest.fixture
def coming(plan, commune):
    """An announced conference on 11/12/2026 (the demo's today is 27/11/2026), with its agenda and announcement."""
    dialogue = DialogueFactory(
        unit=commune.unit,
        plan=plan,
        title="Hội nghị đối thoại tháng 12",
        kind=Dialogue.Kind.CONFERENCE,
        starts_at=at(dt.date(2026, 12, 11)),
        ends_at=at(dt.date(2026, 12, 11), 11),
        status=Dialogue.Status.ANNOUNCED,
        audience="Nhân dân các thôn",
        content="Đường giao thông nông thôn",
    )
    AgendaItem.objects.create(dialogue=dialogue, position=1, title="Khai mạc, giới thiệu đại biểu")
    AgendaItem.objects.create(dialogue=dialogue, position=2, title="Nhân dân phát biểu ý kiến")
    Announcement.objects.create(
        dialogue=dialogue,
        portal_text="THÔNG BÁO về việc tổ chức hội nghị ngày 11/12/2026",
        published_at=timezone.make_aware(dt.datetime(2026, 11, 25, 9, 30)),
    )
    return dialogue


@pytest.fixture
def business(plan, commune):
    return DialogueFactory(
        unit=commune.unit,
        plan=plan,
        title="Đối thoại với doanh nghiệp",
        kind=Dialogue.Kind.BUSINESS,
        starts_at=at(dt.date(2026, 12, 15), 14),
        status=Dialogue.Status.SCHEDULED,
    )


@pytest.fixture
def held(plan, commune):
    return DialogueFactory(
        unit=commune.unit,
        plan=plan,
        title="Giao ban quý III",
        kind=Dialogue.Kind.REGULAR,
        starts_at=at(dt.date(2026, 9, 18)),
        status=Dialogue.Status.CONCLUDED,
        conclusion="Kết luận: sửa đường thôn Đông.",
        results_published_at=timezone.make_aware(dt.datetime(2026, 9, 25, 9)),
    )


@pytest.fixture
def tentative(plan, commune):
    return DialogueFactory(
        unit=commune.unit,
        plan=plan,
        title="Đối thoại đột xuất",
        kind=Dialogue.Kind.AD_HOC,
        tentative_month=dt.date(2026, 12, 1),
    )


@pytest.fixture
def reception(commune, plan):
    return DialogueFactory(
        unit=commune.unit,
        plan=None,
        title="Tiếp công dân định kỳ",
        kind=Dialogue.Kind.RECEPTION,
        starts_at=at(dt.date(2026, 12, 8), 7),
        status=Dialogue.Status.SCHEDULED,
        place="Phòng tiếp công dân",
    )


def form_data(**extra) -> dict:
    return {
        "name": "Nguyễn Văn An",
        "phone": "0912 345 678",
        "summary": "Đề nghị sửa đường thôn Đông.",
        "consent": "on",
        **extra,
    }


# ---------------------------------------------------------------- the list


def test_list_shows_coming_soonest_first_and_held_without_reception_days(
    client, coming, business, held, tentative, reception
):
    response = client.get("/doi-thoai/")
    assert response.status_code == 200
    html = response.content.decode()
    coming_part, held_part = html.split('id="da-to-chuc"')
    assert coming_part.index("Hội nghị đối thoại tháng 12") < coming_part.index("Đối thoại với doanh nghiệp")
    assert "Dự kiến tháng 12/2026" in coming_part
    assert "Đã thông báo ngày 25/11/2026" in coming_part
    assert "Giao ban quý III" in held_part and "Giao ban quý III" not in coming_part
    assert "Tiếp công dân định kỳ" not in html
    assert "/doi-thoai/lich.ics" in html and "/thong-bao/feed.atom" in html
    assert_csp_clean(response)


def test_list_of_several_communes_asks_for_the_commune_then_shows_its_list(client, coming, other_commune):
    response = client.get("/doi-thoai/")
    html = response.content.decode()
    assert "/xa/tan-yen/doi-thoai/" in html and "/xa/ngoc-thien/doi-thoai/" in html
    assert "Hội nghị đối thoại tháng 12" in client.get("/xa/tan-yen/doi-thoai/").content.decode()
    assert "Hội nghị đối thoại tháng 12" not in client.get("/xa/ngoc-thien/doi-thoai/").content.decode()
    assert client.get("/xa/khong-co/doi-thoai/").status_code == 404


def test_list_with_a_bogus_year_shows_the_current_year(client, coming):
    for year in ("abc", "99999", "-1"):
        response = client.get(f"/doi-thoai/?nam={year}")
        assert response.status_code == 200
        assert "năm 2026" in response.content.decode()
    assert "Chưa có kế hoạch" in client.get("/doi-thoai/?nam=2025").content.decode()


def _year_links(html: str) -> list[str]:
    nav = html[html.index('class="pager year-pager"') :] if 'class="pager year-pager"' in html else ""
    return re.findall(r'href="\?nam=(\d+)"', nav[: nav.find("</nav>")])


@pytest.fixture
def two_years(commune, plan):
    """Dialogues in 2025 and 2026 only (the 2026 plan of `plan`), a reception day in 2024 and an empty 2027 plan."""
    older = PlanFactory(unit=commune.unit, year=2025, title="Kế hoạch năm 2025", issued_on=dt.date(2025, 2, 1))
    DialogueFactory(
        unit=commune.unit,
        plan=older,
        title="Hội nghị năm 2025",
        starts_at=at(dt.date(2025, 6, 20)),
        status=Dialogue.Status.CONCLUDED,
    )
    DialogueFactory(unit=commune.unit, plan=plan, title="Hội nghị năm 2026", starts_at=at(dt.date(2026, 12, 11)))
    reception_plan = PlanFactory(unit=commune.unit, year=2024, title="Kế hoạch năm 2024")
    DialogueFactory(
        unit=commune.unit, plan=reception_plan, kind=Dialogue.Kind.RECEPTION, starts_at=at(dt.date(2024, 3, 5))
    )
    PlanFactory(unit=commune.unit, year=2027, title="Kế hoạch năm 2027", issued_on=dt.date(2026, 11, 20))


@pytest.mark.parametrize("year, links", [(2026, ["2025"]), (2025, ["2026"]), (2009, ["2025"]), (2027, ["2026"])])
def test_year_links_stop_at_the_first_and_last_years_with_dialogues(client, two_years, year, links):
    html = client.get(f"/doi-thoai/?nam={year}").content.decode()
    assert f"Lịch tiếp xúc, đối thoại năm {year}" in html
    assert _year_links(html) == links
    assert "?nam=2024" not in html and "?nam=2027" not in html


def test_the_current_year_links_only_to_the_year_before_when_it_is_the_last_with_dialogues(client, two_years):
    html = client.get("/doi-thoai/").content.decode()
    assert _year_links(html) == ["2025"]
    assert 'rel="prev"' in html and 'rel="next"' not in html


def test_years_with_no_dialogues_between_are_skipped(client, commune, two_years):
    old = PlanFactory(unit=commune.unit, year=2022, title="Kế hoạch năm 2022")
    DialogueFactory(unit=commune.unit, plan=old, starts_at=at(dt.date(2022, 5, 10)), status=Dialogue.Status.CONCLUDED)
    assert _year_links(client.get("/doi-thoai/?nam=2025").content.decode()) == ["2022", "2026"]
    assert _year_links(client.get("/doi-thoai/?nam=2022").content.decode()) == ["2025"]


def test_year_links_are_each_communes_own(client, commune, other_commune, two_years):
    other_plan = PlanFactory(unit=other_commune.unit, year=2023, title="Kế hoạch năm 2023")
    DialogueFactory(unit=other_commune.unit, plan=other_plan, starts_at=at(dt.date(2023, 5, 10)))
    assert _year_links(client.get("/xa/tan-yen/doi-thoai/?nam=2025").content.decode()) == ["2026"]
    assert _year_links(client.get("/xa/ngoc-thien/doi-thoai/?nam=2023").content.decode()) == []
    assert _year_links(client.get("/xa/ngoc-thien/doi-thoai/").content.decode()) == ["2023"]


def test_a_commune_with_no_dialogues_has_no_year_links(client, commune, frozen_demo_now):
    html = client.get("/doi-thoai/").content.decode()
    assert "Chưa có kế hoạch" in html and 'class="pager year-pager"' not in html


@pytest.mark.parametrize("count", [2, 20])
def test_list_queries_do_not_grow_with_the_dialogues(client, plan, commune, count, django_assert_max_num_queries):
    for i in range(count):
        dialogue = DialogueFactory(
            unit=commune.unit,
            plan=plan,
            title=f"Buổi {i}",
            starts_at=at(dt.date(2026, 12, 1) + dt.timedelta(days=i % 28)),
            status=Dialogue.Status.ANNOUNCED,
        )
        Announcement.objects.create(dialogue=dialogue, portal_text="Thông báo", published_at=timezone.now())
    with django_assert_max_num_queries(8):
        response = client.get("/doi-thoai/")
    assert response.content.decode().count("dialogue-card ") == count


# ---------------------------------------------------------------- a dialogue's page


def test_dialogue_page_has_agenda_announcement_calendar_and_the_two_actions(client, coming):
    response = client.get(f"/doi-thoai/{coming.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Khai mạc, giới thiệu đại biểu",
        "Nhân dân các thôn",
        "Đường giao thông nông thôn",
        "Phòng họp tầng 3",
        "THÔNG BÁO về việc tổ chức hội nghị",
        "09:30, thứ Tư 25/11/2026",
        "08:00, thứ Sáu 11/12/2026",
    ):
        assert text in html, text
    assert f"/api/v1/dialogues/{coming.pk}/calendar.ics" in html
    assert f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/" in html
    assert f"gui-y-kien/?buoi={coming.pk}" in html
    assert_csp_clean(response)


def test_held_dialogue_shows_its_published_conclusion_and_no_registration(client, held):
    html = client.get(f"/doi-thoai/{held.pk}/").content.decode()
    assert "Kết luận: sửa đường thôn Đông." in html
    assert "dang-ky-phat-bieu" not in html


def test_conclusion_is_not_shown_before_the_results_are_published(client, held):
    held.results_published_at = None
    held.save()
    assert "sửa đường thôn Đông" not in client.get(f"/doi-thoai/{held.pk}/").content.decode()


def test_unknown_or_province_dialogue_is_404(client, commune, coming):
    assert client.get("/doi-thoai/999999/").status_code == 404
    foreign = DialogueFactory(unit=commune.province, plan=None)
    for url in (f"/doi-thoai/{foreign.pk}/", f"/doi-thoai/{foreign.pk}/dang-ky-phat-bieu/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("agenda", [2, 20])
def test_dialogue_page_queries_are_bounded(client, coming, agenda, django_assert_max_num_queries):
    for i in range(3, agenda + 1):
        AgendaItem.objects.create(dialogue=coming, position=i, title=f"Mục {i}")
    with django_assert_max_num_queries(5):
        assert client.get(f"/doi-thoai/{coming.pk}/").status_code == 200


# ---------------------------------------------------------------- registering to speak


def test_registration_form_renders_on_a_phone_width_page(client, coming):
    response = client.get(f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nghị định số 13/2023/NĐ-CP" in html and 'name="consent"' in html
    assert 'name="speak_as"' not in html  # only on the business dialogue
    assert_csp_clean(response)


def test_registration_gives_the_queue_number_and_stores_the_request(client, coming, commune):
    topic = canonical_topic()
    response = client.post(
        f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/", form_data(organization=commune.farmers.pk, topic=topic.pk)
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'class="speaker-number">1<' in page.content.decode()
    assert_csp_clean(page)
    speaker = SpeakerRequest.objects.get()
    assert (speaker.name, speaker.phone, speaker.organization, speaker.topic) == (
        "Nguyễn Văn An",
        "0912345678",
        commune.farmers,
        topic,
    )
    assert speaker.as_business is False
    second = client.post(f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/", form_data(name="Trần Thị Bình"))
    assert 'class="speaker-number">2<' in client.get(second["Location"]).content.decode()


def test_confirmation_needs_the_signed_link(client, coming):
    client.post(f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/", form_data())
    speaker = SpeakerRequest.objects.get()
    assert client.get(f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/da-gui/?t={speaker.pk}").status_code == 404
    assert client.get(f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/da-gui/").status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "summary": ""}, "name", "Xin ghi họ và tên."),
        ({"summary": "   "}, "summary", "Xin tóm tắt nội dung"),
        ({"name": "A" * 500}, "name", "tối đa 120 ký tự"),
        ({"summary": "x" * 50_000}, "summary", "tối đa 2.000 ký tự"),
        ({"phone": "12ab"}, "phone", "Số điện thoại không hợp lệ"),
        ({"phone": "9" * 200}, "phone", "Số điện thoại không hợp lệ"),
        ({"consent": ""}, "consent", "Xin đánh dấu đồng ý"),
        ({"organization": "999999"}, "organization", "Xin chọn một tổ chức trong danh sách."),
        ({"topic": "abc"}, "topic", "Xin chọn một lĩnh vực trong danh sách."),
    ],
)
def test_bad_registration_is_refused_with_a_message_and_keeps_what_was_typed(client, coming, data, field, message):
    response = client.post(f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/", form_data(**data))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert SpeakerRequest.objects.count() == 0
    kept = "Nguyễn Văn An" if "summary" in data else "Đề nghị sửa đường thôn Đông."
    assert kept in html or "name" in data


def test_organisation_of_another_commune_cannot_be_chosen(client, coming, other_commune):
    response = client.post(
        f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/", form_data(organization=other_commune.farmers.pk)
    )
    assert response.status_code == 422
    assert SpeakerRequest.objects.count() == 0


def test_hostile_html_is_stored_as_text_and_escaped(client, coming):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = client.post(f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/", form_data(name=hostile, summary=hostile))
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert SpeakerRequest.objects.get().summary == hostile
    refused = client.post(f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/", form_data(summary=hostile, consent=""))
    assert "<script>alert" not in refused.content.decode()


def test_decomposed_unicode_is_stored_nfc(client, coming):
    name = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    summary = unicodedata.normalize("NFD", "Đường thôn Đông xuống cấp")
    client.post(f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/", form_data(name=name, summary=summary))
    speaker = SpeakerRequest.objects.get()
    assert speaker.name == unicodedata.normalize("NFC", name)
    assert speaker.summary == unicodedata.normalize("NFC", summary)


def test_registration_is_refused_once_the_dialogue_has_started(client, coming):
    import time_machine

    with time_machine.travel(at(dt.date(2026, 12, 11), 8) + dt.timedelta(minutes=1), tick=False):
        page = client.get(f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/")
        assert "Buổi đã bắt đầu" in page.content.decode() and 'name="summary"' not in page.content.decode()
        response = client.post(f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/", form_data())
        assert response.status_code == 409
        assert "Buổi đã bắt đầu" in response.content.decode()
        assert "Đề nghị sửa đường thôn Đông." in response.content.decode()  # what was typed is shown back
        assert "dang-ky-phat-bieu" not in client.get(f"/doi-thoai/{coming.pk}/").content.decode()
    assert SpeakerRequest.objects.count() == 0


def test_registration_is_refused_for_a_held_dialogue_and_a_reception_day(client, held, reception):
    for dialogue in (held, reception):
        response = client.post(f"/doi-thoai/{dialogue.pk}/dang-ky-phat-bieu/", form_data())
        assert response.status_code == 409
        assert "không" in response.content.decode()
    assert SpeakerRequest.objects.count() == 0


def test_a_business_registers_as_such_on_the_business_dialogue(client, business, commune):
    company = OrganizationFactory(unit=commune.unit, name="Công ty TNHH Tân Phát", kind=Organization.Kind.BUSINESS)
    page = client.get(f"/doi-thoai/{business.pk}/dang-ky-phat-bieu/").content.decode()
    assert 'name="speak_as"' in page and "Công ty TNHH Tân Phát" in page
    assert "Hội Nông dân xã" not in page  # only businesses on the business dialogue
    url = f"/doi-thoai/{business.pk}/dang-ky-phat-bieu/"
    assert client.post(url, form_data(speak_as="doanh-nghiep", organization=company.pk)).status_code == 302
    assert (
        client.post(url, form_data(speak_as="doanh-nghiep", on_behalf_of="HTX Rau sạch Đông Phong")).status_code == 302
    )
    assert client.post(url, form_data(speak_as="ca-nhan", name="Lê Văn Cường")).status_code == 302
    rows = list(SpeakerRequest.objects.order_by("position").values_list("organization", "on_behalf_of", "as_business"))
    assert rows == [(company.pk, "", True), (None, "HTX Rau sạch Đông Phong", True), (None, "", False)]


def test_a_business_must_be_named(client, business):
    response = client.post(f"/doi-thoai/{business.pk}/dang-ky-phat-bieu/", form_data(speak_as="doanh-nghiep"))
    assert response.status_code == 422
    assert "Xin chọn doanh nghiệp trong danh sách hoặc ghi tên doanh nghiệp." in response.content.decode()


def test_a_hall_behind_one_address_is_not_locked_out_but_a_flood_is_refused(client, coming, settings):
    settings.RATE_LIMIT_SUBMIT = 5
    url = f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/"
    for i in range(5):
        assert client.post(url, form_data(name=f"Người {i}")).status_code == 302
    refused = client.post(url, form_data(name="Người thứ sáu"))
    assert refused.status_code == 429
    assert "quá nhiều lượt đăng ký" in refused.content.decode()
    assert "Người thứ sáu" in refused.content.decode()  # nothing typed is lost
    assert SpeakerRequest.objects.count() == 5
    assert RateCounter.objects.get(bucket="speaker").count == 6
    other = client.post(url, form_data(name="Máy khác"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_speakers_personal_data_is_never_on_public_pages(client, coming, reception):
    client.post(
        f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/",
        form_data(name="Phạm Bí Mật", phone="0987654321", summary="Nội dung riêng tư của người đăng ký"),
    )
    for url in (
        "/",
        "/doi-thoai/",
        f"/doi-thoai/{coming.pk}/",
        f"/doi-thoai/{coming.pk}/dang-ky-phat-bieu/",
        "/lich-tiep-cong-dan/",
        "/thong-bao/feed.atom",
        "/doi-thoai/lich.ics",
        f"/doi-thoai/{reception.pk}/",
    ):
        body = client.get(url).content.decode()
        for secret in ("Phạm Bí Mật", "0987654321", "Nội dung riêng tư"):
            assert secret not in body, (url, secret)


# ---------------------------------------------------------------- reception days


def test_reception_calendar_shows_this_month_and_the_coming_ones(client, commune, reception, coming):
    DialogueFactory(
        unit=commune.unit,
        plan=None,
        kind=Dialogue.Kind.RECEPTION,
        title="Tiếp công dân",
        starts_at=at(dt.date(2026, 11, 10), 7),
        status=Dialogue.Status.HELD,
    )
    DialogueFactory(
        unit=commune.unit,
        plan=None,
        kind=Dialogue.Kind.RECEPTION,
        title="Tiếp công dân",
        starts_at=at(dt.date(2026, 10, 13), 7),
        status=Dialogue.Status.HELD,
    )
    response = client.get("/lich-tiep-cong-dan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tháng 11/2026" in html and "Tháng 2/2027" in html
    assert "Thứ Ba 08/12/2026" in html and "Phòng tiếp công dân" in html and "07:00" in html
    assert "Thứ Ba 10/11/2026" in html and "Đã qua" in html
    assert "13/10/2026" not in html
    assert "Hội nghị đối thoại tháng 12" not in html
    assert_csp_clean(response)
    assert client.get("/xa/tan-yen/lich-tiep-cong-dan/").status_code == 200
    assert client.get("/xa/khong-co/lich-tiep-cong-dan/").status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_reception_calendar_queries_are_bounded(client, commune, frozen_demo_now, count, django_assert_max_num_queries):
    for i in range(count):
        DialogueFactory(
            unit=commune.unit,
            plan=None,
            kind=Dialogue.Kind.RECEPTION,
            title="Tiếp công dân",
            starts_at=at(dt.date(2026, 12, 1) + dt.timedelta(days=i * 3), 7),
            status=Dialogue.Status.SCHEDULED,
        )
    with django_assert_max_num_queries(4):
        assert client.get("/lich-tiep-cong-dan/").status_code == 200


# ---------------------------------------------------------------- feeds


def test_calendar_feed_has_every_dialogue_with_tentative_months(client, coming, business, held, tentative, reception):
    from icalendar import Calendar

    response = client.get("/doi-thoai/lich.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 5
    by_title = {str(e["SUMMARY"]): e for e in events}
    month_only = by_title["Đối thoại đột xuất"]
    assert str(month_only["STATUS"]) == "TENTATIVE"
    assert month_only.decoded("DTSTART") == dt.date(2026, 12, 1)
    assert month_only.decoded("DTEND") == dt.date(2027, 1, 1)
    assert str(by_title["Tiếp công dân định kỳ"]["STATUS"]) == "CONFIRMED"
    start = by_title["Hội nghị đối thoại tháng 12"].decoded("DTSTART")
    assert start == at(dt.date(2026, 12, 11))
    assert f"/doi-thoai/{coming.pk}/" in str(by_title["Hội nghị đối thoại tháng 12"]["URL"])


def test_calendar_feed_of_one_commune_leaves_the_other_out(client, coming, other_commune):
    from icalendar import Calendar

    DialogueFactory(unit=other_commune.unit, title="Buổi của xã khác", tentative_month=dt.date(2026, 12, 1))
    events = Calendar.from_ical(client.get("/xa/tan-yen/doi-thoai/lich.ics").content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Hội nghị đối thoại tháng 12"]
    assert len(Calendar.from_ical(client.get("/doi-thoai/lich.ics").content).walk("VEVENT")) == 2


def test_atom_feed_lists_the_published_announcements(client, coming, business):
    Announcement.objects.create(dialogue=business, portal_text="Bản nháp chưa đăng")
    response = client.get("/thong-bao/feed.atom")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find(f"{ATOM}title").text == "Thông báo: Hội nghị đối thoại tháng 12"
    assert "THÔNG BÁO về việc tổ chức hội nghị" in entry.find(f"{ATOM}content").text
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/doi-thoai/{coming.pk}/#thong-bao")
    assert entry.find(f"{ATOM}updated").text.startswith("2026-11-25T09:30:00+07:00")
    assert "Bản nháp" not in response.content.decode()
    assert client.get("/xa/tan-yen/thong-bao/feed.atom").status_code == 200
    assert client.get("/xa/khong-co/thong-bao/feed.atom").status_code == 404


def test_feeds_queries_are_bounded(client, plan, commune, django_assert_max_num_queries):
    for i in range(20):
        dialogue = DialogueFactory(
            unit=commune.unit,
            plan=plan,
            title=f"Buổi {i}",
            starts_at=at(dt.date(2026, 12, 1)),
            status=Dialogue.Status.ANNOUNCED,
        )
        Announcement.objects.create(dialogue=dialogue, portal_text="Thông báo", published_at=timezone.now())
    with django_assert_max_num_queries(3):
        client.get("/thong-bao/feed.atom")
    with django_assert_max_num_queries(3):
        client.get("/doi-thoai/lich.ics")
