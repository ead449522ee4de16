"""Vietnamese text at the boundary: NFC normalisation, one-line fields, the folded search key, initials."""

import re
import string
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from doithoai.lib.text import fold, initials, nfc, nfc_line


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


# ---------------------------------------------------------------- nfc


def test_nfc_composes_decomposed_input():
    decomposed = nfd("Đường xuống cấp ở thôn Trung")
    assert decomposed != "Đường xuống cấp ở thôn Trung"
    assert nfc(decomposed) == "Đường xuống cấp ở thôn Trung"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))


def test_nfc_removes_control_and_bidi_characters():
    dirty = "\ufeffĐề nghị\u200b sửa\x00 đường\u202e\u2066 thôn\x07 Đông\u200f\x7f"
    assert nfc(dirty) == "Đề nghị sửa đường thôn Đông"


def test_nfc_keeps_line_breaks_and_tabs_but_turns_crlf_and_cr_into_newlines():
    assert nfc("Dòng 1\r\nDòng 2\rDòng 3\n\tDòng 4") == "Dòng 1\nDòng 2\nDòng 3\n\tDòng 4"


def test_nfc_trims_the_ends_and_turns_nothing_into_an_empty_string():
    assert nfc("  \n Hội Nông dân \r\n") == "Hội Nông dân"
    assert nfc(None) == ""
    assert nfc("") == ""


def test_nfc_line_makes_one_line_with_single_spaces():
    assert nfc_line(" Trần\r\nThị \t\u00a0 Mẫu  ") == "Trần Thị Mẫu"
    assert nfc_line(nfd("Thôn  Đông\nxã Tân Yên")) == "Thôn Đông xã Tân Yên"
    assert nfc_line(None) == ""


def test_nfc_output_is_nfc_even_when_a_removed_character_split_a_letter_from_its_accent():
    assert nfc("Nguye\u0302\u200b\u0303n") == "Nguyễn"


# ---------------------------------------------------------------- fold


def test_fold_removes_diacritics_and_case():
    assert fold("Đường xuống cấp") == "duong xuong cap"
    assert fold("ĐỀ NGHỊ SỬA CHỮA CẦU TRÀN") == "de nghi sua chua cau tran"


def test_fold_makes_old_and_modern_tone_placement_equal():
    assert fold("hoà") == fold("hòa") == "hoa"
    assert fold("Thuỷ lợi") == fold("Thủy lợi") == "thuy loi"


@pytest.mark.parametrize(
    "d",
    ["Đ", "đ", "\u00d0", "\u00f0", "\u0189", "\u0256"],
    ids=["D-stroke", "d-stroke", "Eth", "eth", "African-D", "d-tail"],
)
def test_fold_turns_every_d_with_a_stroke_into_d(d):
    assert fold(f"{d}ường") == "duong"


def test_fold_gives_the_same_key_for_nfd_and_nfc_input():
    text = "Ủy ban MTTQ xã Tân Yên phản ánh về đường điện"
    assert fold(nfd(text)) == fold(text) == "uy ban mttq xa tan yen phan anh ve duong dien"


def test_fold_drops_punctuation_and_collapses_spaces():
    assert fold("  Đường (ĐT.295) — xuống cấp!!\n\tthôn  Trung ") == "duong dt 295 xuong cap thon trung"
    assert fold(None) == ""
    assert fold("…?!") == ""


# ---------------------------------------------------------------- initials


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Trần Thị Mẫu", "T.T.M."),
        ("  đặng   văn\tđức ", "Đ.V.Đ."),
        (nfd("Ưng Hoàng Phúc"), "Ư.H.P."),
        ("Lò", "L."),
        ("", ""),
        (None, ""),
    ],
)
def test_initials_mask_a_name_to_capital_initials(name, masked):
    assert initials(name) == masked


def test_initials_reveal_no_letter_beyond_the_first_of_each_word():
    masked = initials("Nguyễn Viết Toàn")
    assert masked == "N.V.T."
    assert "guyễn" not in masked


# ---------------------------------------------------------------- properties

VIETNAMESE_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
# Letters (NFC and loose combining marks), digits, punctuation and spaces as people type them. Characters that nfc()
# removes are covered by the examples above.
VIETNAMESE_TEXT = st.text(
    alphabet=st.sampled_from(
        VIETNAMESE_LETTERS
        + VIETNAMESE_LETTERS.upper()
        + "\u00d0fjwz"
        + string.digits
        + string.punctuation
        + " \t\r\n\u00a0\u0300\u0301\u0303\u0309\u0323"
    ),
    max_size=80,
)
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc", "Cf")))
SEARCH_KEY = re.compile(r"([a-z0-9_]+( [a-z0-9_]+)*)?")


@given(VIETNAMESE_TEXT | ANY_TEXT)
def test_fold_is_idempotent(value):
    assert fold(fold(value)) == fold(value)


@given(VIETNAMESE_TEXT)
@example(nfd("Đường xuống cấp"))
@example("\u00d0ÔNG  HOÀ\n\tBÌNH")
def test_fold_of_vietnamese_text_is_ascii_lowercase_words_separated_by_single_spaces(value):
    assert SEARCH_KEY.fullmatch(fold(value))


@given(ANY_TEXT)
def test_fold_of_any_text_is_lowercase_words_separated_by_single_spaces(value):
    key = fold(value)
    assert key == key.strip()
    assert "  " not in key
    assert not any(ch.isspace() and ch != " " for ch in key)
    assert key == key.lower()


@given(VIETNAMESE_TEXT | ANY_TEXT)
def test_nfc_is_idempotent(value):
    once = nfc(value)
    assert nfc(once) == once


@given(VIETNAMESE_TEXT)
@example(nfd("Nguyễn Thị Hoà"))
def test_nfc_of_vietnamese_text_is_nfc_without_carriage_returns(value):
    once = nfc(value)
    assert unicodedata.is_normalized("NFC", once)
    assert "\r" not in once


@given(VIETNAMESE_TEXT)
def test_folding_after_nfc_changes_nothing(value):
    assert fold(nfc(value)) == fold(value)


@given(VIETNAMESE_TEXT)
def test_nfc_line_never_returns_a_line_break_or_a_double_space(value):
    line = nfc_line(value)
    assert "\n" not in line and "\r" not in line
    assert "  " not in line
    assert line == line.strip()
