"""Form pieces shared by the staff pages of plans, dialogues, speakers and reception days: Vietnamese error
messages, date and time inputs, the choice of a post, and the day–time–place block of a dated dialogue."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from doithoai.accounts.models import Post, Unit
from doithoai.lib import forms as lib_forms
from doithoai.lib.text import nfc_line
from doithoai.petitions.actions import ActionError

DATE_ERRORS = {"invalid": "Ngày không hợp lệ; xin nhập theo dạng ngày/tháng/năm.", "required": "Xin chọn ngày."}
TIME_ERRORS = {"invalid": "Giờ không hợp lệ; xin nhập theo dạng giờ:phút (ví dụ 08:00).", "required": "Xin nhập giờ."}
CHOICE_ERRORS = {
    "invalid_choice": "Lựa chọn không hợp lệ (không thuộc đơn vị này).",
    "invalid_pk_value": "Lựa chọn không hợp lệ.",
    "invalid_list": "Lựa chọn không hợp lệ.",
    "required": "Xin chọn một mục.",
}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"]


# An action names the instants it was given; a form shows them on the fields they were typed in.
FIELD_OF_ACTION = {"starts_at": "day", "ends_at": "end"}


def show_action_errors(form, error: ValidationError) -> None:
    """An action's ValidationError on the form (its starts_at/ends_at beside day/end)."""
    lib_forms.show_action_errors(form, error, FIELD_OF_ACTION)


def run_action(form, call):
    """Call an action on behalf of a form; a refusal (ValidationError, ActionError) is shown on the form.
    The action's result, or None when it was refused."""
    try:
        return call()
    except ValidationError as error:
        show_action_errors(form, error)
    except ActionError as error:
        form.add_error(None, str(error))
    return None


def too_long(limit: int) -> str:
    return f"Quá dài: tối đa {limit:,} ký tự.".replace(",", ".")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def date_field(label: str, **extra) -> forms.DateField:
    return forms.DateField(
        label=label, widget=DateInput(), input_formats=DATE_FORMATS, error_messages=DATE_ERRORS, **extra
    )


def time_field(label: str, **extra) -> forms.TimeField:
    return forms.TimeField(
        label=label, widget=TimeInput(), input_formats=TIME_FORMATS, error_messages=TIME_ERRORS, **extra
    )


class PostChoice(forms.ModelChoiceField):
    """A post of the unit, shown as "Bí thư Đảng ủy xã — Nguyễn Viết Toàn"."""

    def label_from_instance(self, post: Post) -> str:
        return f"{post.title} — {post.person.full_name}"


def posts_of(unit: Unit):
    return Post.objects.filter(unit=unit, ended_on__isnull=True).select_related("person").order_by("title")


def party_secretary(posts) -> Post | None:
    """The Party secretary's post (Bí thư Đảng ủy), not that of the Youth Union's secretary (Bí thư Đoàn)."""
    posts = list(posts)
    return next((p for p in posts if p.title.startswith("Bí thư Đảng ủy")), None) or next(
        (p for p in posts if p.title.startswith("Bí thư") and "Đoàn" not in p.title), None
    )


class DayTimePlaceForm(forms.Form):
    """A day, a start and an optional end time, and a place; cleaned into aware `starts_at` and `ends_at`."""

    day = date_field("Ngày tổ chức")
    start = time_field("Giờ bắt đầu")
    end = time_field("Giờ kết thúc", required=False, help_text="Không bắt buộc.")
    place = forms.CharField(
        label="Địa điểm",
        max_length=200,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        error_messages={"required": "Xin ghi địa điểm.", "max_length": too_long(200)},
    )

    def clean_place(self) -> str:
        return nfc_line(self.cleaned_data["place"])

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and not 2000 <= day.year <= 2100:
            self.add_error("day", "Ngày không hợp lệ.")
            return data
        if day and start:
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(day, start))
            data["ends_at"] = timezone.make_aware(dt.datetime.combine(day, end)) if end else None
            if end and end <= start:
                self.add_error("end", "Giờ kết thúc phải sau giờ bắt đầu.")
        return data
