"""Hostile values in the outbox's query parameters and URLs (tests/fuzz leaves /can-bo/thu-gui/ to these tests): the
page answers or refuses in Vietnamese, never a 500, and a GET writes nothing."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doithoai.notifications.models import Notification
from tests.fuzz import hostile
from tests.fuzz.conftest import PROFILE
from tests.fuzz.test_queries import NUMBERS, Getter

pytestmark = pytest.mark.django_db

PARAMS = ("trang_thai", "loai", "kenh", "trang")


@pytest.fixture
def coordinator(commune, user_with_role):
    Notification.objects.create(
        event_key="t:1",
        kind="receipt",
        channel="email",
        recipient="a@example.vn",
        subject="Đã tiếp nhận",
        body="…",
        unit=commune.unit,
        status="failed",
    )
    return user_with_role("coordinator", commune.unit)


def test_hostile_filter_values_never_give_a_500(client, coordinator):
    getter = Getter(client, coordinator)
    for name in PARAMS:
        for value in (hostile.COCKTAIL, *NUMBERS):
            getter.get("/can-bo/thu-gui/", [(name, value)])
    for value in hostile.EVERY_FIELD:
        getter.get("/can-bo/thu-gui/", [(name, value) for name in PARAMS])

    @settings(settings.get_profile(PROFILE))
    @given(name=st.sampled_from(PARAMS), value=hostile.HOSTILE.filter(lambda v: len(v) < 100_000))
    def any_value(name, value):
        getter.get("/can-bo/thu-gui/", [(name, value)])

    any_value()


@pytest.mark.parametrize("tail", ["0/", "99999999999999999999999/", "99999999999999999999999/gui-lai/", "-1/", "x/"])
def test_hostile_ids_are_a_404(client, coordinator, tail):
    client.force_login(coordinator)
    assert client.get(f"/can-bo/thu-gui/{tail}").status_code in (404, 405)  # 405: a GET of the POST-only URL
    assert client.post(f"/can-bo/thu-gui/{tail}").status_code in (404, 405)
