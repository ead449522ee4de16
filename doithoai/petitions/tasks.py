"""Background work of the petitions app (django-tasks, database worker)."""

from django_tasks import task

from doithoai.petitions import actions


@task()
def import_petitions(batch_id: int) -> str:
    """Import a confirmed list too long to import inside the request (see actions.start_import)."""
    return actions.run_import(batch_id).status
