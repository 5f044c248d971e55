"""A database constraint never reaches a person by its name: every check constraint and every
conditional unique constraint carries a translated message of its own."""

from django.apps import apps
from django.db.models import BaseConstraint, CheckConstraint, UniqueConstraint

OWN_APPS = {"members", "activities", "billing", "portal"}


def _constraints_shown_by_name():
    for model in apps.get_models():
        if model._meta.app_label not in OWN_APPS:
            continue
        for constraint in model._meta.constraints:
            # Unique constraints on plain fields get Django's "X with this Y already exists".
            named_only = isinstance(constraint, CheckConstraint) or (
                isinstance(constraint, UniqueConstraint)
                and (constraint.condition is not None or constraint.expressions)
            )
            if named_only and (
                constraint.violation_error_message == BaseConstraint.default_violation_error_message
            ):
                yield f"{model._meta.label}.{constraint.name}"


def test_every_check_and_conditional_constraint_has_its_own_message():
    assert list(_constraints_shown_by_name()) == []


def test_a_constraint_message_names_the_rule_not_the_constraint():
    from activities.models import Activity

    [constraint] = [c for c in Activity._meta.constraints if c.name == "activity_ends_after_start"]
    message = str(constraint.get_violation_error_message())
    assert "activity_ends_after_start" not in message
    assert "end before it starts" in message
