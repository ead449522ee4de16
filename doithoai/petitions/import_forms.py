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
                label=label, choices=choices, coerce=int, empty_value=None, required=field == "content",
                initial=chosen.get(field), error_messages={"required": "Xin chọn cột chứa nội dung ý kiến."},
            )  # fmt: skip
        lines = [("0", "Không có dòng tiêu đề: mọi dòng đều là ý kiến")]
        lines += [
            (str(line), f"Dòng {line}: {' | '.join(c for c in cells if c.strip())[:60]}")
            for line, cells in found.sample
        ]
        self.fields["header_line"] = forms.TypedChoiceField(
            label="Dòng tiêu đề", choices=lines, coerce=int,
            initial=header_line if header_line is not None else (found.sample[0][0] if found.sample else 0),
            help_text="Các dòng từ dòng tiêu đề trở lên không được nhập.",
        )  # fmt: skip

    def columns(self) -> dict[str, int | None]:
        return {field: self.cleaned_data.get(field) for field in importing.COLUMN_LABELS}


class ImportCommitForm(forms.Form):
    skip_errors = forms.BooleanField(
        label="Bỏ qua các dòng lỗi: chỉ nhập các dòng hợp lệ (các dòng lỗi không được lưu)", required=False
    )
