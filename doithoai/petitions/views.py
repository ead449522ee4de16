"""Staff pages for petitions: quick entry (Nhập ý kiến) and an organisation's list of opinions (Ý kiến của tổ chức).

Thin: find what the user may use through accounts.permissions (a foreign id is a 404), parse with a form, call
actions.submit_petition, respond. Each page works without JavaScript; htmx only swaps parts of it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from doithoai.accounts import permissions
from doithoai.accounts.models import Organization, Unit
from doithoai.lib import clock
from doithoai.petitions import actions
from doithoai.petitions.actions import ActionError
from doithoai.petitions.forms import (
    BATCH_STEP,
    ENTRY_CHANNELS,
    MAX_BATCH_ROWS,
    BatchForm,
    EntryForm,
    batch_formset,
    raw_rows,
)
from doithoai.petitions.models import PUBLIC_STATUS_LABELS, Petition
from doithoai.plans.models import Dialogue, DialogueMember
from doithoai.plans.queries import HELD, NOT_COMING, sort_key

Role = permissions.Role
RECENT = 20  # the receiver's own latest entries shown under the form
EXCERPT = 120  # characters of content shown in lists
PAGE_SIZE = 25
ROWS_PREFIX = "rows"
MAX_DIALOGUE_CHOICES = 300


# ---------------------------------------------------------------- quick entry


@login_required
def enter(request: HttpRequest) -> HttpResponse:
    """Nhập nhanh ý kiến: what was said or written at a dialogue, at a reception day, by phone or by letter."""
    user = request.user
    units = _staff_units(user)
    dialogues = _entry_dialogues(user, units)
    if not units and not dialogues:
        raise PermissionDenied("dialogue.enter_petition")
    preselected = _preselected(request, dialogues)
    unit_ids = {u.pk for u in units} | {d.unit_id for d in dialogues}
    form_kwargs = {"dialogues": dialogues, "villages": _villages(unit_ids), "units": units}
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            petition = _submit(form, user)
            if petition is not None:
                return _saved(request, petition, form_kwargs)
        posted = form.dialogues.get(request.POST.get("dialogue", ""))
        return _entry_page(request, form, posted, status=200 if request.htmx else 422)
    dialogue = preselected or _default_dialogue(dialogues, seated_only=not units)
    initial = {"channel": _initial_channel(request.GET.get("kenh", ""), dialogue)}
    if dialogue is not None:
        initial["dialogue"] = str(dialogue.pk)
    return _entry_page(request, EntryForm(initial=initial, **form_kwargs), dialogue)


def _submit(form: EntryForm, user) -> Petition | None:
    try:
        return actions.submit_petition(form.cleaned_data["unit"], **form.submission(), by=user)
    except ValidationError as error:
        form.add_action_errors(error)
    except ActionError as error:
        raise PermissionDenied(str(error)) from error
    return None


def _saved(request: HttpRequest, petition: Petition, form_kwargs: dict) -> HttpResponse:
    """After saving: the same form again, empty but for the channel and the dialogue ("Lưu và nhập tiếp")."""
    if request.htmx:
        initial = {"channel": petition.channel, "dialogue": str(petition.dialogue_id or "")}
        if "unit" in request.POST:
            initial["unit"] = str(petition.unit_id)
        form = EntryForm(initial=initial, **form_kwargs)
        return _entry_page(request, form, petition.dialogue, saved=petition)
    messages.success(request, f"Đã lưu ý kiến. Mã theo dõi: {petition.code}.")
    query = {"kenh": petition.channel, **({"buoi": petition.dialogue_id} if petition.dialogue_id else {})}
    return redirect(f"{reverse('petitions:enter')}?{urlencode(query)}")


def _entry_page(request, form: EntryForm, dialogue: Dialogue | None, *, saved=None, status: int = 200):
    form.focus()
    context = {
        "form": form,
        "dialogue": dialogue,
        "recent": _recent(request.user, dialogue),
        "recent_limit": RECENT,
        "saved": saved,
        "action": request.get_full_path(),
    }
    swap = request.htmx and request.method == "POST"  # htmx swaps the form in place; anything else is the page
    template = "petitions/entry.html#entry-form" if swap else "petitions/entry.html"
    return render(request, template, context, status=status)


def _staff_units(user) -> list[Unit]:
    """The units where the user is coordinator or chair (from the roles already read for this request)."""
    units = {r.unit_id: r.unit for r in permissions.roles_of(user) if r.role in permissions.UNIT_STAFF}
    return sorted(units.values(), key=lambda u: u.name)


def _entry_dialogues(user, units: list[Unit]) -> list[Dialogue]:
    """Dialogues the user may enter opinions for, in date order: those of the year in the units they coordinate or
    chair (reception days included), and those where they sit as secretary or receiver — the rule of
    permissions "dialogue.enter_petition", as one query."""
    year = clock.today().year
    seat = DialogueMember.objects.filter(dialogue_id=OuterRef("pk"), user_id=user.pk)
    condition = Q(Exists(seat))
    if units:
        this_year = Q(starts_at__year=year) | Q(starts_at__isnull=True, tentative_month__year=year)
        condition |= Q(unit_id__in=[u.pk for u in units]) & this_year
    latest = (
        permissions.dialogues_visible_to(user)
        .filter(condition)
        .select_related("unit")
        .order_by("-starts_at", "-tentative_month", "-pk")[:MAX_DIALOGUE_CHOICES]
    )
    return sorted(latest, key=sort_key)


def _preselected(request: HttpRequest, dialogues: list[Dialogue]) -> Dialogue | None:
    """The dialogue named by ?buoi=<id>; a dialogue the user may not enter for is not found (404)."""
    raw = request.GET.get("buoi", "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) < 12):
        raise Http404("buoi")
    dialogue = next((d for d in dialogues if d.pk == int(raw)), None)
    if dialogue is None:
        # An earlier year's dialogue of the user's own commune may still be named explicitly.
        dialogue = get_object_or_404(permissions.dialogues_visible_to(request.user).select_related("unit"), pk=int(raw))
        dialogues.append(dialogue)
    if not permissions.can(request.user, "dialogue.enter_petition", dialogue):
        raise Http404("buoi")
    return dialogue


def _default_dialogue(dialogues: list[Dialogue], *, seated_only: bool) -> Dialogue | None:
    """Today's dialogue; for a secretary or receiver with no other role, else the latest one that has begun."""
    today = clock.today()
    todays = [d for d in dialogues if d.starts_at and timezone.localdate(d.starts_at) == today]
    if todays or not seated_only:
        return todays[0] if todays else None
    begun = [d for d in dialogues if d.starts_at and timezone.localdate(d.starts_at) <= today]
    return begun[-1] if begun else (dialogues[0] if dialogues else None)


def _initial_channel(asked: str, dialogue: Dialogue | None) -> str:
    if asked in ENTRY_CHANNELS:
        return asked
    if dialogue is not None:
        return (
            Petition.Channel.RECEPTION
            if dialogue.kind == Dialogue.Kind.RECEPTION
            else Petition.Channel.SPOKEN_AT_DIALOGUE
        )
    return Petition.Channel.PHONE


def _villages(unit_ids) -> list[Organization]:
    return list(
        Organization.objects.filter(unit_id__in=unit_ids, kind=Organization.Kind.VILLAGE, is_active=True)
        .select_related("unit")
        .order_by("unit__name", "name")
    )


def _recent(user, dialogue: Dialogue | None) -> list[Petition]:
    """The last opinions this user entered for the dialogue (one query)."""
    if dialogue is None:
        return []
    return _tidy(
        permissions.petitions_visible_to(user)
        .filter(dialogue_id=dialogue.pk, created_by_id=user.pk)
        .with_excerpt(EXCERPT)
        .only("code", "received_at", "kind", "channel")
        .order_by("-received_at", "-id")[:RECENT]
    )


def _tidy(petitions) -> list[Petition]:
    """The excerpt as shown: no dangling space before the ellipsis the template adds."""
    petitions = list(petitions)
    for petition in petitions:
        petition.excerpt = petition.excerpt.rstrip()
        petition.truncated = petition.content_length > EXCERPT
    return petitions


# ---------------------------------------------------------------- an organisation's opinions


@login_required
def org_batch(request: HttpRequest) -> HttpResponse:
    """Ý kiến của tổ chức: an organisation sends the opinions gathered from its members, and follows them."""
    user = request.user
    organizations = list({o.pk: o for o in permissions.organizations_for(user, Role.ORG_REP)}.values())
    if not organizations:
        raise PermissionDenied("organization.submit_petitions")
    organization = _chosen_organization(request, organizations)
    if organization is None:
        return render(request, "petitions/org_batch.html", {"organizations": organizations, "organization": None})
    unit = next(r.unit for r in permissions.roles_of(user) if r.unit_id == organization.unit_id)
    page = _BatchPage(request, organization, unit, organizations)
    if request.method == "POST":
        return page.post()
    if request.htmx and "tu" in request.GET:
        return page.extra_rows()
    return page.render(page.blank_formset(_rows_asked(request.GET.get("dong"))))


def _chosen_organization(request: HttpRequest, organizations: list[Organization]) -> Organization | None:
    """?to-chuc=<id> among the user's own organisations (another one is a 404); None when a choice is needed."""
    raw = request.GET.get("to-chuc", "")
    if not raw:
        return organizations[0] if len(organizations) == 1 else None
    chosen = next((o for o in organizations if str(o.pk) == raw), None)
    if chosen is None:
        raise Http404("to-chuc")
    return chosen


def _number_in(raw: str | None, low: int, high: int, default: int) -> int:
    """A count from the query or the form, kept within bounds; anything else is the default."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) < 6):
        return default
    return max(low, min(int(raw), high))


def _rows_asked(raw: str | None) -> int:
    return _number_in(raw, BATCH_STEP, MAX_BATCH_ROWS, BATCH_STEP)


class _BatchPage:
    """The batch page of one organisation: the form of rows, and the list of what the organisation sent."""

    def __init__(self, request: HttpRequest, organization: Organization, unit: Unit, organizations: list):
        self.request, self.organization, self.unit, self.organizations = request, organization, unit, organizations
        self.base_query = {"to-chuc": organization.pk} if len(organizations) > 1 else {}
        self.villages = list(
            Organization.objects.filter(unit_id=unit.pk, kind=Organization.Kind.VILLAGE, is_active=True).order_by(
                "name"
            )
        )
        self.dialogues = _batch_dialogues(request.user, unit)

    def url(self, **query) -> str:
        return f"{reverse('petitions:org_batch')}?{urlencode({**self.base_query, **query})}".rstrip("?")

    def blank_formset(self, rows: int, initial=None, focus_row: int | None = None):
        formset = batch_formset(rows)(prefix=ROWS_PREFIX, initial=initial, form_kwargs={"villages": self.villages})
        if focus_row is not None and focus_row < len(formset.forms):
            formset.forms[focus_row].fields["content"].widget.attrs["autofocus"] = True
        return formset

    def post(self) -> HttpResponse:
        data = self.request.POST
        if "them_dong" in data:  # "Thêm dòng" without JavaScript: show what was typed, with more rows
            typed = _number_in(data.get(f"{ROWS_PREFIX}-TOTAL_FORMS"), 0, MAX_BATCH_ROWS, 0)
            rows = min(max(_rows_asked(self.request.GET.get("dong")), typed + BATCH_STEP), MAX_BATCH_ROWS)
            formset = self.blank_formset(rows, raw_rows(data, ROWS_PREFIX, typed), focus_row=typed)
            return self.render(
                formset, BatchForm(initial={"dialogue": data.get("dialogue", "")}, dialogues=self.dialogues)
            )
        shared = BatchForm(data, dialogues=self.dialogues)
        formset = batch_formset(BATCH_STEP)(data, prefix=ROWS_PREFIX, form_kwargs={"villages": self.villages})
        if shared.is_valid() and formset.is_valid():
            filled = formset.filled_forms()
            if not filled:
                shared.add_error(None, "Chưa có ý kiến nào để gửi: xin nhập nội dung ở ít nhất một dòng.")
            else:
                created = self._submit(filled, shared.cleaned_data["dialogue"])
                if created is not None:
                    codes = ", ".join(p.code for p in created)
                    messages.success(self.request, f"Đã gửi {len(created)} ý kiến. Mã theo dõi: {codes}.")
                    return redirect(self.url())
        return self.render(formset, shared, status=422)

    def _submit(self, rows, dialogue: Dialogue | None) -> list[Petition] | None:
        """One petition per filled row, all in one transaction: if any row is refused, nothing is saved."""
        try:
            with transaction.atomic():
                created = [self._submit_row(form, dialogue) for form in rows]  # every row, to mark every bad one
                if None in created:
                    raise _RowsRefused
        except _RowsRefused:
            return None
        except ActionError as error:
            raise PermissionDenied(str(error)) from error
        return created

    def _submit_row(self, form, dialogue: Dialogue | None) -> Petition | None:
        try:
            return actions.submit_petition(
                self.unit,
                channel=Petition.Channel.ORG_BATCH,
                organization=self.organization,
                dialogue=dialogue,
                by=self.request.user,
                **form.submission(),
            )
        except ValidationError as error:
            form.add_action_errors(error)
            return None

    def extra_rows(self) -> HttpResponse:
        """htmx "Thêm dòng": only the new rows (and the updated row count and button, swapped out of band)."""
        start = _number_in(self.request.GET.get("tu"), 0, MAX_BATCH_ROWS, 0)
        rows = min(max(_rows_asked(self.request.GET.get("dong")), start), MAX_BATCH_ROWS)
        formset = self.blank_formset(rows, focus_row=start)
        _number(formset.forms)
        context = {
            "new_rows": formset.forms[start:],
            "total": rows,
            "max_rows": MAX_BATCH_ROWS,
            **self._add_links(rows),
        }
        return render(self.request, "petitions/org_batch.html#extra-rows", context)

    def _add_links(self, total: int) -> dict:
        more = min(total + BATCH_STEP, MAX_BATCH_ROWS)
        return {
            "can_add": total < MAX_BATCH_ROWS,
            "add_url": self.url(dong=more),
            "add_rows_url": self.url(dong=more, tu=total),
        }

    def render(self, formset, shared: BatchForm | None = None, status: int = 200) -> HttpResponse:
        shared = shared or BatchForm(dialogues=self.dialogues)
        _number(formset.forms)
        context = {
            "organization": self.organization,
            "organizations": self.organizations,
            "shared": shared,
            "formset": formset,
            "total": len(formset.forms),
            "max_rows": MAX_BATCH_ROWS,
            "action": self.url(),
            "submissions": self._submissions(),
            "page_url": self.url(),
            **self._add_links(len(formset.forms)),
        }
        return render(self.request, "petitions/org_batch.html", context, status=status)

    def _submissions(self):
        """What the organisation sent, newest first, 25 a page, with the public status (two queries)."""
        qs = (
            permissions.petitions_visible_to(self.request.user)
            .filter(submitter_organization_id=self.organization.pk)
            .select_related("topic")
            .with_excerpt(EXCERPT)
            .annotate(shown_status=F("merged_into__status"))
            .defer("content", "search_key")
            .order_by("-received_at", "-id")
        )
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("trang"))
        page.object_list = _tidy(page.object_list)
        for petition in page:
            status = petition.shown_status or petition.status
            petition.public_status = status
            petition.public_label = PUBLIC_STATUS_LABELS.get(status, petition.get_status_display())
        return page


class _RowsRefused(Exception):
    """Some row of a batch was refused: roll the whole batch back."""


def _number(forms) -> None:
    for index, form in enumerate(forms):
        form.number = index + 1


def _batch_dialogues(user, unit: Unit) -> list[Dialogue]:
    """The dialogues a batch may be sent for: the latest held one and the next three coming (two queries)."""
    base = permissions.dialogues_visible_to(user).filter(unit_id=unit.pk).exclude(kind=Dialogue.Kind.RECEPTION)
    today = clock.today()
    coming = (
        base.exclude(status__in=NOT_COMING)
        .filter(Q(starts_at__date__gte=today) | Q(starts_at__isnull=True, tentative_month__gte=today.replace(day=1)))
        .order_by(F("starts_at").asc(nulls_last=True), "tentative_month", "pk")[:3]
    )
    latest = base.filter(status__in=HELD).order_by("-starts_at", "-pk")[:1]
    return [*latest, *coming]
