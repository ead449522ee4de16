"""Every form and query value is NFC-normalised as it enters (DESIGN.md: input NFC-normalised at the boundary)."""

import unicodedata

from django.http import QueryDict

# Passwords are compared byte for byte with what was set, possibly outside the web (createsuperuser).
_UNTOUCHED = ("password",)


def _normalised(data: QueryDict) -> QueryDict:
    if not data or all(unicodedata.is_normalized("NFC", v) for values in data.lists() for v in values[1]):
        return data
    copy = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        keep = any(word in key for word in _UNTOUCHED)
        copy.setlist(
            unicodedata.normalize("NFC", key),
            [v if keep or not isinstance(v, str) else unicodedata.normalize("NFC", v) for v in values],
        )
    copy._mutable = False
    return copy


class NormalizeInputMiddleware:
    """Replace request.GET and request.POST with NFC-normalised copies (file uploads untouched)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _normalised(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _normalised(request.POST)
        return self.get_response(request)
