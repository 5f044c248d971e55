"""Staff corrections of hours, periods and activities leave an audit record."""

from auditlog.registry import auditlog

from activities import models

for model in (
    models.Activity,
    models.ActivityDecision,
    models.Participation,
    models.ReportingPeriod,
    models.HourEntry,
    models.PeriodConfirmation,
    models.HourlyRate,
    models.PersonRate,
):
    auditlog.register(model)
