"""The embedded default's mail: whole messages in files, one line each on the console."""

from django.core.mail import EmailMessage


def test_a_mail_is_kept_whole_in_a_file_and_told_in_one_line(settings, tmp_path, capsys):
    settings.EMAIL_BACKEND = "portal.mail.ConsoleAndFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    message = EmailMessage("Faktura 1", "Hei", to=["faktura@celle.no"])
    message.attach("faktura-1.pdf", b"%PDF-1.4 " + b"x" * 5000, "application/pdf")

    assert message.send() == 1

    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"Mail to faktura@celle.no: Faktura 1, 1 attachment(s) (in {tmp_path})"]
    (kept,) = tmp_path.iterdir()
    text = kept.read_text()
    assert "Subject: Faktura 1" in text
    assert 'filename="faktura-1.pdf"' in text
