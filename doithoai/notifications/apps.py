from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "doithoai.notifications"
    label = "notifications"
    verbose_name = "Thông báo gửi đi"
