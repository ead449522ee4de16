"""JSON answers built outside ninja's operations (rate limits, idempotent replays, body checks)."""

import json

from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder


def json_answer(data, status: int) -> HttpResponse:
    """The same bytes ninja's renderer writes: UTF-8 JSON with Vietnamese letters as they are."""
    body = json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def message(detail: str, status: int) -> HttpResponse:
    return json_answer({"detail": detail}, status)
