"""Existing messages get the unit whose outbox holds them: the petition's, else the staff recipient's, else the
unit or dialogue their event key names (digests, announcement reminders)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def set_units(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Petition = apps.get_model("petitions", "Petition")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    Dialogue = apps.get_model("plans", "Dialogue")
    Unit = apps.get_model("accounts", "Unit")
    missing = Notification.objects.filter(unit__isnull=True)
    missing.filter(petition__isnull=False).update(
        unit_id=Subquery(Petition.objects.filter(pk=OuterRef("petition_id")).values("unit_id")[:1])
    )
    missing.filter(recipient_user__isnull=False).update(
        unit_id=Subquery(
            RoleAssignment.objects.filter(user_id=OuterRef("recipient_user_id")).order_by("pk").values("unit_id")[:1]
        )
    )
    units = set(Unit.objects.values_list("pk", flat=True))
    for pk, key in missing.values_list("pk", "event_key").iterator():
        kind, _, rest = key.partition(":")
        ref = rest.partition(":")[0]
        if not ref.isdigit():
            continue
        if kind == "unit" and int(ref) in units:
            Notification.objects.filter(pk=pk).update(unit_id=int(ref))
        elif kind == "dialogue":
            unit_id = Dialogue.objects.filter(pk=int(ref)).values_list("unit_id", flat=True).first()
            if unit_id:
                Notification.objects.filter(pk=pk).update(unit_id=unit_id)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_claim_unit_outbox"),
        ("accounts", "0001_initial"),
        ("petitions", "0001_initial"),
        ("plans", "0001_initial"),
    ]

    operations = [migrations.RunPython(set_units, migrations.RunPython.noop)]
