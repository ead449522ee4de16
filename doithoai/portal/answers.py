"""Kết quả trả lời: the published answers of a commune — the page, its search and filters, and the Atom feed.

Only what staff approved for the public is read here: the petition's public summary and the answer's public text,
with the topic, the village's name, the dialogue and the answering body. Never a name, phone, e-mail, address,
tracking code or the original content.
"""

from django import forms
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from doithoai.accounts.models import Organization, Unit
from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.lib.text import fold
from doithoai.petitions.models import Answer, Petition, Topic
from doithoai.plans.models import Dialogue

PAGE_SIZE = 20
FEED_SIZE = 50
MAX_QUERY_CHARS = 200  # a longer search text is cut, not refused
MAX_WORDS = 8
# Columns never read by these pages: not even loaded.
_PRIVATE = (
    "text",
    "satisfaction_reason",
    "petition__content",
    "petition__search_key",
    "petition__submitter_name",
    "petition__submitter_phone",
    "petition__submitter_email",
    "petition__submitter_address",
    "petition__submitter_organization_name",
    "petition__decline_reason",
    "petition__code",
)


def published_answers(units: QuerySet[Unit] | list[Unit]) -> QuerySet[Answer]:
    """The current, published answers of public, non-confidential petitions of `units`, newest publication first,
    with everything a list shows in the same query."""
    return (
        Answer.objects.filter(
            is_current=True,
            published_at__isnull=False,
            petition__is_public=True,
            petition__unit__in=units,
            petition__merged_into__isnull=True,
        )
        # A safety net: khiếu nại and tố cáo can never be public (a database constraint says so too).
        .exclude(petition__kind__in=CONFIDENTIAL_KINDS)
        .exclude(petition__status=Petition.Status.MERGED)
        .exclude(public_text="")
        .exclude(petition__public_summary="")
        .select_related(
            "organization", "petition__unit", "petition__topic__parent", "petition__village", "petition__dialogue"
        )
        .defer(*_PRIVATE)
        .order_by("-published_at", "-pk")
    )


def search(qs: QuerySet[Answer], text: str) -> QuerySet[Answer]:
    """Every word of the folded text must appear in the public search key ("duong xuong cap" finds "Đường…")."""
    for word in fold(text[:MAX_QUERY_CHARS]).split()[:MAX_WORDS]:
        qs = qs.filter(petition__public_search_key__icontains=word)
    return qs


def answered_by(answer: Answer) -> str:
    return answer.organization.name if answer.organization_id else "Chủ trì hội nghị"


class _DialogueChoice(forms.ModelChoiceField):
    """A dialogue named with its date: the secretary's reception days all share one title."""

    def label_from_instance(self, dialogue: Dialogue) -> str:
        if dialogue.starts_at:
            return f"{dialogue.title} ({timezone.localtime(dialogue.starts_at):%d/%m/%Y})"
        if dialogue.tentative_month:
            return f"{dialogue.title} (tháng {dialogue.tentative_month:%m/%Y})"
        return dialogue.title


class AnswerFilterForm(forms.Form):
    """The search and filters of the answers page (GET, bookmarkable); an invalid value is ignored, never a 500."""

    q = forms.CharField(
        label="Tìm kiếm",
        required=False,
        widget=forms.SearchInput,
        help_text="Gõ có dấu hoặc không dấu, ví dụ: duong xuong cap",
    )
    linh_vuc = forms.ChoiceField(label="Lĩnh vực", required=False)
    thon = forms.ModelChoiceField(
        label="Thôn, tổ dân phố", required=False, queryset=Organization.objects.none(), empty_label="Tất cả"
    )
    buoi = _DialogueChoice(
        label="Buổi tiếp xúc, đối thoại", required=False, queryset=Dialogue.objects.none(), empty_label="Tất cả"
    )

    def __init__(self, data, *, unit: Unit, published: QuerySet[Answer]):
        data = data.copy()
        data["q"] = data.get("q", "")[:MAX_QUERY_CHARS]
        super().__init__(data, label_suffix="")
        self.fields["q"].widget.attrs.update({"maxlength": MAX_QUERY_CHARS, "aria-describedby": "id_q_helptext"})
        canonical = Topic.objects.filter(unit__isnull=True).order_by("position", "name").values_list("code", "name")
        self.fields["linh_vuc"].choices = [("", "Tất cả"), *canonical]
        self.fields["thon"].queryset = Organization.objects.filter(unit=unit, kind=Organization.Kind.VILLAGE).order_by(
            "name"
        )
        # Only the dialogues that have published answers: a choice that can find something.
        dialogue_ids = published.order_by().values("petition__dialogue_id")
        self.fields["buoi"].queryset = Dialogue.objects.filter(unit=unit, pk__in=dialogue_ids).order_by(
            "-starts_at", "-pk"
        )

    def value(self, name: str):
        """The cleaned value of one field, or None when absent or invalid (a bogus id filters nothing)."""
        self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None

    def apply(self, qs: QuerySet[Answer]) -> QuerySet[Answer]:
        if text := self.value("q"):
            qs = search(qs, text)
        if code := self.value("linh_vuc"):
            # A unit's own topic counts under its canonical parent.
            qs = qs.filter(
                Q(petition__topic__code=code, petition__topic__unit__isnull=True)
                | Q(petition__topic__parent__code=code)
            )
        if village := self.value("thon"):
            qs = qs.filter(petition__village=village)
        if dialogue := self.value("buoi"):
            qs = qs.filter(petition__dialogue=dialogue)
        if (one := _int(self.data.get("tl"))) is not None:
            qs = qs.filter(pk=one)  # the feed's link to one answer, stable whatever page it falls on
        return qs

    @property
    def active(self) -> bool:
        return (
            any(self.value(name) for name in ("q", "linh_vuc", "thon", "buoi")) or _int(self.data.get("tl")) is not None
        )


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


# ---------------------------------------------------------------- views


def answers(request: HttpRequest) -> HttpResponse:
    """Kết quả trả lời. One commune: its answers. Several: the commune choice (as /gui-y-kien/ does)."""
    from doithoai.portal.views import communes_or_choice

    return communes_or_choice(
        request,
        lambda request, unit: _answers_page(request, unit, reverse("portal:answers_feed")),
        link="portal:commune_answers",
        heading="Kết quả trả lời ý kiến, kiến nghị",
        lead="Chọn xã để xem các ý kiến, kiến nghị đã được trả lời và công khai.",
    )


def commune_answers(request: HttpRequest, slug: str) -> HttpResponse:
    unit = get_object_or_404(Unit, slug=slug, level=Unit.Level.COMMUNE)
    return _answers_page(request, unit, reverse("portal:commune_answers_feed", args=[unit.slug]))


def _answers_page(request: HttpRequest, unit: Unit, feed_url: str) -> HttpResponse:
    published = published_answers([unit])
    form = AnswerFilterForm(request.GET, unit=unit, published=published)
    page = Paginator(form.apply(published), PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "unit": unit,
        "form": form,
        "page": page,
        "items": [(answer, answered_by(answer)) for answer in page.object_list],
        "page_query": query.urlencode(),
        "feed_url": feed_url,
    }
    return render(request, "portal/answers.html", context)


# ---------------------------------------------------------------- the Atom feed


class _AnswersAtom(Atom1Feed):
    """Atom with the answer as the entry's <content> (plain text), which Django's Atom1Feed does not write."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "text"})


class AnswersFeed(Feed):
    """Atom feed of the latest published answers (one commune, or every commune of the deployment)."""

    feed_type = _AnswersAtom

    def get_object(self, request: HttpRequest, slug: str | None = None) -> dict:
        if slug is not None:
            units = [get_object_or_404(Unit, slug=slug, level=Unit.Level.COMMUNE)]
        else:
            units = list(Unit.objects.filter(level=Unit.Level.COMMUNE).order_by("name"))
        return {"units": units, "base": request.build_absolute_uri("/")[:-1]}

    def title(self, obj: dict) -> str:
        names = ", ".join(u.name for u in obj["units"][:3]) if len(obj["units"]) <= 3 else "các xã"
        return f"Kết quả trả lời ý kiến, kiến nghị — {names}"

    def subtitle(self, obj: dict) -> str:
        return "Các câu trả lời ý kiến, kiến nghị đã được công khai"

    def link(self, obj: dict) -> str:
        if len(obj["units"]) == 1:
            return reverse("portal:commune_answers", args=[obj["units"][0].slug])
        return reverse("portal:answers")

    def items(self, obj: dict) -> list[Answer]:
        items = list(published_answers(obj["units"])[:FEED_SIZE])
        for answer in items:
            # A stable id for the answer, whatever the page it falls on later.
            answer.feed_id = obj["base"] + _page_url(answer) + f"#tl-{answer.pk}"
        return items

    def item_title(self, item: Answer) -> str:
        return Truncator(" ".join(item.petition.public_summary.split())).chars(120)

    def item_description(self, item: Answer) -> None:
        return None  # Django's default would be str(item), which names the code and the internal text

    def item_extra_kwargs(self, item: Answer) -> dict:
        return {"content": item.public_text}

    def item_link(self, item: Answer) -> str:
        return f"{_page_url(item)}?tl={item.pk}#tl-{item.pk}"

    def item_guid(self, item: Answer) -> str:
        return item.feed_id

    def item_pubdate(self, item: Answer):
        return timezone.localtime(item.published_at)  # +07:00 as the announcements' feed: the day people read

    def item_updateddate(self, item: Answer):
        return timezone.localtime(item.published_at)

    def item_author_name(self, item: Answer) -> str:
        return answered_by(item)

    def item_categories(self, item: Answer) -> list[str]:
        topic = item.petition.topic
        return [topic.canonical.name] if topic else []


def _page_url(answer: Answer) -> str:
    return reverse("portal:commune_answers", args=[answer.petition.unit.slug])


answers_feed = AnswersFeed()
