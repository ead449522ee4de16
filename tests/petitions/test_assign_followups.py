"""Issue 10, item 4, follow-ups of "Giao lại xử lý": the inbox's bulk "Giao xử lý" form ticks the coordinating
organisations with check boxes (the detail page's markup, includes/check_field.html); the reassign button says
"Giao lại xử lý"; check boxes and radio buttons in the app's colour; and a case reopened long ago (its deadline
passed) is assigned again without a deadline typed: it gets a fresh one from today by the unit's rules.

Time is frozen on Friday 27/11/2026 09:00 (Asia/Ho_Chi_Minh); the `w` world comes from test_actions.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders

from doithoai.lib import clock
from doithoai.petitions import actions, deadlines
from doithoai.petitions.models import Assignment, Petition
from tests.petitions import test_actions
from tests.petitions.test_actions import TODAY, refused, reload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_demo_now")]
w = test_actions.w

S = Petition.Status
INBOX = "/can-bo/y-kien/"
BULK = "/can-bo/y-kien/thao-tac/"
HTMX = {"HTTP_HX_REQUEST": "true"}
LATER = dt.date(2027, 3, 1)  # a Monday, long after the reopened case's deadline (no holiday in the 15 working days)


def url(petition, tail=""):
    return f"/can-bo/y-kien/{petition.pk}/" + (f"{tail}/" if tail else "")


def html(client, user, path) -> str:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def bulk_form(page: str) -> str:
    return page.split('<form id="thao-tac"')[1].split("</form>")[0]


def panel(page: str, name: str) -> str:
    return page.split(f'id="thao-tac-{name}"')[1].split("</form>")[0]


def boxes(form_html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="checkbox" name="{name}" value="(\d+)"', form_html)


def reopened(w) -> Petition:
    """A case answered, published and rated "chưa hài lòng" today: back with the coordinator, a fresh deadline."""
    petition = w.closed()
    actions.record_feedback(petition, satisfied=False, reason="Đường vẫn chưa được sửa.")
    petition = reload(petition)
    assert petition.status == S.CLASSIFIED and petition.deadline == dt.date(2026, 12, 18)
    return petition


def coordinating(petition) -> set:
    return set(Assignment.objects.get(petition=petition, is_current=True).coordinating.all())


# ---------------------------------------------------------------- 1. the bulk form's check boxes


def test_the_bulk_assign_form_has_a_check_box_per_organisation_not_a_ctrl_click_list(client, w):
    w.classified()
    form = bulk_form(html(client, w.coordinator, INBOX))
    assert '<select name="gx-coordinating"' not in form and "multiple" not in form
    offered = {str(o.pk) for o in (w.cs.economy, w.cs.culture, w.cs.front, w.cs.farmers)}
    assert offered <= set(boxes(form, "gx-coordinating"))
    assert str(w.cs.higher.pk) not in boxes(form, "gx-coordinating")  # the higher authority is forwarded to
    assert str(w.other.culture.pk) not in boxes(form, "gx-coordinating")
    # The detail page's fieldset: a legend, and each box with its own label (one tap on a phone).
    fieldset = form.split('<fieldset class="field dlg-checks"')[1].split("</fieldset>")[0]
    assert "<legend>Cơ quan phối hợp</legend>" in fieldset and 'class="dlg-check-list"' in fieldset
    for box_id in re.findall(r'<input type="checkbox" name="gx-coordinating" value="\d+"[^>]*id="([^"]+)"', form):
        assert f'<label for="{box_id}">' in fieldset


def test_several_boxes_ticked_in_the_bulk_form_all_coordinate(client, w):
    chosen = [w.classified(), w.classified()]
    client.force_login(w.coordinator)
    response = client.post(
        BULK,
        {
            "chon": [p.pk for p in chosen],
            "thao_tac": "giao",
            "gx-lead": w.cs.economy.pk,
            "gx-coordinating": [w.cs.culture.pk, w.cs.front.pk, w.cs.farmers.pk, w.cs.economy.pk],
        },
        follow=True,
    )
    assert "Đã giao xử lý 2/2 ý kiến" in response.content.decode()
    for petition in chosen:
        assert reload(petition).status == S.ASSIGNED
        # The lead ticked as well is not its own coordinating organisation.
        assert coordinating(petition) == {w.cs.culture, w.cs.front, w.cs.farmers}


@pytest.mark.parametrize("box", ["foreign", "higher", "unknown", "text"])
def test_a_box_not_offered_in_the_bulk_form_is_refused_and_nothing_is_assigned(client, w, box):
    value = {"foreign": w.other.culture.pk, "higher": w.cs.higher.pk, "unknown": 987654, "text": "abc"}[box]
    petition = w.classified()
    client.force_login(w.coordinator)
    response = client.post(
        BULK,
        {
            "chon": [petition.pk],
            "thao_tac": "giao",
            "gx-lead": w.cs.economy.pk,
            "gx-coordinating": [w.cs.culture.pk, value],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Chưa giao xử lý: Cơ quan phối hợp: Có cơ quan không có trong danh sách; xin chọn lại." in page
    assert reload(petition).status == S.CLASSIFIED and not Assignment.objects.filter(petition=petition).exists()


# ---------------------------------------------------------------- 2. the reassign button


def test_the_reassign_button_says_giao_lai_xu_ly(client, w):
    first = w.classified()
    form = panel(html(client, w.coordinator, url(first)), "assign")
    assert '<button type="submit" class="button">Giao xử lý</button>' in form
    again = w.assigned().petition
    form = panel(html(client, w.coordinator, url(again)), "assign")
    assert "<h3>Giao lại xử lý</h3>" in form
    assert '<button type="submit" class="button">Giao lại xử lý</button>' in form
    assert ">Giao xử lý</button>" not in form


def test_the_reassign_panel_sent_back_with_an_error_still_says_giao_lai_xu_ly(client, w):
    again = w.assigned().petition
    client.force_login(w.coordinator)
    response = client.post(url(again, "giao"), {"assign-lead": ""}, **HTMX)
    assert response.status_code == 422
    form = response.content.decode()
    assert "<h3>Giao lại xử lý</h3>" in form and ">Giao lại xử lý</button>" in form


# ---------------------------------------------------------------- 3. the app's colour


def test_check_boxes_and_radio_buttons_take_the_apps_accent_colour():
    css = Path(finders.find("css/app.css")).read_text(encoding="utf-8")
    assert re.search(
        r'^input\[type="checkbox"\], input\[type="radio"\] \{ accent-color: var\(--accent\); \}', css, re.M
    )
    assert re.search(r"--accent: #", css)  # the variable exists: the primary colour of the app


# ---------------------------------------------------------------- 4. a deadline that has passed


def test_a_reopened_case_whose_deadline_passed_is_reassigned_with_a_fresh_deadline(w):
    petition = reopened(w)
    with time_machine.travel(clock.local_datetime(LATER, 9), tick=False):
        assignment = actions.assign(petition, w.cs.culture, by=w.coordinator)
        # 15 working days from Monday 01/03/2027 (the unit's rule for a kiến nghị), as a first assignment gets.
        expected = deadlines.deadline_for(w.unit, petition.kind, "commune", LATER)
    assert assignment.deadline == reload(petition).deadline == expected == dt.date(2027, 3, 22)
    assert reload(petition).status == S.ASSIGNED


def test_an_assigned_case_past_its_deadline_is_reassigned_with_a_fresh_deadline(w):
    first = w.assigned()
    assert first.deadline == dt.date(2026, 12, 18)
    with time_machine.travel(clock.local_datetime(LATER, 9), tick=False):
        second = actions.assign(first.petition, w.cs.culture, by=w.coordinator)
    assert second.deadline == dt.date(2027, 3, 22) and not reload(first).is_current


def test_a_deadline_still_ahead_is_kept_when_none_is_given(w):
    petition = reopened(w)
    with time_machine.travel(clock.local_datetime(dt.date(2026, 12, 18), 9), tick=False):
        assignment = actions.assign(petition, w.cs.culture, by=w.coordinator)
    assert assignment.deadline == dt.date(2026, 12, 18)  # its last day: not yet passed


def test_an_explicit_past_deadline_is_still_refused(w):
    petition = reopened(w)
    with time_machine.travel(clock.local_datetime(LATER, 9), tick=False):
        for day in (LATER - dt.timedelta(days=1), petition.deadline):
            refused(
                lambda day=day: actions.assign(petition, w.cs.culture, deadline=day, by=w.coordinator),
                petition,
                match="Hạn xử lý không được trước ngày hôm nay",
            )
    assert not Assignment.objects.filter(petition=petition, is_current=True).exists()


def test_the_detail_form_leaves_a_passed_deadline_blank_and_assigns_with_a_fresh_one(client, w):
    petition = reopened(w)
    with time_machine.travel(clock.local_datetime(LATER, 9), tick=False):
        form = panel(html(client, w.coordinator, url(petition)), "assign")
        assert 'name="assign-deadline"' in form and 'value="2026-12-18"' not in form
        assert "nếu hạn đó đã qua, tính lại từ hôm nay" in form
        response = client.post(url(petition, "giao"), {"assign-lead": w.cs.culture.pk, "assign-deadline": ""})
        assert response.status_code == 302
        refused_page = client.post(
            url(petition, "giao"),
            {
                "assign-lead": w.cs.economy.pk,
                "assign-deadline": "2027-02-26",
            },
        ).content.decode()
    assert reload(petition).deadline == dt.date(2027, 3, 22)
    assert "Hạn xử lý không được trước ngày hôm nay." in refused_page
    assert Assignment.objects.get(petition=petition, is_current=True).lead == w.cs.culture


def test_a_deadline_still_ahead_is_offered_in_the_detail_form(client, w):
    petition = reopened(w)
    form = panel(html(client, w.coordinator, url(petition)), "assign")
    assert 'name="assign-deadline" value="2026-12-18"' in form


def test_the_bulk_form_without_a_deadline_assigns_a_case_reopened_long_ago(client, w):
    petition = reopened(w)
    with time_machine.travel(clock.local_datetime(LATER, 9), tick=False):
        client.force_login(w.coordinator)
        response = client.post(
            BULK, {"chon": [petition.pk], "thao_tac": "giao", "gx-lead": w.cs.culture.pk}, follow=True
        )
        assert "Đã giao xử lý 1/1 ý kiến" in response.content.decode()
    petition = reload(petition)
    assert petition.status == S.ASSIGNED and petition.deadline == dt.date(2027, 3, 22) > TODAY
