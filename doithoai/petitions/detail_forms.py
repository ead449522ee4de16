"""Forms of the staff detail page of one petition: one small form per action panel.

They only parse (and NFC-normalise at the boundary); the action in petitions/actions.py decides and records.
Choices come from lists the view reads once, so the page costs the same number of queries whatever the form.
"""

from django import forms
from django.core.exceptions import ValidationError

from doithoai.lib import clock
from doithoai.lib.text import nfc, nfc_line
from doithoai.petitions.actions import MAX_CONTENT
from doithoai.petitions.models import Petition
from doithoai.petitions.queries import normalise_code

REQUIRED = "Xin điền mục này."
NOT_LISTED = "Lựa chọn này không có trong danh sách; xin chọn lại."
BAD_DATE = "Ngày không hợp lệ; xin nhập theo dạng ngày/tháng/năm, ví dụ 27/11/2026."
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
DEADLINE_HELP = "Để trống: giữ hạn đã tính; nếu hạn đó đã qua, tính lại từ hôm nay theo thời hạn của đơn vị."


def _messages(limit: int | None = None) -> dict[str, str]:
    messages = {"required": REQUIRED, "invalid_choice": NOT_LISTED, "invalid": BAD_DATE}
    if limit:
        messages["max_length"] = f"Tối đa {limit:,} ký tự.".replace(",", ".")
    return messages


def _text(label: str, limit: int, *, required: bool = True, rows: int | None = None, help_text: str = ""):
    widget = (
        forms.Textarea(attrs={"rows": rows, "maxlength": limit})
        if rows
        else forms.TextInput(attrs={"maxlength": limit})
    )
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        widget=widget,
        help_text=help_text,
        error_messages=_messages(limit),
        strip=True,
    )


def _date(label: str, *, required: bool = True, help_text: str = ""):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=_messages(),
    )


def _org_choices(orgs, blank: str | None = None) -> list[tuple[str, str]]:
    choices = [(str(o.pk), o.name) for o in orgs]
    return [("", blank), *choices] if blank is not None else choices


class NfcForm(forms.Form):
    """Every text field NFC-normalised (one-line fields also lose their newlines)."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                widget = self.fields[name].widget
                data[name] = nfc(value) if isinstance(widget, forms.Textarea) else nfc_line(value)
        return data


class SummaryForm(NfcForm):
    public_summary = _text(
        "Tóm tắt công khai",
        2000,
        required=False,
        rows=4,
        help_text="Điều người dân đọc trên trang công khai; không nêu tên, số điện thoại, địa chỉ người gửi.",
    )


class ClassifyForm(NfcForm):
    topic = forms.ChoiceField(label="Lĩnh vực", error_messages=_messages())
    kind = forms.ChoiceField(label="Loại", choices=Petition.Kind.choices, error_messages=_messages())
    jurisdiction = forms.ChoiceField(
        label="Thẩm quyền", choices=Petition.Jurisdiction.choices, error_messages=_messages()
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = {str(t.pk): t for t in topics}
        self.fields["topic"].choices = [("", "— Chọn lĩnh vực —"), *((k, t.name) for k, t in self.topics.items())]

    def clean_topic(self):
        return self.topics[self.cleaned_data["topic"]]


class MergeForm(NfcForm):
    target = _text(
        "Mã ý kiến chính",
        40,
        help_text="Mã theo dõi của ý kiến cùng nội dung sẽ giữ lại (ví dụ K7QX-M3RW-9HTD-B).",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates  # petitions the user may open, of the same unit

    def clean_target(self):
        code = normalise_code(self.cleaned_data["target"])
        parent = self.candidates.filter(code=code).first() if code else None
        if parent is None:
            raise ValidationError("Không tìm thấy ý kiến có mã này trong các ý kiến bạn được xem; xin kiểm tra lại mã.")
        return parent


class DeclineForm(NfcForm):
    reason = _text("Lý do không thụ lý", 2000, rows=3, help_text="Người gửi sẽ đọc lý do này.")


class LegalTrackForm(NfcForm):
    body = _text("Cơ quan có thẩm quyền giải quyết", 200)
    document = _text("Số văn bản chuyển", 60, required=False)


class AssignForm(NfcForm):
    lead = forms.ChoiceField(label="Cơ quan chủ trì", error_messages=_messages())
    # Check boxes, not a Ctrl-click list: on a phone each organisation is one tap.
    coordinating = forms.MultipleChoiceField(
        label="Cơ quan phối hợp",
        required=False,
        error_messages=_messages(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Không bắt buộc; đánh dấu các cơ quan, tổ chức cùng giải quyết (cơ quan chủ trì không cần đánh dấu).",
    )
    deadline = _date("Hạn xử lý", required=False, help_text=DEADLINE_HELP)
    instructions = _text("Ý kiến chỉ đạo", 4000, required=False, rows=3)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        if (start := self.initial.get("deadline")) and start < clock.today():
            # A case reopened long ago: its passed deadline is not offered; left blank, actions.assign computes one.
            self.initial = {**self.initial, "deadline": None}
        self.orgs = {str(o.pk): o for o in orgs}
        self.fields["lead"].choices = _org_choices(orgs, "— Chọn cơ quan chủ trì —")
        self.fields["coordinating"].choices = _org_choices(orgs)

    def clean_lead(self):
        return self.orgs[self.cleaned_data["lead"]]

    def clean_coordinating(self):
        return [self.orgs[pk] for pk in self.cleaned_data["coordinating"]]


class ForwardForm(NfcForm):
    authority = forms.ChoiceField(label="Cấp có thẩm quyền", error_messages=_messages())
    outgoing_number = _text("Số công văn chuyển", 40)
    outgoing_date = _date("Ngày công văn chuyển")
    deadline = _date("Hạn trả lời", required=False, help_text="Để trống: tính theo thời hạn của đơn vị.")

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {str(o.pk): o for o in authorities}
        self.fields["authority"].choices = _org_choices(authorities, "— Chọn cơ quan —")

    def clean_authority(self):
        return self.orgs[self.cleaned_data["authority"]]


class HigherAnswerForm(NfcForm):
    text = _text("Nội dung trả lời của cấp trên", MAX_CONTENT, rows=5)
    document_number = _text("Số văn bản", 40, required=False)
    document_date = _date("Ngày văn bản", required=False)
    document_file = forms.FileField(
        label="Tệp văn bản",
        required=False,
        error_messages={"invalid": "Tệp gửi lên không hợp lệ.", "empty": "Tệp gửi lên rỗng."},
        help_text="Không bắt buộc: ảnh, PDF, Word (DOCX) hoặc Excel (XLSX), đến 10 MB.",
    )


class DialogueAnswerForm(NfcForm):
    text = _text("Nội dung trả lời tại hội nghị", MAX_CONTENT, rows=5)
    organization = forms.ChoiceField(label="Cơ quan trả lời", required=False, error_messages=_messages())

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {str(o.pk): o for o in orgs}
        self.fields["organization"].choices = _org_choices(orgs, "Chủ trì hội nghị trả lời")

    def clean_organization(self):
        value = self.cleaned_data["organization"]
        return self.orgs[value] if value else None


class ApproveForm(NfcForm):
    public_text = _text(
        "Nội dung trả lời công khai",
        MAX_CONTENT,
        rows=6,
        help_text="Người dân đọc nội dung này khi công khai; bỏ thông tin cá nhân nếu có.",
    )


class ReturnAnswerForm(NfcForm):
    reason = _text(
        "Lý do trả lại",
        2000,
        rows=3,
        help_text="Nơi trả lời đọc lý do này (điều cần bổ sung, làm rõ) rồi trả lời lại; trả lời mới lại chờ duyệt.",
    )


class PublishForm(NfcForm):
    """No fields: the panel shows what the public will see; the button confirms."""


class CloseForm(NfcForm):
    reason = _text("Lý do kết thúc không công khai", 2000, rows=3)


class ExtensionDecisionForm(NfcForm):
    decision = forms.ChoiceField(
        label="Quyết định",
        choices=[("grant", "Đồng ý gia hạn"), ("refuse", "Không đồng ý gia hạn")],
        widget=forms.RadioSelect,
        error_messages={"required": "Xin chọn đồng ý hay không đồng ý.", "invalid_choice": "Lựa chọn không hợp lệ."},
    )
    note = _text("Ý kiến (nếu có)", 2000, rows=2, required=False)
