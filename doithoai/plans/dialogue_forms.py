"""Forms of the staff page of a dialogue and of its announcement: they only parse what the officer typed; the
actions in plans/actions.py decide and record (and check again what these check)."""

from django import forms
from django.utils import timezone

from doithoai.accounts import permissions
from doithoai.accounts.models import Organization, Person, Post, User
from doithoai.lib.text import nfc, nfc_line
from doithoai.plans.fields import CHOICE_ERRORS, DayTimePlaceForm, PostChoice, too_long
from doithoai.plans.models import Dialogue, Invitation

MAX_TEXT = 20_000
MAX_AGENDA_ITEMS = 30
AGENDA_EXTRA = 3
# The kinds of organisation invited to a dialogue, in the order the form groups them (businesses only to the
# business dialogue).
INVITED_KINDS = (
    Organization.Kind.MASS_ORG,
    Organization.Kind.AGENCY,
    Organization.Kind.PARTY_CELL,
    Organization.Kind.VILLAGE,
    Organization.Kind.BUSINESS,
)


def _text_field(label: str, limit: int, *, required=True, rows=None, required_message="Xin điền mục này.", **kw):
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
        strip=True,
        error_messages={"required": required_message, "max_length": too_long(limit)},
        **kw,
    )


# ---------------------------------------------------------------- schedule


class ScheduleForm(DayTimePlaceForm):
    """Ấn định thời gian, địa điểm: the day, the start and end time, the place and who chairs."""

    chair_post = PostChoice(
        label="Chủ trì",
        queryset=Post.objects.none(),
        required=False,
        empty_label="— Giữ như hiện tại —",
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, dialogue: Dialogue, **kwargs):
        if "initial" not in kwargs and not args:
            kwargs["initial"] = self.initial_for(dialogue)
        super().__init__(*args, **kwargs)
        self.fields["chair_post"].queryset = Post.objects.filter(unit_id=dialogue.unit_id).select_related("person")

    @staticmethod
    def initial_for(dialogue: Dialogue) -> dict:
        initial = {"place": dialogue.place, "chair_post": dialogue.chair_post_id}
        if dialogue.starts_at:
            start = timezone.localtime(dialogue.starts_at)
            initial.update(day=start.date(), start=start.time())
        if dialogue.ends_at:
            initial["end"] = timezone.localtime(dialogue.ends_at).time()
        return initial


# ---------------------------------------------------------------- per-dialogue roles


def unit_staff_accounts(unit_id: int):
    """The unit's staff accounts (any role in the unit), the only ones who may sit at its dialogues."""
    return (
        User.objects.filter(is_active=True, roles__unit_id=unit_id, roles__role__in=permissions.ANY_COMMUNE_ROLE)
        .select_related("person")
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class _UserChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return user.display_name


class MembersForm(forms.Form):
    """Phân công thư ký và bộ phận tiếp nhận, tổng hợp ý kiến."""

    secretaries = _UserChoices(
        label="Thư ký",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
    )
    receivers = _UserChoices(
        label="Bộ phận tiếp nhận, tổng hợp ý kiến",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, dialogue: Dialogue, members=(), **kwargs):
        if "initial" not in kwargs and not args:
            kwargs["initial"] = {
                "secretaries": [m.user_id for m in members if m.role == "secretary"],
                "receivers": [m.user_id for m in members if m.role == "receiver"],
            }
        super().__init__(*args, **kwargs)
        staff = unit_staff_accounts(dialogue.unit_id)
        self.fields["secretaries"].queryset = staff
        self.fields["receivers"].queryset = staff


# ---------------------------------------------------------------- agenda


class AgendaItemForm(forms.Form):
    position = forms.IntegerField(
        label="Thứ tự",
        required=False,
        min_value=1,
        max_value=99,
        error_messages={"invalid": "Xin nhập một số.", "min_value": "Từ 1 trở lên.", "max_value": "Tối đa 99."},
        widget=forms.NumberInput(attrs={"min": 1, "max": 99, "inputmode": "numeric"}),
    )
    title = _text_field("Nội dung", 2000, required=False, rows=2)
    presenter = _text_field("Người thực hiện", 200, required=False)

    def clean_title(self) -> str:
        return nfc(self.cleaned_data["title"])

    def clean_presenter(self) -> str:
        return nfc_line(self.cleaned_data["presenter"])


class _AgendaFormSet(forms.BaseFormSet):
    # Django's own messages for a tampered or incomplete management form are English.
    default_error_messages = {
        "missing_management_form": "Biểu mẫu gửi lên không đầy đủ; xin tải lại trang và nhập lại.",
        "too_many_forms": f"Chương trình có tối đa {MAX_AGENDA_ITEMS} mục.",
        "too_few_forms": "Chương trình cần ít nhất một mục.",
    }

    def clean(self):
        if any(self.errors):
            return
        if not self.items():
            raise forms.ValidationError("Chương trình cần ít nhất một mục.")
        if len(self.items()) > MAX_AGENDA_ITEMS:
            raise forms.ValidationError(f"Chương trình có tối đa {MAX_AGENDA_ITEMS} mục.")

    def items(self) -> list[tuple[str, str]]:
        """The rows kept (not deleted, with a content), in the order their numbers say; unnumbered rows keep their
        place after the numbered ones."""
        rows = []
        for index, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None) or {}
            if not data.get("title") or data.get("DELETE"):
                continue
            position = data.get("position")
            rows.append(((position is None, position or 0, index), (data["title"], data.get("presenter", ""))))
        return [item for _key, item in sorted(rows)]


AgendaFormSet = forms.formset_factory(
    AgendaItemForm,
    formset=_AgendaFormSet,
    extra=AGENDA_EXTRA,
    can_delete=True,
    max_num=MAX_AGENDA_ITEMS,
    absolute_max=MAX_AGENDA_ITEMS + AGENDA_EXTRA,
    validate_max=False,
)


def agenda_formset(dialogue: Dialogue, agenda, data=None) -> _AgendaFormSet:
    initial = [{"position": a.position, "title": a.title, "presenter": a.presenter} for a in agenda]
    formset = AgendaFormSet(data, initial=None if data is not None else initial, prefix="agenda")
    for form in formset.forms:
        form.fields["DELETE"].label = "Bỏ mục này"
    return formset


# ---------------------------------------------------------------- invitations


class InviteForm(forms.Form):
    """Mời: organisations (grouped by kind) and persons of the unit."""

    organizations = forms.ModelMultipleChoiceField(
        label="Cơ quan, tổ chức",
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
    )
    persons = forms.ModelMultipleChoiceField(
        label="Cá nhân",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, dialogue: Dialogue, invited_orgs=(), invited_people=(), **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [k for k in INVITED_KINDS if k != Organization.Kind.BUSINESS or dialogue.kind == Dialogue.Kind.BUSINESS]
        self.fields["organizations"].queryset = (
            Organization.objects.filter(unit_id=dialogue.unit_id, is_active=True, kind__in=kinds)
            .exclude(pk__in=list(invited_orgs))
            .order_by("kind", "name")
        )
        self.fields["persons"].queryset = (
            Person.objects.filter(unit_id=dialogue.unit_id).exclude(pk__in=list(invited_people)).order_by("full_name")
        )
        self.kinds = kinds

    def groups(self) -> list[tuple[str, list]]:
        """The organisation checkboxes grouped by kind (from the one query of the field's choices)."""
        by_kind: dict[str, list] = {k: [] for k in self.kinds}
        orgs = {str(o.pk): o for o in self.fields["organizations"].queryset}
        for box in self["organizations"]:
            org = orgs.get(str(box.data["value"]))
            if org is not None:
                by_kind[org.kind].append(box)
        return [(Organization.Kind(k).label, boxes) for k, boxes in by_kind.items() if boxes]

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("organizations") and not data.get("persons"):
            raise forms.ValidationError("Xin chọn ít nhất một cơ quan, tổ chức hoặc cá nhân để mời.")
        return data


class ReplyForm(forms.Form):
    """Ghi trả lời giấy mời."""

    reply = forms.ChoiceField(
        label="Trả lời",
        choices=Invitation.Reply.choices,
        error_messages={"required": "Xin chọn trả lời.", "invalid_choice": "Trả lời không hợp lệ."},
    )
    note = _text_field("Ghi chú", 255, required=False)

    def clean_note(self) -> str:
        return nfc_line(self.cleaned_data["note"])


class AttendanceForm(forms.Form):
    """Điểm danh: the invitations whose invitee was present."""

    present = forms.MultipleChoiceField(
        label="Đại biểu có mặt",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Lựa chọn không hợp lệ (không phải giấy mời của buổi này).",
            "invalid_list": "Lựa chọn không hợp lệ.",
        },
    )

    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(i.pk), str(i)) for i in invitations]
        if not args and "initial" not in kwargs:
            self.initial = {"present": [str(i.pk) for i in invitations if i.attended]}


# ---------------------------------------------------------------- announcement


class CancelForm(forms.Form):
    """Hủy buổi: the reason, shown on the public page of the dialogue."""

    reason = _text_field("Lý do hủy (hiển thị công khai)", 1000, rows=3, required_message="Xin ghi lý do hủy buổi.")

    def clean_reason(self) -> str:
        return nfc(self.cleaned_data["reason"])


class ConclusionForm(forms.Form):
    """Kết luận của chủ trì, and the minutes (biên bản) of the dialogue."""

    conclusion = _text_field("Kết luận của chủ trì", MAX_TEXT, rows=8, required_message="Xin ghi nội dung kết luận.")
    minutes = _text_field("Biên bản (tóm tắt diễn biến)", MAX_TEXT, required=False, rows=8)

    def clean_conclusion(self) -> str:
        return nfc(self.cleaned_data["conclusion"])

    def clean_minutes(self) -> str:
        return nfc(self.cleaned_data["minutes"])


class AnnouncementForm(forms.Form):
    """Soạn và đăng thông báo: the two texts (pre-filled, editable) and, when late, the reason."""

    portal_text = _text_field(
        "Nội dung đăng Cổng thông tin", MAX_TEXT, rows=14, required_message="Xin ghi nội dung thông báo."
    )
    radio_script = _text_field(
        "Bài đọc trên Đài truyền thanh",
        MAX_TEXT,
        rows=14,
        required_message="Xin ghi bài đọc trên Đài truyền thanh.",
        help_text="Viết như đọc: không viết tắt, không địa chỉ trang web, số viết bằng chữ.",
    )
    late_reason = _text_field(
        "Lý do đăng muộn",
        2000,
        required=False,
        rows=3,
        help_text="Bắt buộc khi đăng sau hạn; được lưu làm căn cứ.",
    )

    def __init__(self, *args, late: bool = False, publishing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.late, self.publishing = late, publishing
        if not late:
            del self.fields["late_reason"]

    def clean_portal_text(self) -> str:
        return nfc(self.cleaned_data["portal_text"])

    def clean_radio_script(self) -> str:
        return nfc(self.cleaned_data["radio_script"])

    def clean_late_reason(self) -> str:
        reason = nfc(self.cleaned_data.get("late_reason", ""))
        if self.publishing and self.late and not reason:
            raise forms.ValidationError("Đăng muộn hơn hạn 07 ngày: xin ghi lý do (được lưu làm căn cứ).")
        return reason
