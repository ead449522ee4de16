"""The log-in lockout: a name typed wrongly at a shared address never locks its owner's own browser out."""

import logging

import pytest
import time_machine
from django.test import Client

from doithoai.accounts import throttle
from doithoai.accounts.models import LoginThrottle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "mat-khau-thu-2026"
OFFICE = "10.20.30.40"  # the commune office's one public address


def _login(client: Client, username: str, password: str, address: str = OFFICE):
    return client.post("/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client: Client, username: str, times: int, address: str = OFFICE) -> None:
    for _ in range(times):
        assert _login(client, username, "sai-mat-khau", address).status_code in (200, 429)


@pytest.fixture
def vanphong(commune, user_with_role):
    return user_with_role("coordinator", commune.unit, username="vanphong")


@pytest.fixture
def known_browser(vanphong):
    """Văn phòng's own browser, which has logged in before (it holds the device cookie)."""
    browser = Client()
    assert _login(browser, "vanphong", RIGHT).status_code == 302
    browser.post("/dang-xuat/")
    return browser


def test_five_failures_lock_the_name_from_that_address_with_a_vietnamese_page(vanphong, settings):
    attacker = Client()
    _fail(attacker, "vanphong", settings.LOGIN_FAILURES)
    locked = _login(attacker, "vanphong", RIGHT)
    assert locked.status_code == 429
    assert "tạm bị khóa" in locked.content.decode()
    assert "_auth_user_id" not in attacker.session  # the right password did not log in while locked


def test_the_owners_own_browser_still_logs_in_from_the_same_office_address(vanphong, known_browser, settings):
    _fail(Client(), "vanphong", settings.LOGIN_FAILURES)  # someone at the office types her name
    assert _login(Client(), "vanphong", RIGHT).status_code == 429  # a new browser at that address is locked
    assert _login(known_browser, "vanphong", RIGHT).status_code == 302  # hers is not


def test_another_address_is_not_locked_by_failures_at_the_office(vanphong, settings):
    _fail(Client(), "vanphong", settings.LOGIN_FAILURES)
    assert _login(Client(), "vanphong", RIGHT, address="192.0.2.7").status_code == 302


def test_the_name_alone_has_a_higher_limit_across_addresses(vanphong, known_browser, settings):
    settings.LOGIN_FAILURES_PER_NAME = 12
    for n in range(12):  # 3 failures from each of 4 addresses: no single address reaches its limit of 5
        _fail(Client(), "vanphong", 1, address=f"198.51.100.{n % 4}")
    assert not LoginThrottle.objects.filter(scope="address", locked_until__isnull=False).exists()
    assert _login(Client(), "vanphong", RIGHT, address="203.0.113.9").status_code == 429  # the name is locked
    assert _login(known_browser, "vanphong", RIGHT).status_code == 302  # except for her own browser


def test_a_known_browser_has_its_own_allowance_and_is_locked_after_it(vanphong, known_browser, settings):
    _fail(known_browser, "vanphong", settings.LOGIN_FAILURES)
    assert _login(known_browser, "vanphong", RIGHT).status_code == 429
    assert _login(Client(), "vanphong", RIGHT, address="192.0.2.8").status_code == 302  # others are not locked


def test_a_forged_device_cookie_gives_no_allowance(vanphong, settings):
    attacker = Client()
    attacker.cookies[throttle.DEVICE_COOKIE] = "eyJpZCI6ImFiYyIsIm5hbWVzIjpbInZhbnBob25nIl19:forged:signature"
    _fail(attacker, "vanphong", settings.LOGIN_FAILURES)
    assert _login(attacker, "vanphong", RIGHT).status_code == 429


def test_the_device_cookie_is_http_only_and_names_no_one_in_clear(vanphong):
    browser = Client()
    response = _login(browser, "vanphong", RIGHT)
    cookie = response.cookies[throttle.DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "vanphong" not in cookie.value  # signed and compressed, not a readable list of names


def test_the_lock_ends_after_its_time(vanphong, settings):
    with time_machine.travel("2026-12-07 08:00 +0700", tick=False) as traveller:
        _fail(Client(), "vanphong", settings.LOGIN_FAILURES)
        assert _login(Client(), "vanphong", RIGHT).status_code == 429
        traveller.shift(settings.LOGIN_LOCK_MINUTES * 60 + 1)
        assert _login(Client(), "vanphong", RIGHT).status_code == 302


def test_a_right_password_clears_the_count_of_that_address(vanphong, settings):
    _fail(Client(), "vanphong", settings.LOGIN_FAILURES - 1)
    assert _login(Client(), "vanphong", RIGHT).status_code == 302
    _fail(Client(), "vanphong", settings.LOGIN_FAILURES - 1)  # counting starts again
    assert _login(Client(), "vanphong", RIGHT).status_code == 302


def test_names_are_counted_whatever_their_case_or_normal_form(commune, user_with_role, settings):
    import unicodedata

    user_with_role("coordinator", commune.unit, username="hòa")
    for typed in ["HÒA", unicodedata.normalize("NFD", "hòa"), "Hòa", "hòa", "HÒA"]:
        _login(Client(), typed, "sai")
    assert _login(Client(), "hòa", RIGHT).status_code == 429


def test_a_deactivated_account_does_not_log_in_and_answers_like_a_wrong_password(commune, user_with_role):
    user = user_with_role("coordinator", commune.unit, username="nghihuu")
    user.is_active = False
    user.save()
    response = _login(Client(), "nghihuu", RIGHT)
    wrong = _login(Client(), "vanphong-khong-co", RIGHT)
    assert response.status_code == wrong.status_code == 200
    assert "không đúng" in response.content.decode()  # nothing tells an outsider the account exists


def test_failures_log_no_name_and_no_address(vanphong, settings, caplog):
    with caplog.at_level(logging.DEBUG):
        _fail(Client(), "vanphong", settings.LOGIN_FAILURES + 2)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "vanphong" not in logged and OFFICE not in logged


def test_the_admin_log_in_goes_through_the_same_lockout(vanphong, settings):
    response = Client().get("/quan-tri/login/?next=/quan-tri/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    _fail(Client(), "quantri", settings.LOGIN_FAILURES)
    assert _login(Client(), "quantri", RIGHT).status_code == 429
    assert admin.pk


def test_a_logged_in_user_without_admin_rights_is_refused_not_sent_round_in_circles(vanphong):
    browser = Client()
    browser.force_login(vanphong)
    assert browser.get("/quan-tri/login/?next=/quan-tri/").status_code == 403


# ------------------------------------------------------------------ the coordinator unlocks


def test_the_coordinator_sees_a_locked_account_of_the_unit_and_unlocks_it(
    commune, vanphong, user_with_role, settings, django_assert_max_num_queries
):
    user_with_role("chair", commune.unit, username="bithu")
    _fail(Client(), "bithu", settings.LOGIN_FAILURES)
    office = Client()
    office.force_login(vanphong)
    with django_assert_max_num_queries(8):
        page = office.get("/can-bo/tai-khoan-bi-khoa/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "bithu" in body and "Mở khóa" in body and OFFICE not in body
    chair = page.context["locked"][0]["account"]
    done = office.post(f"/can-bo/tai-khoan-bi-khoa/{chair.pk}/mo-khoa/", follow=True)
    assert "Đã mở khóa đăng nhập" in done.content.decode()
    assert not LoginThrottle.objects.filter(username="bithu").exists()
    assert _login(Client(), "bithu", RIGHT).status_code == 302


def test_names_that_are_no_account_of_the_unit_are_not_listed(
    commune, other_commune, vanphong, user_with_role, settings
):
    user_with_role("chair", other_commune.unit, username="bithu-ngoc-thien")
    _fail(Client(), "bithu-ngoc-thien", settings.LOGIN_FAILURES)
    _fail(Client(), "khong-co-ai", settings.LOGIN_FAILURES)
    office = Client()
    office.force_login(vanphong)
    body = office.get("/can-bo/tai-khoan-bi-khoa/").content.decode()
    assert "bithu-ngoc-thien" not in body and "khong-co-ai" not in body
    assert "Không có tài khoản nào" in body


def test_another_communes_account_cannot_be_unlocked_and_other_roles_cannot_open_the_page(
    commune, other_commune, vanphong, user_with_role, settings
):
    foreign = user_with_role("chair", other_commune.unit, username="bithu-ngoc-thien")
    _fail(Client(), "bithu-ngoc-thien", settings.LOGIN_FAILURES)
    office = Client()
    office.force_login(vanphong)
    assert office.post(f"/can-bo/tai-khoan-bi-khoa/{foreign.pk}/mo-khoa/").status_code == 404
    assert LoginThrottle.objects.filter(username="bithu-ngoc-thien", locked_until__isnull=False).exists()
    chair = Client()
    chair.force_login(user_with_role("chair", commune.unit, username="bithu"))
    assert chair.get("/can-bo/tai-khoan-bi-khoa/").status_code == 403
    assert chair.post(f"/can-bo/tai-khoan-bi-khoa/{vanphong.pk}/mo-khoa/").status_code == 403
    assert Client().get("/can-bo/tai-khoan-bi-khoa/").status_code == 302  # to the log-in page


def test_the_sweep_forgets_counts_idle_for_a_day_but_not_a_lock_in_force(vanphong, settings):
    with time_machine.travel("2026-12-07 08:00 +0700", tick=False) as traveller:
        _fail(Client(), "vanphong", 2, address="192.0.2.1")
        traveller.shift(25 * 3600)
        _fail(Client(), "vanphong", settings.LOGIN_FAILURES)
        assert throttle.purge() == 1  # the old address's count; today's lock and counts stay
        assert _login(Client(), "vanphong", RIGHT).status_code == 429


def test_the_staff_home_tells_the_coordinator_of_a_locked_account(commune, vanphong, user_with_role, settings):
    user_with_role("chair", commune.unit, username="bithu")
    office = Client()
    office.force_login(vanphong)
    assert "đang bị khóa đăng nhập" not in office.get("/can-bo/").content.decode()
    _fail(Client(), "bithu", settings.LOGIN_FAILURES)
    home = office.get("/can-bo/").content.decode()
    assert "Tài khoản đang bị khóa đăng nhập" in home and "/can-bo/tai-khoan-bi-khoa/" in home
    chair = Client()
    chair.force_login(user_with_role("chair", commune.unit, username="pho-bi-thu"))
    assert "đang bị khóa đăng nhập" not in chair.get("/can-bo/").content.decode()
