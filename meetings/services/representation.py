"""Who speaks for a voting organisation: its representative and deputy, and proxies (fullmakt)
from one voting organisation to another.

Both change only until the meeting opens. Every proxy write locks the meeting row first, so two
proxies given at once to the same holder cannot both pass its limit, and no chain can form
between two concurrent gives (tests/concurrency/test_proxy_limit.py).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import AnnualMeeting, EventKind, Proxy, Representative, Standing
from meetings.selectors.meetings import (
    BEFORE_OPENING,
    is_organisation_admin,
    is_organisation_user,
    proxies_held_by,
    proxy_given_by,
)
from meetings.selectors.roll import roll_standing
from meetings.services.events import event_append
from members.models import Organisation
from members.selectors import MailPurpose, organisation_mail_recipients
from portal.mail import mail_queue


def _may_act_for(actor, organisation: Organisation) -> bool:
    return actor.is_staff or is_organisation_admin(actor, organisation)


def _require_voter(meeting: AnnualMeeting, organisation: Organisation, field: str) -> None:
    if roll_standing(meeting, organisation) != Standing.VOTER:
        raise ValidationError(
            {
                field: _("%(organisation)s has no voting right at this meeting.")
                % {"organisation": organisation}
            }
        )


def representative_name(
    *,
    meeting: AnnualMeeting,
    organisation: Organisation,
    user,
    deputy=None,
    actor,
) -> Representative:
    """A voting organisation's admin (or staff) names its representative and optional deputy,
    both people of the organisation. Changes are allowed until the meeting opens; after that
    the deputy is the way to replace a representative who cannot come. One transaction."""
    if not _may_act_for(actor, organisation):
        raise ValidationError(
            _("Only an administrator of %(organisation)s can name its representative.")
            % {"organisation": organisation},
            code="not_admin",
        )
    if meeting.status not in BEFORE_OPENING:
        raise ValidationError(
            _("The meeting has opened: the representative can no longer be changed."),
            code="meeting_open",
        )
    _require_voter(meeting, organisation, "organisation")
    if not is_organisation_user(user, organisation):
        raise ValidationError(
            {
                "user": _("The representative must be a person of %(organisation)s.")
                % {"organisation": organisation}
            }
        )
    if deputy is not None:
        if deputy == user:
            raise ValidationError(
                {"deputy": _("The deputy must be someone other than the representative.")}
            )
        if not is_organisation_user(deputy, organisation):
            raise ValidationError(
                {
                    "deputy": _("The deputy must be a person of %(organisation)s.")
                    % {"organisation": organisation}
                }
            )
    with transaction.atomic():
        representative, _created = Representative.objects.update_or_create(
            meeting=meeting,
            organisation=organisation,
            defaults={"user": user, "deputy": deputy, "named_by": actor},
        )
    return representative


def _require_before_opening(meeting: AnnualMeeting, message: str) -> None:
    if meeting.status not in BEFORE_OPENING:
        raise ValidationError(message, code="meeting_open")


def _proxy_receipts(proxy: Proxy, event: str) -> None:
    """An e-mail receipt to the admins of both organisations, once per proxy, event and side."""
    for organisation in (proxy.giver, proxy.holder):
        recipients = organisation_mail_recipients(organisation, MailPurpose.MEETING_NOTICE)
        if not recipients:
            continue
        mail_queue(
            key=f"meeting-proxy:{proxy.pk}:{event}:org-{organisation.pk}",
            recipients=recipients,
            template=f"meetings/emails/proxy_{event}",
            context={"proxy": proxy, "meeting": proxy.meeting, "organisation": organisation},
            about=proxy,
        )


def proxy_give(
    *,
    meeting: AnnualMeeting,
    giver: Organisation,
    holder: Organisation,
    instruction: str = "",
    actor,
) -> Proxy:
    """A voting organisation's admin gives its vote to another voting organisation, optionally
    with a written instruction.

    Refused: proxies not allowed at this meeting, the meeting already open, to oneself, either
    side without voting right, a second standing proxy of the giver, a chain (a giver that holds
    proxies, a holder that gave its own), a holder already at ``proxy_limit``. Under a lock of
    the meeting row; event PROXY_GIVEN; receipts to both organisations after commit.
    """
    if not _may_act_for(actor, giver):
        raise ValidationError(
            _("Only an administrator of %(organisation)s can give its proxy.")
            % {"organisation": giver},
            code="not_admin",
        )
    if giver == holder:
        raise ValidationError(
            {"holder": _("An organisation cannot give its proxy to itself.")}, code="self"
        )
    with transaction.atomic():
        locked = AnnualMeeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.proxies_allowed:
            raise ValidationError(_("Proxies are not allowed at this meeting."), code="no_proxies")
        _require_before_opening(locked, _("Proxies can be given only until the meeting opens."))
        _require_voter(locked, giver, "giver")
        _require_voter(locked, holder, "holder")
        given = proxy_given_by(locked, giver)
        if given is not None:
            raise ValidationError(
                _("%(giver)s has already given its proxy to %(holder)s; withdraw it first.")
                % {"giver": giver, "holder": given.holder},
                code="already_given",
            )
        if proxies_held_by(locked, giver).exists():
            raise ValidationError(
                _(
                    "%(giver)s holds proxies of other organisations and cannot give its own "
                    "vote on: a proxy cannot be passed on."
                )
                % {"giver": giver},
                code="chain",
            )
        holders_own = proxy_given_by(locked, holder)
        if holders_own is not None:
            raise ValidationError(
                {
                    "holder": _(
                        "%(holder)s has given its own proxy to %(other)s and cannot hold one: "
                        "a proxy cannot be passed on."
                    )
                    % {"holder": holder, "other": holders_own.holder}
                },
                code="chain",
            )
        if proxies_held_by(locked, holder).count() >= locked.proxy_limit:
            raise ValidationError(
                {
                    "holder": _(
                        "%(holder)s already carries %(limit)s proxies, the most one holder may "
                        "carry at this meeting."
                    )
                    % {"holder": holder, "limit": locked.proxy_limit}
                },
                code="limit",
            )
        proxy = Proxy.objects.create(
            meeting=locked,
            giver=giver,
            holder=holder,
            instruction=(instruction or "").strip(),
            given_by=actor,
        )
        event_append(
            meeting=locked,
            kind=EventKind.PROXY_GIVEN,
            payload={
                "proxy": proxy.pk,
                "giver": giver.organisation_number,
                "holder": holder.organisation_number,
            },
            actor=actor,
        )
        _proxy_receipts(proxy, "given")
    return proxy


def proxy_withdraw(*, proxy: Proxy, actor) -> Proxy:
    """The giving organisation's admin (or staff) withdraws a standing proxy, until the meeting
    opens. Kept, with who and when; event PROXY_WITHDRAWN; receipts to both organisations."""
    if not _may_act_for(actor, proxy.giver):
        raise ValidationError(
            _("Only an administrator of %(organisation)s can withdraw its proxy.")
            % {"organisation": proxy.giver},
            code="not_admin",
        )
    with transaction.atomic():
        locked = AnnualMeeting.objects.select_for_update().get(pk=proxy.meeting_id)
        _require_before_opening(locked, _("A proxy can be withdrawn only until the meeting opens."))
        proxy = Proxy.objects.select_for_update().get(pk=proxy.pk)
        if proxy.withdrawn_at is not None:
            raise ValidationError(_("This proxy has already been withdrawn."), code="withdrawn")
        proxy.withdrawn_at = timezone.now()
        proxy.withdrawn_by = actor
        proxy.save(update_fields=["withdrawn_at", "withdrawn_by"])
        event_append(
            meeting=locked,
            kind=EventKind.PROXY_WITHDRAWN,
            payload={
                "proxy": proxy.pk,
                "giver": proxy.giver.organisation_number,
                "holder": proxy.holder.organisation_number,
            },
            actor=actor,
        )
        _proxy_receipts(proxy, "withdrawn")
    return proxy
