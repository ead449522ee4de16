"""Login and password forms: NFC-normalised input, Vietnamese labels."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from doithoai.lib.text import nfc_line


class LoginForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("Tên đăng nhập"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Mật khẩu"), strip=False, max_length=200, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Xin kiểm tra lại (mật khẩu phân biệt chữ hoa, chữ thường)."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def clean_username(self):
        return nfc_line(self.cleaned_data.get("username"))


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _("Mật khẩu hiện tại không đúng."),
        "password_mismatch": _("Hai lần nhập mật khẩu mới không khớp nhau."),
    }
