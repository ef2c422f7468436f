"""Alembic: the migrations build exactly the models' schema, and the app upgrades an
older database at start after copying it to a backup."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from models import Base
from models.db import (
    alembic_config,
    backup_dir,
    current_revision,
    head_revision,
    make_engine,
    open_database,
)


def test_autogenerate_finds_no_difference_between_models_and_migrations(db) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_downgrade_to_nothing_and_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lên xuống.db'}")
    cfg = alembic_config(engine)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "base")
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars().all()
    assert set(tables) <= {"alembic_version"}
    command.upgrade(cfg, "head")
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_opening_an_older_database_backs_it_up_then_upgrades_it(tmp_path: Path) -> None:
    path = tmp_path / "Hồ sơ cũ.db"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO unit (code, name, kind, sort_order, active, version) "
                          "VALUES ('VP', 'Văn phòng Sở', 'phong', 0, 1, 1)"))
    engine.dispose()
    assert list(backup_dir().iterdir()) == []

    database = open_database(path)
    try:
        assert current_revision(database.engine) == head_revision() != "0001"
        assert database.upgrade_backup is not None and database.upgrade_backup.parent == backup_dir()
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM unit")).scalar_one() == "Văn phòng Sở"
            assert conn.execute(text("SELECT count(*) FROM title")).scalar_one() == 12
    finally:
        database.close()
    # The backup is the database as it was: still at the old revision, with the data.
    backup = sqlite3.connect(database.upgrade_backup)
    try:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert backup.execute("SELECT name FROM unit").fetchone() == ("Văn phòng Sở",)
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        backup.close()


def test_an_up_to_date_database_is_opened_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "mới.db"
    open_database(path).close()
    database = open_database(path)
    assert database.upgrade_backup is None
    database.close()
    assert list(backup_dir().iterdir()) == []


def test_a_deleted_database_is_created_again(tmp_path: Path) -> None:
    path = tmp_path / "xóa đi.db"
    open_database(path).close()
    for leftover in tmp_path.glob("xóa đi.db*"):
        leftover.unlink()
    database = open_database(path)
    try:
        assert path.exists() and current_revision(database.engine) == head_revision()
    finally:
        database.close()


def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    import pytest

    from models.db import NotAnAppDatabase

    path = tmp_path / "của phần mềm khác.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE khach_hang (id INTEGER PRIMARY KEY, ten TEXT)")
    other.commit()
    other.close()
    with pytest.raises(NotAnAppDatabase, match="chương trình khác"):
        open_database(path)
    check = sqlite3.connect(path)
    try:
        tables = [r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    finally:
        check.close()
    assert tables == ["khach_hang"]


# ----------------------------------------------------------------------------- upgrades that fail

def _older_database(path: Path, revision: str = "0002") -> None:
    """A database one schema older, with a unit, a person, an award and two certificates."""
    from models import Award, CertificateRecord, Person, Unit

    database = open_database(path)
    with database.session() as s:
        unit = Unit(code="VP", name="Văn phòng Sở")
        person = Person(code="CB1", full_name="Nguyễn Văn A", gender="nam", unit=unit)
        award = Award(year=2024, title_code="GIAY_KHEN", person=person, achievement="x")
        s.add_all([unit, person, award])
        s.flush()
        s.add_all([CertificateRecord(award_id=award.id, register_no=f"SV-{i}", layout="mau") for i in (1, 2)])
        s.commit()
    database.close()
    engine = make_engine(f"sqlite:///{path}")
    command.downgrade(alembic_config(engine), revision)
    engine.dispose()
    for kept in backup_dir().glob("*.db"):
        kept.unlink()


def _revision_of(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def _indexes(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        conn.close()


KILL_AFTER_DDL = r"""
import os, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
from models.db import open_database

@event.listens_for(Engine, "after_cursor_execute")
def _die(conn, cursor, statement, *args):
    if statement.lstrip().upper().startswith("CREATE UNIQUE INDEX"):
        os._exit(9)  # killed right after the DDL, before alembic_version moves

open_database(sys.argv[1])
"""


def test_an_upgrade_killed_after_its_ddl_leaves_the_old_schema_whole(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    path = tmp_path / "bị ngắt.db"
    _older_database(path)
    r = subprocess.run([sys.executable, "-c", KILL_AFTER_DDL, str(path)], cwd=Path(__file__).resolve().parent.parent,
                       capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert r.returncode == 9, r.stderr
    # The index the killed upgrade created was rolled back with it.
    assert _revision_of(path) == "0002"
    assert "uq_certificate_record_register_no_original" not in _indexes(path)
    database = open_database(path)
    try:
        assert current_revision(database.engine) == head_revision()
        assert database.notices == []
    finally:
        database.close()
    assert "uq_certificate_record_register_no_original" in _indexes(path)


def test_a_failing_upgrade_changes_nothing_and_names_the_backup(tmp_path: Path) -> None:
    import pytest

    from models.db import UpgradeError

    path = tmp_path / "trùng số.db"
    _older_database(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE certificate_record SET register_no = 'SV-1'")  # the new unique index cannot be built
    conn.commit()
    conn.close()
    with pytest.raises(UpgradeError, match="vẫn nguyên như trước") as caught:
        open_database(path)
    assert caught.value.backup is not None and str(caught.value.backup) in str(caught.value)
    assert _revision_of(path) == "0002"
    assert "uq_certificate_record_register_no_original" not in _indexes(path)
    assert _revision_of(caught.value.backup) == "0002"


def _half_upgraded(path: Path) -> None:
    """What an older program left after a kill between CREATE INDEX and alembic_version."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE UNIQUE INDEX uq_certificate_record_register_no_original ON certificate_record "
                 "(register_no) WHERE reprint_of_id IS NULL")
    conn.commit()
    conn.close()


def test_a_half_upgraded_database_is_recovered_from_its_pre_upgrade_backup(tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "dở dang.db"
    _older_database(path)
    # The older program's pre-upgrade backup, then its interrupted upgrade.
    saved = backup_dir() / f"{path.stem}-truoc-nang-cap-0002-20261201-080000.db"
    shutil.copyfile(path, saved)
    _half_upgraded(path)
    database = open_database(path)
    try:
        assert current_revision(database.engine) == head_revision()
        assert len(database.notices) == 1
        notice = database.notices[0]
        assert "khôi phục từ bản sao lưu trước khi nâng cấp" in notice and saved.name in notice
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM certificate_record")).scalar_one() == 2
    finally:
        database.close()
    # The damaged file is kept aside, not thrown away.
    assert [p for p in backup_dir().glob("*hong-khi-nang-cap*.db")]


def test_a_half_upgraded_database_without_a_backup_is_refused_untouched(tmp_path: Path) -> None:
    import pytest

    from models.db import UpgradeError

    path = tmp_path / "dở dang.db"
    _older_database(path)
    _half_upgraded(path)
    before = path.read_bytes()
    with pytest.raises(UpgradeError, match="không có bản sao lưu trước khi nâng cấp"):
        open_database(path)
    assert _revision_of(path) == "0002"
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM certificate_record").fetchone() == (2,)
    conn.close()
    assert len(path.read_bytes()) == len(before)


def test_0004_moves_ties_and_initiatives_out_of_reasons_and_back(tmp_path: Path) -> None:
    """Nominations saved before 0004 kept their tie group and relied-on initiatives as
    special entries of ``reasons``; the upgrade moves them to their columns, the downgrade
    puts them back."""
    import json

    engine = make_engine(f"sqlite:///{tmp_path / 'xếp hạng.db'}")
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0003")
    engine_reason = {"rule": "P2", "article": "NĐ 98/2023/NĐ-CP Điều 4", "text": "đạt LĐTT và có sáng kiến"}
    initiatives = {"rule": "P2", "article": "Công văn 5007/BNV-TĐKT",
                   "text": "sáng kiến làm căn cứ: SK1, SK2 (được ghi là đã dùng khi có quyết định khen thưởng)",
                   "initiatives": ["SK1", "SK2"]}
    tie = {"rule": "P3", "article": "NĐ 98/2023/NĐ-CP Điều 4",
           "text": "ngang nhau với người/tập thể khác cùng nhóm 3 ở mọi bước xếp hạng trừ thứ tự tên", "tie": 3,
           "manual": True}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO unit (id, code, name, kind, sort_order, active, version) "
                          "VALUES (1, 'VP', 'Văn phòng Sở', 'phong', 0, 1, 1)"))
        for pid in (1, 2):
            conn.execute(text("INSERT INTO person (id, code, full_name, gender, position, unit_id, active, version) "
                              f"VALUES ({pid}, 'CB{pid}', 'Người {pid}', 'nam', '', 1, 1, 1)"))
        conn.execute(text("INSERT INTO nomination_list (id, year, title_code, state, quota_basis, version) "
                          "VALUES (1, 2024, 'CSTDCS', 'nhap', '', 1)"))
        conn.execute(text("INSERT INTO nomination (id, list_id, person_id, grp, rank, reasons, override_reason, note) "
                          "VALUES (1, 1, 1, 'selected', 1, :r, '', '')"),
                     {"r": json.dumps([engine_reason, initiatives, tie], ensure_ascii=False)})
        conn.execute(text("INSERT INTO nomination (id, list_id, person_id, grp, rank, reasons, override_reason, note) "
                          "VALUES (2, 1, 2, 'selected', 2, :r, '', '')"), {"r": json.dumps([engine_reason])})

    command.upgrade(cfg, "0004")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, reasons, tie_group, tie_manual, initiative_codes FROM nomination "
                                 "ORDER BY id")).all()
    (_, reasons1, tie1, manual1, codes1), (_, reasons2, tie2, manual2, codes2) = rows
    assert (tie1, bool(manual1), json.loads(codes1)) == (3, True, ["SK1", "SK2"])
    stripped = json.loads(reasons1)
    assert stripped == [engine_reason, {k: v for k, v in initiatives.items() if k != "initiatives"},
                        {k: v for k, v in tie.items() if k not in ("tie", "manual")}]
    assert (tie2, bool(manual2), json.loads(codes2), json.loads(reasons2)) == (None, False, [], [engine_reason])

    # The services read the columns.
    from sqlalchemy.orm import Session

    from models import Nomination
    from services.awards.nominations import initiatives_of, tie_of

    with Session(engine) as session:
        n1, n2 = session.get(Nomination, 1), session.get(Nomination, 2)
        assert n1 is not None and n2 is not None
        assert tie_of(n1) == (3, True) and initiatives_of(n1) == ["SK1", "SK2"]
        assert tie_of(n2) == (None, False) and initiatives_of(n2) == []

    command.downgrade(cfg, "0003")
    with engine.connect() as conn:
        back = [json.loads(r) for r in conn.execute(text("SELECT reasons FROM nomination ORDER BY id")).scalars()]
        columns = {r[1] for r in conn.execute(text("PRAGMA table_info(nomination)"))}
    assert back == [[engine_reason, initiatives, tie], [engine_reason]]
    assert not columns & {"tie_group", "tie_manual", "initiative_codes"}
    engine.dispose()
