"""Staff forms for petitions: quick entry (at a dialogue, a reception day, by phone or letter) and an
organisation's batch of opinions. They only parse; actions.submit_petition decides and records."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory

from doithoai.lib.contact import normalise_phone
from doithoai.lib.form_token import FormTokenField
from doithoai.lib.forms import show_action_errors
from doithoai.lib.uploads import ACCEPT, MAX_FILES
from doithoai.petitions.actions import MAX_CONTENT
from doithoai.petitions.models import Petition
from doithoai.portal.templatetags.vn import dialogue_when

C = Petition.Channel
ENTRY_CHANNELS = (C.SPOKEN_AT_DIALOGUE, C.WRITTEN_AT_DIALOGUE, C.RECEPTION, C.PHONE, C.LETTER)
MAX_BATCH_ROWS = 100
BATCH_STEP = 5

# submit_petition's error keys that the forms name otherwise (any key that is no field is a form-level error).
ACTION_FIELDS = {"organization": "organization_name"}
CONTENT_REQUIRED = "Xin nhập nội dung ý kiến."
NOT_LISTED = {"invalid_choice": "Lựa chọn này không có trong danh sách; xin chọn lại."}


def _too_long(limit: int) -> dict[str, str]:
    return {"max_length": f"Tối đa {limit} ký tự."}


def _choices_of(objects) -> list[tuple[str, str]]:
    return [(str(o.pk), str(o)) for o in objects]


class ActionErrorsMixin:
    """Put the ValidationError dict of an action on the fields it names."""

    def add_action_errors(self, error: ValidationError) -> None:
        show_action_errors(self, error, ACTION_FIELDS)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the action checks each one by its content."""

    default_error_messages = {
        "invalid": "Tệp gửi lên không hợp lệ.",
        "missing": "Không nhận được tệp.",
        "empty": "Tệp gửi lên rỗng.",
        "max_length": "Tên tệp quá dài.",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(items) > MAX_FILES:
            raise ValidationError(f"Chỉ được gửi tối đa {MAX_FILES} tệp.")
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class EntryForm(ActionErrorsMixin, forms.Form):
    """Nhập nhanh: one opinion heard or received by staff. Channel and dialogue stay between entries."""

    form_token = FormTokenField()  # a double click on "Lưu" saves one opinion

    channel = forms.ChoiceField(
        label="Kênh tiếp nhận", choices=[(c.value, c.label) for c in ENTRY_CHANNELS], error_messages=NOT_LISTED
    )
    dialogue = forms.ChoiceField(label="Buổi", required=False, error_messages=NOT_LISTED)
    name = forms.CharField(label="Họ và tên", required=False, max_length=120, error_messages=_too_long(120))
    phone = forms.CharField(
        label="Điện thoại",
        required=False,
        max_length=30,
        error_messages=_too_long(30),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    village = forms.ChoiceField(label="Thôn, tổ dân phố", required=False, error_messages=NOT_LISTED)
    address = forms.CharField(label="Địa chỉ", required=False, max_length=255, error_messages=_too_long(255))
    organization_name = forms.CharField(
        label="Cơ quan, tổ chức, doanh nghiệp",
        required=False,
        max_length=200,
        error_messages=_too_long(200),
        help_text="Nếu người nêu ý kiến thay mặt một tổ chức hay doanh nghiệp.",
    )
    kind = forms.ChoiceField(
        label="Loại ý kiến", choices=Petition.Kind.choices, initial=Petition.Kind.KIEN_NGHI, error_messages=NOT_LISTED
    )
    # The length limit is the action's (one message for every channel); the attribute only helps the browser.
    content = forms.CharField(
        label="Nội dung ý kiến",
        error_messages={"required": CONTENT_REQUIRED},
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_CONTENT}),
    )
    attachments = MultipleFileField(
        label="Tệp đính kèm",
        required=False,
        help_text=f"Không bắt buộc. Tối đa {MAX_FILES} tệp: ảnh, PDF, Word (DOCX), Excel (XLSX); mỗi tệp đến 10 MB.",
    )

    def __init__(self, *args, dialogues, villages, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.dialogues = {str(d.pk): d for d in dialogues}
        self.villages = {str(v.pk): v for v in villages}
        self.units = {str(u.pk): u for u in units}
        several = len({d.unit_id for d in dialogues} | set(self.units)) > 1
        self.fields["dialogue"].choices = [("", "— Không gắn với buổi nào —"), *_dialogue_groups(dialogues, several)]
        self.fields["dialogue"].help_text = "Bắt buộc với ý kiến phát biểu hoặc ghi phiếu tại hội nghị."
        self.fields["village"].choices = [("", "— Không rõ, hoặc ở nơi khác —"), *_village_groups(villages, several)]
        if len(self.units) > 1:
            self.fields["unit"] = forms.ChoiceField(
                label="Xã tiếp nhận",
                required=False,
                choices=[("", "— Theo buổi đã chọn —"), *_choices_of(units)],
                error_messages=NOT_LISTED,
                help_text="Chỉ cần chọn khi ý kiến không gắn với buổi nào.",
            )
            self.order_fields(["channel", "dialogue", "unit"])

    def clean_phone(self) -> str:
        # Checked here too (the action checks again) so that every error shows at once.
        return normalise_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        data["dialogue"] = self.dialogues.get(data.get("dialogue") or "")
        data["village"] = self.villages.get(data.get("village") or "")
        unit = data["dialogue"].unit if data["dialogue"] else None
        if unit is None and len(self.units) == 1:
            unit = next(iter(self.units.values()))
        elif unit is None and self.units:
            unit = self.units.get(data.get("unit") or "")
            if unit is None:
                self.add_error("unit", "Xin chọn xã tiếp nhận ý kiến này.")
        elif unit is None and "dialogue" not in self.errors:
            self.add_error("dialogue", "Xin chọn buổi nơi bạn tiếp nhận ý kiến này.")
        data["unit"] = unit
        return data

    def focus(self) -> None:
        """Put the cursor where typing goes on: the first field in error, or the name of the next speaker."""
        first = next((name for name in self.fields if name in self.errors), "name")
        self.fields[first].widget.attrs["autofocus"] = True

    def submission(self) -> dict:
        """The keyword arguments for actions.submit_petition."""
        data = self.cleaned_data
        fields = ("content", "channel", "kind", "name", "phone", "address", "village", "organization_name", "dialogue")
        return {
            **{f: data[f] for f in fields},
            "attachments": data.get("attachments") or [],
            "submission_key": data.get("form_token", ""),
        }


def _dialogue_groups(dialogues, with_unit: bool) -> list:
    def label(d) -> str:
        prefix = f"{d.unit.short_name}: " if with_unit else ""
        return f"{prefix}{d.title} — {dialogue_when(d)}"

    meetings = [(str(d.pk), label(d)) for d in dialogues if d.kind != "reception"]
    receptions = [(str(d.pk), label(d)) for d in dialogues if d.kind == "reception"]
    groups = []
    if meetings:
        groups.append(("Hội nghị, buổi tiếp xúc, đối thoại", meetings))
    if receptions:
        groups.append(("Ngày tiếp công dân", receptions))
    return groups


def _village_groups(villages, with_unit: bool) -> list:
    if not with_unit:
        return _choices_of(villages)
    groups: dict[str, list] = {}
    for village in villages:
        groups.setdefault(village.unit.name, []).append((str(village.pk), village.name))
    return list(groups.items())


# ---------------------------------------------------------------- an organisation's batch


class BatchForm(ActionErrorsMixin, forms.Form):
    """What every row of a batch shares: the dialogue the opinions are sent for (optional)."""

    dialogue = forms.ChoiceField(
        label="Gửi kèm buổi đối thoại",
        required=False,
        error_messages=NOT_LISTED,
        help_text="Không bắt buộc: chọn buổi sắp tới nếu các ý kiến được tổng hợp để gửi trước buổi đó.",
    )

    def __init__(self, *args, dialogues, **kwargs):
        super().__init__(*args, **kwargs)
        self.dialogues = {str(d.pk): d for d in dialogues}
        self.fields["dialogue"].choices = [
            ("", "— Không gắn với buổi nào —"),
            *[(str(d.pk), f"{d.title} — {dialogue_when(d)}") for d in dialogues],
        ]

    def clean_dialogue(self):
        return self.dialogues.get(self.cleaned_data.get("dialogue") or "")


class BatchRowForm(ActionErrorsMixin, forms.Form):
    """One opinion of the list; a row left blank is skipped."""

    content = forms.CharField(
        label="Nội dung",
        error_messages={"required": "Xin nhập nội dung ý kiến ở dòng này (hoặc xóa các ô đã điền)."},
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_CONTENT}),
    )
    name = forms.CharField(label="Người nêu", required=False, max_length=120, error_messages=_too_long(120))
    village = forms.ChoiceField(label="Thôn", required=False, error_messages=NOT_LISTED)
    kind = forms.ChoiceField(
        label="Loại", choices=Petition.Kind.choices, initial=Petition.Kind.KIEN_NGHI, error_messages=NOT_LISTED
    )

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = {str(v.pk): v for v in villages}
        self.fields["village"].choices = [("", "— Không ghi —"), *_choices_of(villages)]

    def clean_village(self):
        return self.villages.get(self.cleaned_data.get("village") or "")

    def submission(self) -> dict:
        return {f: self.cleaned_data[f] for f in ("content", "name", "village", "kind")}


class BaseBatchFormSet(BaseFormSet):
    """Every row may be blank (no "initial" rows), and a list longer than MAX_BATCH_ROWS is refused."""

    default_error_messages = {
        "missing_management_form": "Biểu mẫu gửi lên không đầy đủ; xin tải lại trang và nhập lại.",
        "too_many_forms": f"Mỗi lần gửi tối đa {MAX_BATCH_ROWS} ý kiến; xin chia danh sách thành nhiều lần gửi.",
        "too_few_forms": "Chưa có ý kiến nào.",
    }

    def initial_form_count(self) -> int:
        return 0

    def filled_forms(self) -> list[BatchRowForm]:
        return [form for form in self.forms if form.has_changed()]


def batch_formset(rows: int):
    """A formset class showing `rows` rows (at most MAX_BATCH_ROWS)."""
    return formset_factory(
        BatchRowForm,
        formset=BaseBatchFormSet,
        extra=max(1, min(rows, MAX_BATCH_ROWS)),
        max_num=MAX_BATCH_ROWS,
        absolute_max=MAX_BATCH_ROWS,
        validate_max=True,
    )


def raw_rows(data, prefix: str, count: int) -> list[dict]:
    """What was typed in each row, unvalidated, to show it again with more rows ("Thêm dòng" without JavaScript)."""
    names = ("content", "name", "village", "kind")
    return [{name: data.get(f"{prefix}-{i}-{name}", "") for name in names} for i in range(count)]
