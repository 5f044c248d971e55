"""Invoice runs: staff confirm a previewed fee plan, a Celery job issues, stores and sends.

A run may be confirmed twice, started twice or redelivered by the broker after its worker
died: the database's one-fee-invoice-per-organisation-and-year constraint means no organisation
is billed twice, and the outbox's send keys mean no invoice is e-mailed twice. A repeated run
finishes the work of an earlier attempt (documents, e-mail) instead of starting it over.

A run is one task, one organisation after the other, so its progress is simple to follow. It
should end within the broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT, an hour by
default; about 3 invoices a second per worker): a longer one is handed to a second worker,
which is harmless for the reasons above but doubles the work.
"""

import hashlib
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing import tasks
from billing.models import Invoice, InvoiceRun
from billing.selectors import FeePlan, existing_fee_invoice, fee_plan, run_plan
from billing.services.issuing import fee_invoice_issue
from billing.services.sending import invoice_deliver
from members.models import Organisation, User
from portal import jobs
from portal.models import JobStatus
from portal.queue import enqueue_after_commit

logger = logging.getLogger(__name__)

RUN_JOB_KIND = "billing.invoice_run"


def plan_fingerprint(plan: FeePlan) -> str:
    """A short digest of who pays what, so a confirmation can tell the plan changed since."""
    items = sorted(f"{item.organisation.pk}:{item.amount}" for item in plan.billable)
    return hashlib.sha256("|".join(items).encode()).hexdigest()[:16]


def invoice_run_start(*, year: int, started_by: User, fingerprint: str | None = None) -> InvoiceRun:
    """Confirm a run for ``year``: record who is billable now and queue the job after commit.

    ``fingerprint`` is the preview's ``plan_fingerprint``; if the plan has changed since (someone
    invoiced meanwhile), nothing is started and the ValidationError asks for a new look.
    """
    plan = run_plan(year=year)
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
    with transaction.atomic():
        job = jobs.job_create(
            kind=RUN_JOB_KIND,
            started_by=started_by,
            total=len(organisation_ids),
            params={"year": year, "organisation_ids": organisation_ids},
        )
        run = InvoiceRun.objects.create(
            year=year, started_by=started_by, job=job, confirmed_at=timezone.now()
        )
        enqueue_after_commit(tasks.run_invoices, run_id=run.pk)
    return run


@dataclass
class RunTally:
    issued: int = 0
    already_invoiced: int = 0
    emailed: int = 0
    skipped: list[str] = field(default_factory=list)
    not_sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

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
    """The job of a confirmed run: for each organisation, issue, store and send its invoice.

    Progress advances one step per organisation. Run again after a worker died, it counts from
    the start and completes what the first attempt left; a finished run is not run again.
    """
    run = InvoiceRun.objects.select_related("job", "started_by").filter(pk=run_id).first()
    if run is None or run.job is None or run.job.status in (JobStatus.DONE, JobStatus.FAILED):
        return None
    job = run.job
    organisation_ids = job.params["organisation_ids"]
    jobs.job_start(job_id=job.pk, total=len(organisation_ids))  # a redelivered run counts anew
    organisations = Organisation.objects.in_bulk(organisation_ids)
    tally = RunTally()
    plan = fee_plan(year=run.year)
    try:
        for organisation_id in organisation_ids:
            organisation = organisations.get(organisation_id)
            if organisation is not None:
                _invoice_one(run=run, organisation=organisation, tally=tally, plan=plan)
            jobs.job_advance(job_id=job.pk)
    except Exception as error:
        jobs.job_fail(job_id=job.pk, message=f"{tally.summary()}\n{error}")
        raise
    jobs.job_finish(job_id=job.pk, message=tally.summary())
    return tally


def _invoice_one(
    *, run: InvoiceRun, organisation: Organisation, tally: RunTally, plan: FeePlan
) -> None:
    try:
        invoice = fee_invoice_issue(
            organisation=organisation, year=run.year, issued_by=run.started_by, plan=plan
        )
    except ValidationError as error:
        invoice = existing_fee_invoice(organisation=organisation, year=run.year)
        if invoice is None:  # no longer billable (membership ended, group changed)
            tally.skipped.append(f"{organisation}: {' '.join(error.messages)}")
            return
        tally.already_invoiced += 1
    else:
        tally.issued += 1
    try:
        invoice_deliver(invoice=invoice)
    except ValidationError as error:  # nobody to send it to; staff resend after fixing that
        tally.not_sent.append(f"{invoice}, {organisation}: {' '.join(error.messages)}")
        return
    except Exception as error:
        # One invoice whose rendering or storage fails must not stop the others: it stays
        # issued, the summary names it, and staff send it from the invoice list.
        logger.exception("Invoice %s of run %s could not be delivered", invoice.pk, run.pk)
        tally.failed.append(f"{invoice}, {organisation}: {error}")
        return
    tally.emailed += 1


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
