"""The voting roll page and its CSV, Excel and PDF files."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from meetings.models import Standing
from meetings.services.roll import roll_entry_change, roll_freeze
from members.models import Organisation
from portal.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from tests.factories import AnnualMeetingFactory, active_organisation, member_of
from tests.helpers import logged_in
from tests.meetings.minutes_helpers import OBSERVER, held_meeting
from tests.meetings.views_world import page_text, world
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def url(name, year=2027):
    return reverse(f"meetings:{name}", kwargs={"year": year})


@pytest.fixture
def w():
    return world()


def test_the_roll_lists_every_organisation_with_standing_reason_counts_and_fingerprint(w):
    response = logged_in(w.voter_member).get(url("roll"))
    assert response.status_code == 200
    content = page_text(response)
    assert [line.organisation for line in response.context["voters"]] == [
        w.voter,
        w.other_voter,
    ]
    assert [line.organisation for line in response.context["observers"]] == [w.observer]
    assert response.context["counts"] == {"voters": 2, "observers": 1, "none": 0}
    for text in (
        "2 voting organisations",
        "1 observer",
        "Core company on the record date",
        "Not a core company on the record date: observer",
        "Polar Logistikk AS",
        w.meeting.roll_fingerprint,
    ):
        assert text in content, text
    for download in ("roll_csv", "roll_xlsx", "roll_pdf"):
        assert url(download) in content


def test_the_secretariats_changes_show_with_their_reason_and_the_new_fingerprint(w):
    before = w.meeting.roll_fingerprint
    roll_entry_change(
        meeting=w.meeting,
        organisation=w.observer,
        standing=Standing.VOTER,
        reason="Kjernebedrift fra januar, registrert for sent",
        actor=w.staff,
    )
    w.meeting.refresh_from_db()
    content = page_text(logged_in(w.voter_member).get(url("roll")))
    assert "Kjernebedrift fra januar, registrert for sent" in content
    assert "Observer → Voting right" in content
    assert "Sekretariatet" in content
    assert w.meeting.roll_fingerprint in content
    assert before not in content


def test_before_freezing_the_page_shows_the_derived_roll_and_says_it_is_not_frozen():
    unfrozen = world(frozen=False)
    response = logged_in(unfrozen.voter_member).get(url("roll"))
    assert response.context["counts"]["voters"] == 2
    assert "The roll is not frozen yet" in page_text(response)


def test_the_page_shows_what_changed_since_last_years_roll():
    last_year = held_meeting(year=2026)
    w = world(frozen=False)  # three organisations that joined after last year's roll
    roll_freeze(meeting=w.meeting, actor=w.staff)
    supplier = Organisation.objects.get(name=OBSERVER)  # an observer last year
    roll_entry_change(
        meeting=w.meeting,
        organisation=supplier,
        standing=Standing.VOTER,
        reason="Kjernebedrift fra 1. januar",
        actor=w.staff,
    )
    response = logged_in(w.voter_member).get(url("roll"))
    content = page_text(response)
    assert response.context["previous"] == last_year
    assert "Compared with the roll of the annual meeting 2026." in content
    assert [line.organisation for line in response.context["added"]] == [
        w.voter,
        w.observer,
        w.other_voter,
    ]
    assert "Nordlys Celler AS: Voting right" in content
    assert "Polar Logistikk AS: Observer" in content
    assert f"{OBSERVER}: Observer → Voting right" in content
    assert response.context["removed"] == []
    assert "No longer on the roll" not in content


def test_without_an_earlier_roll_there_is_nothing_to_compare_with(w):
    content = page_text(logged_in(w.voter_member).get(url("roll")))
    assert "There is no earlier roll to compare with." in content


def test_a_draft_meetings_roll_is_a_404_for_members(w):
    AnnualMeetingFactory(year=2028)
    assert logged_in(w.voter_member).get(url("roll", 2028)).status_code == 404
    assert logged_in(w.voter_member).get(url("roll_csv", 2028)).status_code == 404


def test_a_person_of_an_inactive_organisation_gets_the_members_only_page(w):
    assert logged_in(w.inactive_person).get(url("roll")).status_code == 403
    assert logged_in(w.inactive_person).get(url("roll_csv")).status_code == 403


@pytest.mark.parametrize("voters", [1, 6])
def test_the_roll_page_makes_a_fixed_number_of_queries(voters, django_assert_num_queries):
    w = world(frozen=False)
    for index in range(voters):
        active_organisation(name=f"Ekstra {index} AS")
    roll_freeze(meeting=w.meeting, actor=w.staff)
    client = logged_in(w.voter_member)
    # session, user, the user's organisations (members-only), meeting, roll entries, roll
    # changes, previous meeting, its roll entries (and ours again, for the comparison)
    with django_assert_num_queries(8):
        response = client.get(url("roll"))
    assert len(response.context["voters"]) == voters + 2


def test_the_csv_file_lists_the_roll(w):
    response = logged_in(w.voter_member).get(url("roll_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert 'filename="voting-roll-2027.csv"' in response["Content-Disposition"]
    lines = page_text(response).splitlines()
    assert lines[0].startswith('"Organisation number";"Organisation"')
    assert len(lines) == 4
    observer = next(line for line in lines if "Polar Logistikk AS" in line)
    assert '"Observer"' in observer
    assert '"Not a core company on the record date: observer"' in observer


def test_the_excel_file_lists_the_roll(w):
    response = logged_in(w.voter_member).get(url("roll_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Organisation number", "Organisation")
    assert [row[1] for row in rows[1:]] == [
        "Nordlys Celler AS",
        "Polar Logistikk AS",
        "Vestkyst Batteri AS",
    ]
    assert rows[1][3] == "Voting right"


def test_the_pdf_prints_the_roll_and_its_fingerprint(w):
    member_of(w.voter)
    response = logged_in(w.voter_member).get(url("roll_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Nordlys Celler AS" in text
    assert "Polar Logistikk AS" in text
    assert w.meeting.roll_fingerprint[:16] in text.replace(" ", "")
