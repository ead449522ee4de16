"""A visitor sees the plan's dialogues on a phone; the coordinator logs in and sees the staff home."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from doithoai.demo.loader import load_demo
from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot

# Not serialized_rollback: Playwright's sync API runs an event loop, under which Django's connection
# objects are not the ones that hold the serialized data; the demo recreates what it needs.
pytestmark = pytest.mark.django_db(transaction=True)


def test_public_home_on_a_phone_shows_the_plans_dialogues(live_server, page_at):
    load_demo(today=dt.date(2026, 11, 27))
    page = page_at(PHONE)
    page.goto(live_server.url + "/")
    body = page.locator("body")
    assert "Tân Yên" in page.title() + body.inner_text()
    text = body.inner_text()
    assert "Giao ban quý IV năm 2026" in text
    assert "Hội nghị đối thoại của đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã với các công ty" in text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    screenshot(page, "home-phone")
    page.get_by_role("link", name="Giao ban quý IV năm 2026", exact=False).first.click()
    assert "Phòng họp tầng 3 - Nhà Hội thảo xã" in page.locator("main").inner_text()
    assert not page.console_errors, page.console_errors


def test_coordinator_logs_in_and_sees_the_staff_home(live_server, page_at):
    load_demo(today=dt.date(2026, 11, 27))
    page = log_in(page_at, live_server.url, "vanphong")
    main = page.locator("main").inner_text()
    assert "Quá hạn" in main and "Tổng số ý kiến" in main
    assert "Phạm Thị Thu Hà" in page.locator("body").inner_text()
    screenshot(page, "staff-home-desktop")
    assert not page.console_errors, page.console_errors


def test_on_a_phone_the_staff_menu_folds_behind_one_button(live_server, page_at):
    load_demo(today=dt.date(2026, 11, 27))
    page = log_in(page_at, live_server.url, "vanphong", PHONE)
    menu = page.get_by_role("button", name="Menu")
    inbox = page.locator(".site-nav").get_by_role("link", name="Ý kiến, kiến nghị")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(inbox).to_be_hidden()
    header_height = page.locator(".site-header").bounding_box()["height"]
    assert header_height < 140, header_height  # the brand and the button, not eight links on three lines
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    inbox.click()
    page.wait_for_url(live_server.url + "/can-bo/y-kien/")
    desktop = page_at(DESKTOP)
    desktop.goto(live_server.url + "/")
    expect(desktop.get_by_role("button", name="Menu")).to_be_hidden()
    expect(desktop.locator(".site-nav").get_by_role("link", name="Lịch đối thoại")).to_be_visible()
    assert not page.console_errors and not desktop.console_errors
