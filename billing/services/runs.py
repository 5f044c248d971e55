"""Invoice runs: staff confirm a previewed fee plan, a Celery job issues, stores and sends.

A run may be confirmed twice, started twice or redelivered by the broker after its worker
died: the database's one-fee-invoice-per-organisation-and-year constraint means no organisation
is billed twice, and the outbox's send keys mean no invoice is e-mailed twice. A repeated run
finishes the work of an earlier attempt (documents, e-mail) instead of starting it over.

The run task issues the invoices one organisation after the other (the numbers are gapless, so
issuing is serial anyway, and fast) and queues one delivery task per invoice: rendering the PDF
and EHF, the slow part, spreads over every worker. Each delivery records its result in the job
under the job's row lock; the last one finishes the job. The issuing should end within the
broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT, an hour by default), which it does by
far; a delivery task takes a fraction of a second.
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing import tasks
from billing.models import FeeScheduleJoinerRule, Invoice, InvoiceRun, JoinerFee
from billing.selectors import FeePlan, existing_fee_invoice, fee_plan, periods_in_year, run_plan
from billing.services.fees import pro_rata
from billing.services.issuing import fee_invoice_issue
from billing.services.sending import invoice_deliver
from members.models import Organisation, User
from members.selectors import (
    MailPurpose,
    organisation_admins_prefetch,
    organisation_mail_recipients,
)
from members.validators import invoice_data_problems
from portal import jobs
from portal.models import Job, JobStatus
from portal.queue import enqueue_after_commit

logger = logging.getLogger(__name__)

RUN_JOB_KIND = "billing.invoice_run"


def plan_fingerprint(plan: FeePlan) -> str:
    """A short digest of who pays what, so a confirmation can tell the plan changed since."""
    items = sorted(f"{item.organisation.pk}:{item.amount}" for item in plan.billable)
    return hashlib.sha256("|".join(items).encode()).hexdigest()[:16]


# --- The preview --------------------------------------------------------------------------


@dataclass
class Joiner:
    """A billable organisation that joined during the fee year."""

    organisation: Organisation
    joined_on: datetime.date
    full_amount: Decimal
    pro_rata_amount: Decimal

    @property
    def from_month(self) -> int:
        return self.joined_on.month


@dataclass
class NeedsAttention:
    """A billable organisation whose invoice data is incomplete or suspicious."""

    organisation: Organisation
    problems: list[str]
    recipients: list[str]


@dataclass
class RunPreview:
    plan: FeePlan
    joiner_fee: str
    joiners: list[Joiner] = field(default_factory=list)
    attention: list[NeedsAttention] = field(default_factory=list)


def schedule_joiner_fee(schedule) -> str:
    """What the schedule charges members joining during its year (``JoinerFee``)."""
    rule = FeeScheduleJoinerRule.objects.filter(schedule=schedule).first()
    return rule.fee if rule else JoinerFee.FULL


def run_preview(*, year: int) -> RunPreview:
    """The fee plan of ``year`` with what staff check before anything is issued: the billable
    organisations whose invoice data is incomplete or suspicious (and who then receives the
    invoice), and those that joined during the year, with the full and the pro rata fee.

    A constant number of queries, however many organisations. Raises the ValidationError of
    ``run_plan`` when the year has no schedule.
    """
    plan = run_plan(year=year)
    preview = RunPreview(plan=plan, joiner_fee=schedule_joiner_fee(plan.schedule))
    ids = [item.organisation.pk for item in plan.billable]
    start = datetime.date(year, 1, 1)
    joined = dict(
        periods_in_year(year)
        .filter(organisation__in=ids)
        .order_by()
        .values("organisation")
        .annotate(first=Min("start_date"))
        .values_list("organisation", "first")
    )
    problems = {}
    for item in plan.billable:
        organisation = item.organisation
        first = joined.get(organisation.pk)
        if first is not None and first > start:
            preview.joiners.append(
                Joiner(
                    organisation, first, item.amount, pro_rata(item.amount, from_month=first.month)
                )
            )
        if found := invoice_data_problems(organisation):
            problems[organisation.pk] = found
    with_admins = Organisation.objects.filter(pk__in=problems).prefetch_related(
        organisation_admins_prefetch()
    )
    for organisation in with_admins.order_by("name"):
        recipients = organisation_mail_recipients(organisation, MailPurpose.INVOICE)
        preview.attention.append(
            NeedsAttention(organisation, problems[organisation.pk], recipients)
        )
    return preview


def run_from_months(preview: RunPreview, choices: dict[int, str] | None = None) -> dict[int, int]:
    """The month each joiner is invoiced from: the ones charged pro rata, by organisation id.

    ``choices`` is staff's choice per organisation (``JoinerFee``); unchosen ones follow the
    schedule.
    """
    choices = choices or {}
    return {
        joiner.organisation.pk: joiner.from_month
        for joiner in preview.joiners
        if choices.get(joiner.organisation.pk, preview.joiner_fee) == JoinerFee.PRO_RATA
        and joiner.from_month > 1
    }


# --- Confirming and running ----------------------------------------------------------------


def invoice_run_start(
    *,
    year: int,
    started_by: User,
    fingerprint: str | None = None,
    joiner_fees: dict[int, str] | None = None,
) -> InvoiceRun:
    """Confirm a run for ``year``: record who is billable now and queue the job after commit.

    ``fingerprint`` is the preview's ``plan_fingerprint``; if the plan has changed since (someone
    invoiced meanwhile), nothing is started and the ValidationError asks for a new look.
    ``joiner_fees`` is staff's choice, full fee or pro rata (``JoinerFee``), per organisation
    that joined during the year; the others follow the schedule. The choice is kept in the
    job, so a redelivered run charges the same. The request only records and queues: the job
    runs in the worker and its page shows the progress.
    """
    preview = run_preview(year=year)
    plan = preview.plan
    if fingerprint is not None and fingerprint != plan_fingerprint(plan):
        raise ValidationError(
            _("The fee plan has changed since the preview. Check it and confirm again."),
            code="plan_changed",
        )
    if not plan.billable:
        raise ValidationError(
            _("Nobody is left to invoice for %(year)s.") % {"year": year}, code="nothing_to_do"
        )
    organisation_ids = [item.organisation.pk for item in plan.billable]
    from_months = run_from_months(preview, joiner_fees)
    with transaction.atomic():
        job = jobs.job_create(
            kind=RUN_JOB_KIND,
            started_by=started_by,
            total=len(organisation_ids),
            params={
                "year": year,
                "organisation_ids": organisation_ids,
                # JSON keys are strings.
                "from_months": {str(pk): month for pk, month in from_months.items()},
            },
        )
        run = InvoiceRun.objects.create(
            year=year, started_by=started_by, job=job, confirmed_at=timezone.now()
        )
        enqueue_after_commit(tasks.run_invoices, for_job=job, run_id=run.pk)
    return run


# What a delivery left for the run's summary, by invoice (``params["deliveries"]``).
EMAILED, NOT_SENT, FAILED = "emailed", "not_sent", "failed"


@dataclass
class RunTally:
    issued: int = 0
    already_invoiced: int = 0
    emailed: int = 0
    skipped: list[str] = field(default_factory=list)
    not_sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    invoice_ids: list[int] = field(default_factory=list)
    skipped_organisations: list[dict] = field(default_factory=list)

    def issue_record(self) -> dict:
        """What the issuing step keeps in the job (``params["issue"]``, JSON)."""
        return {
            "issued": self.issued,
            "already_invoiced": self.already_invoiced,
            "invoice_ids": self.invoice_ids,
            "skipped": self.skipped_organisations,
        }

    @classmethod
    def from_params(cls, params: dict) -> "RunTally":
        """The run so far: its issuing step and the deliveries recorded, in invoice order."""
        issue = params.get("issue", {})
        deliveries = params.get("deliveries", {})
        skipped = issue.get("skipped", [])
        tally = cls(
            issued=issue.get("issued", 0),
            already_invoiced=issue.get("already_invoiced", 0),
            invoice_ids=issue.get("invoice_ids", []),
            skipped_organisations=skipped,
            skipped=[f"{entry['name']}: {entry['reason']}" for entry in skipped],
        )
        for invoice_id in tally.invoice_ids:
            state, text = deliveries.get(str(invoice_id), (None, ""))
            if state == EMAILED:
                tally.emailed += 1
            elif state == NOT_SENT:
                tally.not_sent.append(text)
            elif state == FAILED:
                tally.failed.append(text)
        return tally

    def outcome(self) -> dict:
        """What the job keeps of the run for its result page (JSON)."""
        return {
            "invoice_ids": self.invoice_ids,
            "skipped": self.skipped_organisations,
            "not_sent": self.not_sent,
            "failed": self.failed,
        }

    def summary(self) -> str:
        lines = [
            ngettext("%(n)s invoice issued.", "%(n)s invoices issued.", self.issued)
            % {"n": self.issued},
            ngettext("%(n)s invoice e-mail queued.", "%(n)s invoice e-mails queued.", self.emailed)
            % {"n": self.emailed},
        ]
        if self.already_invoiced:
            lines.append(
                ngettext(
                    "%(n)s organisation was already invoiced for the year.",
                    "%(n)s organisations were already invoiced for the year.",
                    self.already_invoiced,
                )
                % {"n": self.already_invoiced}
            )
        for heading, entries in (
            (_("Skipped:"), self.skipped),
            (_("Not sent:"), self.not_sent),
            (_("Failed:"), self.failed),
        ):
            if entries:
                lines.append(heading)
                lines.extend(f"– {entry}" for entry in entries)
        return "\n".join(lines)


def invoice_run_execute(*, run_id: int) -> RunTally | None:
    """The job of a confirmed run: issue every organisation's invoice, one after the other (the
    numbers are gapless), and queue one delivery task per invoice (``invoice_run_deliver``), so
    the workers render and send in parallel while the issuing goes on.

    Each invoice is issued and its delivery task recorded in one transaction. The job finishes
    when the last of its deliveries is recorded; progress is one step per organisation whose
    invoice is delivered or that was skipped. Run again after a worker died, it issues what the
    first attempt left and queues only the deliveries not yet recorded; a finished run is not
    run again. Returns the issuing step's tally (the deliveries may still be under way).
    """
    run = InvoiceRun.objects.select_related("job", "started_by").filter(pk=run_id).first()
    if run is None or run.job is None or run.job.status in (JobStatus.DONE, JobStatus.FAILED):
        return None
    job = run.job
    organisation_ids = job.params["organisation_ids"]
    from_months = job.params.get("from_months", {})
    delivered = set(job.params.get("deliveries", {}))
    jobs.job_start(job_id=job.pk, total=len(organisation_ids))
    organisations = Organisation.objects.in_bulk(organisation_ids)
    tally = RunTally()
    plan = fee_plan(year=run.year)
    try:
        for organisation_id in organisation_ids:
            organisation = organisations.get(organisation_id)
            if organisation is not None:
                _issue_one(
                    run=run,
                    organisation=organisation,
                    tally=tally,
                    plan=plan,
                    from_month=from_months.get(str(organisation_id)),
                    delivered=delivered,
                )
    except (OperationalError, InterfaceError):
        raise  # the database went away: the task retries the run on a new connection
    except Exception as error:
        _record(job_id=job.pk, run=run, issue=tally.issue_record(), failure=str(error))
        raise
    _record(job_id=job.pk, run=run, issue=tally.issue_record())
    return tally


def _issue_one(
    *,
    run: InvoiceRun,
    organisation: Organisation,
    tally: RunTally,
    plan: FeePlan,
    from_month: int | None,
    delivered: set[str],
) -> None:
    with transaction.atomic():
        try:
            with transaction.atomic():
                invoice = fee_invoice_issue(
                    organisation=organisation,
                    year=run.year,
                    issued_by=run.started_by,
                    plan=plan,
                    from_month=from_month,
                )
        except ValidationError as error:
            existing = existing_fee_invoice(organisation=organisation, year=run.year)
            if existing is None:  # no longer billable (membership ended, group changed)
                tally.skipped_organisations.append(
                    {
                        "organisation_id": organisation.pk,
                        "name": organisation.name,
                        "reason": " ".join(error.messages),
                    }
                )
                return
            invoice = existing
            tally.already_invoiced += 1
        else:
            tally.issued += 1
        tally.invoice_ids.append(invoice.pk)
        if str(invoice.pk) not in delivered:
            enqueue_after_commit(
                tasks.deliver_invoice, for_job=run.job, invoice_id=invoice.pk, run_id=run.pk
            )


def invoice_run_deliver(*, run_id: int, invoice_id: int) -> None:
    """One delivery of a run: store the invoice's PDF and EHF and queue its e-mail
    (``invoice_deliver``), then record the result in the run's job.

    Nobody to send to is recorded as not sent, and a rendering or storage error as failed: the
    invoice stays issued, the summary names it, and staff send it from the invoice list. A lost
    database connection is raised, so the task retries. A delivery already recorded (a
    redelivered task) does nothing. The "sent" status follows later from the outbox
    (``invoices_sync_sent_status``, run by beat).
    """
    run = InvoiceRun.objects.select_related("job").filter(pk=run_id).first()
    invoice = Invoice.objects.select_related("organisation").filter(pk=invoice_id).first()
    if run is None or run.job is None or invoice is None:
        return
    if run.job.status != JobStatus.RUNNING or str(invoice_id) in run.job.params.get(
        "deliveries", {}
    ):
        return
    label = f"{invoice}, {invoice.organisation}"
    try:
        invoice_deliver(invoice=invoice)
    except ValidationError as error:  # nobody to send it to; staff resend after fixing that
        result = [NOT_SENT, f"{label}: {' '.join(error.messages)}"]
    except (OperationalError, InterfaceError):
        raise  # the database went away: the task retries on a new connection
    except Exception as error:
        logger.exception("Invoice %s of run %s could not be delivered", invoice.pk, run.pk)
        result = [FAILED, f"{label}: {error}"]
    else:
        result = [EMAILED, ""]
    if run.job_id is not None:
        _record(job_id=run.job_id, run=run, delivery=(invoice_id, result))


def _record(
    *,
    job_id: int,
    run: InvoiceRun,
    issue: dict | None = None,
    delivery: tuple[int, list] | None = None,
    failure: str | None = None,
) -> None:
    """Record the issuing step or one delivery in the job, under the job's row lock, so the
    issuing task and the delivery tasks of several workers never overwrite each other. The
    progress is counted from what is recorded (a redelivered task counts nothing twice); the
    record that completes the run finishes the job, with its outcome and summary."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
            return
        params = job.params
        deliveries = params.setdefault("deliveries", {})
        if issue is not None:
            params["issue"] = issue
        if delivery is not None:
            deliveries.setdefault(str(delivery[0]), delivery[1])
        tally = RunTally.from_params(params)
        job.done = min(job.total, len(tally.skipped_organisations) + len(deliveries))
        complete = failure is None and (
            "issue" in params and all(str(pk) in deliveries for pk in tally.invoice_ids)
        )
        if complete or failure is not None:
            params["outcome"] = tally.outcome()
            params["links"] = _links(run, tally)
        job.save(update_fields=["params", "done"])
        if failure is not None:
            jobs.job_fail(job_id=job_id, message=f"{tally.summary()}\n{failure}")
        elif complete:
            jobs.job_finish(job_id=job_id, message=tally.summary())


def _links(run: InvoiceRun, tally: RunTally) -> list[dict]:
    """Links to the run's result page for the job's page (``params["links"]``: label and URL,
    in the order to show)."""
    url = reverse("billing:run_detail", kwargs={"pk": run.pk})
    count = len(tally.invoice_ids)
    label = ngettext("The %(n)s invoice of this run", "The %(n)s invoices of this run", count)
    links = [{"label": label % {"n": count}, "url": f"{url}#invoices"}]
    if tally.skipped_organisations or tally.not_sent or tally.failed:
        links.append({"label": _("Skipped, not sent or failed"), "url": f"{url}#skipped"})
    return links


def fee_invoice_issue_single(
    *, organisation: Organisation, year: int, issued_by: User, from_month: int | None = None
) -> Invoice:
    """Staff invoice one organisation by hand (a member who joined mid-year, pro rata by month).

    Issued now, in this transaction; the documents and the e-mail follow in a task after commit,
    exactly as in a run.
    """
    with transaction.atomic():
        invoice = fee_invoice_issue(
            organisation=organisation, year=year, issued_by=issued_by, from_month=from_month
        )
        enqueue_after_commit(tasks.deliver_invoice, invoice_id=invoice.pk)
    return invoice
