import datetime as dt

import pytest
from django.utils import timezone

from doithoai.plans.models import Announcement, Dialogue
from tests.factories import CommuneFactory, DialogueFactory


@pytest.fixture
def dialogues(db):
    unit = CommuneFactory()
    tentative = DialogueFactory(
        unit=unit, title="Đối thoại doanh nghiệp", kind=Dialogue.Kind.BUSINESS, tentative_month=dt.date(2026, 10, 1)
    )
    dated = DialogueFactory(
        unit=unit,
        title="Hội nghị tháng 6",
        starts_at=timezone.make_aware(dt.datetime(2026, 6, 19, 8, 0)),
        status=Dialogue.Status.ANNOUNCED,
    )
    Announcement.objects.create(
        dialogue=dated, portal_text="Thông báo", published_at=timezone.make_aware(dt.datetime(2026, 6, 10, 9, 15))
    )
    reception = DialogueFactory(
        unit=unit,
        plan=None,
        kind=Dialogue.Kind.RECEPTION,
        title="Tiếp công dân",
        starts_at=timezone.make_aware(dt.datetime(2026, 7, 14, 7, 30)),
    )
    other = DialogueFactory(unit=CommuneFactory(name="Xã Ngọc Thiện", slug="ngoc-thien"), title="Giao ban Ngọc Thiện")
    return {"tentative": tentative, "dated": dated, "reception": reception, "other": other}


def test_dialogue_list_has_items_and_count_with_every_field(client, dialogues):
    body = client.get("/api/v1/dialogues").json()
    assert body["count"] == 4 == len(body["items"])
    keys = {"id", "unit", "title", "kind", "status", "month", "starts_at", "place", "announced_at"}
    assert all(keys <= item.keys() for item in body["items"])


def test_tentative_dialogue_gives_its_month_and_no_start(client, dialogues):
    items = {i["id"]: i for i in client.get("/api/v1/dialogues").json()["items"]}
    tentative = items[dialogues["tentative"].pk]
    assert tentative["month"] == "2026-10"
    assert tentative["starts_at"] is None
    assert tentative["status"] == "planned"


def test_dated_dialogue_gives_local_start_and_first_publication(client, dialogues):
    items = {i["id"]: i for i in client.get("/api/v1/dialogues").json()["items"]}
    dated = items[dialogues["dated"].pk]
    assert dated["starts_at"] == "2026-06-19T08:00:00+07:00"
    assert dated["month"] == "2026-06"
    assert dated["announced_at"].startswith("2026-06-10T09:15:00")


def test_unit_filter_narrows_to_one_commune(client, dialogues):
    body = client.get("/api/v1/dialogues?unit=ngoc-thien").json()
    assert [i["title"] for i in body["items"]] == ["Giao ban Ngọc Thiện"]
    assert {i["unit"] for i in client.get("/api/v1/dialogues?unit=tan-yen").json()["items"]} == {"tan-yen"}


def test_kind_filter_lists_reception_days(client, dialogues):
    body = client.get("/api/v1/dialogues?kind=reception").json()
    assert [i["id"] for i in body["items"]] == [dialogues["reception"].pk]


def test_unknown_kind_is_refused_in_vietnamese(client, dialogues):
    response = client.get("/api/v1/dialogues?kind=bogus")
    assert response.status_code == 422
    assert response.json()["errors"]["kind"] == ["Giá trị không nằm trong danh sách cho phép."]


def test_unknown_unit_gives_an_empty_list(client, dialogues):
    assert client.get("/api/v1/dialogues?unit=khong-co").json() == {"items": [], "count": 0}


def test_path_has_no_trailing_slash(client, dialogues):
    assert client.get("/api/v1/dialogues/").status_code == 404


def test_list_costs_the_same_queries_for_many_dialogues(client, dialogues, django_assert_max_num_queries):
    unit = dialogues["dated"].unit
    for month in range(1, 13):
        DialogueFactory(unit=unit, title=f"Giao ban tháng {month}", tentative_month=dt.date(2026, month, 1))
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/dialogues").json()["count"] == 16


def test_openapi_document_lists_the_dialogue_path(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/dialogues" in spec["paths"]


def test_vietnamese_is_written_as_letters_not_escapes(client, dialogues):
    assert "Tiếp công dân".encode() in client.get("/api/v1/dialogues").content


def test_calendar_of_a_dated_dialogue_parses_back_with_its_time_and_place(client, dialogues):
    from icalendar import Calendar

    response = client.get(f"/api/v1/dialogues/{dialogues['dated'].pk}/calendar.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["summary"]) == "Hội nghị tháng 6"
    assert str(event["location"]) == "Phòng họp tầng 3 - Nhà Hội thảo xã"
    assert event.decoded("dtstart") == timezone.make_aware(dt.datetime(2026, 6, 19, 8, 0))
    assert str(event["status"]) == "CONFIRMED"


def test_calendar_of_a_tentative_dialogue_is_an_all_day_event_over_the_month(client, dialogues):
    from icalendar import Calendar

    content = client.get(f"/api/v1/dialogues/{dialogues['tentative'].pk}/calendar.ics").content
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.date(2026, 10, 1)
    assert event.decoded("dtend") == dt.date(2026, 11, 1)
    assert str(event["status"]) == "TENTATIVE"


def test_calendar_of_an_unknown_dialogue_is_not_found(client, db):
    assert client.get("/api/v1/dialogues/424242/calendar.ics").status_code == 404
    assert client.get("/api/v1/dialogues/abc/calendar.ics").status_code in (404, 422)
