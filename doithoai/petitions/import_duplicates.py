"""The same list, or the same rows, imported twice (nhập trùng): which valid rows of a list were sent before.

A row's key (importing.row_key: organisation, dialogue, submitter's name and content, compared without case or
spacing) is stored on the opinion it becomes (Petition.import_key, indexed with the unit). A row is a duplicate
when an opinion already imported has its key, or when an earlier valid row of the same file has it. Reads only:
actions.check_import records the verdicts for the preview, actions.run_import enforces them (a duplicate the
user did not confirm is skipped, whatever was posted).
"""

from collections.abc import Iterable

from django.db.models import Q

from doithoai.petitions import importing
from doithoai.petitions.models import ImportRow, Petition, PetitionImport

DUPLICATE = Q(duplicate_of__gt="") | Q(duplicate_line__isnull=False)  # stored rows found to be duplicates


def imported_codes(unit_id: int, keys: Iterable[str]) -> dict[str, str]:
    """Key → the tracking code of the first opinion imported from a row with that key (one indexed query; the
    keys of one chunk of rows at a time, so the query's parameters stay few)."""
    keys = {key for key in keys if key}
    if not keys:
        return {}
    matches = (
        Petition.objects.filter(unit_id=unit_id, import_key__in=keys)
        .exclude(import_key="")  # the partial index's own condition, so that the database may use it
        .order_by()  # sorted here: an ORDER BY would lead SQLite to walk another index in its order instead
        .values_list("received_at", "pk", "import_key", "code")
    )
    return {key: code for *_, key, code in sorted(matches, reverse=True)}  # the first one received wins


class Finder:
    """Marks the duplicates among the checked rows of one list, given chunk by chunk in file order."""

    def __init__(self, batch: PetitionImport):
        self.batch = batch
        self.first_line: dict[str, int] = {}  # key → the first valid line of this file holding it
        self.created: dict[str, str] = {}  # key → code of the opinion this import created from it (while run)

    def mark(self, rows: Iterable[importing.Row | None]) -> list[importing.Row]:
        """Sets key, duplicate_of and duplicate_line on each valid row; returns the duplicates. One query."""
        valid = [row for row in rows if row is not None and row.ok]
        for row in valid:
            row.key = importing.row_key(row, self.batch.organization_id, self.batch.dialogue_id)
        codes = imported_codes(self.batch.unit_id, (row.key for row in valid))
        found = []
        for row in valid:
            row.duplicate_of = self.created.get(row.key) or codes.get(row.key, "")
            row.duplicate_line = None if row.duplicate_of else self.first_line.get(row.key)
            self.first_line.setdefault(row.key, row.line)
            if row.is_duplicate:
                found.append(row)
        return found

    def imported(self, row: importing.Row, code: str) -> None:
        self.created.setdefault(row.key, code)


def same_file(batch: PetitionImport) -> PetitionImport | None:
    """The latest earlier upload of the very same file (same bytes) by the same organisation that was not
    refused or abandoned: the import page says so (one indexed query)."""
    if not batch.file_hash:
        return None
    return (
        PetitionImport.objects.filter(organization_id=batch.organization_id, file_hash=batch.file_hash)
        .exclude(pk=batch.pk)
        .exclude(status__in=(PetitionImport.Status.FAILED, PetitionImport.Status.EXPIRED))
        .filter(Q(created_at__lt=batch.created_at) | Q(created_at=batch.created_at, pk__lt=batch.pk))
        .select_related("dialogue")
        .order_by("-created_at", "-pk")
        .first()
    )


def duplicate_rows(batch: PetitionImport):
    """The stored rows found to be duplicates, in file order."""
    return ImportRow.objects.filter(DUPLICATE, batch=batch).order_by("line")


def message(row: importing.Row) -> str:
    """Why a duplicate row is not imported (the import report lists it)."""
    if row.duplicate_of:
        return f"Trùng với ý kiến {row.duplicate_of} đã nhập; không nhập lại vì chưa xác nhận."
    return f"Trùng với dòng {row.duplicate_line} của tệp này; không nhập lại vì chưa xác nhận."
