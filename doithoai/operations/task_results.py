"""django-tasks-db (the background tasks' results, read in the admin) under a Vietnamese heading. Its own module:
a second AppConfig in operations/apps.py would keep Django from choosing OperationsConfig (and its checks)."""

from django_tasks_db.apps import TasksAppConfig


class TaskResultsConfig(TasksAppConfig):
    """Its model, field and state names are translated in doithoai/locale; its admin columns in operations/admin.py."""

    verbose_name = "Tác vụ nền"
