"""Organisations with membership history, segments, company groups and competence; the
people, each with a verified address and one role."""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection
from stdnum.no import orgnr

from members.models import (
    CompetenceArea,
    CompetenceKind,
    MembershipStatus,
    ParticipantType,
    Role,
    SizeBand,
    ValueChainSegment,
)
from portal.scale.copying import at, copy_rows
from portal.scale.plan import (
    EMAIL_DOMAIN,
    FIRST_DAY,
    PASSWORD,
    SMALL_ORGANISATION,
    STAFF_EMAIL,
    TODAY,
    Scale,
)

WORDS = ("Nord", "Fjord", "Litium", "Kobolt", "Vind", "Berg", "Celle", "Kraft", "Elv", "Polar")
CITIES = ("Arendal", "Mo i Rana", "Trondheim", "Oslo", "Fredrikstad", "Bergen", "Narvik")
TEXTS = (
    "Lang erfaring med prosessen, deler gjerne.",
    "Har testlaboratorium og folk som kan det.",
    "Søker partner med erfaring fra industriell skala.",
)
FIRST_NAMES = ("Kari", "Ola", "Ingrid", "Lars", "Sigrid", "Nils", "Astrid", "Eirik", "Marit")
LAST_NAMES = ("Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Dahl", "Lie")
ORGANISATION_NUMBER_STEM = 82_000_000


@dataclass
class Member:
    """What later parts need of one organisation."""

    id: int
    index: int
    participant_type: str
    member_from: datetime.date
    member_until: datetime.date | None
    people: list[int] = field(default_factory=list)
    admin_name: str = ""

    @property
    def admin(self) -> int:
        return self.people[0]


@dataclass
class Network:
    staff_id: int
    members: list[Member]
    hour_shares: list[int]


def apportion(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` in whole numbers (largest remainder), summing exactly."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def organisation_numbers():
    stem = ORGANISATION_NUMBER_STEM
    while True:
        for check in range(10):
            if orgnr.is_valid(f"{stem}{check}"):
                yield f"{stem}{check}"
                break
        stem += 1


def hour_shares(scale: Scale, rng: random.Random) -> list[int]:
    """Entries per organisation: one large, one small, the rest spread unevenly."""
    n = scale.organisations
    fixed = scale.large_organisation_entries + scale.small_organisation_entries
    rest = apportion(
        max(0, scale.hour_entries - fixed), [min(rng.paretovariate(1.3), 40) for _ in range(n - 2)]
    )
    return [scale.large_organisation_entries, scale.small_organisation_entries, *rest]


def build_network(scale: Scale, rng: random.Random) -> Network:
    n = scale.organisations
    shares = hour_shares(scale, rng)
    people_counts = [
        3 + extra for extra in apportion(scale.users - 1 - 3 * n, [s**0.5 + 1 for s in shares])
    ]
    members = _organisations(scale, rng)
    _memberships(members, rng)
    _segments(members, rng)
    _groups(members, scale)
    _competence(members, rng)
    staff_id = _people(members, people_counts, rng)
    return Network(staff_id=staff_id, members=members, hour_shares=shares)


def _organisations(scale: Scale, rng: random.Random) -> list[Member]:
    numbers = organisation_numbers()
    members: list = []
    rows: list[tuple] = []
    for index in range(scale.organisations):
        pk = index + 1
        # Most joined before the five years of hours; a quarter during them.
        if rng.random() < 0.75:
            member_from = FIRST_DAY - datetime.timedelta(days=rng.randint(30, 1_500))
        else:
            member_from = FIRST_DAY + datetime.timedelta(days=rng.randint(0, 1_700))
        member_until = None
        if index > SMALL_ORGANISATION and rng.random() < 0.03:
            member_until = TODAY - datetime.timedelta(days=rng.randint(20, 400))
            member_until = max(member_until, member_from + datetime.timedelta(days=60))
        member = Member(
            id=pk,
            index=index,
            participant_type=ParticipantType.values[index % 3 if index > 1 else 0],
            member_from=member_from,
            member_until=member_until,
        )
        members.append(member)
        rows.append(
            (
                pk,
                f"Skala {rng.choice(WORDS)}{rng.choice(WORDS).lower()} {index:04d} AS",
                next(numbers),
                f"Industrivegen {index % 200 + 1}",
                f"{1000 + index % 8000:04d}",
                rng.choice(CITIES),
                "NO",
                f"faktura{index}@{EMAIL_DOMAIN}",
                "en" if index % 10 == 9 else "nb",
                "",
                f"https://org{index}.{EMAIL_DOMAIN}",
                SizeBand.values[index % 4],
                "Bedrift i batteriverdikjeden. " * rng.randint(1, 6),
                None,
                at(member_from - datetime.timedelta(days=10)),
            )
        )
    copy_rows(
        "members_organisation",
        [
            "id",
            "name",
            "organisation_number",
            "street_address",
            "postal_code",
            "city",
            "country",
            "invoice_email",
            "invoice_language",
            "buyer_reference",
            "website",
            "size_band",
            "description",
            "group_id",
            "created_at",
        ],
        rows,
    )
    return members


def _memberships(members: list[Member], rng: random.Random) -> None:
    """One period each, ended for a few; every fifth changed type once, so it has history."""
    rows: list[tuple] = []
    pk = 0
    for member in members:
        start = member.member_from
        if member.index % 5 == 4:
            change = start + datetime.timedelta(days=rng.randint(60, 400))
            if change < (member.member_until or TODAY):
                pk += 1
                earlier = ParticipantType.values[(member.index + 1) % 3]
                rows.append(
                    (
                        pk,
                        member.id,
                        earlier,
                        MembershipStatus.ENDED,
                        start,
                        change - datetime.timedelta(days=1),
                        "",
                        at(start),
                    )
                )
                start = change
        pk += 1
        status = MembershipStatus.ENDED if member.member_until else MembershipStatus.ACTIVE
        rows.append(
            (
                pk,
                member.id,
                member.participant_type,
                status,
                start,
                member.member_until,
                "",
                at(start),
            )
        )
    copy_rows(
        "members_membership",
        [
            "id",
            "organisation_id",
            "participant_type",
            "status",
            "start_date",
            "end_date",
            "note",
            "created_at",
        ],
        rows,
    )


def _segments(members: list[Member], rng: random.Random) -> None:
    segments = list(ValueChainSegment.objects.order_by("pk").values_list("pk", flat=True))
    copy_rows(
        "members_organisation_segments",
        ("organisation_id", "valuechainsegment_id"),
        (
            (member.id, segment)
            for member in members
            for segment in sorted(rng.sample(segments, rng.randint(1, 3)))
        ),
    )


def _groups(members: list[Member], scale: Scale) -> None:
    """Groups of four units from the third organisation on; every other group's units pay
    their own fee, in the others the parent pays for all."""
    rows, units = [], {}
    for g in range(scale.groups):
        group_units = members[2 + g * 4 : 2 + (g + 1) * 4]
        if len(group_units) < 2:
            break
        rows.append((g + 1, f"Skala konsern {g:03d}", group_units[0].id, g % 2 == 0, None, ""))
        for unit in group_units:
            units[unit.id] = g + 1
    copy_rows(
        "members_companygroup",
        [
            "id",
            "name",
            "parent_id",
            "units_pay_own_fee",
            "fee_decision_date",
            "fee_decision_reference",
        ],
        rows,
    )
    if units:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE members_organisation o SET group_id = v.g FROM unnest(%s, %s) AS v(o, g) "
                "WHERE o.id = v.o",
                [list(units), list(units.values())],
            )


def _competence(members: list[Member], rng: random.Random) -> None:
    areas = list(CompetenceArea.objects.order_by("pk").values_list("pk", flat=True))
    segments = list(ValueChainSegment.objects.order_by("pk").values_list("pk", flat=True))
    rows: list[tuple] = []
    for member in members:
        offer, need = rng.sample(areas, 2)
        for kind, area in ((CompetenceKind.OFFER, offer), (CompetenceKind.NEED, need)):
            rows.append(
                (
                    len(rows) + 1,
                    member.id,
                    kind,
                    area,
                    rng.choice([None, *segments]),
                    rng.choice(TEXTS),
                    at(member.member_from),
                )
            )
    copy_rows(
        "members_competence",
        ["id", "organisation_id", "kind", "area_id", "segment_id", "text", "updated_at"],
        rows,
    )


def _people(members: list[Member], counts: list[int], rng: random.Random) -> int:
    """The staff user first, then each organisation's people, its first the admin. They share
    one password: hashed once, since hashing twenty thousand would take many minutes."""
    password = make_password(PASSWORD)
    users = [
        (
            1,
            password,
            None,
            True,
            STAFF_EMAIL,
            "Sekretariat Skala",
            "",
            "nb",
            True,
            False,
            True,
            at(FIRST_DAY - datetime.timedelta(days=2000)),
        )
    ]
    roles: list[tuple] = []
    for member, count in zip(members, counts, strict=True):
        for p in range(count):
            pk = len(users) + 1
            member.people.append(pk)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            users.append(
                (
                    pk,
                    password,
                    None,
                    False,
                    f"person{member.index}-{p}@{EMAIL_DOMAIN}",
                    name,
                    "",
                    "en" if p % 7 == 6 else "nb",
                    False,
                    member.index < 10 and p == 0,
                    True,
                    at(member.member_from),
                )
            )
            role = Role.ADMIN if p == 0 else Role.MEMBER
            if p == 0:
                member.admin_name = name
            roles.append((len(roles) + 1, pk, member.id, role, at(member.member_from)))
    copy_rows(
        "members_user",
        [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "email",
            "full_name",
            "phone",
            "language",
            "is_staff",
            "is_steering_group",
            "is_active",
            "date_joined",
        ],
        users,
    )
    copy_rows(
        "account_emailaddress",
        ("id", "user_id", "email", "verified", "primary"),
        ((row[0], row[0], row[4], True, True) for row in users),
    )
    copy_rows(
        "members_organisationrole",
        ("id", "user_id", "organisation_id", "role", "created_at"),
        roles,
    )
    return 1
