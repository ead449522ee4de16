"""The citizen reception calendar: month by month, the shortfall warning, adding a day, the link to the
opinion entry on the reception channel, permissions and query budgets."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from doithoai.plans import actions
from doithoai.plans.models import Dialogue
from tests.factories import PetitionFactory, PostFactory
from tests.portal.test_pages import assert_csp_clean

pytestmark = pytest.mark.django_db
URL = "/can-bo/tiep-cong-dan/"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def setup(commune, other_commune, user_with_role, frozen_demo_now):
    secretary = PostFactory(person__unit=commune.unit, title="Bí thư Đảng ủy xã")
    coordinator = user_with_role("coordinator", commune.unit)
    return {
        "commune": commune,
        "secretary": secretary,
        "coordinator": coordinator,
        "chair": user_with_role("chair", commune.unit),
        "agency": user_with_role("agency", commune.unit, commune.economy),
        "org_rep": user_with_role("org_rep", commune.unit, commune.farmers),
        "foreign": user_with_role("coordinator", other_commune.unit),
        "other": other_commune,
    }


def _days(s, months=range(1, 13), per_month=2, unit=None):
    made = []
    for month in months:
        for n in range(per_month):
            day = dt.date(2026, month, 10 + 5 * n)
            made.append(
                actions.add_reception_day(
                    unit or s["commune"].unit,
                    starts_at=_at(day, 7, 30),
                    ends_at=_at(day, 11, 30),
                    place="Phòng tiếp công dân",
                    chair_post=s["secretary"] if unit is None else None,
                    by=s["coordinator"] if unit is None else s["foreign"],
                )
            )
    return made


def test_the_calendar_warns_on_each_month_short_of_two_days(client, setup):
    _days(setup, months=[m for m in range(1, 13) if m != 3])
    actions.add_reception_day(
        setup["commune"].unit,
        starts_at=_at(dt.date(2026, 3, 10), 7, 30),
        ends_at=None,
        place="Phòng tiếp công dân",
        by=setup["coordinator"],
    )
    client.force_login(setup["coordinator"])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tháng 3/2026 mới có 1 ngày tiếp công dân; Bí thư cấp xã tiếp ít nhất 2 ngày mỗi tháng" in html
    assert html.count('class="rcal-warning"') == 1
    assert "Tháng 4/2026 mới có" not in html
    assert_csp_clean(response)


def test_a_month_without_days_is_warned_too(client, setup):
    client.force_login(setup["chair"])
    html = client.get(URL + "?nam=2027").content.decode()
    assert "Tháng 1/2027 chưa có ngày tiếp công dân" in html
    assert "12 tháng chưa đủ 2 ngày" in html


def test_each_day_links_to_the_reception_entry_and_counts_its_opinions(client, setup):
    days = _days(setup, months=[11])
    PetitionFactory.create_batch(3, unit=setup["commune"].unit, dialogue=days[0], channel="reception")
    client.force_login(setup["coordinator"])
    html = client.get(URL).content.decode()
    link = reverse("petitions:enter") + "?" + urlencode({"kenh": "reception", "buoi": days[0].pk})
    assert link.replace("&", "&amp;") in html
    assert "3 ý kiến đã tiếp nhận" in html and "Chưa có ý kiến" in html
    entry = client.get(link)
    assert entry.status_code == 200 and entry.context["dialogue"] == days[0]


def test_the_coordinator_adds_a_day(client, setup):
    client.force_login(setup["coordinator"])
    form = client.get(URL).context["form"]
    assert form.initial["chair_post"] == setup["secretary"].pk
    data = {
        "day": "2026-12-08",
        "start": "07:30",
        "end": "11:30",
        "place": "Phòng tiếp công dân - Trụ sở Đảng ủy xã",
        "chair_post": str(setup["secretary"].pk),
    }
    response = client.post(reverse("plans:reception_add"), data)
    assert response.status_code == 302 and "nam=2026" in response.url
    day = Dialogue.objects.get(kind="reception")
    assert timezone.localtime(day.starts_at) == _at(dt.date(2026, 12, 8), 7, 30)
    assert day.chair_post == setup["secretary"] and day.status == "scheduled"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"end": "07:00"}, "end", "Giờ kết thúc phải sau giờ bắt đầu"),
        ({"end": "07:30"}, "end", "Giờ kết thúc phải sau giờ bắt đầu"),
        ({"day": ""}, "day", "Xin chọn ngày"),
        ({"day": "32/12/2026"}, "day", "Ngày không hợp lệ"),
        ({"day": "1800-01-02"}, "day", "Ngày không hợp lệ"),
        ({"start": "25:00"}, "start", "Giờ không hợp lệ"),
        ({"place": ""}, "place", "Xin ghi địa điểm"),
        ({"place": "x" * 201}, "place", "Quá dài"),
        ({"chair_post": "999999"}, "chair_post", "Lựa chọn không hợp lệ"),
    ],
)
def test_bad_input_is_refused_and_kept(client, setup, change, field, message):
    client.force_login(setup["coordinator"])
    data = {"day": "2026-12-08", "start": "07:30", "end": "11:30", "place": "Phòng tiếp công dân thử", "chair_post": ""}
    response = client.post(reverse("plans:reception_add"), {**data, **change})
    assert response.status_code == 422
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    if field != "place":
        assert "Phòng tiếp công dân thử" in response.content.decode()
    assert not Dialogue.objects.exists()


def test_a_second_day_on_the_same_date_is_refused(client, setup):
    _days(setup, months=[12], per_month=1)
    client.force_login(setup["coordinator"])
    data = {"day": "2026-12-10", "start": "13:30", "end": "16:30", "place": "Phòng tiếp công dân", "chair_post": ""}
    response = client.post(reverse("plans:reception_add"), data)
    assert response.status_code == 422
    assert "Ngày này đã có lịch tiếp công dân" in response.content.decode()
    assert Dialogue.objects.filter(kind="reception").count() == 1


def test_a_post_of_another_commune_cannot_receive(client, setup):
    foreign_post = PostFactory(person__unit=setup["other"].unit)
    client.force_login(setup["coordinator"])
    data = {"day": "2026-12-08", "start": "07:30", "end": "", "place": "Phòng tiếp", "chair_post": str(foreign_post.pk)}
    assert client.post(reverse("plans:reception_add"), data).status_code == 422
    assert not Dialogue.objects.exists()


def test_the_chair_views_but_does_not_edit(client, setup):
    client.force_login(setup["chair"])
    response = client.get(URL)
    assert response.status_code == 200 and "Thêm ngày tiếp công dân" not in response.content.decode()
    data = {"day": "2026-12-08", "start": "07:30", "end": "11:30", "place": "Phòng tiếp", "chair_post": ""}
    assert client.post(reverse("plans:reception_add"), data).status_code == 403
    assert not Dialogue.objects.exists()


@pytest.mark.parametrize("who", ["agency", "org_rep"])
def test_agencies_and_organisations_have_no_calendar_page(client, setup, who):
    client.force_login(setup[who])
    assert client.get(URL).status_code == 403


def test_another_communes_days_never_show(client, setup):
    _days(setup, months=[5], per_month=1, unit=setup["other"].unit)
    client.force_login(setup["coordinator"])
    html = client.get(URL).content.decode()
    assert "Tháng 5/2026 mới có 1 ngày" not in html and "Tháng 5/2026 chưa có ngày" in html
    assert client.get(URL + "?don-vi=" + str(setup["other"].unit.pk)).status_code == 404


def test_the_demo_has_two_days_a_month(client, demo):
    from doithoai.accounts.models import User

    client.force_login(User.objects.get(username="vanphong"))
    html = client.get(URL).content.decode()
    assert "rcal-warning" not in html
    assert html.count('class="rcal-day"') == 24


@pytest.mark.parametrize("per_month", [0, 1, 4])
def test_the_query_budget_does_not_grow_with_days(client, setup, per_month, django_assert_max_num_queries):
    days = _days(setup, per_month=per_month)
    for day in days[:10]:
        PetitionFactory(unit=setup["commune"].unit, dialogue=day, channel="reception")
    client.force_login(setup["coordinator"])
    with django_assert_max_num_queries(11):
        assert client.get(URL).status_code == 200
