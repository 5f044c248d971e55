"""Competence: the members-only listing and an organisation admin's own offers and needs."""

import datetime

import pytest
from django.urls import reverse

from members.models import (
    Competence,
    CompetenceArea,
    CompetenceKind,
    MembershipStatus,
    Role,
    ValueChainSegment,
)
from tests.factories import (
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    active_organisation,
    member_of,
)

pytestmark = pytest.mark.django_db


def _area(slug):
    return CompetenceArea.objects.get(slug=slug)


def _segment(slug):
    return ValueChainSegment.objects.get(slug=slug)


def _org_url(name, organisation, **kwargs):
    return reverse(f"members:{name}", kwargs={"pk": organisation.pk, **kwargs})


def _names(response):
    return {entry.organisation.name for entry in response.context["entries"]}


# --- The members-only listing ----------------------------------------------------------------


def test_competence_page_lists_who_offers_and_who_needs_what(client):
    cells = active_organisation(name="Cellefabrikken AS")
    recycler = active_organisation(name="Gjenvinn AS")
    CompetenceFactory(organisation=cells, area=_area("safety"), text="Brannvern i celleanlegg")
    CompetenceFactory(
        organisation=recycler, area=_area("safety"), kind=CompetenceKind.NEED, text="Trenger hjelp"
    )
    client.force_login(member_of(cells))

    response = client.get(reverse("members:competence"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Battery safety and fire protection" in content
    assert "Offered by" in content
    assert "Needed by" in content
    assert "Brannvern i celleanlegg" in content
    assert "Trenger hjelp" in content
    assert "Cellefabrikken AS" in content
    assert "Gjenvinn AS" in content


def test_competence_of_organisations_no_longer_taking_part_is_not_listed(client):
    former = OrganisationFactory(name="Tidligere AS")
    MembershipFactory(
        organisation=former,
        status=MembershipStatus.ENDED,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    CompetenceFactory(organisation=former)
    client.force_login(member_of(active_organisation()))
    assert "Tidligere AS" not in client.get(reverse("members:competence")).content.decode()


def test_competence_filter_by_area_returns_only_that_area(client):
    first, second = active_organisation(name="Alfa AS"), active_organisation(name="Beta AS")
    CompetenceFactory(organisation=first, area=_area("safety"))
    CompetenceFactory(organisation=second, area=_area("regulation"))
    client.force_login(member_of(first))
    response = client.get(reverse("members:competence"), {"area": _area("safety").pk})
    assert _names(response) == {"Alfa AS"}


def test_competence_filter_by_segment_uses_the_entry_or_else_the_organisations_segments(client):
    about_cells = active_organisation(name="Celle-tilbud AS")
    CompetenceFactory(organisation=about_cells, segment=_segment("cells"))
    in_cells = active_organisation(name="Cellebedrift AS")
    in_cells.segments.set([_segment("cells"), _segment("recycling")])
    CompetenceFactory(organisation=in_cells, segment=None)
    about_recycling = active_organisation(name="Resirk-tilbud AS")
    about_recycling.segments.set([_segment("cells")])
    CompetenceFactory(organisation=about_recycling, segment=_segment("recycling"))
    client.force_login(member_of(about_cells))

    response = client.get(reverse("members:competence"), {"segment": _segment("cells").pk})

    assert _names(response) == {"Celle-tilbud AS", "Cellebedrift AS"}
    assert len(response.context["entries"]) == 2


def test_competence_filter_by_kind_returns_only_needs(client):
    organisation = active_organisation(name="Alfa AS")
    CompetenceFactory(organisation=organisation, area=_area("safety"), kind=CompetenceKind.OFFER)
    CompetenceFactory(organisation=organisation, area=_area("safety"), kind=CompetenceKind.NEED)
    client.force_login(member_of(organisation))
    response = client.get(reverse("members:competence"), {"kind": "need"})
    assert [entry.kind for entry in response.context["entries"]] == ["need"]


def test_an_unknown_filter_value_is_shown_as_an_error_not_a_crash(client):
    client.force_login(member_of(active_organisation()))
    response = client.get(reverse("members:competence"), {"area": "999999"})
    assert response.status_code == 200
    assert response.context["filter"].errors["area"]


def test_competence_page_is_for_members_only(client):
    response = client.get(reverse("members:competence"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(UserFactory())
    response = client.get(reverse("members:competence"))
    assert response.status_code == 403
    assert "For participants only" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 5])
def test_competence_page_query_count_does_not_grow_with_entries(
    client, django_assert_num_queries, rows
):
    areas = list(CompetenceArea.objects.all()[:rows])
    for n in range(rows):
        organisation = active_organisation()
        organisation.segments.set([_segment("cells")])
        CompetenceFactory(organisation=organisation, area=areas[n], segment=_segment("cells"))
        CompetenceFactory(organisation=organisation, area=areas[n], kind=CompetenceKind.NEED)
    client.force_login(member_of(organisation))
    query = {"segment": _segment("cells").pk, "kind": ""}
    # session, user, own organisations (members-only check and nav), the chosen segment,
    # area and segment choices, the page count, entries
    with django_assert_num_queries(8):
        response = client.get(reverse("members:competence"), query)
    assert response.status_code == 200
    assert len(response.context["entries"]) == 2 * rows


# --- An admin's own entries ------------------------------------------------------------------


@pytest.fixture
def organisation():
    return active_organisation(name="Fjordcelle AS")


@pytest.fixture
def admin(client, organisation):
    user = member_of(organisation, Role.ADMIN)
    client.force_login(user)
    return user


def test_admin_adds_an_offer(client, organisation, admin):
    response = client.post(
        _org_url("competence_add", organisation),
        {
            "kind": "offer",
            "area": _area("safety").pk,
            "segment": _segment("cells").pk,
            "text": "Brannvern i celleanlegg",
        },
    )
    assert response.url == _org_url("organisation", organisation) + "#competence"
    competence = Competence.objects.get()
    assert (competence.organisation, competence.kind, competence.area.slug, competence.text) == (
        organisation,
        "offer",
        "safety",
        "Brannvern i celleanlegg",
    )


def test_add_page_preselects_a_need_when_asked(client, organisation, admin):
    response = client.get(_org_url("competence_add", organisation), {"kind": "need"})
    assert response.status_code == 200
    assert response.context["form"].initial["kind"] == "need"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "offer", "area": "", "text": "Noe"}, "area"),
        ({"kind": "offer", "area": "safety", "text": ""}, "text"),
        ({"kind": "gift", "area": "safety", "text": "Noe"}, "kind"),
    ],
)
def test_bad_competence_input_gets_a_field_error_and_saves_nothing(
    client, organisation, admin, data, field
):
    if data["area"]:
        data["area"] = _area(data["area"]).pk
    response = client.post(_org_url("competence_add", organisation), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Competence.objects.exists()


def test_admin_updates_the_text_but_not_the_area_of_an_entry(client, organisation, admin):
    competence = CompetenceFactory(organisation=organisation, area=_area("safety"))
    response = client.post(
        _org_url("competence_edit", organisation, competence_pk=competence.pk),
        {"kind": "need", "area": _area("regulation").pk, "text": "Ny tekst"},
    )
    assert response.status_code == 302
    competence.refresh_from_db()
    assert (competence.kind, competence.area.slug, competence.text) == (
        "offer",
        "safety",
        "Ny tekst",
    )
    assert Competence.objects.count() == 1


def test_admin_removes_an_entry(client, organisation, admin):
    competence = CompetenceFactory(organisation=organisation)
    response = client.post(_org_url("competence_delete", organisation, competence_pk=competence.pk))
    assert response.status_code == 302
    assert not Competence.objects.exists()


def test_removing_an_entry_is_post_only(client, organisation, admin):
    competence = CompetenceFactory(organisation=organisation)
    url = _org_url("competence_delete", organisation, competence_pk=competence.pk)
    assert client.get(url).status_code == 405
    assert Competence.objects.exists()


def test_a_plain_member_gets_404_for_competence_editing(client, organisation):
    competence = CompetenceFactory(organisation=organisation, text="Uendret")
    client.force_login(member_of(organisation))
    data = {"kind": "offer", "area": _area("regulation").pk, "text": "Endret"}
    assert client.get(_org_url("competence_add", organisation)).status_code == 404
    assert client.post(_org_url("competence_add", organisation), data).status_code == 404
    edit = _org_url("competence_edit", organisation, competence_pk=competence.pk)
    assert client.get(edit).status_code == 404
    assert client.post(edit, data).status_code == 404
    delete = _org_url("competence_delete", organisation, competence_pk=competence.pk)
    assert client.post(delete).status_code == 404
    assert list(Competence.objects.values_list("text", flat=True)) == ["Uendret"]


def test_an_admin_of_another_organisation_gets_404_for_competence_editing(client, organisation):
    competence = CompetenceFactory(organisation=organisation, text="Uendret")
    other = active_organisation()
    client.force_login(member_of(other, Role.ADMIN))
    data = {"kind": "offer", "area": _area("regulation").pk, "text": "Endret"}
    for url_organisation in (organisation, other):
        edit = _org_url("competence_edit", url_organisation, competence_pk=competence.pk)
        delete = _org_url("competence_delete", url_organisation, competence_pk=competence.pk)
        assert client.get(edit).status_code == 404
        assert client.post(edit, data).status_code == 404
        assert client.post(delete).status_code == 404
    assert client.post(_org_url("competence_add", organisation), data).status_code == 404
    assert list(Competence.objects.values_list("text", flat=True)) == ["Uendret"]


@pytest.mark.parametrize("rows", [1, 5])
def test_competence_form_query_count_is_fixed(
    client, organisation, admin, django_assert_num_queries, rows
):
    areas = list(CompetenceArea.objects.all()[:rows])
    for area in areas:
        CompetenceFactory(organisation=organisation, area=area)
    competence = Competence.objects.first()
    # session, user, organisation, area choices, segment choices, nav
    with django_assert_num_queries(6):
        assert client.get(_org_url("competence_add", organisation)).status_code == 200
    # ... and the entry itself; the fixed area is shown from the entry
    with django_assert_num_queries(7):
        response = client.get(
            _org_url("competence_edit", organisation, competence_pk=competence.pk)
        )
    assert response.status_code == 200


def test_competence_page_shows_a_hundred_entries_a_page_and_keeps_the_filter(client):
    areas = list(CompetenceArea.objects.all())
    organisations = [active_organisation() for _ in range(5)]
    for organisation in organisations:
        for area in areas:
            for kind in (CompetenceKind.OFFER, CompetenceKind.NEED):
                CompetenceFactory(organisation=organisation, area=area, kind=kind)
    total = len(organisations) * len(areas) * 2
    client.force_login(member_of(organisations[0]))
    first = client.get(reverse("members:competence"), {"kind": ""})
    second = client.get(reverse("members:competence"), {"kind": "", "page": 2})
    assert len(first.context["entries"]) == 100
    assert len(second.context["entries"]) == total - 100
    assert "?kind=&amp;page=2" in first.content.decode()
