"""Background work of the petitions app (django-tasks, database worker)."""

from django_tasks import task

from doithoai.petitions import actions


@task()
def read_petition_list(batch_id: int) -> str:
    """Read an uploaded list once and check its rows (see actions.read_import), or check them again after the
    user chose other columns: too long for the request."""
    return actions.read_import(batch_id).status


@task()
def import_petitions(batch_id: int) -> str:
    """Import a confirmed list too long to import inside the request (see actions.start_import)."""
    return actions.run_import(batch_id).status
