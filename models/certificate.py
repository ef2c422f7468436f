"""The certificate register (sổ vàng): every certificate printed, with its number."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, NFCString
from .decision import Award
from .vocabulary import CERTIFICATE_MODES, check_in


class CertificateRecord(Base):
    """One printing of a certificate. A reprint points at the first printing and keeps its number."""

    __tablename__ = "certificate_record"
    __table_args__ = (
        CheckConstraint(check_in("mode", CERTIFICATE_MODES), name="mode"),
        # A register number is given once; reprints share the number of their original.
        Index(
            "uq_certificate_record_register_no_original", "register_no", unique=True,
            sqlite_where=text("reprint_of_id IS NULL"), postgresql_where=text("reprint_of_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id", ondelete="CASCADE"), index=True)
    register_no: Mapped[str] = mapped_column(NFCString(50), index=True)
    layout: Mapped[str] = mapped_column(NFCString(100))
    mode: Mapped[str] = mapped_column(NFCString(20), default="full")
    reprint_of_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_record.id", ondelete="SET NULL"))
    printed_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    printed_by: Mapped[str] = mapped_column(NFCString(100), default="")
    copies: Mapped[int] = mapped_column(Integer, default=1)

    award: Mapped[Award] = relationship()
