"""The background tasks' results (django-tasks-db) in the admin, with Vietnamese column names: its own admin names
some columns in English, outside any translation."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = ("task", "status", "enqueued_at", "started_at", "finished_at", "priority", "queue_name")

    @admin.display(description="tác vụ", ordering="task_path")
    def task(self, obj: DBTaskResult) -> str:
        return obj.task_name

    @admin.display(description="chi tiết lỗi")
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description="chạy sau")
    def display_run_after(self, obj: DBTaskResult):
        return super().display_run_after(obj)
