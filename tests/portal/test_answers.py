"""The published answers (/tra-loi/): only what staff made public, searchable without diacritics, filtered,
paginated, bounded, and as an Atom feed — never a name, phone, address, code or the original content."""

import datetime as dt
import unicodedata
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.utils import timezone

from doithoai.accounts.models import Organization
from doithoai.lib.text import fold
from doithoai.petitions.actions import record_feedback
from doithoai.petitions.models import Petition, Topic
from tests.factories import AnswerFactory, DialogueFactory, OrganizationFactory, PetitionFactory, canonical_topic
from tests.portal.test_pages import assert_csp_clean

ATOM = "{http://www.w3.org/2005/Atom}"
IDENTITY = ("Phùng Thị Hoa Lý", "0912345678", "hoaly@example.vn", "Số nhà 47")
ROAD = "Đường liên thôn Đông xuống cấp nghiêm trọng."
ROAD_ANSWER = "UBND xã đã bố trí kinh phí sửa chữa đường liên thôn Đông trong quý IV năm 2026."
AWKWARD_HOUR = "2026-12-08T00:30:00+07:00"  # 17:30 UTC on 7 December


def _published(unit, *, summary=ROAD, answer=ROAD_ANSWER, published=None, public=True, current=True, **fields):
    """A petition whose answer was approved and published, as the workflow leaves it (closed, public)."""
    fields.setdefault("topic", canonical_topic("giao_thong_xay_dung"))
    fields.setdefault("status", Petition.Status.CLOSED)
    org = fields.pop("org", None)
    petition = PetitionFactory(
        unit=unit,
        public_summary=summary,
        is_public=public,
        submitter_name=IDENTITY[0],
        submitter_phone=IDENTITY[1],
        submitter_email=IDENTITY[2],
        submitter_address=IDENTITY[3] + ", thôn Đông",
        content=f"Tôi là {IDENTITY[0]} ở {IDENTITY[3]}: đường trước nhà hỏng nặng (nội dung gốc kín).",
        **fields,
    )
    petition.refresh_public_search_key(answer)
    petition.save(update_fields=["public_search_key"])
    at = published or timezone.now()
    AnswerFactory(
        petition=petition,
        text="Nội bộ: bản trả lời gốc chưa biên tập.",
        public_text=answer,
        approved_at=at,
        published_at=at,
        is_current=current,
        document_number="15/TB-UBND",
        document_date=dt.date(2026, 11, 2),
        organization=org,
    )
    return petition


def html_of(response) -> str:
    return response.content.decode()


def entries(response) -> list[ET.Element]:
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


# ---------------------------------------------------------------- what appears, and what never does


def test_only_published_non_confidential_answers_appear(client, commune):
    _published(commune.unit, summary="Đề nghị lắp đèn chiếu sáng ngõ xóm Bắc.")
    unpublished = _published(commune.unit, summary="Chưa công khai: cống thoát nước tắc.")
    unpublished.answers.update(published_at=None)
    reopened = _published(commune.unit, summary="Đã mở lại: bãi rác tự phát ven đê.")
    record_feedback(reopened, satisfied=False, reason="Bãi rác vẫn còn.")
    parent = _published(commune.unit, summary="Ý kiến chung về trường mầm non.")
    _published(
        commune.unit, summary="Ý kiến con đã gộp về trường mầm non.", status=Petition.Status.MERGED, merged_into=parent
    )
    to_cao = _published(commune.unit, summary="Tố cáo cán bộ địa chính nhận tiền.", public=False)
    Petition.objects.filter(pk=to_cao.pk).update(kind=Petition.Kind.TO_CAO)
    old = _published(commune.unit, summary="Câu trả lời cũ đã thay thế.", current=False)
    old.answers.update(is_current=False)

    response = client.get("/tra-loi/")
    assert response.status_code == 200
    html = html_of(response)
    assert "Đề nghị lắp đèn chiếu sáng ngõ xóm Bắc." in html and "Ý kiến chung về trường mầm non." in html
    for hidden in ("Chưa công khai", "Đã mở lại", "Ý kiến con đã gộp", "Tố cáo cán bộ", "Câu trả lời cũ"):
        assert hidden not in html
    assert "2 câu trả lời" in html
    assert_csp_clean(response)


def test_another_communes_answers_stay_on_its_own_page(client, commune, other_commune):
    _published(commune.unit, summary="Tân Yên: đường liên thôn.")
    _published(other_commune.unit, summary="Ngọc Thiện: chợ tạm.")
    html = html_of(client.get("/xa/tan-yen/tra-loi/"))
    assert "Tân Yên: đường liên thôn." in html and "Ngọc Thiện: chợ tạm." not in html
    html = html_of(client.get("/xa/ngoc-thien/tra-loi/"))
    assert "Ngọc Thiện: chợ tạm." in html and "Tân Yên: đường liên thôn." not in html
    # With several communes /tra-loi/ asks which one, as /gui-y-kien/ does.
    html = html_of(client.get("/tra-loi/"))
    assert 'href="/xa/tan-yen/tra-loi/"' in html and 'href="/xa/ngoc-thien/tra-loi/"' in html
    assert client.get("/xa/khong-co/tra-loi/").status_code == 404


def test_an_item_shows_the_public_facts_and_never_identity_code_or_original_text(client, commune):
    village = OrganizationFactory(unit=commune.unit, name="Thôn Đông", kind=Organization.Kind.VILLAGE)
    dialogue = DialogueFactory(unit=commune.unit, title="Hội nghị đối thoại tháng 6/2026")
    petition = _published(
        commune.unit,
        village=village,
        dialogue=dialogue,
        org=commune.economy,
        received_at=timezone.make_aware(dt.datetime(2026, 6, 20, 9)),
        published=timezone.make_aware(dt.datetime(2026, 11, 5, 10)),
    )
    answer = petition.answers.get()
    response = client.get("/tra-loi/")
    html = html_of(response)
    assert ROAD in html and ROAD_ANSWER in html
    assert "Giao thông, xây dựng" in html and "Thôn Đông" in html
    assert f'href="/doi-thoai/{dialogue.pk}/"' in html and "Hội nghị đối thoại tháng 6/2026" in html
    assert "20/06/2026" in html and "05/11/2026" in html
    assert "Phòng Kinh tế" in html and "văn bản số 15/TB-UBND ngày 02/11/2026" in html
    assert f'id="tl-{answer.pk}"' in html
    for private in (*IDENTITY, petition.content, petition.code, "Nội bộ: bản trả lời gốc", "/tra-cuu/" + petition.code):
        assert private not in html
    assert_csp_clean(response)


def test_an_answer_given_at_the_conference_names_the_chair(client, commune):
    _published(commune.unit)
    assert "Chủ trì hội nghị" in html_of(client.get("/tra-loi/"))


def test_newest_publication_comes_first(client, commune):
    _published(commune.unit, summary="Cũ hơn: kênh mương.", published=timezone.now() - dt.timedelta(days=3))
    _published(commune.unit, summary="Mới hơn: nước sạch.")
    html = html_of(client.get("/tra-loi/"))
    assert html.index("Mới hơn: nước sạch.") < html.index("Cũ hơn: kênh mương.")


# ---------------------------------------------------------------- search and filters


@pytest.fixture
def three_answers(commune):
    village = OrganizationFactory(unit=commune.unit, name="Thôn Trung", kind=Organization.Kind.VILLAGE)
    dialogue = DialogueFactory(unit=commune.unit, title="Giao ban quý III")
    own_topic = Topic.objects.create(
        unit=commune.unit, code="nuoc_sach", name="Nước sạch nông thôn", parent=canonical_topic("dien_nuoc_ha_tang")
    )
    road = _published(commune.unit, summary="Đường xuống cấp ở thôn Trung.", village=village)
    water = _published(
        commune.unit,
        summary="Nước sinh hoạt bị đục.",
        answer="Công ty nước sạch đã súc rửa đường ống.",
        topic=own_topic,
        dialogue=dialogue,
    )
    school = _published(
        commune.unit,
        summary="Trường mầm non thiếu phòng học.",
        answer="Xã xây thêm 2 phòng.",
        topic=canonical_topic("giao_duc"),
        dialogue=dialogue,
        village=village,
    )
    return {"road": road, "water": water, "school": school, "village": village, "dialogue": dialogue}


def shown(client, params, path="/tra-loi/") -> set[str]:
    response = client.get(path, params)
    assert response.status_code == 200
    html = html_of(response)
    return {
        k
        for k, s in {"road": "Đường xuống cấp", "water": "Nước sinh hoạt", "school": "Trường mầm non"}.items()
        if s in html
    }


@pytest.mark.parametrize(
    "q",
    [
        "duong xuong cap",
        "DUONG   xuong",
        "đường xuống cấp",
        unicodedata.normalize("NFD", "Đường xuống cấp"),
        "xuong duong",
    ],
)
def test_search_ignores_diacritics_case_order_and_nfd_input(client, three_answers, q):
    assert shown(client, {"q": q}) == {"road"}


def test_search_reads_the_public_answer_too_and_needs_every_word(client, three_answers):
    assert shown(client, {"q": "sui rua"}) == set()  # "súc rửa" ≠ "sui rua"
    assert shown(client, {"q": "suc rua"}) == {"water"}
    assert shown(client, {"q": "cong ty nuoc"}) == {"water"}
    assert shown(client, {"q": "duong mam non"}) == set()


def test_search_never_matches_private_text(client, three_answers):
    assert shown(client, {"q": fold(IDENTITY[0])}) == set()
    assert shown(client, {"q": "ban tra loi goc"}) == set()


def test_topic_filter_counts_a_units_own_topic_under_its_canonical_parent(client, three_answers):
    assert shown(client, {"linh_vuc": "dien_nuoc_ha_tang"}) == {"water"}
    assert shown(client, {"linh_vuc": "giao_duc"}) == {"school"}
    assert shown(client, {"linh_vuc": "nuoc_sach"}) == {"road", "water", "school"}  # not a canonical code: ignored


def test_village_and_dialogue_filters_combine_with_each_other_and_the_search(client, three_answers):
    village, dialogue = three_answers["village"].pk, three_answers["dialogue"].pk
    assert shown(client, {"thon": village}) == {"road", "school"}
    assert shown(client, {"buoi": dialogue}) == {"water", "school"}
    assert shown(client, {"thon": village, "buoi": dialogue}) == {"school"}
    assert shown(client, {"thon": village, "q": "duong"}) == {"road"}
    assert shown(client, {"buoi": dialogue, "linh_vuc": "giao_duc", "q": "phong hoc"}) == {"school"}


def test_another_communes_village_or_dialogue_filters_nothing(client, three_answers, other_commune):
    foreign_village = OrganizationFactory(unit=other_commune.unit, name="Thôn Ngoài", kind=Organization.Kind.VILLAGE)
    foreign_dialogue = DialogueFactory(unit=other_commune.unit)
    _published(
        other_commune.unit, summary="Trường mầm non Ngọc Thiện.", village=foreign_village, dialogue=foreign_dialogue
    )
    path = "/xa/tan-yen/tra-loi/"
    assert shown(client, {"thon": foreign_village.pk}, path) == {"road", "water", "school"}
    assert shown(client, {"buoi": foreign_dialogue.pk}, path) == {"road", "water", "school"}
    assert "Trường mầm non Ngọc Thiện." not in html_of(client.get(path, {"buoi": foreign_dialogue.pk}))


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": "đường " * 2_000},
        {"q": "' OR 1=1; DROP TABLE petitions_petition; --"},
        {"q": "%_%\\"},
        {"q": "\x00\u202e"},
        {"thon": "abc", "buoi": "-1", "linh_vuc": "<script>"},
        {"thon": "99999999999999999999", "buoi": "1e9", "tl": "9" * 30},
        {"trang": "9999"},
        {"trang": "abc"},
        {"tl": "-5"},
    ],
)
def test_hostile_input_is_never_a_server_error(client, three_answers, params):
    response = client.get("/tra-loi/", params)
    assert response.status_code == 200
    assert "<script>" not in html_of(response).split("</header>", 1)[1]


def test_the_feed_link_to_one_answer_shows_it_alone(client, three_answers):
    answer = three_answers["water"].answers.get()
    assert shown(client, {"tl": answer.pk}) == {"water"}


# ---------------------------------------------------------------- pagination and query budget


def test_answers_are_paginated_twenty_a_page_keeping_the_filters(client, commune):
    for n in range(45):
        _published(
            commune.unit, summary=f"Kiến nghị số {n:02d} về đường.", published=timezone.now() - dt.timedelta(hours=n)
        )
    html = html_of(client.get("/tra-loi/", {"q": "duong"}))
    assert "45 câu trả lời" in html and "Trang 1/3" in html
    assert "Kiến nghị số 00" in html and "Kiến nghị số 19" in html and "Kiến nghị số 20" not in html
    assert 'href="?q=duong&amp;trang=2"' in html
    html = html_of(client.get("/tra-loi/", {"q": "duong", "trang": 3}))
    assert "Kiến nghị số 40" in html and "Kiến nghị số 44" in html and "Kiến nghị số 39" not in html
    assert 'href="?q=duong&amp;trang=2" rel="prev"' in html


@pytest.mark.parametrize("count", [5, 50])
def test_the_page_and_the_feed_read_a_fixed_number_of_queries(client, commune, django_assert_max_num_queries, count):
    village = OrganizationFactory(unit=commune.unit, name="Thôn Bắc", kind=Organization.Kind.VILLAGE)
    dialogue = DialogueFactory(unit=commune.unit)
    own_topic = Topic.objects.create(unit=commune.unit, code="rieng", name="Riêng", parent=canonical_topic("khac"))
    for n in range(count):
        _published(
            commune.unit,
            summary=f"Ý kiến {n}",
            village=village,
            dialogue=dialogue,
            topic=own_topic if n % 2 else canonical_topic("y_te"),
            org=commune.economy if n % 3 else None,
        )
    with django_assert_max_num_queries(8):
        assert client.get("/tra-loi/", {"q": "y kien", "thon": village.pk, "buoi": dialogue.pk}).status_code == 200
    with django_assert_max_num_queries(3):
        assert len(entries(client.get("/tra-loi/feed.atom"))) == count


# ---------------------------------------------------------------- the Atom feed


def test_the_feed_is_atom_with_unique_ids_and_links_to_each_answer(client, commune):
    # 00:30 on 8 December in Vietnam is still 7 December in UTC: the feed must not mix the two days.
    with time_machine.travel(AWKWARD_HOUR, tick=False):
        for n in range(55):
            _published(
                commune.unit,
                summary=f"Đề nghị số {n} " + "rất dài " * 40,
                published=timezone.now() - dt.timedelta(hours=n),
            )
        response = client.get("/tra-loi/feed.atom")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    items = entries(response)
    assert len(items) == 50
    ids = [e.findtext(f"{ATOM}id") for e in items]
    assert len(set(ids)) == 50
    first = items[0]
    assert first.findtext(f"{ATOM}title").startswith("Đề nghị số 0 ") and len(first.findtext(f"{ATOM}title")) <= 120
    assert first.findtext(f"{ATOM}content") == ROAD_ANSWER
    link = first.find(f"{ATOM}link").get("href")
    pk = link.rsplit("#tl-", 1)[1]
    assert link == f"http://testserver/xa/tan-yen/tra-loi/?tl={pk}#tl-{pk}"
    assert ids[0] == f"http://testserver/xa/tan-yen/tra-loi/#tl-{pk}"
    # The moment it was published, written in local time as the announcements' feed writes it.
    assert first.findtext(f"{ATOM}updated") == first.findtext(f"{ATOM}published") == "2026-12-08T00:30:00+07:00"
    assert dt.datetime.fromisoformat(first.findtext(f"{ATOM}updated")) == dt.datetime.fromisoformat(AWKWARD_HOUR)
    assert items[1].findtext(f"{ATOM}updated") == "2026-12-07T23:30:00+07:00"
    assert f'id="tl-{pk}"' in html_of(client.get(link.removeprefix("http://testserver")))


def test_the_feed_holds_no_personal_data_and_only_public_answers(client, commune):
    petition = _published(commune.unit, org=commune.economy)
    hidden = _published(commune.unit, summary="Chưa công khai: bí mật.")
    hidden.answers.update(published_at=None)
    text = client.get("/tra-loi/feed.atom").content.decode()
    assert ROAD in text and ROAD_ANSWER in text and "Phòng Kinh tế" in text
    for private in (*IDENTITY, petition.content, petition.code, "Nội bộ", "Chưa công khai", hidden.code):
        assert private not in text


def test_each_commune_has_its_feed_linked_from_its_answers_page(client, commune, other_commune):
    _published(commune.unit, summary="Tân Yên: đường.")
    _published(other_commune.unit, summary="Ngọc Thiện: chợ.")
    html = html_of(client.get("/xa/ngoc-thien/tra-loi/"))
    assert (
        '<link rel="alternate" type="application/atom+xml"' in html
        and 'href="/xa/ngoc-thien/tra-loi/feed.atom"' in html
    )
    titles = [e.findtext(f"{ATOM}title") for e in entries(client.get("/xa/ngoc-thien/tra-loi/feed.atom"))]
    assert titles == ["Ngọc Thiện: chợ."]
    assert len(entries(client.get("/tra-loi/feed.atom"))) == 2  # every commune's
    assert client.get("/xa/khong-co/tra-loi/feed.atom").status_code == 404


def test_a_single_commune_links_the_short_feed_address(client, commune):
    html = html_of(client.get("/tra-loi/"))
    assert 'type="application/atom+xml"' in html and 'href="/tra-loi/feed.atom"' in html
    assert "Chưa có ý kiến, kiến nghị nào được trả lời công khai." in html


# ---------------------------------------------------------------- links from the public pages


def test_the_home_page_and_the_visitor_header_link_the_answers(client, commune):
    html = html_of(client.get("/"))
    assert 'href="/xa/tan-yen/tra-loi/"' in html and "Kết quả trả lời" in html
    html = html_of(client.get("/tra-cuu/"))
    assert 'href="/tra-loi/">Kết quả trả lời</a>' in html
    assert 'href="/xa/tan-yen/tra-loi/" aria-current="page">Kết quả trả lời</a>' in html_of(client.get("/tra-loi/"))
