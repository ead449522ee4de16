from django.db import migrations


def load_topics(apps, schema_editor):
    from doithoai.petitions.topics import CANONICAL_TOPICS

    Topic = apps.get_model("petitions", "Topic")
    for position, (code, name, scope) in enumerate(CANONICAL_TOPICS, start=1):
        Topic.objects.update_or_create(
            unit=None, code=code, defaults={"name": name, "scope": scope, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0002_initial")]
    operations = [migrations.RunPython(load_topics, migrations.RunPython.noop)]
