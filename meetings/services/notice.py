"""The notice (innkalling): a background job that e-mails every active participant's admins."""

NOTICE_JOB = "meeting-notice"
