"""Cross-cutting records: the e-mail outbox, background jobs with visible progress, and the
claims of one-time form submission tokens."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


class OutboundEmail(models.Model):
    """One e-mail the portal must send once (docs/architecture.md, invariant 7).

    ``key`` names the send request (``reminder:period-3:org-7:before``); the unique constraint
    makes a second request for the same thing a no-op. The send task claims the row under a lock,
    so a redelivered task finds it already sent and returns. Changed only through
    ``portal.outbox``.

    ``about`` is the record the e-mail is about (an invoice, an invitation, an organisation...),
    set by every caller of ``portal.mail.mail_queue``: a content-type pair rather than foreign
    keys, because ``portal`` is the shared app the others import, not the other way round. The
    key names the send request; it is never parsed to find the e-mails of a record.
    """

    key = models.CharField(_("send request"), max_length=200, unique=True)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    about_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "claimed_at"]),
            models.Index(fields=["about_type", "about_id"], name="outbox_about"),
        ]

    def __str__(self):
        return f"{', '.join(self.recipients)}: {self.subject}"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """Long work run by Celery (an invoice run, a bulk import), with progress for its starter."""

    kind = models.CharField(_("kind"), max_length=60)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    total = models.PositiveIntegerField(_("steps"), default=0)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    message = models.TextField(_("message"), blank=True)
    result = models.FileField(_("result"), upload_to="jobs/", blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class SubmissionClaim(models.Model):
    """The first use of a form's one-time submission token; written only by ``portal.submission``.

    The unique constraint is what makes a double click harmless: of two requests carrying the
    same token, only one INSERT succeeds, and the other waits for ``location`` and answers with
    the same redirect instead of running the view again.
    """

    owner = models.CharField(_("session or user"), max_length=80)
    token = models.CharField(_("token"), max_length=64)
    path = models.TextField(_("form action"))
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    location = models.TextField(_("redirected to"), blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "token"], name="submission_claim_one_per_token"
            )
        ]
        indexes = [models.Index(fields=["claimed_at"])]

    def __str__(self):
        return f"{self.path} ({self.claimed_at:%Y-%m-%d %H:%M})"


class PendingTask(models.Model):
    """A Celery task recorded in the transaction that queued it; written only by ``portal.queue``.

    The row commits with the write that wants the work done, so a broker that is down when the
    request ends loses nothing: the periodic dispatcher (and the worker's start) sends the rows
    the request could not, and deletes each once it is sent.
    """

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The job this task runs, so its progress page can say it waits for the task queue.
    job = models.ForeignKey(
        Job,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pending_tasks",
        verbose_name=_("job"),
    )

    class Meta:
        verbose_name = _("pending task")
        verbose_name_plural = _("pending tasks")
        indexes = [models.Index(fields=["created_at"], name="pending_task_created")]

    def __str__(self):
        return f"{self.task} ({self.created_at:%Y-%m-%d %H:%M:%S})"


class WorkerHeartbeat(models.Model):
    """The last sign of life of one Celery worker; written only by ``portal.health``.

    Each worker process writes its row every ``WORKER_HEARTBEAT_SECONDS``; /healthz reports the
    portal degraded when the newest row is older than ``WORKER_HEARTBEAT_STALE_SECONDS``.
    """

    worker = models.CharField(_("worker"), max_length=200, unique=True)
    beat_at = models.DateTimeField(_("last heartbeat"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.worker} ({self.beat_at:%Y-%m-%d %H:%M:%S})"
