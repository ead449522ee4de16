"""A one-time token carried by a form that creates something (gửi ý kiến, nhập ý kiến), so that a double click, a
resend after a lost answer or twenty identical posts at once create one record, not twenty.

The form holds a random token from the moment it is shown; the action stores it on what it creates, under a unique
constraint, and a second post with the same token gets the first record back instead of a new one.
"""

import re
import secrets

from django import forms

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class FormTokenField(forms.CharField):
    """Hidden; a fresh token on a new form, the posted one on a form shown again with its errors. A missing or
    malformed token (an old page, a hand-made post) is no error: that post is simply not protected."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=64, initial=new_token, **kwargs)

    def clean(self, value) -> str:
        value = super().clean(value)
        return value if TOKEN.match(value or "") else ""
