"""The whole network, part by part, timed."""

import random
import time
from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection, transaction
from django_scopes import scopes_disabled

from activities.models import ReportingPeriod
from billing.models import DocumentKind, Invoice
from portal.scale.activities import build_activities, build_hours, build_periods
from portal.scale.billing import build_invoices, build_schedules
from portal.scale.copying import follow_ids, restart_ids, without_indexes
from portal.scale.guard import refuse_unless_ready
from portal.scale.meetings import build_meetings
from portal.scale.network import build_network
from portal.scale.plan import SEED, Scale

# The tables the generator fills; all empty when it starts (the guard sees to it).
TABLES = (
    "members_organisation",
    "members_organisation_segments",
    "members_membership",
    "members_companygroup",
    "members_competence",
    "members_user",
    "account_emailaddress",
    "members_organisationrole",
    "activities_activity",
    "activities_activity_segments",
    "activities_activity_competence_areas",
    "activities_activitydecision",
    "activities_participation",
    "activities_participation_people",
    "activities_reportingperiod",
    "activities_hourlyrate",
    "activities_hourentry",
    "activities_periodconfirmation",
    "billing_feeschedule",
    "billing_feeamount",
    "billing_invoice",
    "billing_invoiceline",
    "billing_payment",
    "billing_paymentreminder",
    "meetings_annualmeeting",
    "meetings_rollentry",
    "meetings_meetingevent",
    "meetings_representative",
    "meetings_presence",
    "meetings_agendaitem",
    "meetings_poll",
    "meetings_participation",
)


def seed_scale(*, scale: Scale, report: Callable[[str], None], analyze: bool = True) -> float:
    """Build the network at ``scale`` into an empty PostgreSQL database; the seconds taken.

    One transaction: a failure leaves the database as empty as it was. ``report`` receives a
    line per part (what it made, how long it took). ANALYZE afterwards (outside the
    transaction when there is none around the call), so the planner sees the new tables.
    """
    started = time.perf_counter()
    rng = random.Random(SEED)  # noqa: S311  (reproducible test data, not security)

    @contextmanager
    def part(name: str):
        begun = time.perf_counter()
        yield
        report(f"  {name:<40} {time.perf_counter() - begun:7.1f} s")

    with scopes_disabled(), transaction.atomic():
        refuse_unless_ready()
        restart_ids(TABLES)
        with part("organisations, people"):
            network = build_network(scale, rng)
        report(_counted(TABLES[:8]))
        with part("activities, participations"):
            taken = build_activities(network, scale, rng)
        report(_counted(TABLES[8:14]))
        with part("hour entries"), without_indexes("activities_hourentry"):
            totals = build_hours(network, taken, rng)
        with part("periods, confirmations, locks"):
            build_periods(network, totals, rng)
        report(_counted(TABLES[14:18]) + f", {_locked_periods()} locked periods")
        with part("fee schedules, invoices"):
            build_schedules()
            build_invoices(network, rng)
        report(_counted(TABLES[18:24]) + f", {_credit_notes()} of the invoices credit notes")
        with part("annual meetings"):
            build_meetings(network, rng)
        report(_counted(TABLES[24:]) + ", meetings_ballot " + str(_count("meetings_ballot")))
        follow_ids(TABLES)
    if analyze:
        with part("ANALYZE"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  (our own table names)
        return cursor.fetchone()[0]


def _counted(tables) -> str:
    return "    " + ", ".join(f"{table} {_count(table)}" for table in tables)


def _locked_periods() -> int:
    return ReportingPeriod.objects.filter(locked_at__isnull=False).count()


def _credit_notes() -> int:
    return Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).count()
