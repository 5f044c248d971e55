"""Create the demo network once. Every step looks for its rows first, so a second run writes
nothing. Every write that carries a rule goes through the members services; invitations and
applications with ``notify=False``, so the fictional addresses are e-mailed nothing.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from stdnum.no import orgnr

from members import services
from members.models import (
    Application,
    CompanyGroup,
    CompetenceArea,
    Invitation,
    Organisation,
    User,
    ValueChainSegment,
)
from portal.demo import data

ORGANISATION_NUMBER_STEM = 92_110_000


def demo_organisation_numbers() -> Iterator[str]:
    """Valid (MOD11) organisation numbers in a fixed order, from a fictional range."""
    stem = ORGANISATION_NUMBER_STEM
    while True:
        # A stem whose remainder gives no valid check digit yields nothing: move on.
        yield from (f"{stem}{d}" for d in range(10) if orgnr.is_valid(f"{stem}{d}"))
        stem += 7


@dataclass
class SeedResult:
    organisations: int
    logins: tuple[data.DemoLogin, ...]


@transaction.atomic
def seed_demo_network() -> SeedResult:
    numbers = demo_organisation_numbers()
    segments = {segment.slug: segment for segment in ValueChainSegment.objects.all()}
    areas = {area.slug: area for area in CompetenceArea.objects.all()}

    organisations = {}
    for demo in data.ORGANISATIONS:
        organisation = _organisation(demo, next(numbers), segments)
        organisations[demo.key] = organisation
        _membership_history(organisation, demo)
        _competences(organisation, demo, areas, segments)

    _company_group(organisations)
    staff = _people(organisations)
    _invitations(organisations, invited_by=staff)
    _applications(numbers, segments)
    return SeedResult(organisations=len(organisations), logins=data.LOGINS)


def _organisation(demo: data.DemoOrganisation, number: str, segments) -> Organisation:
    existing = Organisation.objects.filter(organisation_number=number).first()
    if existing is not None:
        return existing
    organisation = Organisation(
        name=demo.name,
        organisation_number=number,
        street_address=demo.street_address,
        postal_code=demo.postal_code,
        city=demo.city,
        invoice_email=f"faktura@{demo.domain}",
        website=f"https://www.{demo.domain}",
        size_band=demo.size_band,
        description=demo.description,
    )
    organisation.full_clean()
    organisation.save()
    organisation.segments.set(segments[slug] for slug in demo.segments)
    return organisation


def _membership_history(organisation: Organisation, demo: data.DemoOrganisation) -> None:
    if organisation.memberships.exists():
        return
    first_type, changed_on = data.TYPE_CHANGES.get(demo.key, (demo.participant_type, None))
    services.membership_start(
        organisation=organisation, participant_type=first_type, start_date=demo.member_since
    )
    if changed_on is not None:
        services.membership_change_type(
            organisation=organisation,
            participant_type=demo.participant_type,
            effective_date=changed_on,
            note="Endret deltakertype etter vedtak i styringsgruppen.",
        )
    if demo.key in data.ENDED:
        services.membership_end(
            organisation=organisation,
            end_date=data.ENDED[demo.key],
            note="Utmeldt ved årsskiftet.",
        )


def _competences(organisation, demo: data.DemoOrganisation, areas, segments) -> None:
    have = set(organisation.competences.values_list("kind", "area__slug"))
    for kind, area_slug, text in demo.competences:
        if (kind, area_slug) in have:
            continue
        services.competence_save(
            organisation=organisation,
            kind=kind,
            area=areas[area_slug],
            text=text,
            segment=segments[demo.segments[0]],
        )


def _company_group(organisations) -> None:
    spec = data.COMPANY_GROUP
    group = CompanyGroup.objects.filter(name=spec["name"]).first()
    if group is None:
        group = services.company_group_save(
            group=CompanyGroup(
                name=spec["name"],
                parent=organisations[spec["parent"]],
                units_pay_own_fee=spec["units_pay_own_fee"],
                fee_decision_date=spec["fee_decision_date"],
                fee_decision_reference=spec["fee_decision_reference"],
            )
        )
    for key in spec["units"]:
        unit = organisations[key]
        if unit.group_id is None:
            unit.group = group
            unit.save(update_fields=["group"])


def _user(email: str, full_name: str, password: str | None, **flags) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=password, full_name=full_name, **flags
        )
        if password is None:
            user.set_unusable_password()
            user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _people(organisations) -> User:
    staff = None
    for login in data.LOGINS:
        user = _user(
            login.email,
            login.full_name,
            login.password,
            is_staff=login.is_staff,
            is_superuser=login.is_superuser,
            is_steering_group=login.is_steering_group,
        )
        if login.organisation:
            services.person_add(
                organisation=organisations[login.organisation],
                user=user,
                role=login.organisation_role,
            )
        if login.is_staff:
            staff = user
    for email, full_name, key, role in data.PEOPLE:
        user = _user(email, full_name, None)
        services.person_add(organisation=organisations[key], user=user, role=role)
    return staff


def _invitations(organisations, *, invited_by: User) -> None:
    for key, email, role in data.INVITATIONS:
        organisation = organisations[key]
        if Invitation.objects.filter(organisation=organisation, email=email).exists():
            continue
        services.invitation_create(
            organisation=organisation, email=email, role=role, invited_by=invited_by, notify=False
        )


def _applications(numbers: Iterator[str], segments) -> None:
    for spec in data.APPLICATIONS:
        number = next(numbers)
        if Application.objects.filter(organisation_number=number).exists():
            continue
        fields = {k: v for k, v in spec.items() if k not in {"segments", "key"}}
        services.application_submit(
            segments=[segments[slug] for slug in spec["segments"]],
            notify=False,
            organisation_number=number,
            invoice_email=f"faktura@{spec['key']}.example",
            website=f"https://www.{spec['key']}.example",
            **fields,
        )
