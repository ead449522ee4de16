from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "doithoai.accounts"
    label = "accounts"
    verbose_name = "Đơn vị, tổ chức và tài khoản"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from doithoai.lib import staff_session

        user_logged_in.connect(staff_session.start, dispatch_uid="doithoai.staff_session.start")
