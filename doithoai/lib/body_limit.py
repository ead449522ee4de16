"""Request bodies bounded before they cost anything (DESIGN.md §8; the server itself does not bound them).

The first middleware: a body declared larger than its route allows is refused with 413 from its Content-Length
alone — before CSRF, form parsing or spooling files to disk — and the connection is closed rather than read.
A body read while streaming is counted too, so one that carries more than it declared (or declares nothing) is
stopped at the same limit. Only the routes listed in UPLOAD_ROUTES take files; every other route takes at most
DEFAULT_MAX (form fields and JSON never need more).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from doithoai.lib.uploads import MAX_BYTES, MAX_FILES

MB = 1024 * 1024
MARGIN = MB  # the form's other fields and the multipart framing
ATTACHMENTS_MAX = MAX_FILES * MAX_BYTES + MARGIN  # an opinion with its 5 files of 10 MB
ONE_FILE_MAX = MAX_BYTES + MARGIN  # one list to import, one answer's document

# url name → the largest body that route legitimately receives.
UPLOAD_ROUTES = {
    "portal:submit": ATTACHMENTS_MAX,
    "portal:commune_submit": ATTACHMENTS_MAX,
    "petitions:enter": ATTACHMENTS_MAX,
    "petitions:import": ONE_FILE_MAX,
    "petitions:higher_answer": ONE_FILE_MAX,
    "petitions:agency_answer": ONE_FILE_MAX,
}
TOO_LARGE = "Nội dung gửi lên quá lớn (tối đa %(mb)s MB). Xin bớt hoặc thu nhỏ tệp đính kèm rồi gửi lại."


def limit_for(path: str) -> int:
    """The largest body the route of `path` accepts."""
    try:
        name = resolve(path).view_name
    except Resolver404:
        return settings.MAX_REQUEST_BODY
    return UPLOAD_ROUTES.get(name, settings.MAX_REQUEST_BODY)


class _CountedStream:
    """The request's body stream, refusing to yield more than `limit` bytes in all."""

    def __init__(self, stream, limit: int, request: HttpRequest):
        self.stream, self.limit, self.request, self.read_so_far = stream, limit, request, 0

    def _count(self, data: bytes) -> bytes:
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            self.request.body_too_large = True
            raise RequestDataTooBig("request body over its route's limit")
        return data

    def read(self, size: int = -1) -> bytes:
        return self._count(self.stream.read(size))

    def readline(self, size: int = -1) -> bytes:
        return self._count(self.stream.readline(size))

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def close(self) -> None:
        self.stream.close()


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """413 in Vietnamese (JSON for the API); the connection is closed, so the rest of the body is never read."""
    text = TOO_LARGE % {"mb": f"{limit / MB:.1f}".replace(".", ",").removesuffix(",0")}
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": text}, status=413, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("413.html", {"message": text}), status=413)
    response["Connection"] = "close"
    return response


class RequestBodyLimitMiddleware:
    """Refuse an oversized body by its declared length; count what is actually read (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        limit = limit_for(request.path_info)
        if _declared_length(request) > limit:
            return too_large(request, limit)
        if hasattr(request, "_stream"):
            request._stream = _CountedStream(request._stream, limit, request)
        response = self.get_response(request)
        if getattr(request, "body_too_large", False):
            return too_large(request, limit)
        return response
