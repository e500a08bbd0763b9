"""The join link and its QR code, for the projector (segno: pure Python, writes PNG itself)."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno

JOIN_PARAM = "join"  # Home reads ?join=CODE and fills the join form with it


def join_link(origin: str, code: str) -> str:
    """The Home page's address with the code, e.g. http://host:8501/?join=K7MQ3X."""
    return f"{origin.rstrip('/')}/?{urlencode({JOIN_PARAM: code})}"


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of `text` as PNG bytes; error correction M survives a dim projector."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
