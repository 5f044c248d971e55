"""A large, deterministic network: organisations with membership history, segments, company
groups, people and competence offers and needs.

Written with bulk inserts rather than the services: the services guard one change at a time,
and going through them for thousands of rows would measure the generator, not the pages.
"""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from stdnum.no import orgnr

from members.models import (
    CompanyGroup,
    Competence,
    CompetenceArea,
    CompetenceKind,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationRole,
    ParticipantType,
    Role,
    SizeBand,
    User,
    ValueChainSegment,
)

NAME_PREFIX = "Bench "
VIEWER_EMAIL = "bench-viewer@example.no"
ORGANISATION_NUMBER_STEM = 81_000_000
WORDS = ("Nord", "Fjord", "Litium", "Kobolt", "Vind", "Berg", "Celle", "Kraft", "Elv", "Polar")
TEXTS = (
    "Lang erfaring med prosessen, deler gjerne.",
    "Har testlaboratorium og folk som kan det.",
    "Søker partner med erfaring fra industriell skala.",
)


@dataclass(frozen=True)
class Scale:
    organisations: int = 2_000
    people_per_organisation: int = 5
    units_per_group: int = 4
    groups: int = 50


@dataclass(frozen=True)
class BenchNetwork:
    viewer: User
    organisation: Organisation


def organisation_numbers() -> Iterator[str]:
    """Valid (MOD11) organisation numbers in a range no real or demo organisation uses."""
    stem = ORGANISATION_NUMBER_STEM
    while True:
        for check in range(10):
            if orgnr.is_valid(f"{stem}{check}"):
                yield f"{stem}{check}"
                break
        stem += 1


def bench_network(scale: Scale) -> BenchNetwork:
    """The network at ``scale``, generated on the first run and reused afterwards."""
    existing = Organisation.objects.filter(name__startswith=NAME_PREFIX).count()
    if existing != scale.organisations:
        if existing:
            raise SystemExit(
                f"The benchmark database holds {existing} bench organisations, not "
                f"{scale.organisations}. Run with --fresh (SQLite) or use an empty database."
            )
        _generate(scale)
    viewer = User.objects.get(email=VIEWER_EMAIL)
    organisation = Organisation.objects.get(roles__user=viewer)
    return BenchNetwork(viewer=viewer, organisation=organisation)


@transaction.atomic
def _generate(scale: Scale) -> None:
    rng = random.Random(2026)  # noqa: S311  (reproducible test data, not security)
    segments = list(ValueChainSegment.objects.all())
    areas = list(CompetenceArea.objects.all())
    if not segments or not areas:
        raise SystemExit("Segments and competence areas are missing: did the migrations run?")

    numbers = organisation_numbers()
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"{NAME_PREFIX}{rng.choice(WORDS)}{rng.choice(WORDS).lower()} {n:04d} AS",
            organisation_number=next(numbers),
            street_address=f"Industrivegen {n % 200 + 1}",
            postal_code=f"{4000 + n % 5000:04d}",
            city=rng.choice(("Arendal", "Mo i Rana", "Trondheim", "Oslo", "Fredrikstad")),
            invoice_email=f"faktura{n}@bench.example.no",
            size_band=rng.choice(SizeBand.values),
            description="Bedrift i batteriverdikjeden. " * rng.randint(1, 6),
        )
        for n in range(scale.organisations)
    )
    _add_segments(organisations, segments, rng)
    _add_memberships(organisations, rng)
    _add_groups(organisations, scale)
    _add_people(organisations, scale)
    _add_competence(organisations, areas, segments, rng)


def _add_segments(organisations, segments, rng) -> None:
    through = Organisation.segments.through
    through.objects.bulk_create(
        through(organisation_id=organisation.pk, valuechainsegment_id=segment.pk)
        for organisation in organisations
        for segment in rng.sample(segments, rng.randint(1, 3))
    )


def _add_memberships(organisations, rng) -> None:
    """An active period for everyone; every fifth changed type once, so it has history."""
    today = timezone.localdate()
    periods = []
    for n, organisation in enumerate(organisations):
        participant_type = ParticipantType.values[n % 3]
        start = today - datetime.timedelta(days=rng.randint(30, 2_000))
        if n % 5 == 0:
            change = start + datetime.timedelta(days=20)
            periods.append(
                Membership(
                    organisation=organisation,
                    participant_type=ParticipantType.values[(n + 1) % 3],
                    status=MembershipStatus.ENDED,
                    start_date=start,
                    end_date=change - datetime.timedelta(days=1),
                )
            )
            start = change
        periods.append(
            Membership(
                organisation=organisation,
                participant_type=participant_type,
                status=MembershipStatus.ACTIVE,
                start_date=start,
            )
        )
    Membership.objects.bulk_create(periods)


def _add_groups(organisations, scale) -> None:
    for g in range(scale.groups):
        units = organisations[g * scale.units_per_group : (g + 1) * scale.units_per_group]
        if not units:
            return
        group = CompanyGroup.objects.create(
            name=f"{NAME_PREFIX}konsern {g:03d}", parent=units[0], units_pay_own_fee=g % 2 == 0
        )
        Organisation.objects.filter(pk__in=[unit.pk for unit in units]).update(group=group)


def _add_people(organisations, scale) -> None:
    """Five people an organisation, the first its admin. They share one password hash:
    hashing ten thousand passwords would take minutes and measure nothing."""
    password = make_password("bench-password-not-secret")
    users = User.objects.bulk_create(
        User(
            email=VIEWER_EMAIL if (n, p) == (0, 0) else f"person{n}-{p}@bench.example.no",
            full_name=f"Person {p} i bedrift {n}",
            password=password,
        )
        for n in range(len(organisations))
        for p in range(scale.people_per_organisation)
    )
    OrganisationRole.objects.bulk_create(
        OrganisationRole(
            user=user,
            organisation=organisations[i // scale.people_per_organisation],
            role=Role.ADMIN if i % scale.people_per_organisation == 0 else Role.MEMBER,
        )
        for i, user in enumerate(users)
    )


def _add_competence(organisations, areas, segments, rng) -> None:
    """One offer and one need an organisation, in different areas."""
    entries = []
    for organisation in organisations:
        offer_area, need_area = rng.sample(areas, 2)
        for kind, area in ((CompetenceKind.OFFER, offer_area), (CompetenceKind.NEED, need_area)):
            entries.append(
                Competence(
                    organisation=organisation,
                    kind=kind,
                    area=area,
                    segment=rng.choice([None, *segments]),
                    text=rng.choice(TEXTS),
                )
            )
    Competence.objects.bulk_create(entries)
