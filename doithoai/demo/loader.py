"""`doithoai demo`: the Tân Yên commune and its 2026 plan as lived up to "today"."""

import datetime as dt

from django.db import transaction

from doithoai.accounts.models import Unit
from doithoai.lib import clock

from .commune import create_commune
from .dialogues import create_plans
from .opinions import create_opinions, import_farmers_list

DEMO_SLUG = "tan-yen"


def demo_loaded() -> bool:
    return Unit.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def load_demo(today: dt.date | None = None) -> dict[str, int] | None:
    """Create the demo; None when it is already there (loading twice changes nothing)."""
    if demo_loaded():
        return None
    today = today or clock.today()
    commune = create_commune()
    plans = create_plans(commune, today)
    opinions = create_opinions(commune, plans, today)
    opinions += import_farmers_list(commune, plans, today)
    return {"opinions": opinions, "dialogues": len(plans.dialogues), "reception_days": len(plans.receptions)}
