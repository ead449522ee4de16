"""Forms of the staff speaker pages: they only parse what the officer typed; the actions (register_speaker,
move_speaker, print_slips) decide and record."""

from django import forms
from django.db.models import Q

from doithoai.accounts.models import Organization
from doithoai.lib.contact import normalise_phone
from doithoai.petitions.models import Topic
from doithoai.plans.actions import SLIP_ALPHABET
from doithoai.plans.fields import too_long
from doithoai.plans.models import PrintedSlip

MAX_NAME = 120
MAX_BEHALF = 200
MAX_SUMMARY = 2000
MAX_SLIPS = 500


class SpeakerEntryForm(forms.Form):
    """Nhập đăng ký phát biểu: typed by the office, from a phone call, at the desk or from a printed slip."""

    slip_code = forms.CharField(
        label="Mã phiếu in sẵn",
        required=False,
        max_length=20,
        help_text="Khi nhập từ phiếu đăng ký in sẵn: mã in trên phiếu, ví dụ ACDE-FGHJ. Để trống nếu không có phiếu.",
        error_messages={"max_length": "Mã phiếu gồm 8 ký tự in trên phiếu, ví dụ ACDE-FGHJ."},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label="Họ và tên",
        max_length=MAX_NAME,
        error_messages={"required": "Xin ghi họ và tên người phát biểu.", "max_length": too_long(MAX_NAME)},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label="Điện thoại",
        required=False,
        max_length=30,
        help_text="Không bắt buộc. Chỉ cán bộ tiếp nhận xem được.",
        error_messages={"max_length": "Số điện thoại không hợp lệ (cần 10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84)."},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    on_behalf_of = forms.CharField(
        label="Thay mặt",
        required=False,
        max_length=MAX_BEHALF,
        help_text="Nhóm, thôn, doanh nghiệp…; trống nếu là cá nhân.",
        error_messages={"max_length": too_long(MAX_BEHALF)},
    )
    organization = forms.ModelChoiceField(
        label="Tổ chức của xã",
        required=False,
        queryset=Organization.objects.none(),
        empty_label="— Không —",
        error_messages={"invalid_choice": "Tổ chức không có trong danh sách của xã."},
    )
    topic = forms.ModelChoiceField(
        label="Lĩnh vực",
        required=False,
        queryset=Topic.objects.none(),
        empty_label="— Chưa xác định —",
        error_messages={"invalid_choice": "Lĩnh vực không hợp lệ."},
    )
    summary = forms.CharField(
        label="Tóm tắt nội dung phát biểu",
        max_length=MAX_SUMMARY,
        error_messages={"required": "Xin ghi tóm tắt nội dung phát biểu.", "max_length": too_long(MAX_SUMMARY)},
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_SUMMARY}),
    )
    as_business = forms.BooleanField(label="Phát biểu thay mặt doanh nghiệp, hợp tác xã", required=False)

    def __init__(self, *args, dialogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            unit_id=dialogue.unit_id, is_active=True
        ).order_by("kind", "name")
        self.fields["topic"].queryset = Topic.objects.filter(
            Q(unit__isnull=True) | Q(unit_id=dialogue.unit_id)
        ).order_by("position", "name")

    def clean_slip_code(self) -> str:
        """ "acde fghj", "ACDEFGHJ" → "ACDE-FGHJ": the code as printed; whether such a slip exists, the action says."""
        raw = "".join(self.cleaned_data["slip_code"].split()).replace("-", "").upper()
        if not raw:
            return ""
        if len(raw) != 8 or any(ch not in SLIP_ALPHABET for ch in raw):
            raise forms.ValidationError("Mã phiếu gồm 8 ký tự in trên phiếu, ví dụ ACDE-FGHJ.")
        return f"{raw[:4]}-{raw[4:]}"

    def clean_phone(self) -> str:
        """Checked here too, so that a wrong number shows along with the other mistakes (the action checks again)."""
        return normalise_phone(self.cleaned_data["phone"])

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "name",
                "summary",
                "phone",
                "on_behalf_of",
                "organization",
                "topic",
                "as_business",
                "slip_code",
            )
        }


class MoveForm(forms.Form):
    """Đổi thứ tự: the position (1 = first) the request goes to."""

    to = forms.IntegerField(
        label="Chuyển đến vị trí",
        min_value=1,
        max_value=10_000,
        error_messages={
            "required": "Xin ghi vị trí.",
            "invalid": "Vị trí là một số, ví dụ 1.",
            "min_value": "Vị trí nhỏ nhất là 1.",
            "max_value": "Vị trí quá lớn.",
        },
    )


class PrintSlipsForm(forms.Form):
    """In phiếu: which kind of slip and how many."""

    kind = forms.ChoiceField(
        label="Loại phiếu",
        choices=PrintedSlip.Kind.choices,
        widget=forms.RadioSelect,
        initial=PrintedSlip.Kind.SPEAKER,
        error_messages={"required": "Xin chọn loại phiếu.", "invalid_choice": "Loại phiếu không hợp lệ."},
    )
    count = forms.IntegerField(
        label="Số phiếu",
        min_value=1,
        max_value=MAX_SLIPS,
        initial=20,
        help_text=f"Từ 1 đến {MAX_SLIPS} phiếu mỗi lần in; mỗi phiếu một mã riêng, dùng một lần.",
        error_messages={
            "required": "Xin ghi số phiếu cần in.",
            "invalid": "Số phiếu là một số, ví dụ 20.",
            "min_value": f"Mỗi lần in từ 1 đến {MAX_SLIPS} phiếu.",
            "max_value": f"Mỗi lần in từ 1 đến {MAX_SLIPS} phiếu.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": MAX_SLIPS}),
    )
