"""An organisation representative's page (/can-bo/to-chuc/y-kien/): a list of opinions sent in one go, all or
nothing, and the organisation's earlier submissions with their public status."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.utils import timezone

from doithoai.accounts.context_processors import navigation
from doithoai.accounts.models import Organization
from doithoai.petitions.models import HistoryEntry, Petition
from doithoai.plans.models import Dialogue
from tests.factories import DialogueFactory, OrganizationFactory, PetitionFactory, PlanFactory, UserFactory
from tests.portal.test_pages import assert_csp_clean

URL = "/can-bo/to-chuc/y-kien/"


def at(year, month, day, hour=8):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


@pytest.fixture
def world(commune, other_commune, user_with_role, frozen_demo_now):
    """Hội Nông dân xã's representative in Tân Yên, a village, the commune's dialogues; "today" is 27/11/2026."""
    plan = PlanFactory(unit=commune.unit)
    return SimpleNamespace(
        commune=commune,
        rep=user_with_role("org_rep", commune.unit, commune.farmers),
        village=OrganizationFactory(unit=commune.unit, name="Thôn Trung", kind=Organization.Kind.VILLAGE),
        held=DialogueFactory(
            unit=commune.unit,
            plan=plan,
            title="Giao ban quý III",
            kind=Dialogue.Kind.REGULAR,
            starts_at=at(2026, 9, 18),
            status=Dialogue.Status.CONCLUDED,
        ),
        coming=DialogueFactory(
            unit=commune.unit,
            plan=plan,
            title="Giao ban quý IV",
            kind=Dialogue.Kind.REGULAR,
            starts_at=at(2026, 12, 18),
            status=Dialogue.Status.SCHEDULED,
        ),
        foreign=DialogueFactory(
            unit=other_commune.unit,
            plan=None,
            title="Hội nghị xã Ngọc Thiện",
            starts_at=at(2026, 12, 10),
            status=Dialogue.Status.SCHEDULED,
        ),
    )


def batch(rows: list[dict], total: int | None = None, **shared) -> dict:
    """POST data as the browser sends it: every row's select has a value, blank rows are empty."""
    total = total or max(len(rows), 5)
    data = {
        "rows-TOTAL_FORMS": str(total),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "100",
        "dialogue": "",
    }
    for i in range(total):
        data.update(
            {f"rows-{i}-content": "", f"rows-{i}-name": "", f"rows-{i}-village": "", f"rows-{i}-kind": "kien_nghi"}
        )
    for i, row in enumerate(rows):
        data.update({f"rows-{i}-{key}": value for key, value in row.items()})
    data.update(shared)
    return data


GOOD = [
    {"content": "Đề nghị hỗ trợ giống lúa cho hội viên bị thiệt hại do mưa bão.", "name": "Thân Văn Cường"},
    {"content": "Kênh tưới thôn Trung bị bồi lấp, đề nghị nạo vét trước vụ xuân."},
    {"content": "Giá phân bón tăng cao, đề nghị có chính sách hỗ trợ.", "kind": "gop_y"},
]


def row_html(html: str, number: int) -> str:
    match = re.search(rf'<fieldset class="batch-row[^"]*" id="dong-{number}">(.*?)</fieldset>', html, re.S)
    assert match, f"row {number} not found"
    return match.group(0)


# ---------------------------------------------------------------- who may send


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


@pytest.mark.parametrize("role", [None, "coordinator", "agency", "publisher"])
def test_only_an_organisations_representative_opens_the_page(client, world, user_with_role, role):
    if role is None:
        user = UserFactory()
    else:
        user = user_with_role(role, world.commune.unit, world.commune.economy if role == "agency" else None)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, batch(GOOD)).status_code == 403
    assert not Petition.objects.exists()


def test_representative_cannot_send_for_another_organisation(client, world, other_commune):
    client.force_login(world.rep)
    for foreign in (world.commune.front, other_commune.farmers):
        assert client.get(f"{URL}?to-chuc={foreign.pk}").status_code == 404
        assert client.post(f"{URL}?to-chuc={foreign.pk}", batch(GOOD)).status_code == 404
    assert client.get(f"{URL}?to-chuc=abc").status_code == 404
    assert not Petition.objects.exists()
    assert client.get(f"{URL}?to-chuc={world.commune.farmers.pk}").status_code == 200


def test_representative_of_two_organisations_chooses_one(client, world):
    from doithoai.accounts.models import RoleAssignment

    RoleAssignment.objects.create(
        user=world.rep, unit=world.commune.unit, role="org_rep", organization=world.commune.front
    )
    client.force_login(world.rep)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and "Xin chọn tổ chức gửi ý kiến" in html and "batch-form" not in html
    assert f"?to-chuc={world.commune.front.pk}" in html and f"?to-chuc={world.commune.farmers.pk}" in html

    response = client.post(f"{URL}?to-chuc={world.commune.front.pk}", batch(GOOD[:1]))
    assert response.status_code == 302 and f"to-chuc={world.commune.front.pk}" in response.url
    assert Petition.objects.get().submitter_organization == world.commune.front


# ---------------------------------------------------------------- sending


def test_three_good_rows_become_three_petitions_of_the_organisation(client, world):
    client.force_login(world.rep)
    response = client.post(URL, batch(GOOD, dialogue=str(world.coming.pk)))
    assert response.status_code == 302
    petitions = list(Petition.objects.order_by("id"))
    assert [p.content for p in petitions] == [row["content"] for row in GOOD]
    for p in petitions:
        assert (
            p.channel,
            p.submitter_organization,
            p.submitter_organization_name,
            p.created_by,
            p.unit,
            p.dialogue,
        ) == (
            "org_batch",
            world.commune.farmers,
            "Hội Nông dân xã",
            world.rep,
            world.commune.unit,
            world.coming,
        )
    assert [p.kind for p in petitions] == ["kien_nghi", "kien_nghi", "gop_y"]
    assert petitions[0].submitter_name == "Thân Văn Cường"
    assert HistoryEntry.objects.filter(action="receive", actor=world.rep).count() == 3

    html = client.get(response.url).content.decode()
    assert "Đã gửi 3 ý kiến" in html
    assert all(p.code in html.split("</main>")[0].split('class="messages"')[1].split("</div>")[0] for p in petitions)


def test_village_of_a_row_is_kept(client, world):
    client.force_login(world.rep)
    client.post(URL, batch([{**GOOD[0], "village": str(world.village.pk)}]))
    assert Petition.objects.get().village == world.village


def test_one_bad_row_saves_nothing_and_is_marked_beside_it(client, world):
    client.force_login(world.rep)
    rows = [GOOD[0], GOOD[1], {"content": "đ" * 100_000, "name": "Người gửi dài"}]
    response = client.post(URL, batch(rows))
    assert response.status_code == 422
    assert not Petition.objects.exists()
    assert not HistoryEntry.objects.exists()
    html = response.content.decode()
    assert "Nội dung quá dài (tối đa 20.000 ký tự)." in row_html(html, 3)
    assert "batch-row-invalid" in row_html(html, 3)
    assert "batch-row-invalid" not in row_html(html, 1) and "Nội dung quá dài" not in row_html(html, 2)
    assert GOOD[0]["content"] in row_html(html, 1)  # what was typed is kept for the retry


def test_a_row_with_a_name_but_no_content_is_refused(client, world):
    client.force_login(world.rep)
    response = client.post(URL, batch([GOOD[0], {"name": "Nguyễn Văn Khánh"}, GOOD[1]]))
    assert response.status_code == 422
    assert not Petition.objects.exists()
    assert "Xin nhập nội dung ý kiến ở dòng này" in row_html(response.content.decode(), 2)


def test_a_denunciation_without_a_name_is_refused_on_its_row(client, world):
    client.force_login(world.rep)
    response = client.post(
        URL, batch([GOOD[0], {"content": "Tố cáo cán bộ thôn thu tiền sai quy định.", "kind": "to_cao"}])
    )
    assert response.status_code == 422
    assert not Petition.objects.exists()
    assert "Khiếu nại, tố cáo cần ghi rõ họ tên người gửi." in row_html(response.content.decode(), 2)


def test_blank_rows_are_skipped_and_an_all_blank_list_is_refused(client, world):
    client.force_login(world.rep)
    response = client.post(URL, batch([]))
    assert response.status_code == 422
    assert "Chưa có ý kiến nào để gửi" in response.content.decode()
    assert not Petition.objects.exists()
    rows = [{}, GOOD[0], {}, {}, GOOD[1]]
    assert client.post(URL, batch(rows, total=8)).status_code == 302
    assert Petition.objects.count() == 2


def test_a_list_of_101_rows_is_refused(client, world):
    client.force_login(world.rep)
    rows = [{"content": f"Ý kiến số {i}"} for i in range(101)]
    response = client.post(URL, batch(rows))
    assert response.status_code == 422
    assert "Mỗi lần gửi tối đa 100 ý kiến" in response.content.decode()
    assert not Petition.objects.exists()


def test_a_list_of_100_rows_is_accepted(client, world):
    client.force_login(world.rep)
    rows = [{"content": f"Ý kiến số {i}"} for i in range(100)]
    assert client.post(URL, batch(rows)).status_code == 302
    assert Petition.objects.filter(channel="org_batch").count() == 100


def test_a_dialogue_of_another_commune_cannot_be_chosen(client, world):
    client.force_login(world.rep)
    response = client.post(URL, batch(GOOD, dialogue=str(world.foreign.pk)))
    assert response.status_code == 422
    assert not Petition.objects.exists()
    assert "Lựa chọn này không có trong danh sách; xin chọn lại." in response.content.decode()
    choices = [value for value, _ in response.context["shared"].fields["dialogue"].choices]
    assert choices == ["", str(world.held.pk), str(world.coming.pk)]


# ---------------------------------------------------------------- more rows


def test_the_page_starts_with_five_rows_and_dong_asks_for_more(client, world):
    client.force_login(world.rep)
    assert len(client.get(URL).context["formset"].forms) == 5
    response = client.get(f"{URL}?dong=10")
    assert len(response.context["formset"].forms) == 10
    assert 'id="dong-10"' in response.content.decode()
    response = client.get(f"{URL}?dong=500")
    assert len(response.context["formset"].forms) == 100
    assert "Thêm dòng" not in response.content.decode()


def test_adding_rows_without_javascript_keeps_what_was_typed(client, world):
    client.force_login(world.rep)
    html = client.get(URL).content.decode()
    assert re.search(
        r'<button type="submit" name="them_dong" value="1"[^>]*formaction="/can-bo/to-chuc/y-kien/\?dong=10"', html
    )
    response = client.post(f"{URL}?dong=10", {**batch(GOOD), "them_dong": "1"})
    assert response.status_code == 200
    assert not Petition.objects.exists()
    html = response.content.decode()
    assert len(response.context["formset"].forms) == 10
    assert GOOD[1]["content"] in row_html(html, 2) and "batch-row-invalid" not in html
    assert re.search(r'<textarea[^>]*autofocus[^>]*id="id_rows-5-content"', html)


def test_adding_rows_with_htmx_returns_only_the_new_rows(client, world):
    client.force_login(world.rep)
    html = client.get(URL).content.decode()
    assert 'hx-get="/can-bo/to-chuc/y-kien/?dong=10&amp;tu=5"' in html
    response = client.get(f"{URL}?dong=10&tu=5", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert re.findall(r'id="dong-(\d+)"', html) == ["6", "7", "8", "9", "10"]
    assert 'name="rows-5-content"' in html and 'name="rows-4-content"' not in html
    assert re.search(r'<input type="hidden" name="rows-TOTAL_FORMS" value="10"[^>]*hx-swap-oob="true"', html)
    assert 'hx-get="/can-bo/to-chuc/y-kien/?dong=15&amp;tu=10"' in html


# ---------------------------------------------------------------- what became of them


def _submitted(world, n: int, organization=None, start=None):
    start = start or at(2026, 11, 1)
    return [
        PetitionFactory(
            unit=world.commune.unit,
            submitter_organization=organization or world.commune.farmers,
            channel="org_batch",
            received_at=start + dt.timedelta(hours=i),
        )
        for i in range(n)
    ]


def test_the_list_shows_only_the_organisations_own_submissions_25_a_page(client, world):
    own = _submitted(world, 30)
    others = _submitted(world, 3, organization=world.commune.front) + [PetitionFactory(unit=world.commune.unit)]
    client.force_login(world.rep)
    first = client.get(URL)
    assert [p.code for p in first.context["submissions"]] == [p.code for p in reversed(own[5:])]
    html = first.content.decode()
    assert "Trang 1/2" in html and "?trang=2" in html
    assert not any(p.code in html for p in others)
    second = client.get(f"{URL}?trang=2")
    assert [p.code for p in second.context["submissions"]] == [p.code for p in reversed(own[:5])]
    assert client.get(f"{URL}?trang=99").context["submissions"].number == 2


def test_the_list_shows_the_public_status_and_topic(client, world):
    from tests.factories import canonical_topic

    waiting, merged, parent = _submitted(world, 3)
    topic = canonical_topic("nong_nghiep")
    Petition.objects.filter(pk=waiting.pk).update(status="answer_pending", topic=topic)
    Petition.objects.filter(pk=parent.pk).update(status="answered")
    Petition.objects.filter(pk=merged.pk).update(status="merged", merged_into=parent)
    client.force_login(world.rep)
    html = client.get(URL).content.decode()
    row = re.search(rf"<tr>\s*<td[^>]*><a[^>]*>{waiting.code}</a>.*?</tr>", html, re.S).group(0)
    assert "Đang giải quyết" in row and "Chờ duyệt" not in row and topic.name in row
    row = re.search(rf"<tr>\s*<td[^>]*><a[^>]*>{merged.code}</a>.*?</tr>", html, re.S).group(0)
    assert "Đã trả lời" in row


def test_markup_in_a_submission_is_escaped_and_the_page_is_csp_clean(client, world):
    client.force_login(world.rep)
    client.post(URL, batch([{"content": "<script>alert(1)</script> Ao làng ô nhiễm"}]))
    assert Petition.objects.get().content == "<script>alert(1)</script> Ao làng ô nhiễm"
    response = client.get(URL)
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ao làng ô nhiễm" in html and "<script>alert" not in html
    assert_csp_clean(response)
    for i in range(5):
        for name in ("content", "name", "village", "kind"):
            assert f'<label for="id_rows-{i}-{name}"' in html


@pytest.mark.parametrize("existing", [5, 60])
def test_batch_page_costs_the_same_queries_with_5_or_60_submissions(
    client, world, django_assert_max_num_queries, existing
):
    _submitted(world, existing)
    client.force_login(world.rep)
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert response.status_code == 200 and len(response.context["submissions"]) == min(existing, 25)


# ---------------------------------------------------------------- navigation


def test_navigation_offers_the_organisation_page_to_representatives_only(world, user_with_role):
    def labels(user):
        request = RequestFactory().get("/")
        request.user = user
        return [label for label, _ in navigation(request)["nav_items"]]

    assert "Ý kiến của tổ chức" in labels(world.rep)
    assert "Ý kiến của tổ chức" not in labels(user_with_role("coordinator", world.commune.unit))
    assert "Ý kiến của tổ chức" not in labels(user_with_role("agency", world.commune.unit, world.commune.economy))
