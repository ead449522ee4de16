"""The status page of an opinion whose answer was rated "chưa hài lòng": the earlier answer stays, the reopening is
explained (what happens now, who has it, by when), and a later answer shows above the earlier one, both dated."""

import datetime as dt
import re

import pytest
import time_machine

from doithoai.lib.qr import MODULE_PX
from doithoai.petitions import actions, deadlines
from doithoai.petitions.models import Petition
from doithoai.portal.templatetags.vn import vn_day
from tests import factories
from tests.portal.test_pages import assert_csp_clean

FIRST = "Xã đã bố trí kinh phí sửa chữa đường trong quý IV năm 2026."
SECOND = "Đã sửa xong 300 m mặt đường thôn Trung; đoạn còn lại làm trong tháng 12/2026."
REASON = "Đường vẫn chưa được sửa, tôi là Trần Thị Mẫu, số 0987654321."
IDENTITY = ("Trần Thị Mẫu", "0987654321", "mau@example.vn", "Số 12, thôn Trung")


class Case:
    """One opinion taken through the workflow by real actions, a day at a time (the clock frozen)."""

    def __init__(self, commune, client):
        unit = commune.unit
        self.commune, self.client = commune, client
        self.coordinator = factories.user_with_role("coordinator", unit)
        self.chair = factories.user_with_role("chair", unit)
        self.economy = factories.user_with_role("agency", unit, commune.economy)
        with time_machine.travel("2026-10-20 09:00 +0700", tick=False):
            petition = actions.submit_petition(
                unit,
                content="Đề nghị sửa đường liên thôn Trung – Hạ.",
                channel=Petition.Channel.RECEPTION,
                kind="kien_nghi",
                name=IDENTITY[0],
                phone=IDENTITY[1],
                email=IDENTITY[2],
                address=IDENTITY[3],
                by=self.coordinator,
            )
            actions.classify(
                petition,
                topic=factories.canonical_topic(),
                kind="kien_nghi",
                jurisdiction="commune",
                public_summary="Đề nghị sửa đường liên thôn Trung – Hạ.",
                by=self.coordinator,
            )
        self.code = petition.code
        self.answer(FIRST, on="2026-11-02")

    @property
    def petition(self) -> Petition:
        return Petition.objects.get(code=self.code)

    def answer(self, text: str, *, on: str) -> None:
        with time_machine.travel(f"{on} 09:00 +0700", tick=False):
            actions.assign(self.petition, self.commune.economy, by=self.coordinator)
            actions.record_answer(
                self.petition,
                text,
                document_number="88/UBND-KT",
                document_date=dt.date.fromisoformat(on),
                by=self.economy,
            )
            actions.approve_answer(self.petition, by=self.chair)
            actions.publish(self.petition, by=self.coordinator)

    def rate_unsatisfied(self, *, on: str):
        with time_machine.travel(f"{on} 15:00 +0700", tick=False):
            return self.client.post(f"/tra-cuu/{self.code}/danh-gia/", {"rating": "chua-hai-long", "reason": REASON})

    def page(self, *, on: str = "2026-11-27") -> str:
        with time_machine.travel(f"{on} 10:00 +0700", tick=False):
            response = self.client.get(f"/tra-cuu/{self.code}/")
        assert response.status_code == 200
        assert_csp_clean(response)
        return response.content.decode()


@pytest.fixture
def case(commune, client):
    return Case(commune, client)


def test_after_an_unsatisfied_rating_the_earlier_answer_stays_with_the_reopening_explained(case, commune):
    response = case.rate_unsatisfied(on="2026-11-10")
    assert response.status_code == 302
    html = case.page()
    assert '<span class="badge badge-classified">Đang xem xét</span>' in html
    reopened = html[html.index('id="xem-xet-lai"') : html.index('id="tra-loi"')]
    assert "Ý kiến đang được xem xét lại" in reopened
    assert (
        "Ngày 10/11/2026, người gửi đánh giá <strong>chưa hài lòng</strong> với câu trả lời công khai ngày 02/11/2026"
        in reopened
    )
    assert (
        "Văn phòng Đảng ủy xã Tân Yên xem xét lý do chưa hài lòng để giao cơ quan có trách nhiệm giải quyết lại."
        in reopened
    )
    # By when: the unit's answer deadline in working days, counted again from the day it was reopened.
    deadline = deadlines.deadline_for(commune.unit, "kien_nghi", "commune", dt.date(2026, 11, 10))
    assert case.petition.deadline == deadline
    assert f"<dt>Hạn trả lời</dt><dd>{vn_day(deadline)}" in reopened
    answers = html[html.index('id="tra-loi"') :]
    assert "Câu trả lời trước, công khai ngày 02/11/2026" in answers and FIRST in answers
    assert "Người gửi <strong>chưa hài lòng</strong> (đánh giá ngày 10/11/2026)" in answers
    assert "Phòng Kinh tế" in answers and "Số 88/UBND-KT ngày 02/11/2026" in answers
    assert "Bạn có hài lòng" not in html  # nothing to rate until a new answer is published
    for private in (*IDENTITY, REASON, "Đường vẫn chưa được sửa"):
        assert private not in html


def test_once_reassigned_the_page_says_who_handles_it_now(case):
    case.rate_unsatisfied(on="2026-11-10")
    with time_machine.travel("2026-11-11 09:00 +0700", tick=False):
        actions.assign(case.petition, case.commune.economy, by=case.coordinator)
    html = case.page()
    assert "<dt>Hiện nay</dt><dd>Phòng Kinh tế đang giải quyết lại.</dd>" in html
    assert FIRST in html


def test_a_second_answer_shows_above_the_earlier_one_both_dated_and_can_be_rated(case):
    case.rate_unsatisfied(on="2026-11-10")
    case.answer(SECOND, on="2026-11-20")
    html = case.page()
    assert '<span class="badge badge-closed">Đã hoàn thành</span>' in html
    assert "Ý kiến đang được xem xét lại" not in html
    assert '<h2 id="tra-loi">Các câu trả lời</h2>' in html
    newer = html.index("Câu trả lời mới, công khai ngày 20/11/2026")
    older = html.index("Câu trả lời trước, công khai ngày 02/11/2026")
    assert newer < html.index(SECOND) < older < html.index(FIRST)
    assert "Bạn có hài lòng với câu trả lời?" in html  # the new answer is rated in its turn
    for private in (*IDENTITY, REASON):
        assert private not in html


def test_the_second_answer_rated_unsatisfied_too_keeps_both(case):
    case.rate_unsatisfied(on="2026-11-10")
    case.answer(SECOND, on="2026-11-20")
    case.rate_unsatisfied(on="2026-11-23")
    html = case.page()
    assert (
        "Ngày 23/11/2026, người gửi đánh giá <strong>chưa hài lòng</strong> với câu trả lời công khai ngày 20/11/2026"
        in html
    )
    assert html.index(SECOND) < html.index(FIRST)
    assert html.count("Câu trả lời trước, công khai ngày") == 2


def test_the_earlier_answer_also_shows_on_the_status_of_an_opinion_merged_into_it(case, commune):
    child = factories.PetitionFactory(unit=commune.unit, status=Petition.Status.CLASSIFIED)
    actions.merge(child, case.petition, by=case.coordinator)
    case.rate_unsatisfied(on="2026-11-10")
    html = case.client.get(f"/tra-cuu/{child.code}/").content.decode()
    assert FIRST in html and "Ý kiến đang được xem xét lại" in html
    assert case.code not in html  # the parent's code is its submitter's secret


def test_a_reopened_status_page_costs_a_bounded_number_of_queries(case, django_assert_max_num_queries):
    case.rate_unsatisfied(on="2026-11-10")
    with time_machine.travel("2026-11-11 09:00 +0700", tick=False):
        actions.assign(case.petition, case.commune.economy, by=case.coordinator)
    # The petition; its answers; its current assignment; its steps; the look-up counted (as test_status.py says).
    with django_assert_max_num_queries(10):
        assert case.client.get(f"/tra-cuu/{case.code}/").status_code == 200


@pytest.mark.parametrize("kind", ["khieu_nai", "to_cao"])
def test_a_complaint_or_denunciation_never_shows_an_answer_earlier_or_not(case, kind):
    case.rate_unsatisfied(on="2026-11-10")
    Petition.objects.filter(code=case.code).update(kind=kind)
    html = case.page()
    assert FIRST not in html and "Ý kiến đang được xem xét lại" not in html and "Phòng Kinh tế" not in html


# ---------------------------------------------------------------- the QR code on the status page


def test_the_status_page_shows_its_qr_code_large_enough_to_scan_and_print(client, commune, settings):
    settings.BASE_URL = "https://doithoai.tanyen.bacninh.gov.vn"
    petition = factories.PetitionFactory(unit=commune.unit)
    html = client.get(f"/tra-cuu/{petition.code}/").content.decode()
    img = re.search(rf'<img src="/tra-cuu/{petition.code}/qr.svg" alt="([^"]+)" width="(\d+)" height="(\d+)">', html)
    assert img and img.group(1) == f"Mã QR dẫn tới trang theo dõi ý kiến {petition.code}"
    assert int(img.group(2)) >= 180 and img.group(2) == img.group(3)
    assert f"https://doithoai.tanyen.bacninh.gov.vn/tra-cuu/{petition.code}/" in html
    svg = client.get(f"/tra-cuu/{petition.code}/qr.svg").content.decode()
    modules = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    assert 180 / modules >= 4, "at least 4 screen pixels a module at the page's size"
    assert MODULE_PX * modules >= 180
    # Once only: the receipt box has the QR code already.
    assert client.get(f"/tra-cuu/{petition.code}/?moi=1").content.decode().count("qr.svg") == 1


def test_every_status_a_reopened_case_can_be_in_has_its_sentence():
    """The status page's "what happens now" and the inbox's "Mở lại" view share one rule (not SETTLED): every status
    outside it is explained, so a reopened case never shows a bare page."""
    from doithoai.petitions import queries

    assert set(queries.REOPENED_NOW) == set(Petition.Status.values) - set(queries.SETTLED)
