"""Vietnamese text at the boundary: NFC normalisation and the folded search key."""

import re
import unicodedata

# Characters with no Unicode decomposition that must still fold to ASCII.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d", "ɖ": "d"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def nfc(value: str | None) -> str:
    """NFC-normalise text, drop control and bidi-override characters, trim ends."""
    if not value:
        return ""
    # Remove first, then compose: a removed character may have stood between a letter and its accent.
    value = _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", value).strip()


def nfc_line(value: str | None) -> str:
    """Like `nfc`, for one-line fields: newlines and runs of spaces become one space."""
    return _SPACES.sub(" ", nfc(value).replace("\n", " ")).strip()


def fold(value: str | None) -> str:
    """The search key: lower case, no diacritics, single spaces ("Đường xuống cấp" → "duong xuong cap")."""
    if not value:
        return ""
    value = unicodedata.normalize("NFD", str(value).translate(_FOLD_EXTRA))
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn")
    value = value.lower().translate(_FOLD_EXTRA)
    return " ".join(re.findall(r"\w+", value))


def initials(full_name: str | None) -> str:
    """Masked name for public pages: "Trần Thị Mẫu" → "T.T.M."."""
    parts = [p for p in nfc_line(full_name).split(" ") if p]
    return "".join(p[0].upper() + "." for p in parts)
