import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The text of every page of a PDF, whitespace folded, for assertions."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
