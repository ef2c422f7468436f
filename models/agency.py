"""The agency using the app, its signers, user accounts and free-form settings."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Integer, func
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, NFCString
from .vocabulary import ROLES, check_in


class Agency(Base):
    """Cơ quan: one row, the agency whose records this database holds."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NFCString(300))
    short_name: Mapped[str] = mapped_column(NFCString(100), default="")
    # Cơ quan chủ quản, printed above the agency in the document header.
    parent_authority: Mapped[str] = mapped_column(NFCString(300), default="")
    # Place used in dates: "Hà Tĩnh, ngày ... tháng ... năm ...".
    place: Mapped[str] = mapped_column(NFCString(100), default="")
    # Abbreviation used in document numbers, e.g. "SLĐTBXH" in "215/QĐ-SLĐTBXH".
    doc_suffix: Mapped[str] = mapped_column(NFCString(50), default="")
    address: Mapped[str] = mapped_column(NFCString(300), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Signer(Base):
    """Người ký: who signs documents and certificates, and in what capacity."""

    __tablename__ = "signer"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(NFCString(200))
    # Position printed under the signature, e.g. "PHÓ GIÁM ĐỐC".
    position: Mapped[str] = mapped_column(NFCString(200))
    # Signing capacity above it, e.g. "KT. GIÁM ĐỐC"; empty when signing in one's own right.
    capacity: Mapped[str] = mapped_column(NFCString(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_default: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class Setting(Base):
    """A named application setting stored with the data (printer calibration, defaults...)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(NFCString(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class UserAccount(Base):
    """An optional sign-in account with a role (quản trị, chuyên viên, xem)."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint(check_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(NFCString(100), unique=True)
    full_name: Mapped[str] = mapped_column(NFCString(200), default="")
    role: Mapped[str] = mapped_column(NFCString(20))
    password_hash: Mapped[str] = mapped_column(NFCString(300))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
