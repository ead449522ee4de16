"""Peak memory and time of reading and importing lists: the largest allowed workbook, and decompression bombs.

    .venv/bin/python bench/import_memory.py [--rows N] [--only NAME]

Builds the files in a temporary folder, sets up a fresh SQLite database there (never ./data), then runs every step
in a fresh Python process and prints, per file and step, the peak resident memory of that process (getrusage
ru_maxrss) beside its baseline (after Django's set-up, before the step), the time the step took and its CPU time
(user + system: the figure to compare when the machine is busy):

- "read": what happens from the upload to the preview being ready (the cheap checks in the request, then the
  parse that the background worker runs, which keeps the rows in the database);
- "import": the confirmation and the import itself (every valid row saved through submit_petition).

The bombs must be refused by the read step, quickly and without growing the process. A step gets at most 3 GB of
address space and 300 s (a bomb that is not defused is reported as such, not left to take the machine).

To measure older code, run this file from an export of its commit (`git archive <commit> | tar -x -C DIR`, then
copy this file to DIR/bench/): before the rows were kept, "read" is the upload and one view of the preview, which
parsed the stored file again on every view.
"""

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOCABULARY = (
    "đề nghị xã sớm sửa chữa đường liên thôn bị xuống cấp nhiều ổ gà mùa mưa ngập úng người dân đi lại khó khăn "
    "nạo vét kênh mương nội đồng trước vụ xuân hỗ trợ giống lúa phân bón cho hộ nghèo cận nghèo giá vật tư tăng cao "
    "thu gom rác thải sinh hoạt đúng lịch tránh ô nhiễm môi trường khu dân cư lắp thêm đèn chiếu sáng ngõ xóm "
    "giải quyết dứt điểm việc cấp giấy chứng nhận quyền sử dụng đất còn chậm thủ tục hành chính rườm rà cán bộ "
    "tiếp dân nhiệt tình hơn trạm y tế thiếu thuốc bảo hiểm y tế học sinh trường tiểu học mái che nhà văn hóa "
    "thôn xuống cấp cần kinh phí tu bổ an ninh trật tự thanh niên tụ tập đua xe buổi tối trộm cắp vặt gia tăng"
)
WORDS = VOCABULARY.split()
VILLAGES = ("Thôn Trung", "Thôn Đông", "Thôn Tây", "Thôn Nam", "Xóm Mới")
KINDS = ("kiến nghị", "góp ý", "phản ánh", "câu hỏi")


def sentence(rng: random.Random, length: int) -> str:
    out, size = [], 0
    while size < length:
        word = rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return (" ".join(out)[: length - 1] + ".").capitalize()


def list_rows(rows: int, per_row: int):
    rng = random.Random(2026)
    for i in range(1, rows + 1):
        yield [i, sentence(rng, per_row), f"Nguyễn Văn {chr(65 + i % 26)}", f"09{i:08d}", VILLAGES[i % 5],
               KINDS[i % 4], sentence(rng, 40)]  # fmt: skip


def largest_xlsx(path: Path, rows: int, per_row: int) -> None:
    import openpyxl

    from doithoai.petitions import importing

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Ý kiến")
    sheet.append(list(importing.TEMPLATE_HEADERS))
    for row in list_rows(rows, per_row):
        sheet.append(row)
    workbook.save(path)


def largest_csv(path: Path, rows: int, per_row: int) -> None:
    import csv

    from doithoai.petitions import importing

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(importing.TEMPLATE_HEADERS)
        writer.writerows(list_rows(rows, per_row))


def largest_xls(path: Path, rows: int, per_row: int) -> None:
    import xlwt

    from doithoai.petitions import importing

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Ý kiến")
    for c, title in enumerate(importing.TEMPLATE_HEADERS):
        sheet.write(0, c, title)
    for r, row in enumerate(list_rows(rows, per_row), start=1):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Ý kiến" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def shared_strings_bomb(path: Path, expanded: int = 102_600_000, per_string: int = 32_000) -> None:
    """A workbook of a few hundred KB whose shared strings expand to about 102.6 MB: each string is a long run of one
    letter, and every string is used by one row under a header the import recognises."""
    count = expanded // (per_string + 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>Nội dung</t></is></c></row>']
        rows += [f'<row r="{i + 2}"><c r="A{i + 2}" t="s"><v>{i}</v></c></row>' for i in range(count)]
        archive.writestr(
            "xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
        )
        with archive.open("xl/sharedStrings.xml", "w") as out:
            out.write(f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'.encode())
            one = ("<si><t>" + "a" * per_string + "</t></si>").encode()
            for _ in range(count):
                out.write(one)
            out.write(b"</sst>")


def lying_bomb(path: Path) -> None:
    """The same bomb whose zip directory claims every part is small (the sizes in its headers lie)."""
    shared_strings_bomb(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        infos = archive.infolist()
    for info in infos:  # rewrite the uncompressed size in the local header and the central directory
        local = info.header_offset + 22
        data[local : local + 4] = min(info.file_size, 4000).to_bytes(4, "little")
    end = bytes(data).rfind(b"PK\x05\x06")
    offset = int.from_bytes(data[end + 16 : end + 20], "little")
    while data[offset : offset + 4] == b"PK\x01\x02":
        data[offset + 24 : offset + 28] = min(int.from_bytes(data[offset + 24 : offset + 28], "little"), 4000).to_bytes(
            4, "little"
        )
        name_len, extra_len, comment_len = (
            int.from_bytes(data[offset + k : offset + k + 2], "little") for k in (28, 30, 32)
        )
        offset += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


def xls_loop_bomb(path: Path) -> None:
    """A 7 KB .xls whose compound file sends the Workbook stream through a mini allocation table that points at
    itself: xlrd follows that chain for ever, growing."""
    import struct

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Ý kiến")
    sheet.write(0, 0, "Nội dung")
    sheet.write(1, 0, "Đề nghị sửa đường.")
    out = io.BytesIO()
    book.save(out)
    data, sector = bytearray(out.getvalue()), 512
    first_new = (len(data) - 512) // sector
    sat = 512 + struct.unpack_from("<i", data, 76)[0] * sector
    struct.pack_into("<ii", data, sat + 4 * first_new, -2, -2)  # two appended sectors, each a chain of one
    root = 512 + struct.unpack_from("<i", data, 48)[0] * sector
    struct.pack_into("<iI", data, root + 0x74, first_new, 64)  # the mini stream: the first appended sector
    struct.pack_into("<i", data, 56, 0x7FFFFFFF)  # every stream counts as small: read through the mini stream
    struct.pack_into("<ii", data, 60, first_new + 1, 1)  # the mini allocation table: zeros, so 0 → 0 → 0 …
    path.write_bytes(bytes(data) + b"x" * sector + b"\x00" * sector)


def csv_bomb(path: Path) -> None:
    """10 MB of separators: a CSV whose one row would have ten million columns."""
    path.write_bytes(b"N\xe1\xbb\x99i dung\n" + b"," * (10 * 1024 * 1024 - 20))


BUILDERS = {  # name → builder(path, rows, characters of content per row)
    "largest.xlsx": largest_xlsx,
    "largest.csv": lambda path, rows, per_row: largest_csv(path, rows, per_row * 2 // 3),  # 10 MB of text at most
    "largest.xls": lambda path, rows, per_row: largest_xls(path, rows, min(per_row, 400)),  # UTF-16: 10 MB at most
    "bomb.xlsx": lambda path, rows, per_row: shared_strings_bomb(path),
    "lying-bomb.xlsx": lambda path, rows, per_row: lying_bomb(path),
    "bomb.csv": lambda path, rows, per_row: csv_bomb(path),
    "loop-bomb.xls": lambda path, rows, per_row: xls_loop_bomb(path),
}
STEP_TIMEOUT = 300  # seconds; a step still running then is reported as hung and killed
STEP_MEMORY = 3 * 1024**3  # address space a step may take (a bomb that is not defused dies here, not the machine)


# ---------------------------------------------------------------- the measured steps (a fresh process each)


def _django(data_dir: str):
    os.environ["DOITHOAI_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doithoai.settings")
    import django

    django.setup()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def setup(data_dir: str) -> None:
    _django(data_dir)
    from django.core.management import call_command

    from tests import factories

    call_command("migrate", verbosity=0)
    commune = factories.CommuneSet.create()
    factories.user_with_role("org_rep", commune.unit, commune.farmers, username="bench-rep")
    from doithoai.accounts.models import Organization

    for name in VILLAGES:
        factories.OrganizationFactory(unit=commune.unit, name=name, kind=Organization.Kind.VILLAGE)


def step(data_dir: str, name: str, path: str) -> dict:
    resource.setrlimit(resource.RLIMIT_AS, (STEP_MEMORY, STEP_MEMORY))
    _django(data_dir)
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from doithoai.accounts.models import Organization
    from doithoai.petitions import actions, importing
    from doithoai.petitions.models import PetitionImport

    rep = get_user_model().objects.get(username="bench-rep")
    farmers = Organization.objects.get(name="Hội Nông dân xã")
    baseline, cpu = _rss_mb(), _cpu_seconds()
    started = time.perf_counter()
    result = {}
    try:
        if name == "read":
            data = Path(path).read_bytes()
            batch = actions.upload_import(farmers, data=data, original_name=Path(path).name, by=rep)
            del data
            if hasattr(actions, "read_import"):  # read by the worker, once, into stored rows
                batch = actions.read_import(batch.pk)  # (nothing more to do when the upload read a small file)
                result["rows"] = batch.rows_total
            else:  # before: the preview page parsed the stored file again on every view
                result["rows"] = len(actions.parse_import(batch).rows)
            result.update(status=batch.status, error=getattr(batch, "error", ""))
        else:
            batch = PetitionImport.objects.filter(original_name=Path(path).name).latest("pk")
            batch = actions.start_import(batch, skip_errors=True, by=rep)
            batch = actions.run_import(batch.pk) if batch.status == "queued" else batch
            result.update(status=batch.status, rows=batch.rows_done, error=batch.error)
    except importing.ImportRefused as error:
        result.update(status="refused", error=str(error))
    except ValidationError as error:  # the confirmation refused: no valid row
        result.update(status="refused", error=" ".join(error.messages))
    except MemoryError:
        result.update(status="out of memory", error=f"passed {STEP_MEMORY // 1024**3} GB of address space")
    result.update(
        seconds=round(time.perf_counter() - started, 1),
        cpu=round(_cpu_seconds() - cpu, 1),
        baseline_mb=round(baseline),
        peak_mb=round(_rss_mb()),
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--per-row", type=int, default=900, help="characters of content per row")
    parser.add_argument("--only", nargs="*", default=None, help="only these files (largest.xlsx, bomb.xlsx …)")
    parser.add_argument("--work", help="folder for the files and the database (default: a new temporary folder)")
    parser.add_argument("--child", nargs=3, metavar=("STEP", "DATA_DIR", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--setup", metavar="DATA_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        return setup(args.setup)
    if args.build:
        name, path, rows, per_row, data_dir = args.build
        _django(data_dir)
        return BUILDERS[name](Path(path), int(rows), int(per_row))
    if args.child:
        print(json.dumps(step(args.child[1], args.child[0], args.child[2]), ensure_ascii=False))
        return None
    work = Path(args.work or tempfile.mkdtemp(prefix="doithoai-bench-"))
    (work / "data").mkdir(parents=True, exist_ok=False)  # a fresh database every run
    data_dir = str(work / "data")
    # This process stays small and never imports Django: a child's ru_maxrss counts what it inherited at fork.
    run = [sys.executable, __file__]
    subprocess.run([*run, "--setup", data_dir], check=True)  # noqa: S603 (this very script)
    print(
        f"{'file':<16} {'size':>9} {'step':<7} {'status':<10} {'rows':>6} {'base MB':>8} {'peak MB':>8} {'s':>6} {'cpu s':>6}  note"
    )
    for name in BUILDERS:
        if args.only and name not in args.only:
            continue
        path = work / name
        subprocess.run([*run, "--build", name, str(path), str(args.rows), str(args.per_row), data_dir], check=True)  # noqa: S603
        for step_name in ("read", "import"):
            try:
                out = subprocess.run(  # noqa: S603
                    [*run, "--child", step_name, data_dir, str(path)], capture_output=True, text=True,
                    timeout=STEP_TIMEOUT,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                print(
                    f"{name:<16} {path.stat().st_size / 1e6:>7.2f}MB {step_name:<7} hung: killed after {STEP_TIMEOUT} s"
                )
                break
            if out.returncode:
                print(f"{name:<16} {step_name}: failed\n{out.stderr[-2000:]}")
                break
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{name:<16} {path.stat().st_size / 1e6:>7.2f}MB {step_name:<7} {r['status']:<10} {r.get('rows', 0):>6} "
                  f"{r['baseline_mb']:>8} {r['peak_mb']:>8} {r['seconds']:>6} {r['cpu']:>6}  {(r.get('error') or '')[:70]}")  # fmt: skip
            if r["status"] in ("refused", "failed", "out of memory"):
                break
    print(f"(files and database in {work})")


if __name__ == "__main__":
    main()
