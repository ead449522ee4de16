"""Forms of the agency inbox (Việc được giao): they only parse what the officer typed; the actions
(record_answer, request_extension, return_assignment) decide, check the file and record."""

from django import forms

from doithoai.lib.text import nfc, nfc_line
from doithoai.lib.uploads import ACCEPT
from doithoai.petitions.actions import MAX_CONTENT

MAX_REASON = 2000
MAX_NUMBER = 40
DATE_ERRORS = {"invalid": "Ngày không hợp lệ; xin nhập theo dạng ngày/tháng/năm.", "required": "Xin chọn ngày."}


def _too_long(limit: int) -> str:
    return f"Quá dài: tối đa {limit:,} ký tự.".replace(",", ".")


class DateInput(forms.DateInput):
    """A native date picker; it sends the ISO date (yyyy-mm-dd), and typed dd/mm/yyyy is understood too."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _date_field(label: str, *, required: bool, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages=DATE_ERRORS,
    )


def _reason_field(label: str, required_message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_REASON,
        error_messages={"required": required_message, "max_length": _too_long(MAX_REASON)},
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REASON}),
    )


class AnswerForm(forms.Form):
    """Trả lời: the answer text and, where there is one, the document that carries it."""

    text = forms.CharField(
        label="Nội dung trả lời, giải trình",
        max_length=MAX_CONTENT,
        error_messages={"required": "Xin ghi nội dung trả lời.", "max_length": _too_long(MAX_CONTENT)},
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_CONTENT}),
    )
    document_number = forms.CharField(
        label="Số văn bản",
        required=False,
        max_length=MAX_NUMBER,
        error_messages={"max_length": _too_long(MAX_NUMBER)},
        help_text="Ví dụ: 88/UBND-KT. Ghi cùng ngày văn bản.",
    )
    document_date = _date_field("Ngày văn bản", required=False, help_text="Không sau ngày hôm nay.")
    document_file = forms.FileField(
        label="Tệp văn bản",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text="Không bắt buộc. PDF, Word (DOCX) hoặc ảnh; đến 10 MB.",
        error_messages={
            "invalid": "Tệp gửi lên không hợp lệ.",
            "empty": "Tệp gửi lên rỗng.",
            "max_length": "Tên tệp quá dài.",
        },
    )

    def clean_text(self) -> str:
        return nfc(self.cleaned_data["text"])

    def clean_document_number(self) -> str:
        return nfc_line(self.cleaned_data["document_number"])


class ExtensionForm(forms.Form):
    """Xin gia hạn: the new date asked for and why."""

    new_deadline = _date_field("Đề nghị gia hạn đến ngày", required=True)
    reason = _reason_field("Lý do xin gia hạn", "Xin ghi lý do xin gia hạn.")


class ReturnForm(forms.Form):
    """Trả lại: why the matter is not this organisation's."""

    reason = _reason_field("Lý do trả lại", "Xin ghi lý do trả lại.")
