"""Vietnamese text at the boundary: the one cleaning of every text that enters, and the folded search key.

`clean` is applied to everything people send: form and query values (lib/middleware.py), uploaded file names,
every string and key of an API body (api/urls.py), and again by the forms and actions (`nfc`, `nfc_line`), so
text read from a file or a command is cleaned the same way. It

- turns every line break (CR LF, CR, NEL, U+2028, U+2029) into "\\n";
- removes what cannot be stored or shown: lone surrogates (Unicode category Cs: a Python string may hold one, no
  UTF-8 text can, and saving or rendering it fails), NUL (PostgreSQL refuses it in text) and every other C0/C1
  control character (Cc) except tab and newline;
- removes every invisible format character (Cf): zero-width spaces and joiners (U+200B–U+200D, U+2060 WORD
  JOINER, U+FEFF), bidirectional marks, embeddings, overrides and isolates (U+200E, U+200F, U+061C, U+202A–U+202E,
  U+2066–U+2069), the soft hyphen, U+180E, the invisible operators (U+2061–U+2064), the tag characters
  (U+E0000–U+E007F) and the rest of Cf. Vietnamese needs none of them: its letters are base letters with
  combining marks (Mn), which stay; ZWJ/ZWNJ shape Indic and Arabic scripts and join emoji (a joined emoji
  falls apart into its pieces, still readable). They would let two texts that look the same differ (search,
  duplicates, tracking codes) or reorder what a reader sees;
- composes to NFC (removing first: a removed character may have stood between a letter and its accent);
- trims the ends; a one-line value (`multiline=False`) also turns every run of white space, line breaks and tabs
  included, into one space.

Kept on purpose: combining marks and variation selectors (they belong to the letter or emoji before them),
private-use and unassigned code points (stored and shown as they are), and U+FFFD, which Django puts where a
request's bytes were not UTF-8.
"""

import re
import unicodedata

# Characters with no Unicode decomposition that must still fold to ASCII.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d", "ɖ": "d"})
_LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
# Cc without tab and newline, Cs, and Cf as of Unicode 14 (Python 3.11); tests/lib/test_text.py checks this list
# against unicodedata, so a newer Python with more format characters fails there, not silently.
_REMOVED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
_WHITE_SPACE = re.compile(r"\s+")


def clean(value: object, *, multiline: bool = True) -> str:
    """The one cleaning of text that enters (see the module docstring): line breaks as "\\n", no control, format
    or surrogate character, NFC, trimmed; with `multiline=False`, one line with single spaces. None is ""."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text:
        return ""
    text = _REMOVED.sub("", _LINE_BREAKS.sub("\n", text))
    text = unicodedata.normalize("NFC", text)
    if not multiline:
        text = _WHITE_SPACE.sub(" ", text)
    return text.strip()


def nfc(value: str | None) -> str:
    """`clean` for multi-line text (content, reasons, answers): keeps line breaks and tabs."""
    return clean(value)


def nfc_line(value: str | None) -> str:
    """`clean` for one-line fields (names, addresses, numbers): newlines and runs of spaces become one space."""
    return clean(value, multiline=False)


def fold(value: str | None) -> str:
    """The search key: lower case, no diacritics, single spaces ("Đường xuống cấp" → "duong xuong cap")."""
    if not value:
        return ""
    value = unicodedata.normalize("NFD", str(value).translate(_FOLD_EXTRA))
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn")
    value = value.lower().translate(_FOLD_EXTRA)
    return " ".join(re.findall(r"\w+", value))


def lower_first(text: str | None) -> str:
    """A title inside a sentence: "Hội nghị đối thoại quý IV với MTTQ" → "hội nghị đối thoại quý IV với MTTQ". Only the
    first letter, and only when it starts an ordinary word: "UBND xã …", "MTTQ …" stay as written (never `.lower()`)."""
    text = str(text or "")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def initials(full_name: str | None) -> str:
    """Masked name for public pages: "Trần Thị Mẫu" → "T.T.M."."""
    parts = [p for p in nfc_line(full_name).split(" ") if p]
    return "".join(p[0].upper() + "." for p in parts)
