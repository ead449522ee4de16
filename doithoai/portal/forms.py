"""Public forms: the opinion form, the code look-up and the satisfaction rating.

The forms only parse and NFC-clean what was typed; the rules (consent, anonymity, contact details, files) are
checked once, in petitions.actions.submit_petition, whose errors the view puts back beside each field.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doithoai.accounts.models import Organization, Unit
from doithoai.lib.form_token import FormTokenField
from doithoai.lib.forms import show_action_errors
from doithoai.lib.text import nfc, nfc_line
from doithoai.lib.uploads import ACCEPT, MAX_BYTES, MAX_FILES
from doithoai.petitions.actions import MAX_CONTENT
from doithoai.petitions.models import Petition
from doithoai.petitions.queries import normalise_code

K = Petition.Kind

# One plain line for each kind, shown beside the choice.
KIND_HELP = {
    K.GOP_Y: _("Ý kiến đóng góp để công việc chung của xã làm tốt hơn."),
    K.KIEN_NGHI: _("Đề nghị cơ quan xem xét, giải quyết một việc cụ thể (đường, điện, nước, chính sách…)."),
    K.PHAN_ANH: _("Báo cho cơ quan biết một việc đang xảy ra chưa đúng, chưa tốt (ô nhiễm, lấn chiếm, mất trật tự…)."),
    K.CAU_HOI: _("Hỏi về chủ trương, chính sách, thủ tục để được giải đáp."),
    K.KHIEU_NAI: _(
        "Đề nghị xem xét lại quyết định hoặc việc làm của cơ quan, cán bộ mà bạn cho là trái pháp luật, "
        "xâm phạm quyền lợi của chính bạn. Phải ghi rõ họ tên, địa chỉ."
    ),
    K.TO_CAO: _(
        "Báo cho cơ quan có thẩm quyền biết hành vi vi phạm pháp luật của cá nhân, tổ chức. Phải ghi rõ họ tên, "
        "địa chỉ; danh tính người tố cáo được giữ bí mật."
    ),
}

# Keys of submit_petition's error dictionary that are named differently here; the rest fall on the form.
_ERROR_FIELDS = {"organization": "organization_name", "channel": None, "dialogue": None}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """Up to MAX_FILES files in one <input type=file multiple>; their content is checked by the action."""

    widget = MultipleFileInput

    def to_python(self, data) -> list:
        if not data:
            return []
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        for upload in files:  # phones often send "ảnh đường.jpg" decomposed (NFD): stored and shown as NFC
            upload.name = nfc_line(upload.name)
        return files


def _text(label, max_length, *, help_text="", autocomplete="", input_type="text", **attrs) -> forms.CharField:
    attrs = {"autocomplete": autocomplete, **attrs} if autocomplete else attrs
    widget = forms.TextInput(attrs={"type": input_type, **attrs})
    return forms.CharField(label=label, max_length=max_length, required=False, help_text=help_text, widget=widget)


class PetitionForm(forms.Form):
    """Gửi ý kiến: what a person types on the public form (online, or by the QR code in the hall)."""

    kind = forms.ChoiceField(
        label=_("Loại ý kiến"),
        choices=K.choices,
        initial=K.KIEN_NGHI,
        widget=forms.RadioSelect,
        error_messages={"required": _("Xin chọn loại ý kiến."), "invalid_choice": _("Loại ý kiến không hợp lệ.")},
    )
    content = forms.CharField(
        label=_("Nội dung ý kiến"),
        required=False,
        strip=False,
        help_text=_("Nêu rõ sự việc, địa điểm, thời gian và đề nghị của bạn (tối đa 20.000 ký tự)."),
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_CONTENT, "required": True}),
    )
    attachments = AttachmentsField(
        label=_("Tệp đính kèm (nếu có)"),
        required=False,
        help_text=_("Ảnh, PDF, Word (DOCX) hoặc Excel (XLSX); tối đa %(n)s tệp, mỗi tệp không quá %(mb)s MB.")
        % {"n": MAX_FILES, "mb": MAX_BYTES // (1024 * 1024)},
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )
    anonymous = forms.BooleanField(
        label=_("Gửi ẩn danh"),
        required=False,
        help_text=_(
            "Chỉ dành cho góp ý, kiến nghị, phản ánh, câu hỏi; khiếu nại, tố cáo phải ghi rõ họ tên, địa chỉ theo "
            "quy định của pháp luật. Khi gửi ẩn danh, họ tên, điện thoại, thư điện tử và địa chỉ không được lưu; "
            "bạn theo dõi ý kiến bằng mã theo dõi và cơ quan không thể liên hệ lại với bạn."
        ),
    )
    name = _text(_("Họ và tên"), 120, autocomplete="name")
    phone = _text(
        _("Điện thoại"),
        30,
        autocomplete="tel",
        input_type="tel",
        inputmode="tel",
        help_text=_("Để nhận mã theo dõi qua tin nhắn và để cơ quan liên hệ khi cần làm rõ."),
    )
    email = _text(_("Thư điện tử"), 254, autocomplete="email", input_type="email")
    village = forms.ModelChoiceField(
        label=_("Thôn, tổ dân phố"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— Chọn thôn —"),
        error_messages={"invalid_choice": _("Xin chọn một thôn trong danh sách.")},
    )
    address = _text(
        _("Địa chỉ"),
        255,
        autocomplete="street-address",
        help_text=_("Xóm, đường, số nhà… nếu cần để cơ quan tìm đến. Không bao giờ hiển thị công khai."),
    )
    organization_name = _text(
        _("Tổ chức, doanh nghiệp"),
        200,
        autocomplete="organization",
        help_text=_("Nếu bạn gửi thay mặt một tổ chức, doanh nghiệp, hợp tác xã."),
    )
    consent = forms.BooleanField(
        required=False,
        help_text=_("Cần đánh dấu khi bạn ghi họ tên, điện thoại, thư điện tử hoặc địa chỉ (trừ khi gửi ẩn danh)."),
    )

    form_token = FormTokenField()

    LINE_FIELDS = ("name", "phone", "email", "address", "organization_name")
    ACTION_FIELDS = (*LINE_FIELDS, "content", "kind", "village", "anonymous", "consent", "attachments")

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["village"].queryset = Organization.objects.filter(
            unit=unit, kind=Organization.Kind.VILLAGE, is_active=True
        ).order_by("name")
        self.fields["consent"].label = _(
            "Tôi đồng ý để Đảng ủy xã %(unit)s xử lý thông tin cá nhân của tôi như thông báo trên."
        ) % {"unit": unit.short_name}

    def clean(self):
        data = super().clean()
        for name in self.LINE_FIELDS:
            data[name] = nfc_line(data.get(name))
        data["content"] = nfc(data.get("content"))
        return data

    @property
    def kind_options(self) -> list[tuple]:
        """(radio, explanation) for each kind, for the template."""
        return [(radio, KIND_HELP[radio.data["value"]]) for radio in self["kind"]]

    @property
    def reselect_files(self) -> bool:
        """Files were chosen but the page comes back with errors: the browser cannot keep them."""
        return bool(self.is_bound and self.errors and self.files and self.files.getlist("attachments"))

    def action_kwargs(self) -> dict:
        """The keyword arguments of actions.submit_petition."""
        return {
            **{key: self.cleaned_data[key] for key in self.ACTION_FIELDS},
            "submission_key": self.cleaned_data["form_token"],
        }

    def add_action_errors(self, error: ValidationError) -> None:
        """Put submit_petition's errors beside their fields; what was typed stays in the form."""
        show_action_errors(self, error, _ERROR_FIELDS)


class LookupForm(forms.Form):
    """Tra cứu: a tracking code as people type it (lower case, spaces, with or without dashes)."""

    ma = forms.CharField(
        label=_("Mã theo dõi"),
        max_length=40,
        help_text=_("13 ký tự in trên biên nhận, ví dụ K7QX-M3RW-9HTD-B (không phân biệt chữ hoa, chữ thường)."),
        error_messages={"required": _("Xin nhập mã theo dõi.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_ma(self) -> str:
        code = normalise_code(nfc_line(self.cleaned_data["ma"]))
        if not code:
            raise ValidationError(_("Mã theo dõi gồm 13 chữ cái và chữ số, ví dụ K7QX-M3RW-9HTD-B. Xin kiểm tra lại."))
        return code


class FeedbackForm(forms.Form):
    """Đánh giá: "Hài lòng" or "Chưa hài lòng" (then with a reason, which the action requires)."""

    SATISFIED, UNSATISFIED = "hai-long", "chua-hai-long"
    rating = forms.ChoiceField(
        choices=[(SATISFIED, _("Hài lòng")), (UNSATISFIED, _("Chưa hài lòng"))],
        error_messages={
            "required": _("Xin chọn “Hài lòng” hoặc “Chưa hài lòng”."),
            "invalid_choice": _("Xin chọn “Hài lòng” hoặc “Chưa hài lòng”."),
        },
    )
    reason = forms.CharField(
        label=_("Nếu chưa hài lòng, xin cho biết lý do"),
        required=False,
        max_length=2000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )

    def action_kwargs(self) -> dict:
        return {"satisfied": self.cleaned_data["rating"] == self.SATISFIED, "reason": nfc(self.cleaned_data["reason"])}
