"""Excel and CSV import of an organisation's list of opinions: reading, checking, no web code.

A file is recognised by its bytes, never by its name: an XLSX must be a real workbook (zip parts checked by
lib.uploads, then opened by openpyxl in read-only mode), a CSV must be text (UTF-8 with or without BOM, else
Windows-1258). Formula cells are read as their formula text and never evaluated. Old TCVN3 (ABC) text is repaired
conservatively. Nothing here saves anything: `parse` returns rows with their errors and warnings.
"""

import csv
import dataclasses
import io

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from doithoai.lib import legacy_text
from doithoai.lib.contact import normalise_phone
from doithoai.lib.legacy_text import looks_tcvn3, repair_tcvn3  # noqa: F401  (kept here for older callers)
from doithoai.lib.text import fold, nfc, nfc_line
from doithoai.lib.uploads import MAX_BYTES, check_upload

MAX_ROWS = 10_000
MAX_CONTENT = 20_000
MAX_COLUMNS = 30
HEADER_SCAN = 20  # the header row is looked for among the first rows
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def submission(self) -> dict:
        """Keyword arguments for actions.submit_petition (the note is kept under the content, labelled)."""
        content = f"{self.content}\n\nGhi chú: {self.note}" if self.note else self.content
        return {"content": content, "name": self.name, "phone": self.phone, "address": self.address, "kind": self.kind}


@dataclasses.dataclass
class Parsed:
    rows: list[Row]
    source: str  # "Excel (XLSX), trang “Ý kiến”" / "CSV, mã UTF-8"
    columns: list[str]  # the recognised columns, in Vietnamese, for the preview
    layout: "Layout | None"  # the file's first rows and header, read in the same pass (for the column choice)

    @property
    def valid(self) -> list[Row]:
        return [r for r in self.rows if r.ok]

    @property
    def invalid(self) -> list[Row]:
        return [r for r in self.rows if not r.ok]


# ---------------------------------------------------------------- reading the file


@dataclasses.dataclass
class _Table:
    rows: list[tuple[int, list[str]]]  # (line number, cell texts); fully blank rows already left out
    source: str
    formulas: set[tuple[int, int]] = dataclasses.field(default_factory=set)  # (line, column) of formula cells


def _too_many() -> ImportRefused:
    return ImportRefused(
        f"Tệp có hơn {MAX_ROWS:,} dòng ý kiến; xin chia thành nhiều tệp nhỏ hơn rồi nhập lần lượt.".replace(",", ".")
    )


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


def read_table(data: bytes) -> _Table:
    """The rows of the first sheet holding opinions (XLSX) or of the CSV; ImportRefused for anything else."""
    if not data:
        raise ImportRefused("Tệp rỗng.")
    if len(data) > MAX_BYTES:
        raise ImportRefused("Tệp lớn hơn 10 MB; xin chia thành nhiều tệp nhỏ hơn.")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _read_xls(data)
    if b"\x00" in data[:65536] or filetype.guess(data[:8192]) is not None:
        raise ImportRefused("Tệp không phải bảng tính Excel (.xlsx) hay CSV; hệ thống không nhận loại tệp này.")
    return _read_csv(data)


def _read_xlsx(data: bytes) -> _Table:
    try:
        checked = check_upload(ContentFile(data, name="tep.xlsx"))
    except ValidationError as error:
        raise ImportRefused("Tệp Excel bị hỏng hoặc không phải sổ làm việc Excel (.xlsx).") from error
    if checked.content_type != XLSX:
        raise ImportRefused("Tệp nén này không phải sổ làm việc Excel (.xlsx); hệ thống không nhận.")
    import openpyxl  # imported here: only this path needs it

    try:
        # data_only=False: a formula cell gives its formula text ("=1+1"), kept as text and never evaluated,
        # instead of a cached value that may be missing (None) or stale.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds (KeyError, ValueError, zip errors …) on a bad workbook
        raise ImportRefused("Không mở được tệp Excel; xin mở lại bằng Excel và lưu dưới dạng .xlsx.") from error
    try:
        sheets = sorted(workbook.worksheets, key=lambda ws: fold(ws.title) == "huong dan")
        first = None
        for sheet in sheets:
            table = _read_sheet(sheet)
            if first is None:
                first = table
            if _find_header(table.rows) is not None:
                return table
        return first or _Table([], "Excel (XLSX)")
    finally:
        workbook.close()


def _read_sheet(sheet) -> _Table:
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # never trust the size a file claims
    rows, formulas = [], set()
    for line, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        texts = []
        for column, cell in enumerate(cells):
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", "") == "f" and value is not None:
                formulas.add((line, column))
                value = str(value)
            texts.append(_cell_text(value))
        if any(t.strip() for t in texts):
            rows.append((line, texts))
            if len(rows) > MAX_ROWS + HEADER_SCAN:
                raise _too_many()
    return _Table(rows, f"Excel (XLSX), trang “{nfc_line(sheet.title)}”", formulas)


def _read_xls(data: bytes) -> _Table:
    """An old Excel 97–2003 workbook, read by xlrd: values only (a formula cell gives its cached result, which
    xlrd cannot tell from a typed value), dates as dd/mm/YYYY; the first sheet holding opinions, as for XLSX."""
    import xlrd  # imported here: only this path needs it

    try:
        book = xlrd.open_workbook(file_contents=data)
        sheets = sorted(book.sheets(), key=lambda ws: fold(ws.name) == "huong dan")
    except Exception as error:  # xlrd raises XLRDError, CompDocError, struct and index errors … on a damaged file
        raise ImportRefused(
            "Không mở được tệp Excel cũ (.xls): tệp bị hỏng. Xin mở lại bằng Excel và lưu dưới dạng .xlsx."
        ) from error
    first = None
    for sheet in sheets:
        rows = []
        for index in range(sheet.nrows):
            texts = [_xls_text(cell, book.datemode) for cell in sheet.row(index)[:MAX_COLUMNS]]
            if any(t.strip() for t in texts):
                rows.append((index + 1, texts))
                if len(rows) > MAX_ROWS + HEADER_SCAN:
                    raise _too_many()
        table = _Table(rows, f"Excel 97–2003 (XLS), trang “{nfc_line(sheet.name)}”")
        if first is None:
            first = table
        if _find_header(rows) is not None:
            return table
    return first or _Table([], "Excel 97–2003 (XLS)")


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


def _read_csv(data: bytes) -> _Table:
    text, label = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for line, cells in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
            cells = cells[:MAX_COLUMNS]
            if any(c.strip() for c in cells):
                rows.append((line, cells))
                if len(rows) > MAX_ROWS + 1:
                    raise _too_many()
    except csv.Error as error:
        raise ImportRefused(f"Tệp CSV bị lỗi ở dòng {line}: không đọc được.") from error
    return _Table(rows, f"CSV, mã {label}")


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


def _header_columns(cells: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = _column_of(fold(cell))
        if column and column not in columns:
            columns[column] = index
    return columns


def _find_header(rows) -> int | None:
    """Index (in rows) of the first row naming a content column, among the first rows."""
    for index, (_, cells) in enumerate(rows[:HEADER_SCAN]):
        if "content" in _header_columns(cells):
            return index
    return None


# ---------------------------------------------------------------- checking rows


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


def layout(data: bytes) -> Layout:
    """Read a file and find its header row; ImportRefused only when the file cannot be read at all."""
    return _layout_of(read_table(data))


def _layout_of(table: _Table) -> Layout:
    if not table.rows:
        raise ImportRefused("Tệp không có dòng nào có chữ.")
    header = _find_header(table.rows)
    sample = table.rows[:8]
    width = max(len(cells) for _, cells in table.rows[: HEADER_SCAN + 50])
    if header is None:
        return Layout(None, {}, width, sample, table.source)
    line, cells = table.rows[header]
    return Layout(line, _header_columns(cells), width, sample, table.source)


def parse(data: bytes, villages=(), columns: dict[str, int] | None = None, header_line: int | None = None) -> Parsed:
    """Read and check a file; villages are the unit's Organization objects of kind village.

    Without `columns` the header row is looked for by its names; with them (chosen by the user for another
    layout), `header_line` is the file's line of the header row (0: no header, every row is data).
    """
    table = read_table(data)
    if columns is None:
        header = _find_header(table.rows)
        if header is None:
            raise ImportRefused(
                "Không tìm thấy cột “Nội dung ý kiến, kiến nghị” trong các dòng đầu của tệp. "
                "Xin dùng tệp mẫu, hoặc chọn cột nội dung trong bảng chọn cột."
            )
        columns = _header_columns(table.rows[header][1])
        data_rows = table.rows[header + 1 :]
    else:
        if "content" not in columns:
            raise ImportRefused("Xin chọn cột chứa nội dung ý kiến.")
        data_rows = [(line, cells) for line, cells in table.rows if line > (header_line or 0)]
    if len(data_rows) > MAX_ROWS:
        raise _too_many()
    by_fold = {}
    for village in villages:
        key = fold(village.name)
        by_fold.setdefault(key, village)
        for prefix in ("thon ", "to dan pho ", "khu pho ", "xom "):
            if key.startswith(prefix):
                by_fold.setdefault(key[len(prefix) :], village)
    rows = [_check_row(line, cells, columns, table.formulas, by_fold) for line, cells in data_rows]
    rows = [r for r in rows if r is not None]
    labels = [COLUMN_LABELS[c] for c in COLUMN_LABELS if c in columns]
    return Parsed(rows, table.source, labels, _layout_of(table) if table.rows else None)


def _check_row(line, cells, columns, formulas, villages) -> Row | None:
    row = Row(line=line)
    raw = {}
    repaired: dict[str, list[str]] = {}  # encoding → the columns converted from it
    for column, index in columns.items():
        value = cells[index] if index < len(cells) else ""
        value, encoding = legacy_text.repair(value)
        if encoding:
            repaired.setdefault(encoding, []).append(COLUMN_LABELS[column])
        if (line, index) in formulas:
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
        row.errors.append(f"Nội dung quá dài (tối đa {MAX_CONTENT:,} ký tự).".replace(",", "."))
    row.name = nfc_line(raw.get("name"))
    if len(row.name) > 120:
        row.errors.append("Họ và tên quá dài (tối đa 120 ký tự).")
    row.note = nfc(raw.get("note"))[:2000]
    phone = nfc_line(raw.get("phone"))
    if phone.isdigit() and len(phone) in (9, 10) and not phone.startswith("0"):
        phone = "0" + phone  # Excel drops the leading zero of a number typed as a number
    try:
        row.phone = normalise_phone(phone)
    except ValidationError:
        row.phone = phone
        row.errors.append(f"Số điện thoại “{phone}” không hợp lệ.")
    kind = fold(raw.get("kind"))
    if kind:
        code = KINDS.get(kind) or (kind.replace(" ", "_") if kind.replace(" ", "_") in KIND_LABELS else None)
        if code:
            row.kind = code
        elif kind.startswith(("khieu nai", "to cao")):
            row.errors.append("Khiếu nại, tố cáo không nhập theo danh sách; xin tiếp nhận riêng theo quy định.")
        else:
            row.errors.append(
                f"Loại “{nfc_line(raw.get('kind'))}” không rõ; xin ghi: góp ý, kiến nghị, phản ánh hoặc câu hỏi."
            )
    address = nfc_line(raw.get("address"))
    if address:
        village = villages.get(fold(address))
        if village is not None:
            row.village_id, row.village_name = village.pk, village.name
        else:
            row.address = address[:255]
            row.warnings.append(f"Không có thôn “{address}” trong danh sách của xã; giữ làm địa chỉ ghi tự do.")
    return row


# ---------------------------------------------------------------- the template

GUIDE = (
    "Hướng dẫn điền danh sách ý kiến, kiến nghị",
    "",
    "1. Mỗi dòng của trang “Ý kiến” là một ý kiến; chỉ cột “Nội dung ý kiến, kiến nghị” là bắt buộc.",
    "2. Họ và tên, điện thoại, thôn: ghi nếu người nêu đồng ý; có thể để trống.",
    "3. Điện thoại: 10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84.",
    "4. Thôn, tổ dân phố: ghi đúng tên thôn của xã (ví dụ “Thôn Trung”); tên khác được giữ làm địa chỉ.",
    "5. Loại: góp ý, kiến nghị, phản ánh hoặc câu hỏi; để trống là kiến nghị.",
    "6. Khiếu nại, tố cáo không gửi theo danh sách này: xin hướng dẫn người dân gửi riêng theo quy định.",
    "7. Không dùng công thức; các dòng để trống được bỏ qua; tối đa 10.000 dòng mỗi tệp.",
    "8. Lưu tệp dưới dạng Excel (.xlsx) hoặc CSV UTF-8, rồi tải lên ở trang “Nhập từ Excel”.",
)


def template_workbook() -> bytes:
    """The downloadable template: every cell a string (data type "s"), never a formula."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Ý kiến"
    for column, (title, width) in enumerate(zip(TEMPLATE_HEADERS, (6, 60, 25, 14, 20, 22, 25), strict=True), 1):
        cell = sheet.cell(row=1, column=column)
        _string(cell, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 110
    for line, text in enumerate(GUIDE, 1):
        _string(guide.cell(row=line, column=1), text)
    guide["A1"].font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _string(cell, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # openpyxl would make a formula of any text starting with "="
