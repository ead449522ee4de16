"""Every form value, query value and uploaded file name is cleaned as it enters (lib/text.clean: no control,
format or surrogate character, NFC, trimmed), so no view, form or action ever sees a NUL, a bidi override or a
WORD JOINER (DESIGN.md: input NFC-normalised at the boundary)."""

from django.http import HttpRequest, QueryDict

from doithoai.lib.text import clean

# Passwords are compared byte for byte with what was set, possibly outside the web (createsuperuser): they only
# lose NUL, which Django's forms have always refused (so no password holds one) and would refuse in English.
_UNTOUCHED = ("password",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _cleaned(data: QueryDict) -> QueryDict:
    """A cleaned copy of `data`; `data` itself when nothing changes. Values keep their line breaks here: a form or
    action knows which of its fields are one line (lib/text.nfc_line)."""
    changed, items = False, []
    for key, values in data.lists():
        new_key = clean(key, multiline=False)
        secret = any(word in key for word in _UNTOUCHED)
        new_values = [v if not isinstance(v, str) else v.replace("\x00", "") if secret else clean(v) for v in values]
        changed = changed or new_key != key or new_values != values
        items.append((new_key, new_values))
    if not changed:
        return data
    copy = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in items:
        copy.setlist(key, copy.getlist(key) + values)  # two keys may clean to one
    copy._mutable = False
    return copy


def _clean_file_names(request: HttpRequest) -> None:
    """A file's name is text the user chose too: it is stored (Attachment.original_name) and shown."""
    for _field, uploads in request.FILES.lists():
        for upload in uploads:
            upload.name = clean(upload.name, multiline=False)


class NormalizeInputMiddleware:
    """Replace request.GET and request.POST with cleaned copies, and clean the names of uploaded files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.GET = _cleaned(request.GET)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            request.POST = _cleaned(request.POST)
            _clean_file_names(request)
        return self.get_response(request)
