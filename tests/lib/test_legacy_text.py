"""Text typed with old Vietnamese fonts (TCVN3, VNI) and read from a spreadsheet: the tables are complete, real
words and sentences come back as Unicode, and Unicode, ASCII and garbage are never changed."""

import string
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from doithoai.lib import legacy_text
from doithoai.lib.legacy_text import is_syllable, repair

TONES = {"\u0301": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0323": 4}  # sắc, huyền, hỏi, ngã, nặng
SHAPES = {"\u0302", "\u0306", "\u031b"}  # circumflex (â ê ô), breve (ă), horn (ơ ư)


def vietnamese_letters() -> list[str]:
    """The 134 letters of Vietnamese with diacritics, found in Unicode itself (not in the module's tables)."""
    letters = ["đ", "Đ"]
    for code in range(0x00C0, 0x1F00):
        parts = unicodedata.normalize("NFD", chr(code))
        base, marks = parts[0], set(parts[1:])
        if base.lower() not in "aeiouy" or not marks or len(parts) > 3:
            continue
        if not marks <= set(TONES) | SHAPES or len(marks & set(TONES)) > 1 or len(marks & SHAPES) > 1:
            continue
        shape = (marks & SHAPES or {None}).pop()
        allowed = {None, "\u0302"} if base.lower() in "ae" else {None}
        allowed |= {"\u0306"} if base.lower() == "a" else set()
        allowed |= {"\u0302", "\u031b"} if base.lower() == "o" else set()
        allowed |= {"\u031b"} if base.lower() == "u" else set()
        if shape in allowed:
            letters.append(chr(code))
    return letters


LETTERS = vietnamese_letters()


def vni_letter(letter: str) -> str:
    """One letter as VNI-Windows writes it, from the rules of the encoding (checked against the xvnkb table)."""
    if letter.isupper():
        return vni_letter(letter.lower()).upper()
    if letter == "đ":
        return "ñ"
    parts = unicodedata.normalize("NFD", letter)
    base, marks = parts[0], set(parts[1:])
    tone = next((TONES[m] for m in marks if m in TONES), None)
    if base == "i":
        return "i" if tone is None else "íìæóò"[tone]
    if base == "y" and tone == 4:
        return "î"
    if "\u031b" in marks:  # ơ and ư are single bytes; their tone follows as a mark
        base = {"o": "ô", "u": "ö"}[base]
    if "\u0302" in parts:
        return base + ("â" if tone is None else "áàåãä"[tone])
    if "\u0306" in parts:
        return base + ("ê" if tone is None else "éèúüë"[tone])
    return base + ("" if tone is None else "ùøûõï"[tone])


def to_vni(text: str) -> str:
    return "".join(vni_letter(ch) if ch in LETTERS else ch for ch in unicodedata.normalize("NFC", text))


TCVN3_OF = {letter: byte for byte, letter in legacy_text._TCVN3.items()}


def tcvn3_can_write(text: str) -> str:
    """The text as it reads back from TCVN3: capital toned letters (no TCVN3 byte) come back small."""
    return "".join(ch.lower() if ch in LETTERS and ch not in TCVN3_OF else ch for ch in text)


def to_tcvn3(text: str) -> str:
    """As TCVN3 writes it; its fonts have no capital toned letters, so those become small ones."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in TCVN3_OF:
            out.append(TCVN3_OF[ch])
        elif ch in LETTERS:
            out.append(TCVN3_OF[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------- the tables


def test_there_are_134_vietnamese_letters_with_diacritics():
    assert len(LETTERS) == 134 == len(set(LETTERS))
    assert sum(ch.islower() for ch in LETTERS) == 67


def test_every_vietnamese_letter_round_trips_through_vni():
    for letter in LETTERS:
        encoded = vni_letter(letter)
        assert encoded.isascii() is False or letter in "íìÍÌ", letter
        assert legacy_text.repair_vni(encoded) == letter, (letter, encoded)
    # Every entry of the table is one of the 134 letters, and every letter needing one has one.
    assert set(legacy_text.VNI_TABLE.values()) == set(LETTERS) - set("íìÍÌ")


@pytest.mark.parametrize(
    ("vni", "unicode"),
    [  # as they appear in the xvnkb table (vni.h) and in the brief
        ("AÙ AØ AÛ AÕ AÏ", "Á À Ả Ã Ạ"),
        ("aâ aá aà aå aã aä", "â ấ ầ ẩ ẫ ậ"),
        ("aê aé aè aú aü aë", "ă ắ ằ ẳ ẵ ặ"),
        ("í ì æ ó ò Í Ì Æ Ó Ò", "í ì ỉ ĩ ị Í Ì Ỉ Ĩ Ị"),
        ("ô ôù ö öï î Î ñ Ñ", "ơ ớ ư ự ỵ Ỵ đ Đ"),
        ("Vieät Nam", "Việt Nam"),
        ("Tieáng", "Tiếng"),
        ("ñöôøng", "đường"),
        ("Ñaûng uûy", "Đảng ủy"),
        ("Hoäi Noâng daân", "Hội Nông dân"),
    ],
)
def test_vni_sequences_from_the_reference(vni, unicode):
    assert legacy_text.repair_vni(vni) == unicode
    assert to_vni(unicode) == vni


def test_every_small_vietnamese_letter_has_a_tcvn3_byte():
    small = {ch for ch in LETTERS if ch.islower()}
    assert small <= set(legacy_text._TCVN3.values()) | {"ý"}
    for letter in small:
        assert to_tcvn3(letter).translate(legacy_text._TCVN3_TABLE) == letter


# ---------------------------------------------------------------- words and sentences

SENTENCES = [
    "Việt Nam",
    "Đề nghị sửa đường liên thôn",
    "Hội Nông dân xã Tân Yên đề nghị hỗ trợ giống lúa.",
    "Người dân phản ánh nước thải của trại lợn chưa được xử lý.",
    "Chủ tịch Ủy ban nhân dân tỉnh trả lời ý kiến cử tri ngày 5/3.",
    "Khuyến khích nông dân nuôi cá, trồng rau; quỹ tín dụng hỗ trợ vốn.",
    "Giữa thôn Đông và thôn Trung, cầu treo bị nghiêng, khuỷu tay người đi đường bị thương.",
    "Trần Văn Bảo",
    "Nguyễn Thị Hường",
    "ĐỀ NGHỊ NẠO VÉT KÊNH MƯƠNG",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_vni_words_and_sentences_are_repaired(sentence):
    encoded = to_vni(sentence)
    assert encoded != sentence and legacy_text.looks_vni(encoded)
    assert repair(encoded) == (sentence, "VNI")


@pytest.mark.parametrize("sentence", [s for s in SENTENCES if s != s.upper()])
def test_tcvn3_words_and_sentences_are_repaired(sentence):
    encoded = to_tcvn3(sentence)
    assert encoded != sentence
    assert repair(encoded) == (tcvn3_can_write(sentence), "TCVN3")


def test_tcvn3_repair_is_unchanged():
    assert legacy_text.repair_tcvn3("Hµ Néi, B¶o Th¾ng, M\u00adêng Kh\u00ad\u00acng") == (
        "Hà Nội, Bảo Thắng, Mường Khương",
        True,
    )
    assert repair("Hµ Néi, B¶o Th¾ng, M\u00adêng Kh\u00ad\u00acng") == ("Hà Nội, Bảo Thắng, Mường Khương", "TCVN3")


@pytest.mark.parametrize("text", ["böa", "aû", "sî"])
def test_a_cell_that_reads_as_well_in_either_encoding_is_left_alone(text):
    # "böa": VNI "bưa", TCVN3 "bửa"; "aû": VNI "ả", TCVN3 "aỷ"; "sî": VNI "sỵ", TCVN3 "sợ".
    assert repair(text) == (text, "")


def test_the_repaired_text_is_nfc():
    text, encoding = repair("Vieät Nam")
    assert encoding == "VNI" and unicodedata.is_normalized("NFC", text)


# ---------------------------------------------------------------- what is never changed


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hà Nội",
        "Hoà Bình, khoá học, toà án",  # old-style tone placement: "oà" is also VNI for "ồ"
        "Bà Tú có cá",
        "Cà phê 50% · ½ giá",
        "Số 3 © 2026",
        "Café crème brûlée",
        "Müller Straße, naïve façade",
        "Ñandú, España, São Paulo",
        "Øresund Ærø",
        "aùaùaù xyz",
        "½ · © ® ¬ ¶",
        "Ü dQèyÆüðÓF",  # Latin-1 garbage: one word would become "ĩ", the rest stays nonsense
        "DÏ ÑínøÐ ä ÖNtVxØCõ",
        "Đảng ủy Vieät",  # Unicode beside VNI: the cell is Unicode, leave it to a person
        "email: an@example.com, tel 0912 345 678",
    ],
)
def test_unicode_ascii_and_garbage_are_left_alone(text):
    assert repair(text) == (text, "")


VIETNAMESE_ALPHABET = LETTERS + list(string.ascii_letters) + [" "]


@given(st.text(alphabet=VIETNAMESE_ALPHABET, max_size=80), st.sampled_from([ch for ch in LETTERS if ch > "\u00ff"]))
@example("Hà Nội", "ộ")
def test_unicode_vietnamese_text_is_never_changed(text, letter):
    text = text + " " + letter  # a letter beyond Latin-1 (ă, đ, ơ, ư, ạ …): the text is Unicode already
    assert repair(text) == (text, "")


@given(st.text(alphabet=string.printable, max_size=200))
def test_ascii_is_never_changed(text):
    assert repair(text) == (text, "")


ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "kh", "l", "m", "n", "ng", "ngh", "nh", "ph", "qu", "s"]
ONSETS += ["t", "th", "tr", "v", "x"]
RHYMES = ["a", "anh", "ao", "ăn", "âu", "e", "êch", "i", "iêng", "o", "oa", "oăng", "ôi", "ơn", "u", "uôi", "ưa"]
RHYMES += ["ương", "uy", "uyên", "ac", "ât", "ip", "ươc", "y", "yêu", "ênh", "ông", "ưu", "oai", "uân", "it", "ôc"]


@st.composite
def syllables(draw) -> str:
    """A Vietnamese syllable in Unicode: onset, rhyme and a tone its ending allows, in some case."""
    onset, rhyme = draw(st.sampled_from(ONSETS)), draw(st.sampled_from(RHYMES))
    stop = rhyme.endswith(("c", "ch", "p", "t"))
    tone = draw(
        st.sampled_from(["\u0301", "\u0323"] if stop else ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"])
    )
    word = onset + rhyme
    vowels = [i for i, ch in enumerate(word) if unicodedata.normalize("NFD", ch)[0] in "aeiouy" and i >= len(onset)]
    at = draw(st.sampled_from(vowels))
    word = unicodedata.normalize("NFC", word[: at + 1] + tone + word[at + 1 :])
    return draw(st.sampled_from([word, word.capitalize(), word.upper()]))


sentences = st.lists(syllables(), min_size=1, max_size=12).map(" ".join)


@given(sentences)
@example("bà má có là")
def test_vietnamese_syllables_are_valid_and_never_changed(sentence):
    assert all(is_syllable(word) for word in sentence.split())
    assert repair(sentence) == (sentence, "")


@given(sentences)
def test_vni_of_vietnamese_syllables_comes_back_or_is_left_alone(sentence):
    encoded = to_vni(sentence)
    text, encoding = repair(encoded)
    assert (text, encoding) in ((sentence, "VNI"), (encoded, ""))
    if encoding == "" and encoded != sentence and legacy_text.looks_vni(encoded):
        # Left alone only when the text reads as well as it stands ("hoà" is VNI for "hồ") or as well in TCVN3
        # ("aû": VNI "ả", TCVN3 "aỷ"); a cell with no mark after a vowel ("öa" for "ưa") is not taken for VNI.
        as_tcvn3 = encoded.translate(legacy_text._TCVN3_TABLE)
        assert all(is_syllable(w) for w in encoded.split()) or all(is_syllable(w) for w in as_tcvn3.split())


@given(sentences)
def test_tcvn3_of_vietnamese_syllables_comes_back_or_is_left_alone(sentence):
    encoded = to_tcvn3(sentence)
    assert repair(encoded) in ((tcvn3_can_write(sentence), "TCVN3"), (encoded, ""))


# ---------------------------------------------------------------- syllables


@pytest.mark.parametrize(
    "word", ["Việt", "nghiêng", "khuỷu", "người", "quốc", "giữa", "xoong", "thuở", "ĐƯỜNG", "gì", "huỵch"]
)
def test_real_syllables_are_syllables(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["email", "Vieät", "Hµ", "nghiệtt", "việc̀", "àt", "strong", "hà nội"])
def test_other_words_are_not_syllables(word):
    assert not is_syllable(word)
