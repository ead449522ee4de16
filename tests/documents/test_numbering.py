"""Document numbers (DESIGN.md §2 Document): per register, no gap, no duplicate, even when two people issue at once."""

import datetime as dt
import threading

import pytest
from django.db import connection

from doithoai.accounts.models import Organization
from doithoai.documents.actions import RegisterError, issue_number, register_for
from doithoai.documents.models import Document, DocumentRegister, vietnamese_date
from tests import factories

D = dt.date
KH, TB = DocumentRegister.DocType.KE_HOACH, DocumentRegister.DocType.THONG_BAO


@pytest.fixture
def party_committee(commune):
    return Organization.objects.create(unit=commune.unit, name="Đảng ủy xã", kind=Organization.Kind.PARTY_BODY)


@pytest.fixture
def people_committee(commune):
    return Organization.objects.create(unit=commune.unit, name="UBND xã", kind=Organization.Kind.AGENCY)


@pytest.fixture
def terms(commune):
    """The 2020–2025 and 2025–2030 terms of the commune Party committee."""
    return (
        factories.PartyTermFactory(
            unit=commune.unit, label="2020 - 2025", starts_on=D(2020, 10, 1), ends_on=D(2025, 9, 30)
        ),
        factories.PartyTermFactory(
            unit=commune.unit, label="2025 - 2030", starts_on=D(2025, 10, 1), ends_on=D(2030, 9, 30)
        ),
    )


def _issue(register, day=D(2026, 4, 24), summary="Kế hoạch tiếp xúc, đối thoại năm 2026"):
    return issue_number(register, issued_on=day, summary=summary)


# ---------------------------------------------------------------- issuing


@pytest.mark.django_db
def test_numbers_are_issued_1_2_3_without_a_gap(commune):
    register = factories.StateRegisterFactory(unit=commune.unit)
    assert [_issue(register).number for _ in range(3)] == [1, 2, 3]
    assert list(register.documents.order_by("number").values_list("number", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
def test_the_first_number_follows_the_last_one_written_on_paper(commune):
    register = factories.PartyRegisterFactory(party_term__unit=commune.unit, numbers_before_system=66)
    first, second = _issue(register), _issue(register)
    assert (first.number, second.number) == (67, 68)
    assert first.code == "67-KH/ĐU"


@pytest.mark.django_db
def test_each_register_counts_on_its_own(commune):
    plans = factories.PartyRegisterFactory(party_term__unit=commune.unit, numbers_before_system=66)
    reports = factories.PartyRegisterFactory(party_term=plans.party_term, doc_type=DocumentRegister.DocType.BAO_CAO)
    _issue(plans)
    assert _issue(reports).code == "01-BC/ĐU"
    assert _issue(plans).code == "68-KH/ĐU"


@pytest.mark.django_db
def test_the_documents_date_is_written_the_vietnamese_way(commune):
    register = factories.StateRegisterFactory(unit=commune.unit)
    assert _issue(register, day=D(2026, 2, 5)).issued_on_text == "ngày 05 tháng 02 năm 2026"


# ---------------------------------------------------------------- how a number is printed


@pytest.mark.parametrize(
    ("style", "doc_type", "symbol", "number", "code"),
    [
        ("party", "KH", "ĐU", 67, "67-KH/ĐU"),
        ("party", "KH", "ĐU", 5, "05-KH/ĐU"),
        ("party", "BC", "ĐU", 12, "12-BC/ĐU"),
        ("party", "TB", "VPĐU", 1, "01-TB/VPĐU"),
        ("party", "KH", "ĐU", 123, "123-KH/ĐU"),
        ("state", "TB", "UBND", 12, "12/TB-UBND"),
        ("state", "TB", "UBND", 5, "05/TB-UBND"),
        ("state", "CV", "UBND", 1024, "1024/CV-UBND"),
    ],
)
def test_format_code_prints_party_and_state_numbers_in_their_forms(style, doc_type, symbol, number, code):
    register = DocumentRegister(style=style, doc_type=doc_type, body_symbol=symbol)
    assert register.format_code(number) == code


def test_a_party_code_has_no_colon_and_a_state_code_no_hyphen_before_the_type():
    party = DocumentRegister(style="party", doc_type="KH", body_symbol="ĐU").format_code(67)
    state = DocumentRegister(style="state", doc_type="TB", body_symbol="UBND").format_code(12)
    assert ":" not in party and party.startswith("67-")
    assert ":" not in state and state.startswith("12/")


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (D(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (D(2026, 4, 24), "ngày 24 tháng 4 năm 2026"),
        (D(2026, 1, 31), "ngày 31 tháng 01 năm 2026"),
        (D(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (D(2026, 12, 1), "ngày 01 tháng 12 năm 2026"),
    ],
)
def test_vietnamese_date_pads_the_day_and_the_months_1_and_2(day, text):
    assert vietnamese_date(day) == text


# ---------------------------------------------------------------- registers and their periods


@pytest.mark.django_db
def test_a_party_register_is_the_one_of_the_term_containing_the_date(party_committee, terms):
    earlier, current = terms
    register = register_for(party_committee, KH, D(2026, 1, 31), style="party", body_symbol="ĐU")
    assert register.party_term == current and register.year is None
    assert register_for(party_committee, KH, D(2025, 9, 30), style="party", body_symbol="ĐU").party_term == earlier
    assert register_for(party_committee, KH, D(2025, 10, 1), style="party", body_symbol="ĐU") == register


@pytest.mark.django_db
def test_a_party_register_runs_across_calendar_years_within_a_term(party_committee, terms):
    december = register_for(party_committee, KH, D(2026, 12, 31), style="party", body_symbol="ĐU")
    _issue(december, day=D(2026, 12, 31))
    january = register_for(party_committee, KH, D(2027, 1, 4), style="party", body_symbol="ĐU")
    assert january == december
    assert _issue(january, day=D(2027, 1, 4)).number == 2


@pytest.mark.django_db
def test_party_numbering_starts_again_from_01_in_a_new_term(party_committee, terms):
    old = register_for(party_committee, KH, D(2025, 9, 1), style="party", body_symbol="ĐU")
    for _ in range(3):
        _issue(old, day=D(2025, 9, 1))
    new = register_for(party_committee, KH, D(2025, 11, 1), style="party", body_symbol="ĐU")
    assert new != old
    assert _issue(new, day=D(2025, 11, 1)).code == "01-KH/ĐU"


@pytest.mark.django_db
def test_a_date_outside_every_term_raises_register_error(party_committee, terms):
    with pytest.raises(RegisterError):
        register_for(party_committee, KH, D(2019, 5, 1), style="party", body_symbol="ĐU")
    assert not DocumentRegister.objects.exists()


@pytest.mark.django_db
def test_a_term_of_another_commune_is_not_used(party_committee, other_commune):
    factories.PartyTermFactory(unit=other_commune.unit)
    with pytest.raises(RegisterError):
        register_for(party_committee, KH, D(2026, 4, 24), style="party", body_symbol="ĐU")


@pytest.mark.django_db
def test_a_state_register_runs_per_calendar_year(people_committee):
    this_year = register_for(people_committee, TB, D(2026, 12, 31), style="state", body_symbol="UBND")
    assert (this_year.year, this_year.party_term) == (2026, None)
    _issue(this_year, day=D(2026, 12, 31))
    _issue(this_year, day=D(2026, 12, 31))
    next_year = register_for(people_committee, TB, D(2027, 1, 2), style="state", body_symbol="UBND")
    assert next_year != this_year and next_year.year == 2027
    assert _issue(next_year, day=D(2027, 1, 2)).code == "01/TB-UBND"
    assert register_for(people_committee, TB, D(2026, 3, 1), style="state", body_symbol="UBND") == this_year


# ---------------------------------------------------------------- two people at once


def _in_memory_sqlite() -> bool:
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name)


# transaction=True: the threads must see the register committed (pytest-django runs such tests last).
@pytest.mark.django_db(transaction=True)
def test_eight_people_issuing_at_once_get_eight_consecutive_numbers():
    if _in_memory_sqlite():
        pytest.skip("needs separate connections to one database: an in-memory SQLite database cannot race")
    commune = factories.CommuneSet.create()
    register = factories.PartyRegisterFactory(party_term__unit=commune.unit, numbers_before_system=66)
    start = threading.Barrier(8, timeout=30)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def issue(n: int) -> None:
        try:
            start.wait()
            numbers.append(_issue(register, summary=f"Văn bản {n}").number)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(numbers) == list(range(67, 75))
    assert Document.objects.filter(register=register).count() == 8
