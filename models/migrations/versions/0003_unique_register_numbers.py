"""a certificate register number is given to one original printing only

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 11:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "uq_certificate_record_register_no_original", "certificate_record", ["register_no"], unique=True,
        sqlite_where=sa.text("reprint_of_id IS NULL"), postgresql_where=sa.text("reprint_of_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_certificate_record_register_no_original", table_name="certificate_record")
