"""GET /api/v1/dialogues: every dialogue of the communes' plans, reception days included."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema

from doithoai.plans import queries
from doithoai.plans.calendar import calendar_bytes
from doithoai.plans.models import Dialogue

router = Router(tags=["Buổi tiếp xúc, đối thoại"])


class DialogueOut(Schema):
    id: int
    unit: str
    title: str
    kind: str
    status: str
    month: str | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    place: str
    announced_at: dt.datetime | None


class DialogueList(Schema):
    items: list[DialogueOut]
    count: int


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """Times in Asia/Ho_Chi_Minh with their offset (+07:00), as people there read them."""
    return timezone.localtime(moment) if moment else None


def dialogue_out(dialogue: Dialogue) -> dict:
    month = dialogue.month
    return {
        "id": dialogue.pk,
        "unit": dialogue.unit.slug,
        "title": dialogue.title,
        "kind": dialogue.kind,
        "status": dialogue.status,
        "month": f"{month:%Y-%m}" if month else None,
        "starts_at": _local(dialogue.starts_at),
        "ends_at": _local(dialogue.ends_at),
        "place": dialogue.place,
        "announced_at": _local(queries.first_publication(dialogue)),
    }


@router.get("", response=DialogueList, summary="Danh sách buổi tiếp xúc, đối thoại")
def list_dialogues(request: HttpRequest, unit: str | None = None, kind: Dialogue.Kind | None = None):
    """Every dialogue (tentative ones too) of every commune, or of one (`?unit=<slug>`); `?kind=` filters."""
    items = [dialogue_out(d) for d in queries.public_dialogues(unit, kind.value if kind else None)]
    return {"items": items, "count": len(items)}


@router.get("/{dialogue_id}/calendar.ics", summary="Tệp lịch (iCalendar) của một buổi", response={200: None, 404: None})
def dialogue_calendar(request: HttpRequest, dialogue_id: int):
    """iCalendar of one dialogue; a dialogue with only a tentative month is an all-day event over that month."""
    dialogue = get_object_or_404(queries.public_dialogues().select_related("unit"), pk=dialogue_id)
    body = calendar_bytes([dialogue], name=dialogue.title, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="doi-thoai-{dialogue.pk}.ics"'
    return response
