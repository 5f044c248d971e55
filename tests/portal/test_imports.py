"""Both importers refuse a bad file the same way: ``FileRejectedError`` with one ``LineError``
per bad line, and a line error reads the same wherever it is shown."""

import datetime

import pytest
from django.utils import translation

from activities.services.imports import hours_import
from billing.services.bank_file import bank_file_read
from portal.imports import FileRejectedError, LineError
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_line_error_names_its_line_and_a_file_error_does_not():
    with translation.override("en"):
        assert str(LineError(3, ["Bad date.", "Bad KID."])) == "Line 3: Bad date. Bad KID."
        assert str(LineError(None, ["The file is empty."])) == "The file is empty."


def test_the_rejection_lists_every_line_error_in_its_text():
    rejection = FileRejectedError([LineError(2, ["A."]), LineError(None, ["B."])])
    with translation.override("en"):
        assert str(rejection) == "Line 2: A.; B."
    assert [error.line for error in rejection.errors] == [2, None]


def test_the_bank_file_and_the_hour_import_reject_with_the_same_error_type():
    with pytest.raises(FileRejectedError) as bank:
        bank_file_read(content=b"date;amount;kid\nnot a date;10,00;\n", today=datetime.date.today())
    row = {"date": "not a date", "email": "x@example.com", "activity_id": "1", "hours": "1"}
    with pytest.raises(FileRejectedError) as hours:
        hours_import(organisation=OrganisationFactory(), rows=[row], created_by=UserFactory())
    assert [type(error) for error in [*bank.value.errors, *hours.value.errors]] == [LineError] * 2
    assert (bank.value.errors[0].line, hours.value.errors[0].line) == (2, 2)
