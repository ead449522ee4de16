"""Login and password forms: NFC-normalised input, Vietnamese labels, the log-in lockout."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doithoai.accounts import throttle
from doithoai.lib.text import nfc_line


class LoginForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Xin kiểm tra lại (mật khẩu phân biệt chữ hoa, chữ thường)."
        ),
        "inactive": _("Tài khoản này đã bị khóa."),
        "locked": _("Tài khoản tạm bị khóa do đăng nhập sai nhiều lần."),
    }
    locked = False

    def clean_username(self):
        return nfc_line(self.cleaned_data.get("username"))

    def clean(self):
        """Refuse a locked name before the password is even checked; count a wrong password (throttle.py)."""
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not (username and password):
            return super().clean()
        attempt = throttle.LoginAttempt.of(self.request, username)
        if attempt.locked():
            self.locked = True
            raise ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                attempt.failed()
                self.locked = attempt.locked()
            raise
        attempt.succeeded()
        return cleaned


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _("Mật khẩu hiện tại không đúng."),
        "password_mismatch": _("Hai lần nhập mật khẩu mới không khớp nhau."),
    }
