"""The staff home /can-bo/: every figure is a link to the inbox listing exactly the opinions it counts; the chair's
"Chờ duyệt" comes first; a dialogue secretary's home lists the coming dialogue first; the header's entries."""

import datetime as dt
import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from doithoai.accounts.context_processors import navigation
from doithoai.petitions.models import AWAITING_ANSWER, OPEN_STATUSES, Answer, Petition, Topic
from doithoai.plans.models import Dialogue, DialogueMember
from tests.factories import (
    AnswerFactory,
    AssignmentFactory,
    DialogueFactory,
    DialogueMemberFactory,
    PetitionFactory,
    UserFactory,
    canonical_topic,
    user_with_role,
)

S, K = Petition.Status, Petition.Kind
TODAY = dt.date(2026, 11, 27)
CODE = re.compile(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]")
CONFIDENTIAL = (K.KHIEU_NAI, K.TO_CAO)


@pytest.fixture(autouse=True)
def _frozen():
    import time_machine

    with time_machine.travel("2026-11-27 09:00 +0700", tick=False):
        yield


def _answer(petition, *, published=False, satisfaction="", current=True):
    at = timezone.now() - dt.timedelta(days=20)
    return AnswerFactory(
        petition=petition,
        approved_at=at,
        published_at=at if published else None,
        satisfaction=satisfaction,
        satisfaction_reason="Chưa sửa xong." if satisfaction == "unsatisfied" else "",
        is_current=current,
    )


@pytest.fixture
def dataset(commune, other_commune):
    """Opinions of every status, deadline, kind and topic the figures tell apart, some assigned to Phòng Kinh tế or
    sent by Hội Nông dân; a few of another commune that no figure may count."""
    unit = commune.unit
    roads, health = canonical_topic("giao_thong_xay_dung"), canonical_topic("y_te")
    lanes = Topic.objects.create(unit=unit, code="duong_lang", name="Đường làng", parent=roads)
    day = dt.timedelta(days=1)
    rows = [
        # status, deadline, kind, topic, lead, submitter organisation
        (S.RECEIVED, None, K.KIEN_NGHI, None, None, None),
        (S.RECEIVED, TODAY - 3 * day, K.PHAN_ANH, None, None, commune.farmers),  # overdue
        (S.CLASSIFIED, TODAY, K.KIEN_NGHI, roads, None, None),  # due today: due soon, not overdue
        (S.CLASSIFIED, TODAY + 5 * day, K.KHIEU_NAI, health, None, None),  # due soon (the fifth day)
        (S.ASSIGNED, TODAY + 6 * day, K.KIEN_NGHI, lanes, commune.economy, None),  # not yet due soon
        (S.ASSIGNED, TODAY - day, K.TO_CAO, roads, commune.economy, None),  # overdue
        (S.ASSIGNED, TODAY + 2 * day, K.KIEN_NGHI, health, commune.culture, commune.farmers),  # due soon
        (S.FORWARDED, TODAY - 10 * day, K.KIEN_NGHI, roads, commune.higher, None),  # overdue
        (S.ANSWER_PENDING, TODAY - 2 * day, K.KIEN_NGHI, lanes, commune.economy, None),  # late, but answered
        (S.ANSWER_PENDING, TODAY + day, K.CAU_HOI, health, commune.culture, None),
        (S.ANSWERED, TODAY - 5 * day, K.KIEN_NGHI, roads, commune.economy, commune.farmers),  # awaiting publication
        (S.ANSWERED, TODAY + day, K.KHIEU_NAI, roads, commune.culture, None),  # never published: closed instead
        (S.ANSWERED_AT_DIALOGUE, None, K.GOP_Y, health, None, None),  # awaiting publication
        (S.CLOSED, TODAY - 30 * day, K.KIEN_NGHI, roads, commune.economy, None),
        (S.DECLINED, None, K.KIEN_NGHI, None, None, commune.farmers),
        (S.LEGAL_TRACK, TODAY - 4 * day, K.TO_CAO, None, None, None),
    ]
    made = {}
    for i, (status, deadline, kind, topic, lead, org) in enumerate(rows):
        petition = PetitionFactory(
            unit=unit,
            status=status,
            deadline=deadline,
            kind=kind,
            topic=topic,
            submitter_organization=org,
            received_at=timezone.now() - dt.timedelta(days=40 - i),
        )
        if lead is not None:
            assignment = AssignmentFactory(petition=petition, lead=lead)
            if lead == commune.culture and status == S.ASSIGNED:
                assignment.coordinating.add(commune.economy)
        made[i] = petition
    # Reopened: rated "chưa hài lòng" and back with the Party Office, or with the agency again ...
    reopened = PetitionFactory(unit=unit, status=S.CLASSIFIED, deadline=TODAY + 20 * day, topic=roads)
    _answer(reopened, published=True, satisfaction="unsatisfied", current=False)
    again = PetitionFactory(unit=unit, status=S.ASSIGNED, deadline=TODAY + 9 * day, topic=health)
    _answer(again, published=True, satisfaction="unsatisfied", current=False)
    AssignmentFactory(petition=again, lead=commune.economy)
    # ... but not once settled again, nor when the submitter was satisfied.
    settled = PetitionFactory(unit=unit, status=S.CLOSED, topic=roads)
    _answer(settled, published=True, satisfaction="unsatisfied", current=False)
    _answer(settled, published=True, satisfaction="satisfied")
    content = PetitionFactory(unit=unit, status=S.CLOSED, topic=roads)
    _answer(content, published=True, satisfaction="satisfied")
    merged = PetitionFactory(unit=unit, status=S.MERGED, merged_into=reopened, topic=roads)
    made.update(reopened=reopened, again=again, settled=settled, content=content, merged=merged)
    # Another commune's opinions, of every kind that is counted.
    for status in (S.RECEIVED, S.ASSIGNED, S.ANSWER_PENDING, S.ANSWERED):
        PetitionFactory(unit=other_commune.unit, status=status, deadline=TODAY - day, topic=roads)
    return made


def _reopened(p: Petition) -> bool:
    return (
        p.status not in (S.CLOSED, S.MERGED, S.DECLINED, S.LEGAL_TRACK)
        and p.answers.filter(satisfaction=Answer.Satisfaction.UNSATISFIED).exists()
    )


# What each figure counts, written out here independently of petitions/queries.py.
EXPECTED = {
    "total": lambda p: True,
    "open": lambda p: p.status in OPEN_STATUSES,
    "overdue": lambda p: p.status in AWAITING_ANSWER and p.deadline is not None and p.deadline < TODAY,
    "due_soon": lambda p: (
        p.status in AWAITING_ANSWER and p.deadline is not None and TODAY <= p.deadline <= TODAY + dt.timedelta(days=5)
    ),
    "awaiting_approval": lambda p: p.status == S.ANSWER_PENDING,
    "new": lambda p: p.status == S.RECEIVED,
    "awaiting_publication": lambda p: p.status in (S.ANSWERED, S.ANSWERED_AT_DIALOGUE) and p.kind not in CONFIDENTIAL,
    "reopened": _reopened,
}


def _visible(role: str, commune, org) -> list[Petition]:
    """Who sees what (DESIGN.md §1), written out for this dataset."""
    mine = Petition.objects.filter(unit=commune.unit)
    if role in ("coordinator", "chair"):
        return list(mine)
    if role == "agency":
        return [
            p
            for p in mine
            if p.assignments.filter(is_current=True).filter(lead=org).exists()
            or p.assignments.filter(is_current=True, coordinating=org).exists()
        ]
    if org.is_supervisor:
        return [p for p in mine if p.kind not in CONFIDENTIAL or p.submitter_organization_id == org.pk]
    return [p for p in mine if p.submitter_organization_id == org.pk]


def listed(client, url: str) -> tuple[int, set[str]]:
    """The inbox's count and every code it lists, walking its pages."""
    total, codes = None, set()
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        total = response.context["total"] if total is None else total
        page = response.content.decode()
        found = re.findall(r'<(?:a|span) class="code"[^>]*>([^<]+)<', page)
        assert not codes & set(found), "a code listed twice"
        codes |= set(found)
        match = re.search(r'rel="next" href="([^"]+)"', page)
        url = html_lib.unescape(match.group(1)) if match else ""
    return total, codes


def _topic_name(p: Petition) -> str:
    return "Chưa phân loại" if p.topic is None else (p.topic.parent or p.topic).name


ROLES = [("coordinator", None), ("chair", None), ("agency", "economy"), ("org_rep", "front"), ("org_rep", "farmers")]


@pytest.mark.parametrize(("role", "org_name"), ROLES)
def test_every_figure_links_to_the_inbox_listing_exactly_what_it_counts(client, commune, dataset, role, org_name):
    org = getattr(commune, org_name) if org_name else None
    client.force_login(user_with_role(role, commune.unit, org))
    response = client.get("/can-bo/")
    assert response.status_code == 200
    cards = response.context["figure_cards"]
    page = response.content.decode()
    visible = _visible(role, commune, org)
    names = {card["name"] for card in cards}
    assert names >= {"total", "open", "overdue", "due_soon", "awaiting_approval", "new"}
    assert ({"awaiting_publication", "reopened"} <= names) is (role == "coordinator")
    for card in cards:
        expected = {p.code for p in visible if EXPECTED[card["name"]](p)}
        assert card["n"] == len(expected), card["name"]
        assert f'href="{html_lib.escape(card["url"])}"' in page, card["name"]
        assert listed(client, card["url"]) == (len(expected), expected), card["name"]


@pytest.mark.parametrize(("role", "org_name"), ROLES)
def test_every_count_by_status_and_by_topic_links_to_exactly_its_opinions(client, commune, dataset, role, org_name):
    org = getattr(commune, org_name) if org_name else None
    client.force_login(user_with_role(role, commune.unit, org))
    response = client.get("/can-bo/")
    visible = _visible(role, commune, org)
    assert response.context["status_counts"], "the dataset has opinions for every role"
    for status, _label, n, url in response.context["status_counts"]:
        expected = {p.code for p in visible if p.status == status}
        assert listed(client, url) == (n, expected) and n == len(expected), status
    for name, n, url in response.context["topic_counts"]:
        expected = {p.code for p in visible if _topic_name(p) == name}
        assert listed(client, url) == (n, expected) and n == len(expected), name
        assert f'href="{html_lib.escape(url)}"' in response.content.decode()


def test_the_lanes_of_a_commune_count_under_roads_and_the_unclassified_are_their_own_line(client, commune, dataset):
    client.force_login(user_with_role("coordinator", commune.unit))
    counts = {name: n for name, n, _ in client.get("/can-bo/").context["topic_counts"]}
    assert counts["Giao thông, xây dựng"] == 12 and "Đường làng" not in counts
    assert counts["Chưa phân loại"] == 4


def test_the_chairs_home_starts_with_the_answers_awaiting_approval(client, commune, dataset):
    client.force_login(user_with_role("chair", commune.unit))
    response = client.get("/can-bo/")
    first = response.context["figure_cards"][0]
    assert first["name"] == "awaiting_approval" and first["n"] == 2 and first["tone"] == "warn"
    page = response.content.decode()
    assert page.index('data-figure="awaiting_approval"') < page.index('data-figure="total"')
    client.force_login(user_with_role("coordinator", commune.unit))
    assert client.get("/can-bo/").context["figure_cards"][0]["name"] == "total"


def test_the_province_sees_figures_per_commune_without_links_to_opinions_it_may_not_open(client, commune, dataset):
    client.force_login(user_with_role("province", commune.province))
    response = client.get("/can-bo/")
    row = next(r for r in response.context["province_rows"] if r["unit"] == commune.unit)
    assert row["total"] == len(Petition.objects.filter(unit=commune.unit)) and row["overdue"] == 3
    assert "/can-bo/y-kien/?" not in response.content.decode()


def test_the_staff_home_with_links_stays_within_its_query_budget(
    client, commune, dataset, django_assert_max_num_queries
):
    client.force_login(user_with_role("coordinator", commune.unit))
    with django_assert_max_num_queries(16):
        assert client.get("/can-bo/").status_code == 200


# ---------------------------------------------------------------- the secretary's and the receiver's home


def _at(day: dt.date, hour: int = 8):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


@pytest.mark.parametrize("seat", [DialogueMember.Role.SECRETARY, DialogueMember.Role.RECEIVER])
def test_a_dialogue_seat_home_lists_the_next_dialogue_first_then_the_rest_then_the_past(client, commune, seat):
    unit = commune.unit

    def dialogue(title, day, status=Dialogue.Status.SCHEDULED):
        return DialogueFactory(
            unit=unit, plan=None, title=title, starts_at=_at(day), tentative_month=None, status=status
        )

    later = dialogue("Hội nghị tháng Mười hai", dt.date(2026, 12, 18))
    held = dialogue("Giao ban quý III", dt.date(2026, 9, 18), Dialogue.Status.CONCLUDED)
    today = dialogue("Đối thoại với thanh niên", TODAY)
    early = dialogue("Hội nghị tháng Ba", dt.date(2026, 3, 20), Dialogue.Status.HELD)
    soon = dialogue("Đối thoại với doanh nghiệp", dt.date(2026, 12, 2))
    user = UserFactory()
    for d in (later, held, today, early, soon):
        DialogueMemberFactory(dialogue=d, user=user, role=seat)
    client.force_login(user)
    response = client.get("/can-bo/")
    assert [s.dialogue for s in response.context["coming_seats"]] == [today, soon, later]
    assert [s.dialogue for s in response.context["past_seats"]] == [held, early]
    page = response.content.decode()
    titles = [page.index(d.title) for d in (today, soon, later, held, early)]
    assert titles == sorted(titles)
    assert re.search(r"Đối thoại với thanh niên</a>\s*<span class=\"badge badge-next\">Buổi tiếp theo", page)
    # The day after, today's dialogue has been held and the next one leads.
    today.status = Dialogue.Status.HELD
    today.save()
    import time_machine

    with time_machine.travel("2026-11-28 09:00 +0700", tick=False):
        client.force_login(user)  # a new day, a new session
        response = client.get("/can-bo/")
    assert [s.dialogue for s in response.context["coming_seats"]] == [soon, later]
    assert [s.dialogue for s in response.context["past_seats"]] == [today, held, early]


def test_a_dialogue_whose_day_passed_without_being_marked_held_is_not_coming(client, commune):
    stale = DialogueFactory(
        unit=commune.unit,
        plan=None,
        starts_at=_at(dt.date(2026, 11, 20)),
        tentative_month=None,
        status=Dialogue.Status.SCHEDULED,
    )
    user = UserFactory()
    DialogueMemberFactory(dialogue=stale, user=user)
    client.force_login(user)
    response = client.get("/can-bo/")
    assert response.context["coming_seats"] == [] and [s.dialogue for s in response.context["past_seats"]] == [stale]
    assert "Không còn buổi nào sắp tới" in response.content.decode()


# ---------------------------------------------------------------- the header


def _nav(user) -> dict[str, str]:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return dict(navigation(request)["nav_items"])


@pytest.mark.parametrize(
    ("role", "org_name", "shown"),
    [
        ("coordinator", None, True),
        ("org_rep", "front", True),
        ("org_rep", "farmers", True),
        ("chair", None, False),
        ("agency", "economy", False),
        ("publisher", "service_centre", False),
        ("province", None, False),
    ],
)
def test_excel_import_has_its_own_entry_for_those_who_may_import(client, commune, role, org_name, shown):
    unit = commune.province if role == "province" else commune.unit
    user = user_with_role(role, unit, getattr(commune, org_name) if org_name else None)
    assert ("Nhập Excel" in _nav(user)) is shown
    client.force_login(user)
    assert ('href="/can-bo/nhap-excel/"' in client.get("/can-bo/").content.decode()) is shown
    assert client.get("/can-bo/nhap-excel/").status_code == (200 if shown else 403)


def test_a_dialogue_secretary_has_no_excel_import_entry(client, commune):
    user = UserFactory()
    DialogueMemberFactory(dialogue=DialogueFactory(unit=commune.unit), user=user)
    assert "Nhập Excel" not in _nav(user)
    client.force_login(user)
    assert client.get("/can-bo/nhap-excel/").status_code == 403


def test_the_account_menu_holds_the_roles_the_public_site_and_log_out(client, commune):
    client.force_login(user_with_role("coordinator", commune.unit))
    page = client.get("/can-bo/").content.decode()
    menu = page[page.index('<details class="account-menu">') : page.index("</details>")]
    assert "Trang công khai" in menu and "Đổi mật khẩu" in menu and "Đăng xuất" in menu
    assert f'action="{reverse("accounts:logout")}"' in menu and "Văn phòng Đảng ủy" not in menu.split("</summary>")[0]


# ---------------------------------------------------------------- the favicon


def test_the_favicon_is_linked_and_favicon_ico_is_not_a_404(client, db):
    from django.contrib.staticfiles import finders

    page = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/img/favicon\.svg" type="image/svg\+xml">', page)
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/img/favicon.svg"
    with open(finders.find("img/favicon.svg"), encoding="utf-8") as icon:
        svg = icon.read()
    assert svg.startswith("<svg") and "#8e1b1b" in svg  # the header's red
