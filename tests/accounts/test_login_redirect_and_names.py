"""Where a log-in lands (the administrator in the admin, not on a 403), and names in Vietnamese order."""

import pytest
from django.urls import reverse
from django.utils import timezone

from doithoai.accounts.models import Person, RoleAssignment, User
from doithoai.plans.actions import set_dialogue_members
from tests import factories

PASSWORD = "mat-khau-thu-2026"  # tests/factories.py


def _login(client, user, **query):
    return client.post(
        reverse("accounts:login") + ("?next=" + query["next"] if query else ""),
        {"username": user.username, "password": PASSWORD},
    )


@pytest.fixture
def administrator(db):
    return factories.UserFactory(username="quantri", is_staff=True, is_superuser=True, first_name="Quản trị")


# ---------------------------------------------------------------- the log-in's landing page


def test_an_administrator_without_a_role_lands_in_the_admin(client, administrator):
    response = _login(client, administrator)
    assert response.status_code == 302 and response["Location"] == "/quan-tri/"
    assert client.get("/quan-tri/").status_code == 200


def test_an_administrator_already_logged_in_is_sent_to_the_admin_again(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302 and response["Location"] == "/quan-tri/"


def test_an_administrator_with_a_role_in_the_product_lands_on_the_staff_home(client, commune, administrator):
    RoleAssignment.objects.create(user=administrator, unit=commune.unit, role="coordinator")
    assert _login(client, administrator)["Location"] == "/can-bo/"


def test_staff_with_a_seat_at_a_dialogue_only_still_land_on_the_staff_home(client, commune):
    secretary = factories.UserFactory(is_staff=True)
    factories.DialogueMemberFactory(dialogue__unit=commune.unit, dialogue__plan__unit=commune.unit, user=secretary)
    assert _login(client, secretary)["Location"] == "/can-bo/"


def test_an_account_without_any_role_lands_on_the_staff_home_explaining_it(client, db):
    user = factories.UserFactory()
    assert _login(client, user)["Location"] == "/can-bo/"
    assert client.get("/can-bo/").status_code == 403  # "no role yet", as before


def test_an_administrator_who_opens_the_staff_home_is_pointed_to_the_admin(client, administrator):
    client.force_login(administrator)
    response = client.get("/can-bo/")
    assert response.status_code == 302 and response["Location"] == "/quan-tri/"
    client.force_login(factories.UserFactory())  # an ordinary account without a role is told to ask for one
    response = client.get("/can-bo/")
    assert response.status_code == 403 and "chưa được phân quyền" in response.content.decode()


def test_a_safe_next_still_wins_and_a_foreign_one_is_ignored(client, administrator):
    assert _login(client, administrator, next="/quan-tri/accounts/user/")["Location"] == "/quan-tri/accounts/user/"
    client.logout()
    assert _login(client, administrator, next="https://evil.example/")["Location"] == "/quan-tri/"
    client.logout()
    assert _login(client, administrator, next="//evil.example/")["Location"] == "/quan-tri/"


# ---------------------------------------------------------------- names in Vietnamese order


def test_an_accounts_name_is_the_persons_full_name_in_vietnamese_order(db):
    person = Person.objects.create(unit=factories.CommuneFactory(), full_name="Thân Văn Bình")
    user = factories.UserFactory(person=person, first_name="Bình", last_name="Thân Văn")
    assert user.get_full_name() == "Thân Văn Bình" == user.display_name == str(user)
    assert user.get_short_name() == "Bình"


def test_without_a_person_the_family_name_comes_first(db):
    user = factories.UserFactory(first_name="Bình", last_name="Thân Văn")
    assert user.get_full_name() == "Thân Văn Bình" == user.display_name
    assert factories.UserFactory(first_name="Quản trị").get_full_name() == "Quản trị"
    nameless = factories.UserFactory(username="tiepnhan2")
    assert nameless.get_full_name() == "" and nameless.display_name == "tiepnhan2"


def test_the_demo_accounts_show_their_names_in_vietnamese_order(demo):
    """The demo splits each person's name into the account's given and family names, as Django stores them."""
    for user in User.objects.filter(person__isnull=False).select_related("person"):
        assert user.get_full_name() == user.person.full_name
        assert user.get_full_name() == f"{user.last_name} {user.first_name}"


def test_the_dialogues_seats_in_its_history_read_in_vietnamese_order(commune, user_with_role):
    coordinator = user_with_role("coordinator", commune.unit)
    secretary = user_with_role("agency", commune.unit, commune.culture)
    secretary.person = Person.objects.create(unit=commune.unit, full_name="Thân Văn Bình")
    secretary.first_name, secretary.last_name = "Bình", "Thân Văn"
    secretary.save()
    dialogue = factories.DialogueFactory(unit=commune.unit, plan__unit=commune.unit)
    set_dialogue_members(dialogue, secretaries=[secretary], by=coordinator)
    note = dialogue.events.order_by("-pk").values_list("note", flat=True).first()
    assert "Thân Văn Bình" in note and "Bình Thân Văn" not in note


def test_the_import_page_names_who_uploaded_in_vietnamese_order(client, commune, user_with_role):
    from doithoai.petitions.models import PetitionImport

    officer = user_with_role("org_rep", commune.unit, commune.front)
    officer.first_name, officer.last_name = "Bình", "Thân Văn"
    officer.save()
    PetitionImport.objects.create(
        unit=commune.unit,
        organization=commune.front,
        created_by=officer,
        created_at=timezone.now(),
        original_name="ykien.xlsx",
    )
    client.force_login(officer)
    html = client.get(reverse("petitions:import")).content.decode()
    assert "ykien.xlsx" in html and "Thân Văn Bình" in html and "Bình Thân Văn" not in html


def test_messages_go_to_the_accounts_address_else_its_persons(db):
    person = Person.objects.create(unit=factories.CommuneFactory(), full_name="Đỗ Minh Tuấn", email="tuan@tanyen.vn")
    assert factories.UserFactory(email="", person=person).contact_email == "tuan@tanyen.vn"
    assert factories.UserFactory(email="kinhte@tanyen.vn", person=person).contact_email == "kinhte@tanyen.vn"
    assert factories.UserFactory(email="", person=None).contact_email == ""
