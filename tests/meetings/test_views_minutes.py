"""The minutes pages: the versions, the approved and draft PDFs, and the officers' approval."""

import hashlib

import pytest
from django.urls import reverse

from meetings.models import MeetingOfficer, MinutesApproval, OfficerRole
from meetings.services.minutes import minutes_approve, minutes_draft
from members.models import Organisation, Role
from tests.factories import UserFactory, member_of
from tests.helpers import logged_in
from tests.meetings.minutes_helpers import VOTERS, held_meeting
from tests.meetings.views_world import inactive_person, page_text

pytestmark = pytest.mark.django_db

YEAR = 2026


def url(name, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"year": YEAR, **kwargs})


def content_of(response) -> bytes:
    """A file response's bytes; reading them to the end closes the file."""
    return b"".join(response.streaming_content)


def status_of(client, path) -> int:
    response = client.get(path)
    if response.streaming:
        content_of(response)
    return response.status_code


@pytest.fixture
def meeting():
    return held_meeting(year=YEAR)


@pytest.fixture
def draft(meeting):
    return minutes_draft(meeting=meeting, actor=UserFactory(is_staff=True))


@pytest.fixture
def member(meeting):
    return member_of(Organisation.objects.get(name=VOTERS[0]), Role.ADMIN)


def officers(meeting):
    by_role = sorted(
        MeetingOfficer.objects.filter(meeting=meeting).select_related("user"),
        key=lambda officer: (officer.role != OfficerRole.CHAIR, officer.pk),
    )
    return [officer.user for officer in by_role]


def approved(draft):
    for user in officers(draft.meeting):
        minutes_approve(minutes=draft, user=user)
    draft.refresh_from_db()
    return draft


def test_a_member_sees_that_the_minutes_await_approval_but_not_the_draft(draft, member):
    response = logged_in(member).get(url("minutes"))
    assert response.status_code == 200
    content = page_text(response)
    assert response.context["versions"] == []
    assert "awaiting the officers' approval" in content
    assert url("minutes_draft_pdf", version=1) not in content
    assert draft.draft_sha256 not in content
    assert logged_in(member).get(url("minutes_draft_pdf", version=1)).status_code == 404
    assert logged_in(member).get(url("minutes_approve", version=1)).status_code == 404


def test_an_officer_sees_the_draft_with_its_sha256_and_the_approvals(draft):
    chair = officers(draft.meeting)[0]
    response = logged_in(chair).get(url("minutes"))
    assert response.status_code == 200
    content = page_text(response)
    assert draft.draft_sha256 in content
    assert url("minutes_draft_pdf", version=1) in content
    assert url("minutes_approve", version=1) in content
    assert "Liv Strand" in content
    assert "not yet approved" in content

    pdf = logged_in(chair).get(url("minutes_draft_pdf", version=1))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(content_of(pdf)).hexdigest() == draft.draft_sha256


def test_the_secretariat_sees_the_drafts(draft, staff_client):
    response = staff_client.get(url("minutes"))
    assert draft.draft_sha256 in page_text(response)
    assert status_of(staff_client, url("minutes_draft_pdf", version=1)) == 200
    # the secretariat is no officer: it does not approve
    assert staff_client.get(url("minutes_approve", version=1)).status_code == 404


def test_the_approval_page_shows_the_drafts_sha256_and_records_the_approval(draft):
    chair = officers(draft.meeting)[0]
    client = logged_in(chair)
    page = client.get(url("minutes_approve", version=1))
    assert page.status_code == 200
    content = page_text(page)
    assert draft.draft_sha256 in content
    assert url("minutes_draft_pdf", version=1) in content

    response = client.post(url("minutes_approve", version=1), {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == url("minutes")
    approval = MinutesApproval.objects.get()
    assert (approval.minutes, approval.officer.user, approval.name) == (draft, chair, "Liv Strand")
    assert "Your approval is recorded." in page_text(client.get(url("minutes")))


def test_approving_without_confirming_saves_nothing(draft):
    chair = officers(draft.meeting)[0]
    response = logged_in(chair).post(url("minutes_approve", version=1), {})
    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    assert not MinutesApproval.objects.exists()


def test_a_refused_approval_shows_at_the_form(draft):
    chair = officers(draft.meeting)[0]
    minutes_approve(minutes=draft, user=chair)
    response = logged_in(chair).post(url("minutes_approve", version=1), {"confirm": "on"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "You have already approved this version of the minutes."
    ]
    assert MinutesApproval.objects.count() == 1


def test_the_last_approval_makes_the_record_that_everyone_downloads(draft, member):
    chair, first, second = officers(draft.meeting)
    minutes_approve(minutes=draft, user=chair)
    minutes_approve(minutes=draft, user=first)
    response = logged_in(second).post(url("minutes_approve", version=1), {"confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.approved_at is not None

    page = logged_in(member).get(url("minutes"))
    content = page_text(page)
    assert page.context["versions"] == [draft]
    assert draft.sha256 in content
    assert draft.draft_sha256 not in content
    download = logged_in(member).get(url("minutes_pdf", version=1))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="protokoll-2026-v1.pdf"' in download["Content-Disposition"]
    assert hashlib.sha256(content_of(download)).hexdigest() == draft.sha256


def test_an_unapproved_version_has_no_approved_pdf(draft, member):
    assert logged_in(member).get(url("minutes_pdf", version=1)).status_code == 404
    assert logged_in(member).get(url("minutes_pdf", version=9)).status_code == 404


def test_a_person_of_an_inactive_organisation_gets_the_members_only_page(draft):
    draft = approved(draft)
    response = logged_in(inactive_person()).get(url("minutes_pdf", version=1))
    assert response.status_code == 403
