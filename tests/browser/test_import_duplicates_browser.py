"""In a browser, the import preview's confirm button follows the ticks (duplicates confirmed, error rows skipped),
and the skip control sits beside its label on a phone."""

import pytest
from django.conf import settings

from doithoai.petitions import actions
from doithoai.petitions.models import Petition
from tests.browser.conftest import PHONE
from tests.petitions.test_import import GOOD, xlsx
from tests.petitions.test_import_duplicates import world  # noqa: F401  (the fixture)


@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_button_follows_the_ticks(live_server, page_at, client, world):  # noqa: F811
    from playwright.sync_api import expect

    organization = world.commune.farmers
    first = actions.upload_import(organization, data=xlsx(GOOD[:2]), original_name="a.xlsx", by=world.rep)
    actions.start_import(first, skip_errors=False, by=world.rep)
    rows = GOOD + [[4, "Nội dung", "", "12345", "", ""]]
    batch = actions.upload_import(organization, data=xlsx(rows), original_name="b.xlsx", by=world.rep)
    client.force_login(world.rep)
    page = page_at(PHONE)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page.goto(f"{live_server.url}/can-bo/nhap-excel/{batch.pk}/")
    button = page.locator("[data-commit-button]")
    expect(button).to_have_text("Nhập 1 dòng hợp lệ (cần chọn bỏ qua 1 dòng lỗi)")
    page.get_by_label("Bỏ qua 1 dòng lỗi", exact=False).check()  # the label is the control's own
    expect(button).to_have_text("Nhập 1 dòng hợp lệ")
    page.get_by_label("Vẫn nhập dòng này (dòng 3)").check()
    expect(button).to_have_text("Nhập 2 dòng, trong đó 1 dòng trùng đã xác nhận")
    box, label = (
        page.locator("#id_skip_errors").bounding_box(),
        page.locator("label[for=id_skip_errors]").bounding_box(),
    )
    assert abs(box["y"] - label["y"]) < 12 and 0 < label["x"] - box["x"] < 40  # side by side on a phone
    button.click()
    expect(page.get_by_role("status")).to_contain_text("Đã nhập 2 ý kiến, trong đó 1 dòng trùng đã xác nhận")
    assert Petition.objects.count() == 4 and not page.console_errors, page.console_errors
