"""ties and relied-on initiatives of a nomination in columns of their own

Until this revision a nomination's tie group (with "manual" once reordered) and the codes
of the initiatives it relies on travelled as special entries of its ``reasons`` JSON
(keys "tie", "manual", "initiatives"). They move to ``tie_group``, ``tie_manual`` and
``initiative_codes``; the entries stay in ``reasons`` as the text people read, without
those keys. The downgrade puts the keys back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 22:40:00
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

DATA_KEYS = ("tie", "manual", "initiatives")

nomination = sa.table(
    "nomination",
    sa.column("id", sa.Integer), sa.column("reasons", sa.JSON), sa.column("tie_group", sa.Integer),
    sa.column("tie_manual", sa.Boolean), sa.column("initiative_codes", sa.JSON),
)


def upgrade() -> None:
    op.add_column("nomination", sa.Column("tie_group", sa.Integer(), nullable=True))
    op.add_column("nomination", sa.Column("tie_manual", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("nomination", sa.Column("initiative_codes", sa.JSON(), nullable=False,
                                          server_default=sa.text("'[]'")))
    conn = op.get_bind()
    for nid, reasons in conn.execute(sa.select(nomination.c.id, nomination.c.reasons)).all():
        if not reasons or not any(isinstance(r, dict) and any(k in r for k in DATA_KEYS) for r in reasons):
            continue
        tie, manual, codes = None, False, []
        kept: list[Any] = []
        for r in reasons:
            if isinstance(r, dict):
                if "tie" in r:
                    tie, manual = r["tie"], bool(r.get("manual"))
                if "initiatives" in r:
                    codes = [str(c) for c in r["initiatives"]]
                r = {k: v for k, v in r.items() if k not in DATA_KEYS}
            kept.append(r)
        conn.execute(nomination.update().where(nomination.c.id == nid)
                     .values(reasons=kept, tie_group=tie, tie_manual=manual, initiative_codes=codes))


def _entry(reasons: list[Any], prefix: str) -> dict[str, Any]:
    """The reason whose text starts with ``prefix`` (added when missing)."""
    found = next((r for r in reasons if isinstance(r, dict) and str(r.get("text", "")).startswith(prefix)), None)
    if found is None:
        found = {"rule": "", "article": "", "text": prefix}
        reasons.append(found)
    return found


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(nomination.c.id, nomination.c.reasons, nomination.c.tie_group,
                                  nomination.c.tie_manual, nomination.c.initiative_codes)).all()
    for nid, reasons, tie, manual, codes in rows:
        if tie is None and not codes:
            continue
        reasons = [dict(r) if isinstance(r, dict) else r for r in (reasons or [])]
        if codes:
            _entry(reasons, "sáng kiến làm căn cứ")["initiatives"] = list(codes)
        if tie is not None:
            e = _entry(reasons, "ngang nhau")
            e["tie"], e["manual"] = tie, bool(manual)
        conn.execute(nomination.update().where(nomination.c.id == nid).values(reasons=reasons))
    op.drop_column("nomination", "initiative_codes")
    op.drop_column("nomination", "tie_manual")
    op.drop_column("nomination", "tie_group")
