"""Staff changes to meetings leave an audit record (who, when, what).

Ballots and participations are left out on purpose: the audit log's timestamps and row order
would join a secret ballot to its voter (docs/meetings-secret-ballot.md).
"""

from auditlog.registry import auditlog

from meetings import models

for model in (
    models.AnnualMeeting,
    models.Proposal,
    models.MeetingDocument,
    models.RollEntry,
    models.RollChange,
    models.Representative,
    models.Proxy,
    models.Presence,
    models.AgendaItem,
    models.Candidate,
    models.Poll,
    models.MeetingOfficer,
    models.MinutesApproval,
):
    auditlog.register(model)

# The drafted body is kept whole on the row; its SHA-256 and the PDF are what the log needs.
auditlog.register(models.Minutes, exclude_fields=["body_html"])
