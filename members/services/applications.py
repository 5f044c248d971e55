"""Applications to join: submit, approve (organisation, first period, admin invitation), reject."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import tasks
from members.models import (
    Application,
    ApplicationStatus,
    Invitation,
    Organisation,
    Role,
    User,
    ValueChainSegment,
)
from members.services.memberships import membership_start
from members.validators import normalise_organisation_number, validate_invoice_data
from portal.queue import enqueue_after_commit


def application_submit(
    *, segments: Iterable[ValueChainSegment] = (), notify: bool = True, **fields
) -> Application:
    """Record a company's application to join and tell the secretariat.

    The invoice data is checked as for a billable organisation (``validate_invoice_data``): an
    approved applicant is invoiced for the fee. Applicants are Norwegian organisations, so the
    address is checked as a Norwegian one. With ``notify=False`` no e-mail is queued (the demo
    seed's fictional addresses).
    """
    application = Application(**fields)
    application.organisation_number = normalise_organisation_number(application.organisation_number)
    application.full_clean()
    validate_invoice_data(
        street_address=application.street_address,
        postal_code=application.postal_code,
        city=application.city,
        invoice_email=application.invoice_email,
        billable=True,
    )
    if Organisation.objects.filter(organisation_number=application.organisation_number).exists():
        raise ValidationError(
            {"organisation_number": _("This organisation already takes part in the network.")}
        )
    if Application.objects.filter(
        organisation_number=application.organisation_number, status=ApplicationStatus.PENDING
    ).exists():
        raise ValidationError(
            {"organisation_number": _("An application for this organisation is being handled.")}
        )
    with transaction.atomic():
        application.save()
        application.segments.set(segments)
        if notify:
            enqueue_after_commit(
                tasks.send_application_received_email, application_id=application.pk
            )
    return application


def application_approve(
    *,
    application: Application,
    decided_by: User,
    start_date: datetime.date | None = None,
    notify: bool = True,
) -> Organisation:
    """Approve a pending application.

    Creates the organisation, its first membership period and an admin invitation for the
    contact person, all in one transaction; the approval e-mail goes out after commit.
    With ``notify=False`` no e-mail is queued (the demo seed's fictional addresses).
    """
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.PENDING:
            raise ValidationError(_("Only a pending application can be approved."))
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(
                    name=application.name,
                    organisation_number=application.organisation_number,
                    street_address=application.street_address,
                    postal_code=application.postal_code,
                    city=application.city,
                    invoice_email=application.invoice_email,
                    website=application.website,
                    size_band=application.size_band,
                    description=application.description,
                )
        except IntegrityError:
            raise ValidationError(
                _("An organisation with organisation number %(number)s already exists.")
                % {"number": application.organisation_number}
            ) from None
        organisation.segments.set(application.segments.all())
        membership_start(
            organisation=organisation,
            participant_type=application.requested_type,
            start_date=start_date or timezone.localdate(),
            note=_("Approved application"),
        )
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=application.contact_email.lower(),
            role=Role.ADMIN,
            invited_by=decided_by,
            expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        application.status = ApplicationStatus.APPROVED
        application.decided_at = timezone.now()
        application.decided_by = decided_by
        application.organisation = organisation
        application.save(update_fields=["status", "decided_at", "decided_by", "organisation"])
        if notify:
            enqueue_after_commit(
                tasks.send_application_approved_email,
                application_id=application.pk,
                invitation_id=invitation.pk,
            )
    return organisation


def application_reject(
    *, application: Application, decided_by: User, reason: str, notify: bool = True
) -> Application:
    """Reject a pending application with a reason that is sent to the contact person.

    With ``notify=False`` no e-mail is queued (the demo seed's fictional addresses).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the rejection.")})
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.PENDING:
            raise ValidationError(_("Only a pending application can be rejected."))
        application.status = ApplicationStatus.REJECTED
        application.rejection_reason = reason
        application.decided_at = timezone.now()
        application.decided_by = decided_by
        application.save(update_fields=["status", "rejection_reason", "decided_at", "decided_by"])
        if notify:
            enqueue_after_commit(
                tasks.send_application_rejected_email, application_id=application.pk
            )
    return application
