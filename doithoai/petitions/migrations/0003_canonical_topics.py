from django.db import migrations


def load_topics(apps, schema_editor):
    from doithoai.petitions.topics import ensure_canonical_topics

    ensure_canonical_topics(apps.get_model("petitions", "Topic"))


class Migration(migrations.Migration):
    dependencies = [("petitions", "0002_initial")]
    operations = [migrations.RunPython(load_topics, migrations.RunPython.noop)]
