"""Activity rules shared by forms and services, written once."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from activities.forms import ActivityProposeForm
from activities.models import ActivityKind, ActivityStatus
from activities.validators import participation_open, validate_activity_dates
from members.models import Organisation
from tests.factories import ActivityFactory

DAY = datetime.date(2026, 5, 4)


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        (ActivityStatus.PROPOSED, False),
        (ActivityStatus.APPROVED, False),
        (ActivityStatus.RUNNING, True),
        (ActivityStatus.COMPLETED, False),
        (ActivityStatus.CANCELLED, False),
    ],
)
def test_organisations_sign_up_only_while_an_activity_runs(status, is_open):
    assert participation_open(ActivityFactory.build(status=status)) is is_open


def test_an_activity_cannot_end_before_it_starts():
    with pytest.raises(ValidationError) as error:
        validate_activity_dates(start_date=DAY, end_date=DAY - datetime.timedelta(days=1))
    assert error.value.message_dict == {"end_date": ["The activity cannot end before it starts."]}


@pytest.mark.parametrize("end", [DAY, None])
def test_an_activity_may_end_the_day_it_starts_or_have_no_end_yet(end):
    validate_activity_dates(start_date=DAY, end_date=end)


@pytest.mark.django_db
def test_the_proposal_form_shows_the_same_rule_beside_the_end_date():
    form = ActivityProposeForm(
        data={
            "title": "Verksted",
            "kind": ActivityKind.WORKSHOP,
            "description": "",
            "start_date": "2026-05-04",
            "end_date": "2026-05-03",
        },
        organisations=Organisation.objects.none(),
    )
    assert not form.is_valid()
    assert form.errors["end_date"] == ["The activity cannot end before it starts."]
