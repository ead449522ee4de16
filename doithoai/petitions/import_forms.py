"""Forms of the Excel/CSV import page: the upload, and the confirmation that carries the signed file token."""

from django import forms

from doithoai.lib.uploads import MAX_BYTES


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp danh sách ý kiến",
        help_text="Excel (.xlsx) hoặc CSV; tối đa 10.000 dòng, 10 MB. Nên dùng tệp mẫu.",
        error_messages={"required": "Xin chọn tệp để tải lên.", "empty": "Tệp rỗng."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.xls"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("Tệp lớn hơn 10 MB; xin chia thành nhiều tệp nhỏ hơn.")
        return upload


class ImportCommitForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    skip_errors = forms.BooleanField(
        label="Bỏ qua các dòng lỗi: chỉ nhập các dòng hợp lệ (các dòng lỗi không được lưu)", required=False
    )
