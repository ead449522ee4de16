"""The plan pages: issue and edit a plan, supersede, the quarterly dialogues, add a dialogue, the tasks of
section III with the Party cells' confirmations (III.1); permissions and bad input."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from doithoai.accounts.models import Organization
from doithoai.plans import actions
from doithoai.plans.models import Dialogue, Plan, PlanTask
from tests.factories import OrganizationFactory, PartyTermFactory, PlanFactory, PlanTaskFactory, PostFactory
from tests.portal.test_pages import assert_csp_clean

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(commune, other_commune, user_with_role, frozen_demo_now):
    PartyTermFactory(unit=commune.unit)
    body = OrganizationFactory(unit=commune.unit, name="Đảng ủy xã Tân Yên", kind=Organization.Kind.PARTY_BODY)
    OrganizationFactory(unit=commune.unit, name="Văn phòng Đảng ủy", kind=Organization.Kind.PARTY_BODY)
    secretary = PostFactory(person__unit=commune.unit, title="Bí thư Đảng ủy xã")
    coordinator = user_with_role("coordinator", commune.unit)
    return {
        "commune": commune,
        "other": other_commune,
        "body": body,
        "secretary": secretary,
        "coordinator": coordinator,
        "chair": user_with_role("chair", commune.unit),
        "agency": user_with_role("agency", commune.unit, commune.economy),
        "org_rep": user_with_role("org_rep", commune.unit, commune.farmers),
        "foreign": user_with_role("coordinator", other_commune.unit),
    }


def _issue(s, **extra) -> Plan:
    data = dict(
        title="Kế hoạch tiếp xúc, đối thoại năm 2026",
        year=2026,
        issued_on=dt.date(2026, 4, 24),
        issuing_body=s["body"],
        signer_post=s["secretary"],
        by=s["coordinator"],
    )
    data.update(extra)
    return actions.create_plan(s["commune"].unit, **data)


def _post_data(s, **extra) -> dict:
    data = {
        "title": "Kế hoạch tiếp xúc, đối thoại trực tiếp năm 2026",
        "year": "2026",
        "issued_on": "2026-04-24",
        "issuing_body": str(s["body"].pk),
        "signer_post": str(s["secretary"].pk),
        "supersedes": "",
        "legal_bases": "Căn cứ Điều lệ Đảng;\nCăn cứ Quy định số 11-QĐi/TW",
        "purposes": "Nắm bắt tâm tư.",
        "distribution": "- Ban Thường vụ Tỉnh ủy (b/c),\n- Các chi bộ,\n- Lưu VPĐU.",
    }
    data.update(extra)
    return data


# ---------------------------------------------------------------- create and edit


def test_create_form_preselects_the_party_committee_and_the_secretary(client, setup):
    client.force_login(setup["coordinator"])
    response = client.get(reverse("plans:plan_create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["issuing_body"] == setup["body"].pk
    assert form.initial["signer_post"] == setup["secretary"].pk
    assert_csp_clean(response)


def test_create_numbers_the_plan_from_the_register(client, setup):
    client.force_login(setup["coordinator"])
    response = client.post(reverse("plans:plan_create"), _post_data(setup))
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == reverse("portal:plan_detail", args=[plan.pk])
    assert plan.code and plan.code.endswith("-KH/ĐU")
    assert plan.distribution_lines == ["- Ban Thường vụ Tỉnh ủy (b/c),", "- Các chi bộ,", "- Lưu VPĐU."]
    client.post(reverse("plans:plan_create"), _post_data(setup, title="Kế hoạch thứ hai"))
    numbers = sorted(Plan.objects.values_list("document__number", flat=True))
    assert numbers == [numbers[0], numbers[0] + 1]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Xin ghi trích yếu"),
        ("title", "   ", "Xin ghi trích yếu"),
        ("year", "1800", "Năm không hợp lệ"),
        ("year", "abc", "Năm không hợp lệ"),
        ("issued_on", "31/02/2026", "Ngày không hợp lệ"),
        ("purposes", "x" * 20_001, "Quá dài"),
        ("issuing_body", "999999", "Lựa chọn không hợp lệ"),
    ],
)
def test_create_refuses_bad_input_and_keeps_what_was_typed(client, setup, field, value, message):
    client.force_login(setup["coordinator"])
    response = client.post(reverse("plans:plan_create"), _post_data(setup, **{field: value}))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert "Nắm bắt tâm tư." in response.content.decode() or field == "purposes"
    assert not Plan.objects.exists()


def test_create_refuses_a_foreign_or_already_superseded_plan_to_replace(client, setup):
    foreign = PlanFactory(unit=setup["other"].unit)
    client.force_login(setup["coordinator"])
    response = client.post(reverse("plans:plan_create"), _post_data(setup, supersedes=str(foreign.pk)))
    assert response.status_code == 422 and "Lựa chọn không hợp lệ" in response.content.decode()
    old = _issue(setup, title="Kế hoạch cũ")
    _issue(setup, title="Kế hoạch mới", supersedes=old)
    response = client.post(reverse("plans:plan_create"), _post_data(setup, supersedes=str(old.pk)))
    assert response.status_code == 422
    assert "đã được một kế hoạch khác thay thế" in response.content.decode()
    assert Plan.objects.filter(unit=setup["commune"].unit).count() == 2


def test_supersession_is_shown_on_both_plans(client, setup):
    client.force_login(setup["coordinator"])
    old = _issue(setup, title="Kế hoạch cũ năm 2026")
    client.post(reverse("plans:plan_create"), _post_data(setup, supersedes=str(old.pk)))
    new = Plan.objects.exclude(pk=old.pk).get()
    assert new.supersedes == old
    old_page = client.get(reverse("portal:plan_detail", args=[old.pk])).content.decode()
    assert "đã được thay thế" in old_page and reverse("portal:plan_detail", args=[new.pk]) in old_page
    new_page = client.get(reverse("portal:plan_detail", args=[new.pk])).content.decode()
    assert "Thay thế" in new_page and reverse("portal:plan_detail", args=[old.pk]) in new_page
    listing = client.get(reverse("portal:plan_list")).content.decode()
    assert "Đã được thay thế" in listing


def test_edit_saves_the_texts_and_keeps_the_number(client, setup):
    plan = _issue(setup)
    code = plan.code
    client.force_login(setup["coordinator"])
    url = reverse("plans:plan_edit", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Kế hoạch tiếp xúc, đối thoại năm 2026" in page.content.decode()
    assert_csp_clean(page)
    response = client.post(url, {"title": "Trích yếu mới", "signer_post": "", "content": "Nội dung mới"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.content, plan.code) == ("Trích yếu mới", "Nội dung mới", code)
    bad = client.post(url, {"title": "", "content": "Giữ lại"})
    assert bad.status_code == 422 and "Giữ lại" in bad.content.decode()


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize("who", ["chair", "agency", "org_rep"])
def test_only_the_coordinator_creates_and_edits(client, setup, who):
    plan = _issue(setup)
    client.force_login(setup[who])
    assert client.get(reverse("plans:plan_create")).status_code == 403
    assert client.get(reverse("plans:plan_edit", args=[plan.pk])).status_code == 403
    assert client.post(reverse("plans:plan_quarterly", args=[plan.pk])).status_code == 403
    assert client.get(reverse("plans:plan_add_dialogue", args=[plan.pk])).status_code == 403


def test_another_communes_coordinator_gets_404_on_every_plan_page(client, setup):
    plan = _issue(setup)
    task = PlanTaskFactory(plan=plan)
    client.force_login(setup["foreign"])
    for name in ("plan_edit", "plan_quarterly", "plan_add_dialogue", "plan_tasks", "plan_actions"):
        method = client.post if name == "plan_quarterly" else client.get
        assert method(reverse(f"plans:{name}", args=[plan.pk])).status_code == 404, name
    assert client.post(reverse("plans:plan_task_mark", args=[plan.pk, task.pk]), {"done": "1"}).status_code == 404
    # and a supersede of the other commune's plan from the foreign coordinator's own form is refused
    assert client.get(reverse("plans:plan_create")).status_code == 200


def test_the_plan_page_loads_the_users_actions(client, setup):
    plan = _issue(setup)
    client.force_login(setup["coordinator"])
    detail = client.get(reverse("portal:plan_detail", args=[plan.pk]))
    assert reverse("plans:plan_actions", args=[plan.pk]) in detail.content.decode()
    panel = client.get(reverse("plans:plan_actions", args=[plan.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "Tạo các buổi giao ban quý" in panel and "Thêm buổi" in panel and "<html" not in panel
    client.force_login(setup["chair"])
    panel = client.get(reverse("plans:plan_actions", args=[plan.pk])).content.decode()
    assert "Tạo các buổi giao ban quý" not in panel and "Nhiệm vụ tổ chức thực hiện" in panel


# ---------------------------------------------------------------- dialogues of the plan


def test_quarterly_generation_is_idempotent(client, setup):
    plan = _issue(setup)
    client.force_login(setup["coordinator"])
    url = reverse("plans:plan_quarterly", args=[plan.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    months = sorted(Dialogue.objects.filter(plan=plan).values_list("tentative_month__month", flat=True))
    assert months == [3, 6, 9, 12]
    page = client.get(reverse("portal:plan_detail", args=[plan.pk]), follow=True).content.decode()
    assert "Giao ban quý IV năm 2026" in page


def test_add_a_dialogue_with_a_tentative_month(client, setup):
    plan = _issue(setup)
    client.force_login(setup["coordinator"])
    url = reverse("plans:plan_add_dialogue", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert_csp_clean(page)
    data = {
        "kind": "business",
        "title": "Đối thoại với doanh nghiệp năm 2026",
        "tentative_month": "2026-10",
        "place": "",
        "audience": "",
        "content": "",
        "chair_post": "",
    }
    response = client.post(url, data)
    dialogue = Dialogue.objects.get(plan=plan)
    assert response.status_code == 302 and response.url == f"/can-bo/buoi/{dialogue.pk}/"  # to the new dialogue
    assert dialogue.kind == "business" and dialogue.tentative_month == dt.date(2026, 10, 1)
    assert dialogue.agenda.count() == 5
    for bad, message in (
        ({"title": ""}, "Xin ghi tên buổi"),
        ({"tentative_month": "13/2026"}, "Tháng không hợp lệ"),
        ({"kind": "reception"}, "Lựa chọn không hợp lệ"),
        ({"tentative_month": ""}, "Xin chọn tháng"),
    ):
        response = client.post(url, {**data, **bad})
        assert response.status_code == 422 and message in response.content.decode(), bad
    assert Dialogue.objects.filter(plan=plan).count() == 1


@pytest.mark.parametrize(
    ("now", "plan_year", "expected"),
    [
        ("2026-05-20 10:00 +0700", 2026, "2026-06"),  # the coming month
        ("2026-05-31 23:30 +0700", 2026, "2026-06"),  # 16:30 UTC: still May in Hà Nội
        ("2026-04-30 18:00 +0000", 2026, "2026-06"),  # 01:00 on 1 May in Hà Nội (30 April in UTC)
        ("2026-12-08 09:00 +0700", 2026, "2026-12"),  # January is next year's plan: the plan's last month
        ("2026-11-27 09:00 +0700", 2027, "2027-01"),  # next year's plan: its first month
    ],
)
def test_the_add_form_defaults_to_the_coming_month_within_the_plans_year(client, setup, now, plan_year, expected):
    import time_machine

    plan = _issue(setup, year=plan_year)
    with time_machine.travel(now, tick=False):
        client.force_login(setup["coordinator"])  # signed in at that time: a session lasts 12 hours at most
        html = client.get(reverse("plans:plan_add_dialogue", args=[plan.pk])).content.decode()
    assert f'name="tentative_month" value="{expected}"' in html


def test_a_title_the_plan_already_has_is_warned_about_and_added_only_once_confirmed(client, setup):
    plan = _issue(setup)
    first = actions.create_dialogue(
        plan.unit,
        kind="ad_hoc",
        title="Đối thoại với hộ dân thôn Đông",
        plan=plan,
        tentative_month=dt.date(2026, 12, 1),
        by=setup["coordinator"],
    )
    client.force_login(setup["coordinator"])
    url = reverse("plans:plan_add_dialogue", args=[plan.pk])
    data = {
        "kind": "ad_hoc",
        "title": "  đối thoại với hộ dân  THÔN Đông ",
        "tentative_month": "2026-12",
        "place": "",
        "audience": "",
        "content": "",
        "chair_post": "",
    }
    response = client.post(url, data)  # the same title, other case and spacing: a warning, nothing added
    html = response.content.decode()
    assert response.status_code == 422
    assert "Kế hoạch này đã có buổi “Đối thoại với hộ dân thôn Đông” (dự kiến tháng 12/2026)" in html
    assert f'href="/can-bo/buoi/{first.pk}/"' in html and 'name="same_title_confirmed"' in html
    assert Dialogue.objects.filter(plan=plan).count() == 1
    response = client.post(url, {**data, "same_title_confirmed": "on"})  # the officer confirms: another dialogue
    second = Dialogue.objects.filter(plan=plan).exclude(pk=first.pk).get()
    assert response.status_code == 302 and response.url == f"/can-bo/buoi/{second.pk}/"
    fresh = client.get(url).content.decode()
    assert 'name="same_title_confirmed"' not in fresh  # the box appears only with the warning


def test_the_same_title_under_another_plan_or_commune_is_no_duplicate(client, setup):
    plan = _issue(setup)
    other_plan = PlanFactory(unit=setup["commune"].unit, year=2026)
    actions.create_dialogue(
        plan.unit,
        kind="conference",
        title="Hội nghị đối thoại",
        plan=other_plan,
        tentative_month=dt.date(2026, 6, 1),
        by=setup["coordinator"],
    )
    created = actions.create_dialogue(
        plan.unit,
        kind="conference",
        title="Hội nghị đối thoại",
        plan=plan,
        tentative_month=dt.date(2026, 6, 1),
        by=setup["coordinator"],
    )
    assert created.plan == plan


def test_create_dialogue_refuses_a_duplicate_title_for_every_caller(setup):
    from django.core.exceptions import ValidationError

    plan = _issue(setup)
    args = dict(
        kind="regular",
        title="Giao ban quý IV năm 2026",
        plan=plan,
        tentative_month=dt.date(2026, 12, 1),
        by=setup["coordinator"],
    )
    actions.create_dialogue(plan.unit, **args)
    with pytest.raises(ValidationError) as excinfo:
        actions.create_dialogue(plan.unit, **args)
    (error,) = excinfo.value.error_dict["title"]
    assert error.code == "duplicate_title"
    assert actions.create_dialogue(plan.unit, **args, same_title_confirmed=True).title == "Giao ban quý IV năm 2026"


# ---------------------------------------------------------------- tasks of section III


@pytest.fixture
def tasks(setup):
    plan = _issue(setup)
    unit = setup["commune"].unit
    cells = [
        OrganizationFactory(unit=unit, name=f"Chi bộ thôn {n}", kind="party_cell")
        for n in ("Trung", "Đình", "Tân Sơn", "Đồng Lạc")
    ]
    cells.append(OrganizationFactory(unit=unit, name="Chi bộ Trường THCS Tân Yên", kind="party_cell"))
    now = timezone.now()
    for cell in cells:
        done = None if cell.name.startswith("Chi bộ Trường") else now
        PlanTaskFactory(
            plan=plan,
            organization=cell,
            section="III.1",
            purpose="pass_on",
            due_on=dt.date(2026, 5, 15),
            title="Quán triệt kế hoạch",
            done_at=done,
        )
    farmers_task = PlanTaskFactory(
        plan=plan, organization=setup["commune"].farmers, title="Tổng hợp ý kiến hội viên", due_on=dt.date(2026, 11, 20)
    )
    economy_task = PlanTaskFactory(
        plan=plan, organization=setup["commune"].economy, title="Trả lời ý kiến", due_on=dt.date(2026, 12, 20)
    )
    return {"plan": plan, "cells": cells, "farmers": farmers_task, "economy": economy_task}


def test_the_coordinator_sees_the_pass_on_block_and_overdue_tasks(client, setup, tasks):
    client.force_login(setup["coordinator"])
    response = client.get(reverse("plans:plan_tasks", args=[tasks["plan"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Chi bộ đã quán triệt kế hoạch: <strong>4/5</strong> — chưa xác nhận: <strong>Chi bộ Trường THCS Tân Yên</strong>"
        in html
    )
    assert "Đã quá hạn 15/05/2026" in html
    assert 'class="task task-overdue"' in html  # farmers' task due 20/11, today 27/11
    assert "Tổng hợp ý kiến hội viên" in html and "Trả lời ý kiến" in html
    assert_csp_clean(response)


def test_an_org_rep_sees_and_marks_only_its_own_tasks(client, setup, tasks):
    client.force_login(setup["org_rep"])
    plan = tasks["plan"]
    html = client.get(reverse("plans:plan_tasks", args=[plan.pk])).content.decode()
    assert "Tổng hợp ý kiến hội viên" in html and "Trả lời ý kiến" not in html and "Chi bộ đã quán triệt" not in html
    mine = client.get(reverse("plans:plan_tasks", args=[plan.pk]) + "?loc=chua-xong").content.decode()
    assert "Tổng hợp ý kiến hội viên" in mine
    other = client.post(reverse("plans:plan_task_mark", args=[plan.pk, tasks["economy"].pk]), {"done": "1"})
    assert other.status_code == 404
    own = client.post(reverse("plans:plan_task_mark", args=[plan.pk, tasks["farmers"].pk]), {"done": "1"})
    assert own.status_code == 302
    tasks["farmers"].refresh_from_db()
    assert tasks["farmers"].done_by == setup["org_rep"]
    client.post(reverse("plans:plan_task_mark", args=[plan.pk, tasks["farmers"].pk]), {"done": "0"})
    tasks["farmers"].refresh_from_db()
    assert tasks["farmers"].done_at is None


def test_a_party_cell_confirms_it_passed_the_plan_on(client, setup, tasks, user_with_role):
    school = tasks["cells"][-1]
    rep = user_with_role("org_rep", setup["commune"].unit, school)
    task = PlanTask.objects.get(plan=tasks["plan"], organization=school)
    client.force_login(rep)
    page = client.get(reverse("plans:plan_tasks", args=[tasks["plan"].pk])).content.decode()
    assert "Xác nhận đã quán triệt" in page
    client.post(reverse("plans:plan_task_mark", args=[tasks["plan"].pk, task.pk]), {"done": "1"})
    client.force_login(setup["coordinator"])
    html = client.get(reverse("plans:plan_tasks", args=[tasks["plan"].pk])).content.decode()
    assert "<strong>5/5</strong>" in html and "Tất cả chi bộ đã xác nhận" in html


def test_the_chair_sees_all_tasks_but_marks_none(client, setup, tasks):
    client.force_login(setup["chair"])
    plan = tasks["plan"]
    html = client.get(reverse("plans:plan_tasks", args=[plan.pk])).content.decode()
    assert "Trả lời ý kiến" in html and "Xác nhận hoàn thành" not in html
    response = client.post(reverse("plans:plan_task_mark", args=[plan.pk, tasks["economy"].pk]), {"done": "1"})
    assert response.status_code == 422 and "không có quyền" in response.content.decode()
    tasks["economy"].refresh_from_db()
    assert tasks["economy"].done_at is None


def test_the_coordinator_marks_and_unmarks_any_task(client, setup, tasks):
    client.force_login(setup["coordinator"])
    plan, task = tasks["plan"], tasks["economy"]
    client.post(reverse("plans:plan_task_mark", args=[plan.pk, task.pk]), {"done": "1"})
    task.refresh_from_db()
    assert task.done_at is not None
    client.post(reverse("plans:plan_task_mark", args=[plan.pk, task.pk]), {"done": "0"})
    task.refresh_from_db()
    assert task.done_at is None


def test_an_agency_marks_its_own_and_a_publisher_without_tasks_is_refused(client, setup, tasks, user_with_role):
    client.force_login(setup["agency"])
    plan = tasks["plan"]
    assert (
        client.post(reverse("plans:plan_task_mark", args=[plan.pk, tasks["economy"].pk]), {"done": "1"}).status_code
        == 302
    )
    assert (
        client.post(reverse("plans:plan_task_mark", args=[plan.pk, tasks["farmers"].pk]), {"done": "1"}).status_code
        == 404
    )
    client.force_login(user_with_role("province", setup["commune"].province))
    assert client.get(reverse("plans:plan_tasks", args=[plan.pk])).status_code == 403


@pytest.mark.parametrize("extra", [0, 60])
def test_the_task_page_query_budget_does_not_grow(client, setup, tasks, extra, django_assert_max_num_queries):
    unit = setup["commune"].unit
    for n in range(extra):
        org = OrganizationFactory(unit=unit, name=f"Tổ chức thử {n}", kind="mass_org")
        PlanTaskFactory(plan=tasks["plan"], organization=org, due_on=dt.date(2026, 12, 1))
    client.force_login(setup["coordinator"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("plans:plan_tasks", args=[tasks["plan"].pk])).status_code == 200


# ---------------------------------------------------------------- giving the tasks of section III


def test_section_iii_tasks_are_given_once_by_kind_of_organisation(client, setup, user_with_role):
    from doithoai.lib.clock import local_datetime

    plan = _issue(setup)
    unit = setup["commune"].unit
    cells = [OrganizationFactory(unit=unit, name=f"Chi bộ thôn {n}", kind="party_cell") for n in ("Trung", "Hạ")]
    user_with_role("publisher", unit, setup["commune"].service_centre)
    conference = actions.create_dialogue(
        unit,
        plan=plan,
        kind="conference",
        title="Hội nghị đối thoại tháng 12",
        tentative_month=dt.date(2026, 12, 1),
        by=setup["coordinator"],
    )
    actions.create_dialogue(
        unit,
        plan=plan,
        kind="regular",
        title="Giao ban chưa có ngày",
        tentative_month=dt.date(2026, 12, 1),
        by=setup["coordinator"],
    )
    actions.schedule_dialogue(
        conference,
        starts_at=local_datetime(dt.date(2026, 12, 19), 8),
        ends_at=None,
        place="Hội trường",
        by=setup["coordinator"],
    )
    client.force_login(setup["coordinator"])
    url = reverse("plans:plan_tasks_standard", args=[plan.pk])
    response = client.post(url, follow=True)
    mass = Organization.objects.filter(unit=unit, kind="mass_org").count()
    assert f"Đã giao {len(cells) + mass + 1} nhiệm vụ của mục III." in response.content.decode()
    tasks = plan.tasks.all()
    assert {t.organization for t in tasks.filter(purpose="pass_on")} == set(cells)
    assert tasks.filter(purpose="pass_on").first().due_on == dt.date(2026, 5, 8)  # two weeks after 24/04
    assert tasks.filter(purpose="gather", dialogue=conference).count() == mass
    assert tasks.filter(purpose="gather").first().due_on == dt.date(2026, 12, 12)
    (announce,) = tasks.filter(purpose="announce")
    assert (announce.organization, announce.due_on) == (setup["commune"].service_centre, dt.date(2026, 12, 12))
    assert not tasks.filter(dialogue__title="Giao ban chưa có ngày").exists()  # no date yet: nothing to time
    again = client.post(url, follow=True)
    assert "Các nhiệm vụ của mục III đã được giao đủ." in again.content.decode()
    assert plan.tasks.count() == len(tasks)
    client.force_login(setup["org_rep"])
    assert client.post(url).status_code == 403


def test_the_coordinator_gives_one_task_and_bad_input_is_refused(client, setup, tasks):
    plan = tasks["plan"]
    add = reverse("plans:plan_task_add", args=[plan.pk])
    client.force_login(setup["coordinator"])
    page = client.get(reverse("plans:plan_tasks", args=[plan.pk])).content.decode()
    assert "Giao các nhiệm vụ của mục III" in page and "Thêm một nhiệm vụ" in page
    data = {
        "organization": setup["commune"].economy.pk,
        "title": "Chuẩn bị báo cáo giải trình về đường nội đồng",
        "section": "III.2",
        "purpose": "attend",
        "due_on": "2026-12-15",
    }
    for bad, message in (
        ({"title": ""}, "Xin ghi nội dung nhiệm vụ."),
        ({"title": "x" * 301}, "Quá dài"),
        ({"organization": setup["other"].economy.pk}, "Lựa chọn không hợp lệ"),
        ({"due_on": "31/02/2026"}, "Ngày không hợp lệ"),
    ):
        response = client.post(add, {**data, **bad})
        assert response.status_code == 422 and message in response.content.decode()
    before = plan.tasks.count()
    assert client.post(add, data).status_code == 302
    task = plan.tasks.order_by("-pk").first()
    assert plan.tasks.count() == before + 1
    assert (task.organization, task.section, task.purpose, task.due_on) == (
        setup["commune"].economy,
        "III.2",
        "attend",
        dt.date(2026, 12, 15),
    )
    client.force_login(setup["agency"])
    assert client.post(add, data).status_code == 403
    client.force_login(setup["foreign"])
    assert client.post(add, data).status_code == 404
