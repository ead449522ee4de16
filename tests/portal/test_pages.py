import datetime as dt
import re

import pytest
from django.utils import timezone

from doithoai.petitions.models import HistoryEntry, Petition
from doithoai.plans.models import Dialogue
from tests.factories import (
    AssignmentFactory,
    CommuneSet,
    DialogueFactory,
    PetitionFactory,
    PlanFactory,
    UserFactory,
    canonical_topic,
)

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style|\sstyle=", re.I)


def assert_csp_clean(response):
    html = response.content.decode()
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert not INLINE_SCRIPT.search(html), "inline script breaks the CSP"
    assert not INLINE_STYLE.search(html), "inline style breaks the CSP"


@pytest.fixture
def plan_with_dialogues(commune, frozen_demo_now):
    plan = PlanFactory(unit=commune.unit)
    held = DialogueFactory(
        unit=commune.unit,
        plan=plan,
        title="Giao ban quý III",
        kind=Dialogue.Kind.REGULAR,
        starts_at=timezone.make_aware(dt.datetime(2026, 9, 18, 8)),
        status=Dialogue.Status.CONCLUDED,
    )
    coming = DialogueFactory(
        unit=commune.unit,
        plan=plan,
        title="Giao ban quý IV",
        kind=Dialogue.Kind.REGULAR,
        starts_at=timezone.make_aware(dt.datetime(2026, 12, 18, 8)),
        status=Dialogue.Status.SCHEDULED,
    )
    return plan, held, coming


def test_public_home_names_the_commune_and_its_dialogues(client, plan_with_dialogues):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tân Yên" in html
    assert "Giao ban quý IV" in html and "Giao ban quý III" in html
    assert_csp_clean(response)


def test_public_home_with_several_communes_lists_them(client, commune, other_commune):
    html = client.get("/").content.decode()
    assert "/xa/tan-yen/" in html and "/xa/ngoc-thien/" in html
    assert client.get("/xa/ngoc-thien/").status_code == 200
    assert client.get("/xa/khong-co/").status_code == 404


def test_public_dialogue_page_shows_place_and_agenda(client, plan_with_dialogues):
    _, _, coming = plan_with_dialogues
    coming.agenda.create(position=1, title="Chủ trì kết luận.", presenter="Bí thư")
    response = client.get(f"/doi-thoai/{coming.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phòng họp tầng 3 - Nhà Hội thảo xã" in html and "Chủ trì kết luận." in html
    assert client.get("/doi-thoai/999999/").status_code == 404


def test_public_pages_cost_a_bounded_number_of_queries(client, plan_with_dialogues, django_assert_max_num_queries):
    plan = plan_with_dialogues[0]
    for month in range(1, 10):
        DialogueFactory(unit=plan.unit, plan=plan, title=f"Buổi {month}", tentative_month=dt.date(2026, month, 1))
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200


def test_staff_home_needs_a_login(client, db):
    response = client.get("/can-bo/")
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


def test_account_without_a_role_is_told_so(client, db):
    client.force_login(UserFactory())
    response = client.get("/can-bo/")
    assert response.status_code == 403
    assert "Văn phòng Đảng ủy" in response.content.decode()


def _petitions(commune: CommuneSet, n: int):
    topic = canonical_topic("dat_dai")
    for i in range(n):
        petition = PetitionFactory(
            unit=commune.unit,
            topic=topic,
            status=Petition.Status.ASSIGNED,
            deadline=dt.date(2026, 11, 1) if i % 2 else dt.date(2026, 12, 30),
        )
        AssignmentFactory(petition=petition, lead=commune.economy)


def test_coordinator_home_shows_real_figures(client, commune, user_with_role, plan_with_dialogues):
    _petitions(commune, 6)
    client.force_login(user_with_role("coordinator", commune.unit))
    response = client.get("/can-bo/")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["total"] == 6 and figures["overdue"] == 3
    assert "Giao ban quý IV" in response.content.decode()
    assert_csp_clean(response)


@pytest.mark.parametrize("rows", [5, 50])
def test_staff_home_query_count_does_not_grow_with_data(
    client, commune, user_with_role, plan_with_dialogues, django_assert_max_num_queries, rows
):
    _petitions(commune, rows)
    client.force_login(user_with_role("coordinator", commune.unit))
    with django_assert_max_num_queries(16):
        assert client.get("/can-bo/").status_code == 200


def test_agency_home_counts_only_its_assignments(client, commune, user_with_role, plan_with_dialogues):
    _petitions(commune, 4)
    other = PetitionFactory(unit=commune.unit)
    AssignmentFactory(petition=other, lead=commune.culture)
    client.force_login(user_with_role("agency", commune.unit, commune.economy))
    assert client.get("/can-bo/").context["figures"]["total"] == 4


def test_province_sees_aggregates_and_no_identity(client, commune, user_with_role, plan_with_dialogues):
    _petitions(commune, 3)
    client.force_login(user_with_role("province", commune.province))
    response = client.get("/can-bo/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["figures"]["total"] == 0  # no petition is opened by a province officer
    assert [row["total"] for row in response.context["province_rows"]] == [3]
    assert "Trần Thị Mẫu" not in html and "0987654321" not in html


def test_plan_page_of_another_commune_is_not_found(client, commune, other_commune, user_with_role, plan_with_dialogues):
    plan = plan_with_dialogues[0]
    client.force_login(user_with_role("coordinator", commune.unit))
    assert client.get(f"/can-bo/ke-hoach/{plan.pk}/").status_code == 200
    client.force_login(user_with_role("coordinator", other_commune.unit))
    assert client.get(f"/can-bo/ke-hoach/{plan.pk}/").status_code == 404


def test_login_logout_and_password_change(client, commune, user_with_role):
    user = user_with_role("coordinator", commune.unit, username="vanphong")
    response = client.post("/dang-nhap/", {"username": "vanphong", "password": "mat-khau-thu-2026"})
    assert response.status_code == 302 and response.url == "/can-bo/"
    response = client.post(
        "/doi-mat-khau/",
        {
            "old_password": "mat-khau-thu-2026",
            "new_password1": "Tan-Yen-moi-2026!",
            "new_password2": "Tan-Yen-moi-2026!",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Tan-Yen-moi-2026!")
    assert client.post("/dang-xuat/").status_code == 302
    assert client.get("/can-bo/").status_code == 302


def test_wrong_password_is_explained_in_vietnamese(client, commune, user_with_role):
    user_with_role("coordinator", commune.unit, username="vanphong")
    response = client.post("/dang-nhap/", {"username": "vanphong", "password": "sai"})
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()


def test_repeated_failures_lock_the_user_name_not_the_hall(client, commune, user_with_role, settings):
    user_with_role("coordinator", commune.unit, username="vanphong")
    user_with_role("chair", commune.unit, username="bithu")
    for _ in range(settings.LOGIN_FAILURES):
        client.post("/dang-nhap/", {"username": "vanphong", "password": "sai"})
    locked = client.post("/dang-nhap/", {"username": "vanphong", "password": "mat-khau-thu-2026"})
    assert locked.status_code == 429
    assert "tạm bị khóa" in locked.content.decode()
    # Another person at the same address still logs in.
    other = client.post("/dang-nhap/", {"username": "bithu", "password": "mat-khau-thu-2026"})
    assert other.status_code == 302


def test_username_is_nfc_normalised_at_login(client, commune, user_with_role):
    import unicodedata

    user_with_role("coordinator", commune.unit, username="hòa")
    nfd = unicodedata.normalize("NFD", "hòa")
    response = client.post("/dang-nhap/", {"username": nfd, "password": "mat-khau-thu-2026"})
    assert response.status_code == 302


def test_admin_shows_history_but_refuses_to_change_it(client, commune, db):
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    petition = PetitionFactory(unit=commune.unit)
    entry = HistoryEntry.objects.create(petition=petition, at=timezone.now(), action="receive", to_status="received")
    client.force_login(admin)
    assert client.get(f"/quan-tri/petitions/historyentry/{entry.pk}/change/").status_code == 200  # view only
    assert client.post(f"/quan-tri/petitions/historyentry/{entry.pk}/change/", {"action": "x"}).status_code == 403
    assert client.get(f"/quan-tri/petitions/historyentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/quan-tri/petitions/historyentry/add/").status_code == 403
    change = client.get(f"/quan-tri/petitions/petition/{petition.pk}/change/")
    assert change.status_code == 200
    assert 'name="status"' not in change.content.decode()  # the status is read-only there


def test_every_admin_list_opens(client, db, commune):
    from django.contrib import admin

    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    for model in admin.site._registry:
        url = f"/quan-tri/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url


def test_plan_list_shows_which_plan_replaced_which_and_nothing_foreign(
    client, commune, other_commune, user_with_role, django_assert_max_num_queries
):
    from doithoai.documents.actions import issue_number
    from tests.factories import PartyRegisterFactory

    register = PartyRegisterFactory(party_term__unit=commune.unit)
    old = PlanFactory(
        unit=commune.unit,
        title="Kế hoạch cũ",
        document=issue_number(register, issued_on=dt.date(2026, 1, 31), summary="cũ"),
    )
    PlanFactory(
        unit=commune.unit,
        title="Kế hoạch mới",
        supersedes=old,
        document=issue_number(register, issued_on=dt.date(2026, 4, 24), summary="mới"),
    )
    PlanFactory(unit=other_commune.unit, title="Kế hoạch của xã khác")
    client.force_login(user_with_role("coordinator", commune.unit))
    with django_assert_max_num_queries(8):
        response = client.get("/can-bo/ke-hoach/")
    html = response.content.decode()
    assert "Kế hoạch mới" in html and "Kế hoạch cũ" in html
    assert "Đã được thay thế" in html and "Kế hoạch của xã khác" not in html


def test_admin_does_not_show_a_denouncers_identity(client, commune):
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    denunciation = PetitionFactory(unit=commune.unit, kind="to_cao", public_summary="")
    client.force_login(admin)
    html = client.get(f"/quan-tri/petitions/petition/{denunciation.pk}/change/").content.decode()
    assert "Trần Thị Mẫu" not in html and "0987654321" not in html
    ordinary = PetitionFactory(unit=commune.unit)
    assert "Trần Thị Mẫu" in client.get(f"/quan-tri/petitions/petition/{ordinary.pk}/change/").content.decode()
