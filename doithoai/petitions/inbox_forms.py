"""Forms of the staff inbox (Ý kiến, kiến nghị): the filters (GET, bookmarkable) and the two bulk actions.

A filter that does not parse is dropped with a Vietnamese message, never a 500: the inbox then shows the list as if
that filter had not been given.
"""

import datetime as dt

from django import forms
from django.db.models import Q

from doithoai.accounts.models import Organization
from doithoai.lib.text import nfc_line
from doithoai.petitions.actions import ASSIGNABLE_KINDS
from doithoai.petitions.detail_forms import DEADLINE_HELP
from doithoai.petitions.models import Petition, Topic

MAX_QUERY = 200  # characters of free text kept; the rest of a longer text is ignored
MAX_WORDS = 8
SORTS = (
    ("moi", "Mới tiếp nhận trước"),
    ("cu", "Cũ trước"),
    ("han", "Hạn gần nhất trước"),
    ("trang_thai", "Theo trạng thái"),
)
INVALID_CHOICE = "Giá trị không hợp lệ, đã bỏ qua bộ lọc này."
INVALID_DATE = "Ngày không hợp lệ (dạng ngày/tháng/năm), đã bỏ qua."
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
NOT_OFFERED = "Có cơ quan không có trong danh sách; xin chọn lại."
UNCLASSIFIED = 0  # the "Lĩnh vực" choice of the petitions without a topic (no topic has the id 0)


def _choice(label: str, choices, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=[("", "Tất cả"), *choices],
        error_messages={"invalid_choice": INVALID_CHOICE},
        **kwargs,
    )


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": INVALID_DATE},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class InboxFilterForm(forms.Form):
    """The inbox filters; the choices are the organisations, villages, dialogues and topics of the user's units."""

    q = forms.CharField(label="Tìm kiếm", required=False, strip=True)
    trang_thai = forms.TypedMultipleChoiceField(
        label="Trạng thái",
        required=False,
        choices=Petition.Status.choices,
        error_messages={"invalid_choice": INVALID_CHOICE},
        widget=forms.CheckboxSelectMultiple,
    )
    qua_han = forms.BooleanField(label="Chỉ ý kiến quá hạn", required=False)
    sap_den_han = forms.BooleanField(label="Chỉ ý kiến sắp đến hạn (5 ngày)", required=False)
    cho_cong_khai = forms.BooleanField(label="Chờ công khai (đã duyệt trả lời, chưa công khai)", required=False)
    mo_lai = forms.BooleanField(label="Mở lại do người gửi chưa hài lòng", required=False)
    linh_vuc = _choice("Lĩnh vực", [], coerce=int)
    loai = _choice("Loại", Petition.Kind.choices)
    kenh = _choice("Kênh tiếp nhận", Petition.Channel.choices)
    buoi = _choice("Buổi tiếp xúc, đối thoại", [], coerce=int)
    to_chuc = _choice("Tổ chức gửi", [], coerce=int)
    thon = _choice("Thôn", [], coerce=int)
    tu_ngay = _date("Tiếp nhận từ ngày")
    den_ngay = _date("đến ngày")
    sap_xep = forms.ChoiceField(
        label="Sắp xếp", required=False, choices=SORTS, error_messages={"invalid_choice": INVALID_CHOICE}
    )

    def __init__(self, data, *, units: list[int], **kwargs):
        super().__init__(data, **kwargs)
        topics = list(Topic.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=units)).order_by("position", "name"))
        orgs = list(
            Organization.objects.filter(unit_id__in=units, is_active=True)
            .only("unit_id", "name", "kind")
            .order_by("name")
        )
        from doithoai.plans.models import Dialogue

        dialogues = Dialogue.objects.filter(unit_id__in=units).only("title", "starts_at", "tentative_month")
        dialogues = dialogues.order_by("-starts_at", "-tentative_month", "-pk")[:200]
        self.topics, self.organizations = topics, orgs  # reused for the bulk forms' choices (no second query)
        self.fields["linh_vuc"].choices = [
            ("", "Tất cả"),
            (UNCLASSIFIED, "Chưa phân loại"),
            *((t.pk, _topic_label(t)) for t in topics),
        ]
        self.fields["to_chuc"].choices = [("", "Tất cả"), *((o.pk, o.name) for o in orgs if o.kind != "village")]
        self.fields["thon"].choices = [("", "Tất cả"), *((o.pk, o.name) for o in orgs if o.kind == "village")]
        self.fields["buoi"].choices = [("", "Tất cả"), *((d.pk, _dialogue_label(d)) for d in dialogues)]

    def clean_q(self) -> str:
        return nfc_line(self.cleaned_data.get("q", ""))[:MAX_QUERY]

    def filters(self) -> dict:
        """The filters that parsed (a bad one is left out; its message is in self.errors)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v is not False and v not in (None, "", [])}

    def problems(self) -> list[str]:
        return [
            f"{self.fields[name].label}: {' '.join(errors)}"
            for name, errors in self.errors.items()
            if name in self.fields
        ]


def _topic_label(topic: Topic) -> str:
    return f"— {topic.name}" if topic.parent_id else topic.name


def _dialogue_label(dialogue) -> str:
    when = dialogue.starts_at or dialogue.tentative_month
    return f"{dialogue.title} ({when:%m/%Y})" if when else dialogue.title


# ---------------------------------------------------------------- bulk actions


class _UnitForm(forms.Form):
    use_required_attribute = False  # two operations share one HTML form: the browser must not block the other one

    def __init__(self, data=None, *, units: list[int], **kwargs):
        super().__init__(data, **kwargs)
        self.units = units


class BulkClassifyForm(_UnitForm):
    """Phân loại the selected petitions: topic, kind, jurisdiction."""

    topic = forms.ModelChoiceField(label="Lĩnh vực", queryset=Topic.objects.none(), empty_label="— Chọn lĩnh vực —")
    kind = forms.ChoiceField(label="Loại", choices=[("", "— Chọn loại —"), *Petition.Kind.choices])
    jurisdiction = forms.ChoiceField(label="Thẩm quyền", choices=Petition.Jurisdiction.choices)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=self.units)).order_by(
            "position", "name"
        )
        self.fields["topic"].label_from_instance = _topic_label


class BulkAssignForm(_UnitForm):
    """Giao xử lý the selected petitions: lead organisation, coordinating organisations, deadline."""

    lead = forms.ModelChoiceField(
        label="Cơ quan chủ trì", queryset=Organization.objects.none(), empty_label="— Chọn cơ quan —"
    )
    # Check boxes, not a Ctrl-click list: on a phone each organisation is one tap (drawn by includes/check_field.html).
    coordinating = forms.ModelMultipleChoiceField(
        label="Cơ quan phối hợp",
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_OFFERED, "invalid_pk_value": NOT_OFFERED},
        help_text="Không bắt buộc; đánh dấu các cơ quan, tổ chức cùng giải quyết (cơ quan chủ trì không cần đánh dấu).",
    )
    deadline = forms.DateField(
        label="Hạn xử lý",
        required=False,
        input_formats=DATE_FORMATS,
        help_text=DEADLINE_HELP,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": INVALID_DATE},
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        orgs = Organization.objects.filter(unit_id__in=self.units, kind__in=ASSIGNABLE_KINDS, is_active=True).order_by(
            "name"
        )
        self.fields["lead"].queryset = orgs
        self.fields["coordinating"].queryset = orgs

    def clean_deadline(self) -> dt.date | None:
        return self.cleaned_data.get("deadline")


def unbound_bulk_forms(filters: InboxFilterForm, units: list[int]) -> tuple[BulkClassifyForm, BulkAssignForm]:
    """The two bulk forms as shown on the page, their choices taken from what the filter form already read."""
    classify, assign = BulkClassifyForm(units=units, prefix="pl"), BulkAssignForm(units=units, prefix="gx")
    topics = [t for t in filters.topics if t.unit_id is None or t.unit_id in units]
    classify.fields["topic"].choices = [("", "— Chọn lĩnh vực —"), *((t.pk, _topic_label(t)) for t in topics)]
    orgs = [(o.pk, o.name) for o in filters.organizations if o.unit_id in units and o.kind in ASSIGNABLE_KINDS]
    assign.fields["lead"].choices = [("", "— Chọn cơ quan —"), *orgs]
    assign.fields["coordinating"].choices = orgs
    return classify, assign
