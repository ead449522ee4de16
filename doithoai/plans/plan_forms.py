"""Forms of the plan pages and the reception calendar: they only parse what was typed; the actions
(create_plan, update_plan, create_dialogue, add_reception_day) check and decide."""

import datetime as dt

from django import forms

from doithoai.accounts.models import Organization, Post, Unit
from doithoai.lib.text import nfc, nfc_line
from doithoai.plans.actions import MAX_TEXT
from doithoai.plans.fields import (
    CHOICE_ERRORS,
    DayTimePlaceForm,
    PostChoice,
    date_field,
    party_secretary,
    posts_of,
    too_long,
)
from doithoai.plans.models import Dialogue, Plan, PlanTask

# (field, label, rows, help) of the plan's texts, in the order of the document.
PLAN_TEXT_FIELDS = [
    ("legal_bases", "Căn cứ", 4, "Mỗi căn cứ một dòng."),
    ("purposes", "I.1. Mục đích", 4, ""),
    ("requirements", "I.2. Yêu cầu", 4, ""),
    ("audiences", "II.1. Đối tượng tiếp xúc, đối thoại", 3, ""),
    ("content", "II.2. Nội dung tiếp xúc, đối thoại", 4, ""),
    ("forms", "Hình thức và chế độ tiếp xúc, đối thoại", 4, ""),
    ("schedule", "Thời gian tổ chức", 3, ""),
    ("place", "Địa điểm tổ chức", 1, ""),
    ("proceedings", "Trình tự tiếp xúc, đối thoại trực tiếp", 5, ""),
    ("implementation", "III. Tổ chức thực hiện", 6, ""),
    ("closing", "Điều khoản cuối", 2, ""),
    ("distribution", "Nơi nhận", 4, "Mỗi dòng một nơi nhận, ví dụ: - Ban Thường vụ Tỉnh ủy (b/c),"),
]


class PlanChoice(forms.ModelChoiceField):
    def label_from_instance(self, plan: Plan) -> str:
        number = f"Kế hoạch số {plan.code}" if plan.document_id else "Kế hoạch chưa có số"
        return f"{number} ({plan.year}): {plan.title[:80]}"


def _text_field(name: str, label: str, rows: int, help_text: str) -> forms.CharField:
    if name == "place":
        return forms.CharField(
            label=label,
            required=False,
            max_length=200,
            help_text=help_text,
            error_messages={"max_length": too_long(200)},
        )
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_TEXT,
        help_text=help_text,
        error_messages={"max_length": too_long(MAX_TEXT)},
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": MAX_TEXT}),
    )


class PlanEditForm(forms.Form):
    """Sửa kế hoạch: the title, the signer and the texts (the number and date stay those issued)."""

    title = forms.CharField(
        label="Trích yếu",
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 400}),
        error_messages={"required": "Xin ghi trích yếu của kế hoạch.", "max_length": too_long(400)},
        help_text="Ví dụ: Tiếp xúc, đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với Nhân dân năm 2026",
    )
    signer_post = PostChoice(
        label="Người ký",
        queryset=Post.objects.none(),
        required=False,
        empty_label="— Chưa chọn —",
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["signer_post"].queryset = posts_of(unit)
        for name, label, rows, help_text in PLAN_TEXT_FIELDS:
            self.fields[name] = _text_field(name, label, rows, help_text)

    def clean_title(self) -> str:
        return nfc_line(self.cleaned_data["title"])

    def clean(self):
        data = super().clean()
        for name, *_ in PLAN_TEXT_FIELDS:
            if name in data:
                data[name] = nfc(data[name])
        return data

    def texts(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name, *_ in PLAN_TEXT_FIELDS}

    def text_fields(self):
        return [self[name] for name, *_ in PLAN_TEXT_FIELDS]


class PlanCreateForm(PlanEditForm):
    """Ban hành kế hoạch: also the year, the date, the issuing body and the plan it replaces."""

    year = forms.IntegerField(
        label="Năm của kế hoạch",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Xin ghi năm.",
            "invalid": "Năm không hợp lệ.",
            "min_value": "Năm không hợp lệ.",
            "max_value": "Năm không hợp lệ.",
        },
    )
    issued_on = date_field("Ngày ban hành", help_text="Số kế hoạch lấy tự động từ sổ văn bản của cơ quan ban hành.")
    issuing_body = forms.ModelChoiceField(
        label="Cơ quan ban hành", queryset=Organization.objects.none(), empty_label=None, error_messages=CHOICE_ERRORS
    )
    supersedes = PlanChoice(
        label="Thay thế kế hoạch",
        queryset=Plan.objects.none(),
        required=False,
        empty_label="— Không thay thế —",
        help_text="Các buổi đã tổ chức theo kế hoạch cũ vẫn thuộc kế hoạch cũ.",
        error_messages=CHOICE_ERRORS,
    )

    field_order = ["title", "year", "issued_on", "issuing_body", "signer_post", "supersedes"]

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, unit=unit, **kwargs)
        bodies = Organization.objects.filter(unit=unit, kind=Organization.Kind.PARTY_BODY, is_active=True)
        self.fields["issuing_body"].queryset = bodies.order_by("name")
        if not self.is_bound:
            committee = next((b for b in bodies if b.name.startswith("Đảng ủy")), None)
            if committee is not None:
                self.initial.setdefault("issuing_body", committee.pk)
            secretary = party_secretary(posts_of(unit))
            if secretary is not None:
                self.initial.setdefault("signer_post", secretary.pk)
        self.fields["supersedes"].queryset = (
            Plan.objects.filter(unit=unit).select_related("document__register").order_by("-year", "-issued_on", "-pk")
        )
        self.order_fields(self.field_order)


MONTH_FORMATS = ["%Y-%m", "%m/%Y", "%Y-%m-%d"]


class MonthField(forms.DateField):
    """A month (input type=month sends yyyy-mm; mm/yyyy typed is understood), as its first day."""

    input_formats = MONTH_FORMATS

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


ADDABLE_KINDS = [
    (Dialogue.Kind.CONFERENCE, Dialogue.Kind.CONFERENCE.label),
    (Dialogue.Kind.BUSINESS, Dialogue.Kind.BUSINESS.label),
    (Dialogue.Kind.AD_HOC, Dialogue.Kind.AD_HOC.label),
    (Dialogue.Kind.REGULAR, Dialogue.Kind.REGULAR.label),
]


def coming_month(plan: Plan, today: dt.date) -> dt.date:
    """The month after today's (a dialogue is added ahead of time), kept within the plan's year: a plan for next
    year starts in its January, the last weeks of a year's plan fall in its December."""
    following = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return min(max(following, dt.date(plan.year, 1, 1)), dt.date(plan.year, 12, 1))


class DialogueAddForm(forms.Form):
    """Thêm buổi: a conference, a business dialogue or an ad hoc one, with its tentative month."""

    kind = forms.ChoiceField(label="Hình thức", choices=ADDABLE_KINDS, error_messages=CHOICE_ERRORS)
    title = forms.CharField(
        label="Tên buổi", max_length=300, error_messages={"required": "Xin ghi tên buổi.", "max_length": too_long(300)}
    )
    tentative_month = MonthField(
        label="Tháng dự kiến",
        widget=MonthInput(),
        help_text="Mặc định tháng tới; ngày giờ cụ thể ấn định sau.",
        error_messages={
            "required": "Xin chọn tháng dự kiến.",
            "invalid": "Tháng không hợp lệ; xin nhập dạng tháng/năm.",
        },
    )
    place = forms.CharField(
        label="Địa điểm",
        max_length=200,
        required=False,
        error_messages={"max_length": too_long(200)},
        help_text="Để trống: địa điểm của kế hoạch.",
    )
    audience = forms.CharField(
        label="Thành phần, đối tượng",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_TEXT}),
        error_messages={"max_length": too_long(MAX_TEXT)},
    )
    content = forms.CharField(
        label="Nội dung",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
        error_messages={"max_length": too_long(MAX_TEXT)},
    )
    chair_post = PostChoice(
        label="Chủ trì",
        queryset=Post.objects.none(),
        required=False,
        empty_label="— Chưa chọn —",
        error_messages=CHOICE_ERRORS,
    )
    same_title_confirmed = forms.BooleanField(label="Đây là một buổi khác: vẫn thêm buổi cùng tên", required=False)

    def __init__(self, *args, unit: Unit, plan: Plan, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair_post"].queryset = posts_of(unit)
        if not self.is_bound:
            self.initial.setdefault("tentative_month", coming_month(plan, today))
        low, high = dt.date(plan.year - 1, 1, 1), dt.date(plan.year + 1, 12, 1)
        self.fields["tentative_month"].widget.attrs.update(min=f"{low:%Y-%m}", max=f"{high:%Y-%m}")

    def clean_title(self) -> str:
        return nfc_line(self.cleaned_data["title"])

    def clean_tentative_month(self):
        month = self.cleaned_data["tentative_month"]
        if not 2000 <= month.year <= 2100:
            raise forms.ValidationError("Tháng không hợp lệ.")
        return month


class ReceptionDayForm(DayTimePlaceForm):
    """Thêm ngày tiếp công dân: the date, the hours, the place and who receives."""

    chair_post = PostChoice(
        label="Người tiếp",
        queryset=Post.objects.none(),
        required=False,
        empty_label="— Bí thư Đảng ủy —",
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].label, self.fields["start"].label, self.fields["end"].label = "Ngày tiếp", "Từ", "Đến"
        self.fields["end"].help_text = ""
        posts = posts_of(unit)
        self.fields["chair_post"].queryset = posts
        if not self.is_bound:
            secretary = party_secretary(posts)
            if secretary is not None:
                self.initial.setdefault("chair_post", secretary.pk)
            self.initial.setdefault("start", dt.time(7, 30))
            self.initial.setdefault("end", dt.time(11, 30))


class TaskForm(forms.Form):
    """Giao nhiệm vụ: one task of section III for an organisation of the unit."""

    organization = forms.ModelChoiceField(
        label="Cơ quan, tổ chức", queryset=Organization.objects.none(), error_messages=CHOICE_ERRORS
    )
    title = forms.CharField(
        label="Nhiệm vụ",
        max_length=300,
        widget=forms.TextInput(attrs={"maxlength": 300}),
        error_messages={"required": "Xin ghi nội dung nhiệm vụ.", "max_length": too_long(300)},
    )
    section = forms.CharField(label="Mục", max_length=20, initial="III", required=False)
    purpose = forms.ChoiceField(label="Loại nhiệm vụ", choices=PlanTask.Purpose.choices, required=False)
    due_on = date_field("Hạn", required=False)
    dialogue = forms.ModelChoiceField(
        label="Cho buổi",
        queryset=Dialogue.objects.none(),
        required=False,
        empty_label="— Không gắn với buổi nào —",
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            unit_id=plan.unit_id, is_active=True
        ).exclude(kind=Organization.Kind.HIGHER_AUTHORITY)
        self.fields["dialogue"].queryset = plan.dialogues.exclude(kind=Dialogue.Kind.RECEPTION)
        self.fields["dialogue"].label_from_instance = lambda d: d.title

    def clean_title(self) -> str:
        return nfc_line(self.cleaned_data["title"])
