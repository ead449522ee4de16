"""Forms of the Excel/CSV import pages: the upload, the column choice for other layouts, the confirmation."""

from django import forms

from doithoai.lib.uploads import MAX_BYTES
from doithoai.petitions import importing


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp danh sách ý kiến",
        help_text="Excel (.xlsx, .xls) hoặc CSV; tối đa 10.000 dòng, 10 MB. Nên dùng tệp mẫu.",
        error_messages={"required": "Xin chọn tệp để tải lên.", "empty": "Tệp rỗng."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    dialogue = forms.ModelChoiceField(
        label="Ý kiến gửi cho buổi đối thoại",
        queryset=None,
        required=False,
        empty_label="— Không gắn với buổi nào —",
        help_text="Nếu danh sách được tổng hợp để gửi một buổi tiếp xúc, đối thoại.",
        error_messages={"invalid_choice": "Buổi đối thoại đã chọn không có trong danh sách."},
    )

    def __init__(self, *args, dialogues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dialogue"].queryset = dialogues
        self.fields["dialogue"].label_from_instance = lambda d: d.title

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("Tệp lớn hơn 10 MB; xin chia thành nhiều tệp nhỏ hơn.")
        return upload


class ImportColumnsForm(forms.Form):
    """Which column of the file holds what: one choice per field, and the header row (0: none)."""

    def __init__(self, *args, found: importing.Layout, chosen: dict[str, int], header_line: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sample = found.sample
        headers = dict(found.sample)
        header_cells = headers.get(header_line or 0, [])
        choices = [("", "— Không có —")]
        for index in range(found.width):
            title = header_cells[index].strip() if index < len(header_cells) else ""
            if not title:
                title = next(
                    (cells[index].strip() for _, cells in found.sample if index < len(cells) and cells[index].strip()),
                    "",
                )
            label = f"Cột {importing.column_letter(index)}" + (f": {title[:40]}" if title else "")
            choices.append((str(index), label))
        for field, label in importing.COLUMN_LABELS.items():
            self.fields[field] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=field == "content",
                initial=chosen.get(field),
                error_messages={"required": "Xin chọn cột chứa nội dung ý kiến."},
            )
        lines = [("0", "Không có dòng tiêu đề: mọi dòng đều là ý kiến")]
        lines += [
            (str(line), f"Dòng {line}: {' | '.join(c for c in cells if c.strip())[:60]}")
            for line, cells in found.sample
        ]
        self.fields["header_line"] = forms.TypedChoiceField(
            label="Dòng tiêu đề",
            choices=lines,
            coerce=int,
            initial=header_line if header_line is not None else (found.sample[0][0] if found.sample else 0),
            help_text="Các dòng từ dòng tiêu đề trở lên không được nhập.",
        )

    def columns(self) -> dict[str, int | None]:
        return {field: self.cleaned_data.get(field) for field in importing.COLUMN_LABELS}


class ImportCommitForm(forms.Form):
    """The confirmation: skip the rows with errors, and which rows sent before to import all the same."""

    skip_errors = forms.BooleanField(label="Bỏ qua các dòng lỗi", required=False)
    confirm = forms.TypedMultipleChoiceField(
        label="Vẫn nhập dòng này",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Dòng %(value)s không có trong danh sách các dòng trùng để xác nhận."},
    )

    def __init__(self, *args, batch, duplicate_lines: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch
        self.fields["confirm"].choices = [(line, line) for line in duplicate_lines]
        if batch.rows_invalid:
            self.fields[
                "skip_errors"
            ].label = f"Bỏ qua {batch.rows_invalid} dòng lỗi: chỉ nhập các dòng hợp lệ (các dòng lỗi không được lưu)"

    def chosen(self) -> tuple[int | None, bool | None]:
        """(duplicates confirmed, errors skipped) as posted; (None, None) before anything is posted, when the page
        cannot know what the user ticks (without scripts the button's wording cannot follow the ticks)."""
        if not self.is_bound:
            return None, None
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return len(data.get("confirm") or ()), bool(data.get("skip_errors"))

    def wording(self) -> dict:
        """The confirm button's wording now, and what a script needs to keep it true as the boxes are ticked."""
        batch = self.batch
        fresh = batch.rows_valid - batch.rows_duplicate
        confirmed, skip = self.chosen()
        return {
            "label": commit_label(fresh, batch.rows_invalid, batch.rows_duplicate, confirmed=confirmed, skip=skip),
            "script": {"fresh": fresh, "errors": batch.rows_invalid, **COMMIT_LABELS},
        }


# What the confirm button says (static/js/import.js fills the same patterns as the boxes are ticked).
COMMIT_LABELS = {
    "plain": "Nhập {n} dòng hợp lệ",
    "confirmed": "Nhập {n} dòng, trong đó {c} dòng trùng đã xác nhận",
    "nothing": "Không có dòng nào để nhập",
    "needs_skip": "{label} (cần chọn bỏ qua {e} dòng lỗi)",
    # Before anything is posted the page does not know which duplicates will be ticked: it says it in words.
    "unknown": "Nhập {n} dòng không trùng và các dòng trùng đã đánh dấu “Vẫn nhập”",
    "unknown_only": "Nhập các dòng trùng đã đánh dấu “Vẫn nhập”",
}


def commit_label(fresh: int, errors: int, duplicates: int, *, confirmed: int | None, skip: bool | None) -> str:
    """What pressing the confirm button does: `fresh` valid rows not sent before, plus the `confirmed`
    duplicates; with rows in error, only once they are skipped. `confirmed`/`skip` None: not known (no script
    follows the ticks), so the wording states the rule rather than a count it cannot know."""
    if confirmed is None and duplicates:
        text = COMMIT_LABELS["unknown"].format(n=fresh) if fresh else COMMIT_LABELS["unknown_only"]
    else:
        confirmed = confirmed or 0
        count = fresh + confirmed
        if not count:
            return COMMIT_LABELS["nothing"]
        text = COMMIT_LABELS["confirmed" if confirmed else "plain"].format(n=count, c=confirmed)
    if errors and not skip:
        text = COMMIT_LABELS["needs_skip"].format(label=text, e=errors)
    return text
