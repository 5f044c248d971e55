"""Activity rules that a form and a service both check: the form to show the error beside its
field before anything is saved, the service because it is the rule. Written once, here."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from activities.models import Activity, ActivityStatus


def validate_activity_dates(
    *, start_date: datetime.date | None, end_date: datetime.date | None
) -> None:
    """An activity cannot end before it starts (either date may still be missing)."""
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The activity cannot end before it starts.")})


def participation_open(activity: Activity) -> bool:
    """Organisations can sign up for (and change who takes part in) a running activity only."""
    return activity.status == ActivityStatus.RUNNING
