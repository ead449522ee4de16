"""The staff inbox /can-bo/y-kien/: who sees what, filters, search, keyset paging, bulk actions, query budget."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from doithoai.accounts.models import Organization
from doithoai.lib.text import fold
from doithoai.petitions.models import Petition
from tests.factories import AssignmentFactory, DialogueFactory, PetitionFactory, canonical_topic, user_with_role
from tests.portal.test_pages import assert_csp_clean

URL = "/can-bo/y-kien/"
BULK = "/can-bo/y-kien/thao-tac/"
S, K = Petition.Status, Petition.Kind
NOW = "2026-11-27 09:00 +0700"


@pytest.fixture(autouse=True)
def _frozen():
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield


def petition(unit, content="Đề nghị sửa đường thôn Trung.", **extra):
    extra.setdefault("received_at", timezone.now())
    return PetitionFactory(unit=unit, content=content, search_key=fold(content), **extra)


def codes_in(response) -> set[str]:
    return set(re.findall(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]", response.content.decode()))


@pytest.fixture
def coordinator(commune):
    return user_with_role("coordinator", commune.unit, username="vanphong")


@pytest.fixture
def mixed(commune):
    """One petition of each sensitive sort, with distinctive identities."""
    unit = commune.unit
    return {
        "road": petition(
            unit,
            "Đường xuống cấp ở thôn Đông, đề nghị sửa chữa.",
            submitter_name="Lê Văn Đặcbiệt",
            submitter_phone="0911222333",
            submitter_address="Số 99 ngõ Riêngtư",
        ),
        "denounce": petition(
            unit,
            "Tố cáo cán bộ địa chính nhận tiền của dân.",
            kind=K.TO_CAO,
            submitter_name="Phạm Thị Tốcáo",
            submitter_phone="0944555666",
            submitter_address="Số 7 xóm Kín",
        ),
        "complaint": petition(
            unit,
            "Khiếu nại quyết định thu hồi đất.",
            kind=K.KHIEU_NAI,
            submitter_name="Hoàng Văn Khiếunại",
            submitter_phone="0977888999",
        ),
    }


# ---------------------------------------------------------------- who sees what


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_coordinator_sees_all_of_the_units_petitions_but_no_identity(client, coordinator, mixed):
    client.force_login(coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    assert codes_in(response) >= {p.code for p in mixed.values()}
    html = response.content.decode()
    for secret in (
        "Đặcbiệt",
        "0911222333",
        "Riêngtư",
        "Tốcáo",
        "0944555666",
        "xóm Kín",
        "Khiếunại",
        "0977888999",
        "Trần Thị Mẫu",
        "0987654321",
        "nhận tiền",
        "thu hồi đất",
    ):
        assert secret not in html, secret
    assert "Tố cáo — nội dung hạn chế" in html and "Khiếu nại — nội dung hạn chế" in html
    assert "Đường xuống cấp ở thôn Đông" in html
    assert 'id="thao-tac"' in html
    assert_csp_clean(response)


def test_chair_sees_the_unit_but_gets_no_bulk_form(client, commune, mixed):
    client.force_login(user_with_role("chair", commune.unit))
    response = client.get(URL)
    assert codes_in(response) >= {p.code for p in mixed.values()}
    assert 'id="thao-tac"' not in response.content.decode()


def test_agency_officer_sees_only_what_is_assigned_to_it(client, commune, mixed):
    AssignmentFactory(petition=mixed["road"], lead=commune.economy)
    AssignmentFactory(petition=mixed["complaint"], lead=commune.culture)
    client.force_login(user_with_role("agency", commune.unit, commune.economy))
    response = client.get(URL)
    assert response.status_code == 200
    assert codes_in(response) == {mixed["road"].code}


def test_other_communes_coordinator_sees_none_of_this_commune(client, commune, other_commune, mixed):
    client.force_login(user_with_role("coordinator", other_commune.unit))
    response = client.get(URL)
    assert response.status_code == 200
    assert not codes_in(response) & {p.code for p in mixed.values()}


def test_mttq_supervisor_sees_no_complaint_or_denunciation_and_has_no_bulk_form(client, commune, mixed):
    client.force_login(user_with_role("org_rep", commune.unit, commune.front))
    response = client.get(URL)
    assert codes_in(response) == {mixed["road"].code}
    html = response.content.decode()
    assert 'id="thao-tac"' not in html and "Ý kiến, kiến nghị" in html  # in the nav too
    assert client.post(BULK, {"chon": [mixed["road"].pk], "thao_tac": "phan_loai"}).status_code == 403


def test_province_officer_sees_nothing(client, commune, mixed):
    client.force_login(user_with_role("province", commune.province))
    response = client.get(URL)
    assert response.status_code in (200, 403)
    assert not codes_in(response)


# ---------------------------------------------------------------- filters and search


def test_each_filter_narrows_the_list(client, commune, coordinator):
    unit = commune.unit
    roads, health = canonical_topic("giao_thong_xay_dung"), canonical_topic("y_te")
    village = Organization.objects.create(unit=unit, name="Thôn Trung", kind="village")
    dialogue = DialogueFactory(unit=unit)
    a = petition(
        unit,
        topic=roads,
        kind=K.PHAN_ANH,
        channel=Petition.Channel.PHONE,
        village=village,
        received_at=timezone.now() - dt.timedelta(days=40),
    )
    b = petition(
        unit,
        topic=health,
        status=S.CLASSIFIED,
        channel=Petition.Channel.SPOKEN_AT_DIALOGUE,
        dialogue=dialogue,
        submitter_organization=commune.farmers,
        deadline=dt.date(2026, 11, 1),
    )
    c = petition(unit, status=S.ANSWER_PENDING, deadline=dt.date(2026, 11, 1))
    client.force_login(coordinator)
    cases = {
        f"?trang_thai={S.CLASSIFIED}&trang_thai={S.ANSWER_PENDING}": {b, c},
        f"?linh_vuc={roads.pk}": {a},
        f"?loai={K.PHAN_ANH}": {a},
        "?kenh=phone": {a},
        f"?buoi={dialogue.pk}": {b},
        f"?to_chuc={commune.farmers.pk}": {b},
        f"?thon={village.pk}": {a},
        "?qua_han=1": {b},  # c's answer awaits approval: no longer overdue
        "?tu_ngay=2026-11-01": {b, c},
        "?den_ngay=2026-11-01": {a},
    }
    for query, expected in cases.items():
        response = client.get(URL + query)
        assert codes_in(response) == {p.code for p in expected}, query


def test_a_unit_topic_counts_under_its_canonical_topic(client, commune, coordinator):
    from doithoai.petitions.models import Topic

    roads = canonical_topic("giao_thong_xay_dung")
    own = Topic.objects.create(unit=commune.unit, code="duong_lang", name="Đường làng", parent=roads)
    p = petition(commune.unit, topic=own)
    client.force_login(coordinator)
    assert codes_in(client.get(f"{URL}?linh_vuc={roads.pk}")) == {p.code}


def test_search_ignores_diacritics_and_finds_codes(client, commune, coordinator):
    road = petition(commune.unit, "Đường xuống cấp nghiêm trọng ở thôn Bắc.")
    other = petition(commune.unit, "Trạm y tế thiếu thuốc.")
    client.force_login(coordinator)
    assert codes_in(client.get(URL, {"q": "duong xuong cap"})) == {road.code}
    assert codes_in(client.get(URL, {"q": "ĐƯỜNG thôn bắc"})) == {road.code}
    assert codes_in(client.get(URL, {"q": "duong y te"})) == set()
    assert codes_in(client.get(URL, {"q": other.code.lower().replace("-", "")})) == {other.code}
    assert codes_in(client.get(URL, {"q": other.code[:9]})) == {other.code}


@pytest.mark.parametrize(
    "query",
    [
        {"trang_thai": "bogus"},
        {"linh_vuc": "abc"},
        {"buoi": "1 OR 1=1"},
        {"to_chuc": "-5"},
        {"thon": "99999999999999999999"},
        {"tu_ngay": "32/13/2026"},
        {"sap_xep": "'; DROP TABLE petitions_petition; --"},
        {"q": "x" * 10_000},
        {"q": "' OR '1'='1"},
        {"q": "%_\\"},
        {"sau": "garbage"},
        {"truoc": "2026-13-45T99:00_abc"},
        {"sau": "_12", "sap_xep": "moi"},
        {"sau": "2026-11-01T00:00:00_5"},
        {"qua_han": "maybe"},
    ],
)
def test_hostile_filters_never_break_the_page(client, commune, coordinator, query):
    petition(commune.unit)
    client.force_login(coordinator)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert "x" * 201 not in response.content.decode()


def test_a_bad_filter_is_ignored_with_a_vietnamese_message(client, commune, coordinator):
    p = petition(commune.unit)
    client.force_login(coordinator)
    response = client.get(URL, {"trang_thai": "bogus"})
    assert p.code in codes_in(response)
    assert "đã bỏ qua" in response.content.decode()


# ---------------------------------------------------------------- keyset pagination


@pytest.mark.parametrize("sort", ["moi", "cu", "han", "trang_thai"])
def test_paging_walks_every_petition_once_in_order(client, commune, coordinator, sort):
    start = timezone.now() - dt.timedelta(days=90)
    statuses = [S.RECEIVED, S.CLASSIFIED, S.ANSWER_PENDING]
    made = [
        petition(
            commune.unit,
            received_at=start + dt.timedelta(hours=i // 2),
            status=statuses[i % 3],
            deadline=None if i % 4 == 0 else dt.date(2026, 12, 1) + dt.timedelta(days=i % 5),
        )
        for i in range(60)
    ]
    client.force_login(coordinator)
    seen, url, pages = [], f"{URL}?sap_xep={sort}", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "60 ý kiến" in html
        seen += re.findall(r'<(?:a|span) class="code"[^>]*>([^<]+)<', html)
        match = re.search(r'rel="next" href="([^"]+)"', html)
        url = match.group(1).replace("&amp;", "&") if match else ""
        pages += 1
    assert pages == 3 and len(seen) == 60 and set(seen) == {p.code for p in made}
    rank = {v: i for i, v in enumerate(S.values)}
    order = {
        "moi": lambda p: (-p.received_at.timestamp(), -p.pk),
        "cu": lambda p: (p.received_at, p.pk),
        "han": lambda p: (p.deadline is None, p.deadline or dt.date.min, p.pk),
        "trang_thai": lambda p: (rank[p.status], p.pk),
    }[sort]
    assert seen == [p.code for p in sorted(made, key=order)]
    # and back again from the last page
    back = re.search(r'rel="prev" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    middle = re.findall(r'<(?:a|span) class="code"[^>]*>([^<]+)<', client.get(back).content.decode())
    assert middle == seen[25:50]


# ---------------------------------------------------------------- bulk actions


def test_bulk_classify_moves_those_that_can_and_lists_the_others(client, commune, coordinator):
    topic = canonical_topic("y_te")
    fine = [petition(commune.unit) for _ in range(3)]
    stuck = petition(commune.unit, status=S.ANSWERED)
    client.force_login(coordinator)
    response = client.post(
        BULK,
        {
            "chon": [p.pk for p in [*fine, stuck]],
            "thao_tac": "phan_loai",
            "pl-topic": topic.pk,
            "pl-kind": K.PHAN_ANH,
            "pl-jurisdiction": "commune",
            "loc": "?loai=phan_anh&sau=x",
        },
        follow=True,
    )
    assert response.redirect_chain[0][0] == f"{URL}?loai=phan_anh"
    html = response.content.decode()
    assert "Đã phân loại 3/4 ý kiến; 1 không thực hiện được" in html and stuck.code in html
    for p in fine:
        p.refresh_from_db()
        assert (p.status, p.topic_id, p.kind) == (S.CLASSIFIED, topic.pk, K.PHAN_ANH)
    stuck.refresh_from_db()
    assert stuck.status == S.ANSWERED


def test_bulk_assign_hands_classified_petitions_to_the_lead(client, commune, coordinator):
    ready = [petition(commune.unit, status=S.CLASSIFIED) for _ in range(2)]
    fresh = petition(commune.unit)
    client.force_login(coordinator)
    response = client.post(
        BULK,
        {
            "chon": [p.pk for p in [*ready, fresh]],
            "thao_tac": "giao",
            "gx-lead": commune.economy.pk,
            "gx-coordinating": [commune.culture.pk],
            "gx-deadline": "2026-12-15",
        },
        follow=True,
    )
    assert "Đã giao xử lý 2/3 ý kiến; 1 không thực hiện được" in response.content.decode()
    for p in ready:
        p.refresh_from_db()
        assignment = p.assignments.get(is_current=True)
        assert p.status == S.ASSIGNED and assignment.lead == commune.economy
        assert list(assignment.coordinating.all()) == [commune.culture] and p.deadline == dt.date(2026, 12, 15)


def test_bulk_actions_never_touch_another_communes_petitions(client, commune, other_commune, coordinator):
    foreign = petition(other_commune.unit)
    client.force_login(coordinator)
    response = client.post(
        BULK,
        {
            "chon": [foreign.pk],
            "thao_tac": "phan_loai",
            "pl-topic": canonical_topic().pk,
            "pl-kind": K.KIEN_NGHI,
            "pl-jurisdiction": "commune",
        },
        follow=True,
    )
    assert "Đã phân loại 0/1 ý kiến" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.status == S.RECEIVED


@pytest.mark.parametrize("role", ["chair", "agency"])
def test_only_the_coordinator_may_use_bulk_actions(client, commune, role):
    p = petition(commune.unit)
    client.force_login(user_with_role(role, commune.unit, commune.economy if role == "agency" else None))
    response = client.post(
        BULK,
        {
            "chon": [p.pk],
            "thao_tac": "phan_loai",
            "pl-topic": canonical_topic().pk,
            "pl-kind": K.KIEN_NGHI,
            "pl-jurisdiction": "commune",
        },
    )
    assert response.status_code == 403
    p.refresh_from_db()
    assert p.status == S.RECEIVED


def test_bulk_with_bad_input_explains_and_changes_nothing(client, commune, coordinator):
    p = petition(commune.unit)
    client.force_login(coordinator)
    response = client.post(BULK, {"chon": [p.pk, "x"], "thao_tac": "phan_loai", "pl-topic": "abc"}, follow=True)
    assert "Chưa phân loại" in response.content.decode()
    assert client.post(BULK, {"thao_tac": "giao"}).status_code == 302
    p.refresh_from_db()
    assert p.status == S.RECEIVED


# ---------------------------------------------------------------- query budget


def _rows(commune, n):
    topic = canonical_topic()
    for i in range(n):
        p = petition(
            commune.unit,
            topic=topic,
            status=S.ASSIGNED if i % 2 else S.RECEIVED,
            kind=K.TO_CAO if i % 7 == 0 else K.KIEN_NGHI,
        )
        if i % 2:
            AssignmentFactory(petition=p, lead=commune.economy)


def test_query_count_is_the_same_for_5_and_50_rows(client, commune, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    counts = []
    for more in (5, 45):
        _rows(commune, more)
        client.get(URL)  # warm the session
        with django_assert_max_num_queries(11) as captured:
            response = client.get(URL + "?sap_xep=han&trang_thai=received&trang_thai=assigned")
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert "50 ý kiến" in response.content.decode()


# ---------------------------------------------------------------- navigation and htmx


@pytest.mark.parametrize(
    ("role", "org", "shown"),
    [
        ("coordinator", None, True),
        ("chair", None, True),
        ("org_rep", "front", True),
        ("org_rep", "farmers", False),
        ("agency", "economy", False),
    ],
)
def test_the_inbox_is_in_the_nav_of_those_who_use_it(client, commune, role, org, shown):
    client.force_login(user_with_role(role, commune.unit, getattr(commune, org) if org else None))
    html = client.get("/can-bo/").content.decode()
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]  # (the home's figures link to it for all)
    assert (f'href="{URL}"' in nav) is shown


def test_htmx_filtering_returns_only_the_results(client, commune, coordinator):
    p = petition(commune.unit, kind=K.PHAN_ANH)
    petition(commune.unit)
    client.force_login(coordinator)
    response = client.get(URL, {"loai": K.PHAN_ANH}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="ket-qua"') and "<html" not in html
    assert codes_in(response) == {p.code}


def test_the_saved_view_in_use_is_marked(client, commune, coordinator):
    client.force_login(coordinator)
    html = client.get(URL, {"trang_thai": [S.FORWARDED, S.ASSIGNED], "sap_xep": "han"}).content.decode()
    assert re.search(r'aria-current="page">Đang giải quyết<', html)
    html = client.get(URL, {"qua_han": "on"}).content.decode()
    assert re.search(r'aria-current="page">Quá hạn<', html)


def test_each_code_links_to_its_detail_page_once_that_page_exists(client, commune, coordinator):
    from django.urls import NoReverseMatch, reverse

    p = petition(commune.unit)
    try:
        url = reverse("petitions:detail", args=[p.pk])
    except NoReverseMatch:
        pytest.skip("the detail page is not there yet")
    client.force_login(coordinator)
    assert f'<a class="code" href="{url}">{p.code}</a>' in client.get(URL).content.decode()


# ---------------------------------------------------------------- saved views: Chờ công khai, Mở lại; due soon; no topic


def _rated(p, satisfaction, *, current):
    from tests.factories import AnswerFactory

    at = timezone.now() - dt.timedelta(days=10)
    return AnswerFactory(petition=p, approved_at=at, published_at=at, satisfaction=satisfaction, is_current=current)


@pytest.fixture
def answered(commune):
    """Opinions on both sides of "Chờ công khai" and of "Mở lại (chưa hài lòng)"."""
    unit = commune.unit
    made = {
        "approved": petition(unit, status=S.ANSWERED),
        "hall": petition(unit, status=S.ANSWERED_AT_DIALOGUE),
        "complaint": petition(unit, status=S.ANSWERED, kind=K.KHIEU_NAI),  # closed, never published
        "pending": petition(unit, status=S.ANSWER_PENDING),
        "published": petition(unit, status=S.CLOSED),
        "reopened": petition(unit, status=S.CLASSIFIED),
        "reassigned": petition(unit, status=S.ASSIGNED),
        "reanswered": petition(unit, status=S.ANSWERED),
        "settled": petition(unit, status=S.CLOSED),
        "satisfied": petition(unit, status=S.CLOSED),
        "fresh": petition(unit, status=S.CLASSIFIED),
    }
    _rated(made["published"], "", current=True)
    for name in ("reopened", "reassigned", "reanswered", "settled"):
        _rated(made[name], "unsatisfied", current=False)
    _rated(made["settled"], "satisfied", current=True)
    _rated(made["satisfied"], "satisfied", current=True)
    return made


def _tab(response, label):
    match = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(label)}</a>', response.content.decode())
    assert match, label
    return match.group(1).replace("&amp;", "&")


def test_the_awaiting_publication_view_lists_approved_answers_not_yet_published(client, coordinator, answered):
    client.force_login(coordinator)
    url = _tab(client.get(URL), "Chờ công khai")
    response = client.get(url)
    expected = {answered[n].code for n in ("approved", "hall", "reanswered")}
    assert codes_in(response) == expected and response.context["total"] == 3
    assert re.search(r'aria-current="page">Chờ công khai<', response.content.decode())


def test_the_reopened_view_lists_the_cases_rated_unsatisfied_until_settled_again(client, coordinator, answered):
    client.force_login(coordinator)
    url = _tab(client.get(URL), "Mở lại (chưa hài lòng)")
    response = client.get(url)
    expected = {answered[n].code for n in ("reopened", "reassigned", "reanswered")}
    assert codes_in(response) == expected and response.context["total"] == 3
    assert re.search(r'aria-current="page">Mở lại \(chưa hài lòng\)<', response.content.decode())


def test_the_new_views_show_an_agency_only_its_own(client, commune, answered):
    AssignmentFactory(petition=answered["reassigned"], lead=commune.economy)
    AssignmentFactory(petition=answered["approved"], lead=commune.culture)
    client.force_login(user_with_role("agency", commune.unit, commune.economy))
    assert codes_in(client.get(URL, {"mo_lai": "1"})) == {answered["reassigned"].code}
    assert codes_in(client.get(URL, {"cho_cong_khai": "1"})) == set()


def test_due_soon_means_still_awaiting_an_answer_within_five_days(client, commune, coordinator):
    today = dt.date(2026, 11, 27)
    inside = [petition(commune.unit, status=S.ASSIGNED, deadline=today + dt.timedelta(days=n)) for n in (0, 5)]
    outside = [
        petition(commune.unit, status=S.ASSIGNED, deadline=today + dt.timedelta(days=6)),
        petition(commune.unit, status=S.ASSIGNED, deadline=today - dt.timedelta(days=1)),  # overdue
        petition(commune.unit, status=S.ANSWER_PENDING, deadline=today + dt.timedelta(days=1)),
        petition(commune.unit, status=S.RECEIVED),
    ]
    client.force_login(coordinator)
    response = client.get(URL, {"sap_den_han": "1"})
    assert codes_in(response) == {p.code for p in inside}
    assert not codes_in(response) & {p.code for p in outside}


def test_the_topic_filter_has_a_choice_for_opinions_without_a_topic(client, commune, coordinator):
    bare = petition(commune.unit)
    petition(commune.unit, topic=canonical_topic("y_te"))
    client.force_login(coordinator)
    response = client.get(URL, {"linh_vuc": "0"})
    assert codes_in(response) == {bare.code}
    assert '<option value="0" selected>Chưa phân loại</option>' in response.content.decode()


@pytest.mark.parametrize(
    "query", [{"sap_den_han": "maybe"}, {"cho_cong_khai": "x' OR 1"}, {"mo_lai": "2"}, {"linh_vuc": "-1"}]
)
def test_the_new_filters_never_break_the_page(client, commune, coordinator, query):
    petition(commune.unit)
    client.force_login(coordinator)
    assert client.get(URL, query).status_code == 200
