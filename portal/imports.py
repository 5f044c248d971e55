"""What an importer says about a file it refuses: one error per bad line, all reported at once.

Both importers (``activities.services.imports`` for hour entries, ``billing.services.bank_file``
for the bank's payments) check the whole file before anything is used; a file with a bad line
raises ``FileRejectedError`` listing every ``LineError``, and nothing in the file is saved.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class LineError:
    """The messages about one line of an uploaded file (header = line 1)."""

    line: int | None  # None: the file as a whole
    messages: list[str]

    def __str__(self):
        text = " ".join(self.messages)
        if self.line is None:
            return text
        return _("Line %(line)s: %(text)s") % {"line": self.line, "text": text}


class FileRejectedError(Exception):
    """The file has bad lines (or is not the file asked for); nothing in it was used."""

    def __init__(self, errors: list[LineError]):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors
