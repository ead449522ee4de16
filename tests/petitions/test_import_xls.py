"""Old Excel 97–2003 (.xls) lists, written here with xlwt and read through xlrd (importing.open_table): text, numbers,
dates, empty and damaged files, and old VNI / TCVN3 text repaired with a warning."""

import datetime as dt
import io

import pytest
import xlwt

from doithoai.petitions import importing
from tests.petitions.test_import import GOOD, parse, read_table

HEADER = list(importing.TEMPLATE_HEADERS)
DATE = xlwt.easyxf(num_format_str="DD/MM/YYYY")


def xls(rows, header=HEADER, title="Ý kiến", sheets_before=()) -> bytes:
    """A real .xls workbook; a date or datetime value is written as an Excel date (a number with a date format)."""
    book = xlwt.Workbook(encoding="utf-8")
    for name, lines in sheets_before:
        before = book.add_sheet(name)
        for r, line in enumerate(lines):
            before.write(r, 0, line)
    sheet = book.add_sheet(title)
    for r, row in enumerate(([header] if header else []) + list(rows)):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write(r, c, value, DATE)
            else:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_good_xls_list_gives_its_rows():
    data = xls(GOOD)
    assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    parsed = parse(data, villages=[])
    assert parsed.source == "Excel 97–2003 (XLS), trang “Ý kiến”"
    assert [r.line for r in parsed.rows] == [2, 3, 4] and all(r.ok for r in parsed.rows)
    first, second, third = parsed.rows
    assert first.content == "Đề nghị nạo vét kênh tưới thôn Trung trước vụ xuân."
    assert first.name == "Thân Văn Cường" and first.phone == "0912345678" and first.kind == "kien_nghi"
    assert first.address == "Thôn Trung"  # no villages given: kept as a free address, with a warning
    assert second.kind == "gop_y" and second.name == "" and second.phone == ""
    assert third.kind == "cau_hoi" and third.address == "Xóm Mới"
    assert "Nội dung" in parsed.columns and "Loại" in parsed.columns


def test_a_phone_typed_as_a_number_gets_its_leading_zero_back():
    (row,) = parse(xls([[1, "Đèn đường hỏng.", "Lê Văn Hùng", 912345678]]), villages=[]).rows
    assert row.phone == "0912345678" and row.ok


def test_numbers_are_read_as_excel_shows_them():
    (row,) = parse(xls([[1.0, "Ý kiến", "", "", "", "", 2.5]]), villages=[]).rows
    assert row.note == "2.5"
    table = read_table(xls([[7.0, "Ý kiến", "", "", "", "", 1200]]))
    assert table.rows[1][1][0] == "7" and table.rows[1][1][6] == "1200"


def test_a_date_cell_reads_as_day_month_year():
    data = xls([[1, "Họp thôn về đường liên thôn.", "", "", "", "", dt.date(2026, 3, 5)]])
    (row,) = parse(data, villages=[]).rows
    assert row.note == "05/03/2026"


def test_a_date_and_time_cell_keeps_only_the_date():
    data = xls([[1, "Ý kiến", "", "", "", "", dt.datetime(2025, 12, 31, 14, 30)]])
    assert parse(data, villages=[]).rows[0].note == "31/12/2025"


def test_the_sheet_with_the_list_is_found_after_a_guide_sheet():
    data = xls(GOOD[:1], sheets_before=[("Hướng dẫn", ["Hướng dẫn điền danh sách", "1. Mỗi dòng là một ý kiến."])])
    parsed = parse(data, villages=[])
    assert parsed.source.endswith("trang “Ý kiến”") and len(parsed.rows) == 1


def test_an_empty_file_is_refused():
    with pytest.raises(importing.ImportRefused, match="Tệp rỗng"):
        parse(b"", villages=[])


def test_an_xls_with_an_empty_sheet_has_no_rows_and_no_list():
    data = xls([], header=None)
    assert read_table(data).rows == []
    with pytest.raises(importing.ImportRefused):
        parse(data, villages=[])


def test_an_xls_with_only_the_header_has_no_rows():
    assert parse(xls([]), villages=[]).rows == []


@pytest.mark.parametrize(
    "garbage",
    [b"\x00" * 600, b"garbage that is not a compound document " * 20, bytes(range(256)) * 4],
)
def test_a_damaged_xls_is_refused_in_vietnamese(garbage):
    with pytest.raises(importing.ImportRefused, match="tệp bị hỏng") as refused:
        parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + garbage, villages=[])
    assert "Không mở được tệp Excel cũ (.xls)" in str(refused.value)


def test_a_truncated_xls_is_refused():
    data = xls(GOOD)
    with pytest.raises(importing.ImportRefused, match="tệp bị hỏng"):
        parse(data[: len(data) // 3], villages=[])


def test_vni_text_in_the_content_column_is_repaired_with_a_warning():
    rows = [[1, "Ñeà nghò söûa ñöôøng lieân thoân, xaõ Taân Yeân.", "Nguyễn Văn An"]]
    (row,) = parse(xls(rows), villages=[]).rows
    assert row.content == "Đề nghị sửa đường liên thôn, xã Tân Yên."
    assert row.name == "Nguyễn Văn An"
    assert "Đã chuyển mã VNI sang Unicode: Nội dung." in row.warnings


def test_vni_and_tcvn3_cells_in_one_row_are_each_named():
    rows = [[1, "Hoäi Noâng daân xaõ ñeà nghò hoã trôï gioáng luùa.", "TrÇn V¨n B¶o"]]
    (row,) = parse(xls(rows), villages=[]).rows
    assert row.content == "Hội Nông dân xã đề nghị hỗ trợ giống lúa." and row.name == "Trần Văn Bảo"
    assert "Đã chuyển mã VNI sang Unicode: Nội dung." in row.warnings
    assert "Đã chuyển mã TCVN3 sang Unicode: Họ và tên." in row.warnings


def test_unicode_text_in_an_xls_gets_no_conversion_warning():
    parsed = parse(xls(GOOD), villages=[])
    assert not any("chuyển mã" in w for r in parsed.rows for w in r.warnings)
