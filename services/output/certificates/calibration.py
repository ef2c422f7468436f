"""Printer calibration for overlay printing: the (dx, dy) offset in millimetres of each
printer, stored in the ``Setting`` table (one key per printer)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Setting,
)
from services.output.certificates.common import CertificateError
from services.system.text import nfc

CALIBRATION_PREFIX = "certificate_calibration:"
DEFAULT_PRINTER = "Mặc định"



def calibration_key(printer: str | None) -> str:
    name = nfc((printer or "").strip()) or DEFAULT_PRINTER
    return (CALIBRATION_PREFIX + name)[:100]


def get_calibration(session: Session, printer: str | None) -> tuple[float, float]:
    """The (dx, dy) offset in mm of a printer; (0, 0) when it was never calibrated."""
    setting = session.get(Setting, calibration_key(printer))
    if setting is None or not isinstance(setting.value, dict):
        return 0.0, 0.0
    return float(setting.value.get("dx", 0.0)), float(setting.value.get("dy", 0.0))


def set_calibration(session: Session, printer: str | None, dx: float, dy: float) -> None:
    """Store a printer's offset (mm; dx to the right, dy downwards). The caller commits."""
    for v in (dx, dy):
        if not -50 <= v <= 50:
            raise CertificateError(f"Độ lệch {v:g} mm quá lớn; chỉ nhận từ -50 đến 50 mm. Hãy đo lại trên trang thử.")
    key = calibration_key(printer)
    setting = session.get(Setting, key)
    value = {"dx": round(float(dx), 2), "dy": round(float(dy), 2), "printer": nfc(printer or DEFAULT_PRINTER)}
    if setting is None:
        session.add(Setting(key=key, value=value))
    else:
        setting.value = value


def list_calibrations(session: Session) -> dict[str, tuple[float, float]]:
    rows = session.scalars(select(Setting).where(Setting.key.like(CALIBRATION_PREFIX + "%"))).all()
    return {r.key[len(CALIBRATION_PREFIX):]: (float(r.value.get("dx", 0)), float(r.value.get("dy", 0))) for r in rows}
