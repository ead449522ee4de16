"""Vietnamese text at the boundary: NFC normalisation, one-line fields, the folded search key, initials."""

import re
import string
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from doithoai.lib.text import clean, fold, initials, nfc, nfc_line
from tests.fuzz.hostile import ALL_CATEGORIES


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


# ---------------------------------------------------------------- clean: what an invisible or format character is


def test_clean_removes_every_format_character_that_unicode_knows():
    every_cf = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")
    assert len(every_cf) > 150
    assert clean("a" + every_cf + "b") == "ab"


@pytest.mark.parametrize(
    "invisible",
    [
        "\u2060",
        "\u061c",
        "\u180e",
        "\u200b",
        "\u200c",
        "\u200d",
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\u00ad",
        "\ufeff",
        "\U000e0001",
        "\U000e0041",
        "\U000e007f",
    ],
    ids=lambda ch: f"U+{ord(ch):04X}",
)
def test_clean_removes_word_joiners_bidi_marks_soft_hyphens_and_tags(invisible):
    assert clean(f"Hà{invisible} Nội") == "Hà Nội"


def test_clean_removes_lone_surrogates_nul_and_every_other_control_but_tab_and_newline():
    c0_c1 = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r\x85")
    assert clean(f"Đề\ud800 nghị\udfff{c0_c1} sửa\tđường\nthôn Trung") == "Đề nghị sửa\tđường\nthôn Trung"


@pytest.mark.parametrize("line_break", ["\r\n", "\r", "\n", "\x85", "\u2028", "\u2029"])
def test_clean_turns_every_line_break_into_a_newline(line_break):
    assert clean(f"Dòng 1{line_break}Dòng 2") == "Dòng 1\nDòng 2"


def test_clean_keeps_what_vietnamese_text_and_emoji_need():
    decomposed = nfd("Nguyễn Thị Thuỷ")
    assert clean(decomposed) == "Nguyễn Thị Thuỷ"
    assert clean("Tim \u2764\ufe0f, hàng \ue000, thay thế \ufffd") == "Tim \u2764\ufe0f, hàng \ue000, thay thế \ufffd"


def test_clean_on_one_line_makes_every_run_of_white_space_one_space():
    assert clean(" Trần\u3000Thị\u2028\t\u00a0Mẫu\u2060 \n", multiline=False) == "Trần Thị Mẫu"


def test_clean_turns_anything_into_text():
    assert clean(None) == "" and clean("") == "" and clean(12) == "12"


def test_nfc_and_nfc_line_are_clean_for_many_and_for_one_line():
    value = "  Đường\u2060 xuống\r\ncấp\x00  "
    assert nfc(value) == clean(value) == "Đường xuống\ncấp"
    assert nfc_line(value) == clean(value, multiline=False) == "Đường xuống cấp"


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
# Every code point, surrogates, controls and format characters included.
EVERY_CATEGORY = st.text(
    alphabet=st.characters(
        codec=None,
        categories=ALL_CATEGORIES,
    )
)
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


@given(EVERY_CATEGORY | VIETNAMESE_TEXT)
@example("\ud800")
@example("e\u2060\u0301")
@example("\u0301\u2060")
def test_clean_text_can_always_be_stored_and_shown(value):
    for multiline in (True, False):
        cleaned = clean(value, multiline=multiline)
        cleaned.encode("utf-8")  # no lone surrogate
        assert not any(unicodedata.category(ch) in ("Cs", "Cf") for ch in cleaned)
        assert not any(unicodedata.category(ch) == "Cc" and ch not in "\t\n" for ch in cleaned)
        assert unicodedata.is_normalized("NFC", cleaned)
        assert cleaned == cleaned.strip()
        assert clean(cleaned, multiline=multiline) == cleaned
    assert "\n" not in clean(value, multiline=False) and "  " not in clean(value, multiline=False)
