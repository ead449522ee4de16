"""Text typed with old Vietnamese fonts, as a spreadsheet hands it over: detection and conservative repair.

Before Unicode two 8-bit encodings were common: TCVN3 (ABC; fonts .VnTime …), one byte per letter, and VNI
(VNI-Windows; fonts VNI-Times …), a base letter followed by a separate mark byte. Read without the font, both
arrive as Latin-1 look-alikes ("Hµ Néi", "Vieät Nam" for "Hà Nội", "Việt Nam"). `repair` converts a cell only
when the converted text reads as more Vietnamese syllables than the original, so Unicode text, plain ASCII and
anything unclear are left exactly as they are.
"""

import re
import string
import unicodedata

# ---------------------------------------------------------------- TCVN3 (ABC fonts: .VnTime …)

# Text typed with a TCVN3 font arrives as Latin-1 look-alikes ("Hµ Néi" for "Hà Nội"). Byte → letter.
_TCVN3 = {
    "¸": "á",
    "µ": "à",
    "¶": "ả",
    "·": "ã",
    "¹": "ạ",
    "¨": "ă",
    "¾": "ắ",
    "»": "ằ",
    "¼": "ẳ",
    "½": "ẵ",
    "Æ": "ặ",
    "©": "â",
    "Ê": "ấ",
    "Ç": "ầ",
    "È": "ẩ",
    "É": "ẫ",
    "Ë": "ậ",
    "®": "đ",
    "Ð": "é",
    "Ì": "è",
    "Î": "ẻ",
    "Ï": "ẽ",
    "Ñ": "ẹ",
    "ª": "ê",
    "Õ": "ế",
    "Ò": "ề",
    "Ó": "ể",
    "Ô": "ễ",
    "Ö": "ệ",
    "Ý": "í",
    "×": "ì",
    "Ø": "ỉ",
    "Ü": "ĩ",
    "Þ": "ị",
    "ã": "ó",
    "ß": "ò",
    "á": "ỏ",
    "â": "õ",
    "ä": "ọ",
    "«": "ô",
    "è": "ố",
    "å": "ồ",
    "æ": "ổ",
    "ç": "ỗ",
    "é": "ộ",
    "¬": "ơ",
    "í": "ớ",
    "ê": "ờ",
    "ë": "ở",
    "ì": "ỡ",
    "î": "ợ",
    "ó": "ú",
    "ï": "ù",
    "ñ": "ủ",
    "ò": "ũ",
    "ô": "ụ",
    "\u00ad": "ư",
    "ø": "ứ",
    "õ": "ừ",
    "ö": "ử",
    "÷": "ữ",
    "ù": "ự",
    "ý": "ý",
    "ú": "ỳ",
    "û": "ỷ",
    "ü": "ỹ",
    "þ": "ỵ",
    "¡": "Ă",
    "¢": "Â",
    "§": "Đ",
    "£": "Ê",
    "¤": "Ô",
    "¥": "Ơ",
    "¦": "Ư",
}
_TCVN3_TABLE = str.maketrans(_TCVN3)
# Latin-1 letters that also occur in ordinary Vietnamese Unicode text: their presence alone proves nothing.
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_TCVN3_MARKERS = set(_TCVN3) - _VIETNAMESE_LATIN1


_MARKER_CLASS = "[" + re.escape("".join(sorted(_TCVN3_MARKERS))) + "]"
# A TCVN3 letter sits inside a word ("Hµ Néi"); a lone "½" or "·" between spaces is just a symbol.
_MARKER_IN_WORD = re.compile(f"[A-Za-z]{_MARKER_CLASS}|{_MARKER_CLASS}[A-Za-z]")


def _beyond_latin1(text: str) -> bool:
    """A letter of Unicode Vietnamese beyond Latin-1 (ă, đ, ơ, ư, ạ …): the text is Unicode already."""
    return any("\u0100" <= ch <= "\u1eff" for ch in text)


def looks_tcvn3(text: str) -> bool:
    """Characters typical of TCVN3 inside words, and no letter of Unicode Vietnamese beyond Latin-1 (ă, đ, ơ, ư,
    ạ …): ordinary Unicode text is never touched."""
    if not _MARKER_IN_WORD.search(text):
        return False
    return not _beyond_latin1(text)


def repair_tcvn3(text: str) -> tuple[str, bool]:
    if text and looks_tcvn3(text):
        return text.translate(_TCVN3_TABLE), True
    return text, False


# ---------------------------------------------------------------- VNI (VNI-Windows fonts: VNI-Times …)

# Each family of a vowel: the letter without tone, then sắc, huyền, hỏi, ngã, nặng; beside it the same letters as
# VNI-Windows writes them (a base letter and a mark byte, or a single byte for i, ơ, ư, đ and ỵ).
_VNI_ROWS = {
    "aáàảãạ": "a aù aø aû aõ aï",
    "âấầẩẫậ": "aâ aá aà aå aã aä",
    "ăắằẳẵặ": "aê aé aè aú aü aë",
    "eéèẻẽẹ": "e eù eø eû eõ eï",
    "êếềểễệ": "eâ eá eà eå eã eä",
    "iíìỉĩị": "i í ì æ ó ò",
    "oóòỏõọ": "o où oø oû oõ oï",
    "ôốồổỗộ": "oâ oá oà oå oã oä",
    "ơớờởỡợ": "ô ôù ôø ôû ôõ ôï",
    "uúùủũụ": "u uù uø uû uõ uï",
    "ưứừửữự": "ö öù öø öû öõ öï",
    "yýỳỷỹỵ": "y yù yø yû yõ î",
    "đ": "ñ",
}


def _vni_table() -> dict[str, str]:
    """VNI sequence → Unicode letter, lower and upper case (VNI writes capitals with capital marks: "AÙ" → "Á")."""
    table = {}
    for letters, sequences in _VNI_ROWS.items():
        for letter, sequence in zip(letters, sequences.split(), strict=True):
            if sequence != letter:  # "a" and "í" are the same in both
                table[sequence] = letter
                table[sequence.upper()] = letter.upper()
    return table


VNI_TABLE = _vni_table()
# Longest first: "ôù" (ớ) before "ô" (ơ).
_VNI_SEQUENCE = re.compile("|".join(re.escape(s) for s in sorted(VNI_TABLE, key=len, reverse=True)))
_VNI_PAIRS = sorted(s for s in VNI_TABLE if len(s) == 2)
# A vowel followed by a VNI mark ("Vieät", "Ñaûng"), or đ before a letter ("ñi"), inside a word.
_VNI_IN_WORD = re.compile("|".join(re.escape(s) for s in _VNI_PAIRS) + "|[ñÑ][A-Za-z]")


def looks_vni(text: str) -> bool:
    """A VNI mark after a vowel inside a word, and no letter of Unicode Vietnamese beyond Latin-1."""
    return bool(_VNI_IN_WORD.search(text)) and not _beyond_latin1(text)


def repair_vni(text: str) -> str:
    """The VNI sequences of `text` as Unicode letters (NFC); callers check `looks_vni` and the result first."""
    return unicodedata.normalize("NFC", _VNI_SEQUENCE.sub(lambda m: VNI_TABLE[m.group()], text))


# ---------------------------------------------------------------- Vietnamese syllables

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_STOP_TONES = {"\u0301", "\u0323"}  # a syllable ending in c, ch, p, t takes only sắc or nặng
# Written without tones: "việt" is checked as "viêt" with one tone, nặng.
_ONSET_TEXT = "ngh ng gh gi kh nh ph th tr ch qu b c d đ g h k l m n p r s t v x"
_RHYME_TEXT = """
    a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et ê êch êm ên ênh êp êt êu
    i ia ich iêc iêm iên iêng iêp iêt iêu im in inh ip it iu
    o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oc oe oen oeo oet oi om on ong
    oong ooc op ot ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
    u ua uân uâng uât uây uc uê uêch uênh ui um un ung uôc uôi uôm uôn uông uôt up ut uy uya uych uyên uyêt
    uyn uynh uyp uyt uyu uơ ư ưa ưc ưi ưm ưn ưng ươc ươi ươm ươn ương ươp ươt ươu ưt ưu
    y yêm yên yêng yêt yêu
"""
_ONSETS, _RHYMES = _ONSET_TEXT.split(), _RHYME_TEXT.split()
_SYLLABLE = re.compile(
    "(?:{})?(?:{})".format(
        "|".join(sorted(_ONSETS, key=len, reverse=True)), "|".join(sorted(_RHYMES, key=len, reverse=True))
    )
)
# Words are split at spaces and ASCII punctuation only: the Latin-1 symbols stand for letters in TCVN3 ("®i").
_WORD_BREAK = re.compile("[\\s" + re.escape(string.punctuation) + "“”‘’…–—]+")


def is_syllable(word: str) -> bool:
    """One Vietnamese syllable (Unicode, any case): onset, rhyme, at most one tone, and a tone its ending allows."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    if not _SYLLABLE.fullmatch(bare):
        return False
    return not (bare.endswith(("c", "ch", "p", "t")) and not (set(tones) & _STOP_TONES))


def _score(text: str) -> tuple[int, int]:
    """(words that are Vietnamese syllables, words with letters that are not)."""
    valid = invalid = 0
    for word in _WORD_BREAK.split(text):
        if any(ch.isalpha() for ch in word):
            if is_syllable(word):
                valid += 1
            else:
                invalid += 1
    return valid, invalid


# ---------------------------------------------------------------- the public entry


def repair(text: str) -> tuple[str, str]:
    """(text, "") when the text is left alone; (NFC text, "TCVN3" or "VNI") when it was converted.

    Both encodings use the same Latin-1 characters, so both readings are tried on every cell. One is kept only
    when its own pattern is in the text (`looks_tcvn3`, `looks_vni`), it gives more Vietnamese syllables and no
    more other words than the original, most of its words are syllables (a stray "Ü" becoming "ĩ" inside garbage
    proves nothing), and it reads strictly better than the other encoding: a cell that reads as well either way
    ("böa": VNI "bưa", TCVN3 "bửa") is ambiguous and left for a person to retype.
    """
    if not text or _beyond_latin1(text):
        return text, ""
    valid, invalid = _score(text)
    readings = []  # (score, converted, encoding, its pattern is present)
    for converted, encoding, typical in (
        (unicodedata.normalize("NFC", text.translate(_TCVN3_TABLE)), "TCVN3", looks_tcvn3(text)),
        (repair_vni(text), "VNI", looks_vni(text)),
    ):
        now_valid, now_invalid = _score(converted)
        if converted != text and now_valid > max(valid, now_invalid) and now_invalid <= invalid:
            readings.append((now_valid - now_invalid, converted, encoding, typical))
    if not readings:
        return text, ""
    readings.sort(key=lambda reading: reading[0], reverse=True)
    best = readings[0]
    if not best[3] or (len(readings) > 1 and readings[1][0] == best[0]):
        return text, ""
    return best[1], best[2]
