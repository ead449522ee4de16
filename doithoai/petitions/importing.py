"""Excel and CSV import of an organisation's list of opinions: reading within bounds, checking rows; no web code.

A file is recognised by its bytes, never by its name. What a file may cost is bounded twice (the constants below):
before anything is expanded (`check_file`: the size, and for an XLSX the sizes its zip directory declares), then
while it is read, streaming, one row at a time (`open_table`: what is actually read, so a file whose headers lie
is stopped too). An XLSX is opened by openpyxl in read-only mode, after every part it will stream has been
scanned by expat without building a tree; an XLS by xlrd (the whole file, at most 10 MB); a CSV must be text
(UTF-8 with or without BOM, else Windows-1258). Formula cells are read as their formula text and never evaluated.
Old TCVN3 and VNI text is repaired conservatively. Nothing here saves anything.
"""

import contextlib
import csv
import dataclasses
import hashlib
import io
import itertools
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO
from xml.parsers import expat

import filetype
from django.core.exceptions import ValidationError

from doithoai.lib import legacy_text
from doithoai.lib.contact import normalise_phone
from doithoai.lib.text import fold, nfc, nfc_line
from doithoai.lib.uploads import MAX_BYTES

MAX_ROWS = 10_000  # rows of opinions in one list (the largest real list)
MAX_CONTENT = 20_000  # characters of one opinion: the product's limit (a longer row is an error, not a refusal)
MAX_COLUMNS = 30  # columns read; anything to their right is ignored
HEADER_SCAN = 20  # the header row is looked for among the first rows
LAYOUT_ROWS = HEADER_SCAN + 50  # rows that show how many columns the file uses (for the column choice)

# Bounds of what a file may expand to. A real list is 10,000 rows of a few hundred characters (5–7 columns):
# about 3 million characters in 70,000 cells. Every bound below admits 3 times that or more, and keeps the worker
# that reads the largest allowed file near 150 MB (bench/import_memory.py measures it).
MAX_CELL_CHARS = 32_767  # characters in one cell: Excel's own limit, so no file made by Excel goes beyond it
MAX_TEXT_CHARS = 10_000_000  # characters of all cells read: 1,000 a row for 10,000 rows
MAX_CELLS = 500_000  # cells in the sheets (formatted empty cells included): 10,020 rows × 30 columns, and room
MAX_ROW_CELLS = 1_024  # cells in one row (a list uses 5–30 columns; Excel writes a cell only where one is filled)
MAX_LINES = 50_000  # the last line of a sheet holding a value, and the rows a sheet declares
MAX_PARTS = 500  # members of an XLSX zip (a workbook has 10–50)
MAX_STREAMED_PART = 32 * 1024 * 1024  # declared size of the shared strings and of each worksheet (read streaming)
MAX_WHOLE_PART = 2 * 1024 * 1024  # declared size of every other member: openpyxl parses those into a tree at once
MAX_EXPANDED = 64 * 1024 * 1024  # declared size of all members together
MAX_RATIO = 100  # expanded ÷ compressed size of a member over 1 MB (XML lists compress 5–20 times; bombs 1,000)
RATIO_FROM = 1024 * 1024
SMALL_FILE = 256 * 1024  # a file this small (and expanding to at most SMALL_EXPANDED) is read in the upload request
SMALL_EXPANDED = 4 * 1024 * 1024

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file: Excel 97–2003

KINDS = {"gop y": "gop_y", "kien nghi": "kien_nghi", "phan anh": "phan_anh", "cau hoi": "cau_hoi"}
KIND_LABELS = {"gop_y": "Góp ý", "kien_nghi": "Kiến nghị", "phan_anh": "Phản ánh", "cau_hoi": "Câu hỏi"}
DEFAULT_KIND = "kien_nghi"

TEMPLATE_HEADERS = (
    "STT",
    "Nội dung ý kiến, kiến nghị",
    "Họ và tên người nêu",
    "Điện thoại",
    "Thôn, tổ dân phố",
    "Loại (góp ý / kiến nghị / phản ánh / câu hỏi)",
    "Ghi chú",
)


class ImportRefused(Exception):
    """The whole file is refused (the message is for the user, in Vietnamese); nothing is imported."""


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # 10.000, as Vietnamese writes thousands


def _mb(size: int) -> str:
    """Megabytes as Vietnamese writes them: 38, 2,5, 0,1."""
    megabytes = size / 1024 / 1024
    return f"{megabytes:.0f}" if megabytes >= 10 else f"{megabytes:.1f}".rstrip("0").rstrip(".").replace(".", ",")


_REFUSALS = {  # why a whole file is refused, with the bound it passed ({MAX_…} is the constant's value)
    "rows": "Tệp có hơn {MAX_ROWS} dòng ý kiến; xin chia thành nhiều tệp nhỏ hơn rồi nhập lần lượt.",
    "cell": "{where} dài hơn {MAX_CELL_CHARS} ký tự, giới hạn của chính Excel cho một ô; tệp này không phải một danh "
    "sách bình thường. Xin kiểm tra lại tệp.",
    "text": "Tệp có hơn {MAX_TEXT_CHARS} ký tự chữ; xin chia danh sách thành nhiều tệp nhỏ hơn rồi nhập lần lượt.",
    "cells": "Tệp có hơn {MAX_CELLS} ô; một danh sách ý kiến không cần nhiều như vậy. Xin chỉ giữ các cột của danh "
    "sách (tệp mẫu có 7 cột) rồi lưu lại.",
    "wide": "Dòng {line} của tệp có hơn {MAX_ROW_CELLS} ô; danh sách ý kiến chỉ cần vài cột. Xin xóa các cột thừa "
    "rồi lưu lại.",
    "far": "Tệp có dữ liệu ở dòng {line}; danh sách chỉ được dài đến dòng {MAX_LINES}. Xin xóa các dòng thừa ở cuối "
    "trang rồi lưu lại.",
}


def refused(reason: str, **values) -> ImportRefused:
    """The refusal of a whole file for one of the reasons above (the bound it passed is named in Vietnamese)."""
    bounds = {name: _n(value) for name, value in globals().items() if name.startswith("MAX_")}
    return ImportRefused(_REFUSALS[reason].format(**bounds, **values))  # a line is written as Excel numbers it


class _Budget:
    """What has been read so far, against the bounds: raises ImportRefused as soon as one is passed."""

    def __init__(self) -> None:
        self.cells = 0
        self.chars = 0

    def add_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > MAX_CELLS:
            raise refused("cells")

    def add_text(self, count: int) -> None:
        self.chars += count
        if self.chars > MAX_TEXT_CHARS:
            raise refused("text")


# ---------------------------------------------------------------- the cheap check, before anything is expanded


@dataclasses.dataclass(frozen=True)
class Checked:
    kind: str  # "xlsx", "xls" or "csv"
    size: int  # bytes of the file
    expanded: int  # bytes it says it expands to (an XLSX's declared parts; the file itself otherwise)

    @property
    def small(self) -> bool:
        """Read at once, in the upload request: a small file within small bounds reads in well under a second."""
        return self.size <= SMALL_FILE and self.expanded <= SMALL_EXPANDED


def check_file(data: bytes) -> Checked:
    """Size and kind of a file, and for an XLSX what its zip directory says it expands to; ImportRefused when a
    bound is passed. Reads no cell: cheap enough for the upload request."""
    if not data:
        raise ImportRefused("Tệp rỗng.")
    if len(data) > MAX_BYTES:
        raise ImportRefused("Tệp lớn hơn 10 MB; xin chia thành nhiều tệp nhỏ hơn.")
    if data.startswith(ZIP_MAGIC):
        with _zip(io.BytesIO(data)) as archive:
            return Checked("xlsx", len(data), _xlsx_parts(archive).expanded)
    if data.startswith(CFB_MAGIC):
        return Checked("xls", len(data), len(data))  # xlrd holds the file itself; its cells are bounded on reading
    if b"\x00" in data[:65536] or filetype.guess(data[:8192]) is not None:
        raise ImportRefused("Tệp không phải bảng tính Excel (.xlsx) hay CSV; hệ thống không nhận loại tệp này.")
    return Checked("csv", len(data), len(data))


@contextlib.contextmanager
def _zip(file: BinaryIO) -> Iterator[zipfile.ZipFile]:
    try:
        with zipfile.ZipFile(file) as archive:
            yield archive
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as error:
        raise ImportRefused("Tệp Excel bị hỏng hoặc không phải sổ làm việc Excel (.xlsx).") from error


@dataclasses.dataclass
class _Parts:
    expanded: int
    sheets: list[tuple[str, str]]  # (title, worksheet part) of each sheet openpyxl streams, in its order
    strings: str | None  # the shared strings part


def _xlsx_parts(archive: zipfile.ZipFile) -> _Parts:
    """The members of an XLSX against the bounds, from the sizes its zip directory declares (zipfile never reads
    a member past its declared size: a larger one fails its CRC), and which parts openpyxl will stream, found as
    openpyxl finds them (the manifest, then the workbook's relationships; both small parts)."""
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise ImportRefused(
            f"Tệp Excel có hơn {_n(MAX_PARTS)} thành phần; đây không phải một danh sách bình thường. "
            "Xin chép bảng sang một tệp mới rồi lưu lại."
        )
    names = {m.filename: m for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportRefused("Tệp nén này không phải sổ làm việc Excel (.xlsx); hệ thống không nhận.")
    expanded = 0
    for member in members:
        expanded += member.file_size
        _check_member(member, MAX_STREAMED_PART)
    if expanded > MAX_EXPANDED:
        raise ImportRefused(
            f"Tệp Excel giải nén ra {_mb(expanded)} MB, quá giới hạn {_mb(MAX_EXPANDED)} MB; hệ thống không đọc "
            "tệp này. Xin chia danh sách thành nhiều tệp nhỏ hơn."
        )
    parts = _openpyxl_parts(archive, names)
    streamed = {part for _, part in parts.sheets} | {parts.strings}
    for member in members:
        if member.filename not in streamed:
            _check_member(member, MAX_WHOLE_PART)
    parts.expanded = expanded
    return parts


def _check_member(member: zipfile.ZipInfo, limit: int) -> None:
    if member.file_size > limit:
        raise ImportRefused(
            f"Phần “{member.filename[:60]}” của tệp Excel giải nén ra {_mb(member.file_size)} MB, quá giới hạn "
            f"{_mb(limit)} MB; hệ thống không đọc tệp này. Xin chia danh sách thành nhiều tệp nhỏ hơn."
        )
    if member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
        raise ImportRefused(
            f"Phần “{member.filename[:60]}” của tệp Excel nở ra gấp {_n(member.file_size // max(member.compress_size, 1))} "
            "lần khi giải nén: đây là dấu hiệu của tệp độc hại (bom giải nén); hệ thống không đọc tệp này."
        )


def _openpyxl_parts(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> _Parts:
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.packaging.relationship import get_rels_path
    from openpyxl.reader.excel import SHARED_STRINGS, _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.xml.functions import fromstring

    for name in ("[Content_Types].xml", "xl/workbook.xml"):
        _check_member(names[name], MAX_WHOLE_PART)
    try:
        manifest = Manifest.from_tree(fromstring(archive.read("[Content_Types].xml")))
        workbook = _find_workbook_part(manifest).PartName[1:]
        for name in (workbook, get_rels_path(workbook)):
            if name in names:
                _check_member(names[name], MAX_WHOLE_PART)
        parser = WorkbookParser(archive, workbook, keep_links=False)
        parser.parse()
        sheets, charts = [], 0
        for sheet, rel in parser.find_sheets():  # in the order openpyxl lists workbook.worksheets
            if "chartsheet" in rel.Type:
                charts += 1
            elif rel.target in names:
                sheets.append((sheet.name, rel.target))
        strings = manifest.find(SHARED_STRINGS)
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds (KeyError, TypeError, ValueError …) on a bad package
        raise ImportRefused("Không mở được tệp Excel; xin mở lại bằng Excel và lưu dưới dạng .xlsx.") from error
    if charts:
        raise ImportRefused("Tệp Excel có trang biểu đồ; xin chép danh sách sang một tệp chỉ có bảng rồi tải lên lại.")
    strings_part = strings.PartName[1:] if strings is not None else None
    return _Parts(0, sheets, strings_part if strings_part in names else None)


# ---------------------------------------------------------------- scanning the streamed XML parts (no tree)


class _XmlScan:
    """Counts what an XLSX part holds as expat streams through it, with nothing kept: rows and their lines, cells
    per row and in all, characters per cell (or shared string) and in all. A DOCTYPE is refused: Excel never
    writes one, and it is how entities would expand."""

    def __init__(self, part: str, budget: _Budget):
        self.part, self.budget = part, budget
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.line = self.last_value_line = self.row_cells = self.cell_chars = self.strings = 0
        self.in_text = 0
        self.has_value = False

    def feed_all(self, chunks: Iterable[bytes]) -> "_XmlScan":
        try:
            for chunk in chunks:
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise ImportRefused(
                "Không mở được tệp Excel: một phần của tệp bị hỏng. Xin mở lại bằng Excel và lưu dưới dạng .xlsx."
            ) from error
        return self

    def _doctype(self, *args) -> None:
        raise ImportRefused("Tệp Excel có khai báo DTD, điều Excel không bao giờ ghi; hệ thống không đọc tệp này.")

    def _start(self, name: str, attributes: dict) -> None:
        tag = name.rpartition(" ")[2]
        if tag == "row":
            self.line = _int(attributes.get("r"), self.line + 1)
            self.row_cells = 0
        elif tag == "c":
            self.budget.add_cells(1)
            self.row_cells += 1
            if self.row_cells > MAX_ROW_CELLS:
                raise refused("wide", line=self.line)
            self.cell_chars, self.has_value = 0, False
        elif tag == "si":
            self.strings += 1
            if self.strings > MAX_CELLS:
                raise refused("cells")
            self.cell_chars = 0
        elif tag in ("v", "t", "f"):
            self.in_text += 1
            self.has_value = True

    def _end(self, name: str) -> None:
        tag = name.rpartition(" ")[2]
        if tag in ("v", "t", "f"):
            self.in_text -= 1
        elif tag == "c" and self.has_value:
            if self.line > MAX_LINES:
                raise refused("far", line=self.line)
            self.last_value_line = self.line

    def _text(self, data: str) -> None:
        if self.in_text:
            self.cell_chars += len(data)
            if self.cell_chars > MAX_CELL_CHARS:
                raise refused("cell", where=f"Một ô (dòng {self.line})" if self.line else "Một ô của tệp")
            self.budget.add_text(len(data))


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _scan_part(archive: zipfile.ZipFile, name: str) -> _XmlScan:
    """Stream one part through expat, 64 KB at a time, counting the bytes actually expanded."""
    scan = _XmlScan(name, _Budget())

    def chunks() -> Iterator[bytes]:
        read = 0
        with archive.open(name) as member:
            while chunk := member.read(65536):
                read += len(chunk)
                if read > MAX_STREAMED_PART:  # zipfile stops at the declared size; never trust it alone
                    raise ImportRefused(f"Phần “{name[:60]}” của tệp Excel giải nén ra quá lớn.")
                yield chunk

    try:
        return scan.feed_all(chunks())
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as error:  # a CRC that fails: sizes lied
        raise ImportRefused("Tệp Excel bị hỏng (một phần không giải nén được).") from error


# ---------------------------------------------------------------- reading rows, streaming


@dataclasses.dataclass
class Table:
    """An open file's chosen sheet: its description and its non-blank rows, read one at a time as
    (line, cells, formula columns); cells are texts, the first MAX_COLUMNS, trailing empty ones left out."""

    source: str
    rows: Iterator[tuple[int, list[str], list[int]]]


@contextlib.contextmanager
def open_table(file: BinaryIO) -> Iterator[Table]:
    """Open a stored file for reading, streaming, within the bounds (ImportRefused when it passes one, or cannot
    be read). For an XLSX the sheet holding the list is the first whose first rows name a content column."""
    head = file.read(8)
    file.seek(0)
    if head.startswith(ZIP_MAGIC):
        with _open_xlsx(file) as table:
            yield table
        return
    data = file.read(MAX_BYTES + 1)
    check_file(data)
    if data.startswith(CFB_MAGIC):
        yield _read_xls(data)
    else:
        yield _read_csv(data)


@contextlib.contextmanager
def _open_xlsx(file: BinaryIO) -> Iterator[Table]:
    file.seek(0, os.SEEK_END)
    if file.tell() > MAX_BYTES:
        raise ImportRefused("Tệp lớn hơn 10 MB; xin chia thành nhiều tệp nhỏ hơn.")
    file.seek(0)
    with _zip(file) as archive:
        parts = _xlsx_parts(archive)
        scans = {
            name: _scan_part(archive, name) for name in {part for _, part in parts.sheets} | {parts.strings} if name
        }
    import openpyxl  # imported here: only this path needs it

    try:
        # read_only: rows are parsed one at a time; data_only=False: a formula cell gives its formula text
        # ("=1+1"), kept as text and never evaluated, instead of a cached value that may be missing or stale.
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds (KeyError, ValueError, zip errors …) on a bad workbook
        raise ImportRefused("Không mở được tệp Excel; xin mở lại bằng Excel và lưu dưới dạng .xlsx.") from error
    try:
        yield _choose_sheet(workbook, parts, scans)
    finally:
        workbook.close()


def _choose_sheet(workbook, parts: _Parts, scans: dict[str, "_XmlScan"]) -> Table:
    """The first sheet whose first rows name a content column (a guide sheet last), else the first sheet."""
    try:
        pairs = zip(workbook.worksheets, parts.sheets, strict=True)  # the same sheets, in the same order
        sheets = sorted(((ws, scans[part].last_value_line) for ws, (_, part) in pairs), key=_guide_last)
        chosen = sheets[0] if sheets else None
        for sheet, last_line in sheets:
            head = _sheet_rows(sheet, last_line, _Budget())
            try:
                found = _find_header(list(itertools.islice(head, HEADER_SCAN))) is not None
            finally:
                head.close()  # closes the sheet's part
            if found:
                chosen = (sheet, last_line)
                break
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl and its XML parser raise their own errors on a damaged part
        raise ImportRefused("Không đọc được tệp Excel: một trang bị hỏng.") from error
    if chosen is None:
        return Table("Excel (XLSX)", iter(()))
    sheet, last_line = chosen
    return Table(f"Excel (XLSX), trang “{nfc_line(sheet.title)}”", _guarded(_sheet_rows(sheet, last_line, _Budget())))


def _guide_last(pair) -> bool:
    return fold(pair[0].title) == "huong dan"


def _guarded(rows: Iterator) -> Iterator:
    """openpyxl and its XML parser raise their own errors on a damaged part found late: refuse the file."""
    try:
        yield from rows
    except ImportRefused:
        raise
    except Exception as error:
        raise ImportRefused("Không đọc hết được tệp Excel: tệp bị hỏng ở giữa chừng.") from error


def _sheet_rows(sheet, last_line: int, budget: _Budget) -> Iterator[tuple[int, list[str], list[int]]]:
    if not last_line:
        return  # no value anywhere (max_row=0 would mean "as far as the file claims")
    kept = 0
    cells_in_row = iter(sheet.iter_rows(max_col=MAX_COLUMNS, max_row=last_line))
    for line, cells in enumerate(cells_in_row, start=1):
        texts, formulas = [], []
        for column, cell in enumerate(cells):
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", "") == "f" and value is not None:
                formulas.append(column)
                value = str(value)
            texts.append(_cell_text(value))
        row = _kept_row(line, texts, budget)
        if row is not None:
            kept += 1
            if kept > MAX_ROWS + HEADER_SCAN:
                raise refused("rows")
            yield line, row, formulas


def _kept_row(line: int, texts: list[str], budget: _Budget) -> list[str] | None:
    """The row's texts without trailing empty cells, counted against the bounds; None for a blank row. Kept as
    read (the check repairs and cleans them), but storable: no NUL (PostgreSQL's JSON refuses it) and no lone
    surrogate (no UTF-8 for it)."""
    if not any(t.strip() for t in texts):
        return None
    while texts and not texts[-1]:
        texts.pop()
    for index, text in enumerate(texts):
        if len(text) > MAX_CELL_CHARS:
            raise refused("cell", where=f"Một ô (dòng {line})")
        budget.add_text(len(text))
        if not text.isascii():
            text = text.encode("utf-8", "replace").decode()
        texts[index] = text.replace("\x00", "")
    return texts


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _read_xls(data: bytes) -> Table:
    """An old Excel 97–2003 workbook, read by xlrd: values only (a formula cell gives its cached result, which
    xlrd cannot tell from a typed value), dates as dd/mm/YYYY; the first sheet holding opinions, as for XLSX.
    xlrd reads the whole file (at most 10 MB): ragged rows, so a cell far away does not pad every row to it."""
    import xlrd  # imported here: only this path needs it

    _guard_xlrd()
    try:
        with open(os.devnull, "w") as quiet:  # xlrd prints its warnings; standard output carries only results
            book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True, logfile=quiet)
        try:
            return _xls_sheet(book)
        finally:
            book.release_resources()  # the file's bytes and the sheets xlrd holds
    except ImportRefused:
        raise
    except Exception as error:  # xlrd raises XLRDError, CompDocError, struct and index errors … on a damaged file
        raise ImportRefused(
            "Không mở được tệp Excel cũ (.xls): tệp bị hỏng. Xin mở lại bằng Excel và lưu dưới dạng .xlsx."
        ) from error


def _xls_sheet(book) -> Table:
    order = sorted(range(book.nsheets), key=lambda i: fold(book.sheet_names()[i]) == "huong dan")
    first = None
    for index in order:
        sheet = book.sheet_by_index(index)
        rows = list(_xls_rows(sheet, book.datemode, _Budget()))
        table = Table(f"Excel 97–2003 (XLS), trang “{nfc_line(sheet.name)}”", iter(rows))
        if _find_header(rows[:HEADER_SCAN]) is not None:
            return table
        first = first or table
        book.unload_sheet(index)
    return first or Table("Excel 97–2003 (XLS)", iter(()))


def _xls_rows(sheet, datemode: int, budget: _Budget) -> Iterator[tuple[int, list[str], list[int]]]:
    kept = 0
    for index in range(sheet.nrows):
        width = sheet.row_len(index)  # xlrd keeps no blank cell: a row with cells has a value
        budget.add_cells(width)
        if not width:
            continue
        if index + 1 > MAX_LINES:
            raise refused("far", line=index + 1)
        row = _kept_row(
            index + 1, [_xls_text(cell, datemode) for cell in sheet.row_slice(index, 0, MAX_COLUMNS)], budget
        )
        if row is None:
            continue
        kept += 1
        if kept > MAX_ROWS + HEADER_SCAN:
            raise refused("rows")
        yield index + 1, row, []


def _xls_text(cell, datemode: int) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:  # stored as a number of days; the cell's format says it is a date
        try:
            moment = xlrd.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            return _cell_text(cell.value)
        return moment.strftime("%H:%M") if cell.value < 1 else _cell_text(moment)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return _cell_text(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "")
    return _cell_text(cell.value)


def _guard_xlrd() -> None:
    """xlrd follows a stream's chain of the compound file's mini-stream without checking it for loops: a 7 KB
    .xls whose mini allocation table points at itself makes it run, and grow, for ever. Walk every chain xlrd is
    about to follow first, and refuse a loop or an entry outside the table (xlrd 2.0.2; installed once)."""
    from xlrd import compdoc

    original = compdoc.CompDoc._get_stream
    if getattr(original, "guarded", False):
        return

    def get_stream(self, mem, base, sat, sec_size, start_sid, size=None, name="", seen_id=None):
        sid, steps = start_sid, 0
        while sid >= 0:
            steps += 1
            if sid >= len(sat) or steps > len(sat):
                raise compdoc.CompDocError(f"OLE2 stream {name!r}: its sector chain loops or leaves the table")
            sid = sat[sid]
        return original(self, mem, base, sat, sec_size, start_sid, size, name, seen_id)

    get_stream.guarded = True
    compdoc.CompDoc._get_stream = get_stream


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first; else Windows-1258, the code page of Vietnamese Windows."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258"), "Windows-1258"
    except UnicodeDecodeError as error:
        raise ImportRefused("Không đọc được mã chữ của tệp CSV; xin lưu lại dưới dạng CSV UTF-8.") from error


class _CsvLines:
    """The lines of a CSV text for csv.reader, refusing a record with far too many separators before it is built:
    csv.reader builds a whole record before handing it over, and one line of 10 MB of commas would be a list of
    ten million cells. (Separators inside quotes count too, hence a bound well above MAX_ROW_CELLS; the record's
    real width is checked once it is read.)"""

    MAX_SEPARATORS = 100_000

    LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")  # as open(newline="") splits: \r\n, \r or \n kept

    def __init__(self, text: str, delimiter: str):
        self.lines = (match.group() for match in self.LINE.finditer(text))  # one line at a time, not a copy of all
        self.delimiter = delimiter
        self.separators = 0  # in the record being read
        self.record = 1

    def __iter__(self) -> "_CsvLines":
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.separators += line.count(self.delimiter)
        if self.separators > self.MAX_SEPARATORS:
            raise refused("wide", line=self.record)
        return line

    def next_record(self) -> None:
        self.separators = 0
        self.record += 1


def _read_csv(data: bytes) -> Table:
    text, label = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return Table(f"CSV, mã {label}", _csv_rows(text, dialect))


def _csv_rows(text: str, dialect) -> Iterator[tuple[int, list[str], list[int]]]:
    lines = _CsvLines(text, dialect.delimiter)
    budget, kept, line = _Budget(), 0, 0
    try:
        for line, cells in enumerate(csv.reader(lines, dialect), start=1):
            lines.next_record()
            if len(cells) > MAX_ROW_CELLS:
                raise refused("wide", line=line)
            budget.add_cells(len(cells))
            row = _kept_row(line, cells[:MAX_COLUMNS], budget)
            if row is None:
                continue
            if line > MAX_LINES:
                raise refused("far", line=line)
            kept += 1
            if kept > MAX_ROWS + 1:
                raise refused("rows")
            yield line, row, []
    except csv.Error as error:
        if "field larger than field limit" in str(error):  # csv's own bound (131,072 characters)
            raise refused("cell", where=f"Một ô (dòng {line + 1})") from error
        raise ImportRefused(f"Tệp CSV bị lỗi ở dòng {line + 1}: không đọc được.") from error


# ---------------------------------------------------------------- columns

COLUMN_LABELS = {
    "content": "Nội dung",
    "name": "Họ và tên",
    "phone": "Điện thoại",
    "address": "Thôn, địa chỉ",
    "kind": "Loại",
    "note": "Ghi chú",
}


def _column_of(folded: str) -> str | None:
    if not folded:
        return None
    if "noi dung" in folded:
        return "content"
    if "ho va ten" in folded or "ho ten" in folded or "nguoi neu" in folded:
        return "name"
    if "dien thoai" in folded or folded in ("sdt", "so dt", "dt", "so dien thoai"):
        return "phone"
    if folded.startswith("thon") or "dia chi" in folded or "to dan pho" in folded:
        return "address"
    if folded.startswith("loai"):
        return "kind"
    if folded.startswith("ghi chu"):
        return "note"
    return None


def header_columns(cells: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = _column_of(fold(cell))
        if column and column not in columns:
            columns[column] = index
    return columns


def _find_header(rows) -> int | None:
    """Index (in rows) of the first row naming a content column, among the first rows."""
    for index, (_, cells, *_) in enumerate(rows[:HEADER_SCAN]):
        if "content" in header_columns(cells):
            return index
    return None


@dataclasses.dataclass
class Layout:
    """What the column-mapping form needs: the header row found (or not), the columns recognised in it, and the
    first rows of the file, so the user can say which column holds what."""

    header_line: int | None  # the file's line of the header row; None when no row names a content column
    columns: dict[str, int]  # field → 0-based column index
    width: int  # number of columns in use
    sample: list[tuple[int, list[str]]]  # the first rows as read (line, cells)
    source: str


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as Excel names columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def find_layout(rows: list[tuple[int, list[str]]], source: str) -> Layout:
    """The layout from a file's first rows (at least LAYOUT_ROWS of them when it has as many)."""
    if not rows:
        raise ImportRefused("Tệp không có dòng nào có chữ.")
    rows = [(line, cells) for line, cells, *_ in rows]
    header = _find_header(rows)
    width = max(len(cells) for _, cells in rows[:LAYOUT_ROWS])
    if header is None:
        return Layout(None, {}, width, rows[:8], source)
    line, cells = rows[header]
    return Layout(line, header_columns(cells), width, rows[:8], source)


# ---------------------------------------------------------------- checking rows


@dataclasses.dataclass
class Row:
    line: int  # the row number in the file (1-based, as Excel shows it)
    content: str = ""
    name: str = ""
    phone: str = ""
    address: str = ""
    village_id: int | None = None
    village_name: str = ""
    kind: str = DEFAULT_KIND
    note: str = ""
    errors: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    key: str = ""  # row_key, for a valid row
    duplicate_of: str = ""  # the code of the opinion already imported from the same row
    duplicate_line: int | None = None  # else the earlier line of the same file holding the same row

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def is_duplicate(self) -> bool:
        return bool(self.duplicate_of) or self.duplicate_line is not None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def submission(self) -> dict:
        """Keyword arguments for actions.submit_petition (the note is kept under the content, labelled)."""
        content = f"{self.content}\n\nGhi chú: {self.note}" if self.note else self.content
        return {"content": content, "name": self.name, "phone": self.phone, "address": self.address, "kind": self.kind}


def village_index(villages: Iterable) -> dict:
    """The unit's villages (Organization objects of kind village) by their folded name, with and without the
    "Thôn", "Tổ dân phố" … in front, for check_row."""
    by_fold: dict = {}
    for village in villages:
        key = fold(village.name)
        by_fold.setdefault(key, village)
        for prefix in ("thon ", "to dan pho ", "khu pho ", "xom "):
            if key.startswith(prefix):
                by_fold.setdefault(key[len(prefix) :], village)
    return by_fold


def check_row(line: int, cells: list[str], formulas, columns: dict[str, int], villages: dict) -> Row | None:
    """One row checked with the chosen columns: its errors and warnings (None for a row blank in those columns)."""
    row = Row(line=line)
    raw = {}
    repaired: dict[str, list[str]] = {}  # encoding → the columns converted from it
    for column, index in columns.items():
        value = cells[index] if index < len(cells) else ""
        value, encoding = legacy_text.repair(value)
        if encoding:
            repaired.setdefault(encoding, []).append(COLUMN_LABELS[column])
        if index in formulas:
            row.warnings.append(
                f"Ô “{COLUMN_LABELS[column]}” là công thức Excel: đã giữ nguyên dạng chữ, không tính toán."
            )
        raw[column] = value
    if not any(nfc(v) for v in raw.values()):
        return None  # a row with text only in columns we do not read (e.g. STT alone) is blank to us
    for encoding, labels in repaired.items():
        row.warnings.append(f"Đã chuyển mã {encoding} sang Unicode: {', '.join(labels)}.")
    row.content = nfc(raw.get("content"))
    if not row.content:
        row.errors.append("Thiếu nội dung ý kiến.")
    elif len(row.content) > MAX_CONTENT:
        row.errors.append(f"Nội dung quá dài (tối đa {_n(MAX_CONTENT)} ký tự).")
    row.name = nfc_line(raw.get("name"))
    if len(row.name) > 120:
        row.errors.append("Họ và tên quá dài (tối đa 120 ký tự).")
    row.note = nfc(raw.get("note"))[:2000]
    _check_phone(row, nfc_line(raw.get("phone")))
    _check_kind(row, raw.get("kind"))
    address = nfc_line(raw.get("address"))
    if address:
        village = villages.get(fold(address))
        if village is not None:
            row.village_id, row.village_name = village.pk, village.name
        else:
            row.address = address[:255]
            row.warnings.append(f"Không có thôn “{address}” trong danh sách của xã; giữ làm địa chỉ ghi tự do.")
    return row


def _check_phone(row: Row, phone: str) -> None:
    if phone.isdigit() and len(phone) in (9, 10) and not phone.startswith("0"):
        phone = "0" + phone  # Excel drops the leading zero of a number typed as a number
    try:
        row.phone = normalise_phone(phone)
    except ValidationError:
        row.phone = phone
        row.errors.append(f"Số điện thoại “{phone}” không hợp lệ.")


def _check_kind(row: Row, value: str | None) -> None:
    kind = fold(value)
    if not kind:
        return
    code = KINDS.get(kind) or (kind.replace(" ", "_") if kind.replace(" ", "_") in KIND_LABELS else None)
    if code:
        row.kind = code
    elif kind.startswith(("khieu nai", "to cao")):
        row.errors.append("Khiếu nại, tố cáo không nhập theo danh sách; xin tiếp nhận riêng theo quy định.")
    else:
        row.errors.append(f"Loại “{nfc_line(value)}” không rõ; xin ghi: góp ý, kiến nghị, phản ánh hoặc câu hỏi.")


# ---------------------------------------------------------------- the same row sent twice


def _same_text(text: str) -> str:
    """Text as compared for sameness: case, runs of spaces and line breaks, and a closing full stop ignored;
    diacritics kept (“mà” is not “ma”)."""
    folded = " ".join(unicodedata.normalize("NFC", text.casefold()).split())
    return folded.rstrip(" .;,")


def row_key(row: Row, organization_id: int, dialogue_id: int | None) -> str:
    """What makes a row of a list the same opinion sent again (SHA-256, hex): the same organisation sends, for
    the same dialogue (or none), the same content raised by the same person (the name; blank when not given),
    compared by _same_text. The phone, village, kind and note are left out: they are details a list sent again may
    have corrected, not another opinion. A new opinion in similar words, the same words for another dialogue,
    or raised by another person is another key."""
    parts = (str(organization_id), str(dialogue_id or ""), _same_text(row.name), _same_text(row.content))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def file_hash(data: bytes) -> str:
    """SHA-256 of a file's bytes: the same file uploaded again has the same hash."""
    return hashlib.sha256(data).hexdigest()
