"""What every part of the certificates package shares: millimetres in PDF points, the errors."""
from __future__ import annotations

MM = 72.0 / 25.4  # points per millimetre


class LayoutError(ValueError):
    """A layout file that cannot be used; the message (Vietnamese) says where and how to fix it."""


class CertificateError(RuntimeError):
    """A certificate job that cannot be done; the message (Vietnamese) says why and what to do."""
