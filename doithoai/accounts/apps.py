from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "doithoai.accounts"
    label = "accounts"
    verbose_name = "Đơn vị, tổ chức và tài khoản"
