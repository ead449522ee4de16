"""The staff header: one line at 1280 px for every role (the coordinator's has the most entries), and on a phone the
menu folds behind one button with the account menu inside it."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from doithoai.demo.loader import load_demo
from tests.browser.conftest import DESKTOP, PHONE, log_in, no_unexpected_errors, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ["vanphong", "bithu", "phongkinhte", "mttq", "hoinongdan", "trungtam", "tinh", "thuky", "tiepnhan"]
ONE_LINE = """() => {
  const header = document.querySelector('.site-header');
  const row = el => Math.round(el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2);
  const items = [...header.querySelectorAll('.site-nav li, .account-menu > summary')];
  return {height: header.getBoundingClientRect().height, rows: new Set(items.map(row)).size, items: items.length,
          sideways: document.documentElement.scrollWidth > window.innerWidth};
}"""


def test_the_staff_header_fits_one_line_at_1280_px_for_every_role(live_server, page_at):
    load_demo(today=dt.date(2026, 11, 27))
    for username in ROLES:
        page = log_in(page_at, live_server.url, username, DESKTOP)
        measured = page.evaluate(ONE_LINE)
        assert measured["rows"] == 1 and measured["height"] < 90 and not measured["sideways"], (username, measured)
        if username == "vanphong":
            assert measured["items"] >= 9, measured  # eight entries and the account menu
            menu = page.locator(".account-menu")
            menu.locator("summary").click()
            expect(menu.get_by_role("button", name="Đăng xuất")).to_be_visible()
            page.keyboard.press("Escape")
            expect(menu.get_by_role("button", name="Đăng xuất")).to_be_hidden()
            screenshot(page, "staff-header-1280")
        no_unexpected_errors(page)
        page.context.close()


def test_on_a_phone_the_account_menu_is_inside_the_folded_menu(live_server, page_at):
    load_demo(today=dt.date(2026, 11, 27))
    page = log_in(page_at, live_server.url, "vanphong", PHONE)
    assert page.locator(".site-header").bounding_box()["height"] < 140
    page.get_by_role("button", name="Menu").click()
    expect(page.locator(".site-nav").get_by_role("link", name="Nhập Excel")).to_be_visible()
    page.locator(".account-menu > summary").click()
    logout = page.get_by_role("button", name="Đăng xuất")
    expect(logout).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    logout.click()
    page.wait_for_load_state()
    expect(page.locator(".account-menu")).to_have_count(0)  # logged out
    no_unexpected_errors(page)
