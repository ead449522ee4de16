"""Backfill Petition.import_key for the opinions imported from a list before 0011 added the key, so that a list
imported then and uploaded again now is flagged as sent before (import_duplicates).

The key is importing.row_key as it stands at this migration, copied here (row_key below) rather than imported:
row_key takes an importing.Row, a dataclass the import may reshape, and a migration must compute what it computed
when it was written, however the app's code changes later. tests/petitions/test_import_duplicates.py checks that
the copy and importing.row_key agree; if row_key ever changes, old keys need a new migration, not an edit here.

What a row's key was made of is all still on the opinion and its import (PetitionImport, never deleted once
imported): the organisation and dialogue of the import, the name as stored (the row's name, already trimmed), and
the content as stored, less the note actions.run_import appends ("\n\nGhi chú: …", importing.Row.submission) when
the import read a note column. Opinions typed into the organisation's form (channel org_batch, no import) have no
key now either, and get none.

Batched: 1,000 opinions at a time, read by primary key (keyset) and written with bulk_update, each batch committed
on its own (atomic = False), so a large table is not locked at once and a run stopped half-way resumes where it was.
Reverse: the keys of opinions whose import predates 0011 (no file hash) are emptied again; keys the import wrote
itself since 0011 are kept.
"""

import hashlib
import unicodedata

from django.db import migrations, transaction

BATCH = 1000
NOTE = "\n\nGhi chú: "  # importing.Row.submission: how a row's note is kept under its content


def _same_text(text: str) -> str:
    """importing._same_text: case, runs of spaces and line breaks, and a closing full stop ignored."""
    folded = " ".join(unicodedata.normalize("NFC", text.casefold()).split())
    return folded.rstrip(" .;,")


def row_key(organization_id: int, dialogue_id: int | None, name: str, content: str) -> str:
    """importing.row_key, on the row's fields rather than on an importing.Row."""
    parts = (str(organization_id), str(dialogue_id or ""), _same_text(name), _same_text(content))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def row_content(content: str, note_column: bool) -> str:
    """The content cell an opinion was imported from: its stored content less the appended note, if the import
    read a note column (without one, a "Ghi chú:" in the content is the citizen's own text)."""
    if note_column and NOTE in content:
        return content.split(NOTE, 1)[0]
    return content


def _chunks(queryset):
    """The queryset's rows, BATCH at a time by primary key: each chunk read whole before it is written, so no
    write goes to the table under an open cursor (SQLite gives no isolation between the two)."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def backfill_import_keys(apps, schema_editor) -> None:
    Petition = apps.get_model("petitions", "Petition")
    keyless = (
        Petition.objects.filter(channel="org_batch", imported_in__isnull=False, import_key="")
        .select_related("imported_in")
        .only("pk", "content", "submitter_name", "imported_in__organization", "imported_in__dialogue",
              "imported_in__columns")
    )
    for chunk in _chunks(keyless):
        for petition in chunk:
            batch = petition.imported_in
            content = row_content(petition.content, "note" in (batch.columns or {}))
            petition.import_key = row_key(batch.organization_id, batch.dialogue_id, petition.submitter_name, content)
        with transaction.atomic():
            Petition.objects.bulk_update(chunk, ["import_key"])


def clear_import_keys(apps, schema_editor) -> None:
    Petition = apps.get_model("petitions", "Petition")
    keyed = Petition.objects.filter(imported_in__file_hash="").exclude(import_key="").only("pk")
    for chunk in _chunks(keyed):
        for petition in chunk:
            petition.import_key = ""
        with transaction.atomic():
            Petition.objects.bulk_update(chunk, ["import_key"])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0011_import_duplicates"),
    ]

    operations = [
        migrations.RunPython(backfill_import_keys, clear_import_keys, elidable=True),
    ]
