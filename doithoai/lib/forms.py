"""Showing what an action refused on the form the user typed into."""

from django.core.exceptions import ValidationError


def show_action_errors(form, error: ValidationError, rename: dict | None = None) -> None:
    """An action's ValidationError on a form: each message beside the form field it names (`rename` maps an
    action's names to the form's, e.g. starts_at → day), the others on the form itself."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = (rename or {}).get(key, key)
        form.add_error(name if name in form.fields else None, messages)
