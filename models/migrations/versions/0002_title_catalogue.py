"""the catalogue of titles and reward forms of rules-2024.md

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 11:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Frozen copy of the catalogue as of this revision (a migration must not follow later
# edits of models.vocabulary): code, name, subject, kind, level.
TITLES = [
    ("LDTT", "Lao động tiên tiến", "person", "title", "co_so"),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", "person", "title", "co_so"),
    ("CSTD_TINH", "Chiến sĩ thi đua cấp bộ, ngành, tỉnh", "person", "title", "tinh"),
    ("CSTD_TOANQUOC", "Chiến sĩ thi đua toàn quốc", "person", "title", "nha_nuoc"),
    ("GIAY_KHEN", "Giấy khen của Giám đốc Sở", "both", "reward", "co_so"),
    ("BK_TINH", "Bằng khen của Chủ tịch UBND tỉnh", "both", "reward", "tinh"),
    ("BK_BO", "Bằng khen của Bộ trưởng", "both", "reward", "bo"),
    ("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", "both", "reward", "nha_nuoc"),
    ("TTLDTT", "Tập thể lao động tiên tiến", "unit", "title", "co_so"),
    ("TTLDXS", "Tập thể lao động xuất sắc", "unit", "title", "tinh"),
    ("CO_TINH", "Cờ thi đua của UBND tỉnh", "unit", "title", "tinh"),
    ("CO_BO", "Cờ thi đua của Bộ", "unit", "title", "bo"),
]


def upgrade() -> None:
    title = sa.table(
        "title",
        sa.column("code", sa.String), sa.column("name", sa.String), sa.column("subject", sa.String),
        sa.column("kind", sa.String), sa.column("level", sa.String), sa.column("sort_order", sa.Integer),
    )
    op.bulk_insert(title, [
        {"code": c, "name": n, "subject": s, "kind": k, "level": lv, "sort_order": i}
        for i, (c, n, s, k, lv) in enumerate(TITLES)
    ])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM title WHERE code IN ({})".format(", ".join(f"'{t[0]}'" for t in TITLES))))
