"""Accounts: password hashing, sign-in, roles enforced inside the services (the write guard)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from models import AuditEntry, Decision, Setting, Unit, UserAccount
from services.system import access, accounts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _signed_out():
    access.sign_in_as(None)
    yield
    access.sign_in_as(None)


@pytest.fixture
def users(db):
    with db.session() as s:
        accounts.add_account(s, "admin", "mật khẩu quản trị", "quan_tri", "Nguyễn Văn Quản")
        accounts.add_account(s, "cv", "chuyên viên 123", "chuyen_vien")
        accounts.add_account(s, "xem", "chỉ xem 12345", "xem")
        s.add(Unit(code="VP", name="Văn phòng"))
        s.commit()
    return db


def test_hash_is_salted_scrypt_and_verifies():
    h1, h2 = accounts.hash_password("Mật khẩu"), accounts.hash_password("Mật khẩu")
    assert h1.startswith("scrypt$") and h1 != h2
    assert accounts.verify_password("Mật khẩu", h1)
    # The same text in decomposed Unicode (as some keyboards type it) still matches.
    import unicodedata
    assert accounts.verify_password(unicodedata.normalize("NFD", "Mật khẩu"), h1)
    assert not accounts.verify_password("Mat khau", h1)
    assert not accounts.verify_password("x", "garbage")


def test_sign_in_and_wrong_password(users):
    with users.session() as s:
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(s, "admin", "sai mật khẩu")
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(s, "không-có", "mật khẩu quản trị")
        assert access.current_actor() is None
        actor = accounts.sign_in(s, "cv", "chuyên viên 123")
    assert actor == access.Actor("cv", "chuyen_vien")
    with users.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "sign_in")).one()
        assert entry.username == "cv"


def test_read_only_user_cannot_change_anything(users):
    with users.session() as s:
        accounts.sign_in(s, "xem", "chỉ xem 12345")
    with users.session() as s:
        # Reading works.
        unit = s.scalars(select(Unit)).one()
        # ORM update, insert, delete: all refused at flush, nothing written.
        unit.name = "Đổi tên"
        with pytest.raises(access.PermissionDenied, match="xem"):
            s.commit()
        s.rollback()
        s.add(Unit(code="MOI", name="Mới"))
        with pytest.raises(access.PermissionDenied):
            s.flush()
        s.rollback()
        s.delete(s.scalars(select(Unit)).one())
        with pytest.raises(access.PermissionDenied):
            s.flush()
        s.rollback()
        # Core statements through the session are refused too.
        for stmt in (insert(Unit).values(code="X", name="X"), update(Unit).values(name="Y"),
                     insert(Setting).values(key="k", value=1), update(AuditEntry).values(reason="sửa")):
            with pytest.raises(access.PermissionDenied):
                s.execute(stmt)
            s.rollback()
        # Account management is refused as well.
        with pytest.raises(access.PermissionDenied):
            accounts.add_account(s, "ke-gian", "12345678x", "quan_tri")
        s.rollback()
    with users.session() as s:
        assert [u.name for u in s.scalars(select(Unit))] == ["Văn phòng"]
        assert s.scalar(select(func.count()).select_from(UserAccount)) == 3


def test_read_only_user_cannot_import(users):
    from services.records.demo import build_demo_exchange
    from services.records.exchange import import_exchange

    with users.session() as s:
        accounts.sign_in(s, "xem", "chỉ xem 12345")
    with users.session() as s:
        with pytest.raises(access.PermissionDenied):
            import_exchange(s, build_demo_exchange())
        s.rollback()
    with users.session() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 1


def test_specialist_edits_records_but_not_administration(users):
    with users.session() as s:
        accounts.sign_in(s, "cv", "chuyên viên 123")
    with users.session() as s:
        s.add(Unit(code="P2", name="Phòng 2"))
        s.add(Decision(number="1/QĐ", level="co_so"))
        s.commit()
        s.add(Setting(key="may_in", value={"dx": 1}))
        with pytest.raises(access.PermissionDenied):
            s.commit()
        s.rollback()
        with pytest.raises(access.PermissionDenied):
            accounts.set_role(s, "cv", "quan_tri")
        s.rollback()
        # Own password: allowed; someone else's: not.
        accounts.set_password(s, "cv", "mật khẩu mới 1")
        s.commit()
        with pytest.raises(access.PermissionDenied):
            accounts.set_password(s, "xem", "mật khẩu mới 2")
        s.rollback()
    with users.session() as s:
        assert accounts.authenticate(s, "cv", "mật khẩu mới 1").role == "chuyen_vien"
        assert s.scalar(select(func.count()).select_from(Unit)) == 2


def test_account_rules(db):
    with db.session() as s:
        with pytest.raises(accounts.AccountError, match="đầu tiên"):
            accounts.add_account(s, "cv", "12345678", "chuyen_vien")
        with pytest.raises(accounts.AccountError, match="ít nhất"):
            accounts.add_account(s, "admin", "ngắn", "quan_tri")
        accounts.add_account(s, "admin", "12345678", "quan_tri")
        with pytest.raises(accounts.AccountError, match="Đã có"):
            accounts.add_account(s, "admin", "12345678", "quan_tri")
        with pytest.raises(accounts.AccountError, match="cuối cùng"):
            accounts.remove_account(s, "admin")
        assert accounts.accounts_exist(s)
        stored = s.scalars(select(UserAccount)).one().password_hash
        assert "12345678" not in stored


def _cli(db_path, *args, stdin=""):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "--create", "users", *args],
                          input=stdin, capture_output=True, text=True, encoding="utf-8", cwd=ROOT)


def test_users_command(tmp_path):
    path = tmp_path / "cli.db"
    r = _cli(path, "add", "admin", "--role", "quan_tri", stdin="mật khẩu quản trị\n")
    assert r.returncode == 0, r.stderr
    # Now an administrator's password is needed.
    r = _cli(path, "add", "xem1", "--role", "xem", stdin="abcdefgh\n")
    assert r.returncode == 2 and "--admin" in r.stderr
    r = _cli(path, "add", "xem1", "--role", "xem", "--admin", "admin", stdin="sai\nabcdefgh\n")
    assert r.returncode == 2 and "Sai tên đăng nhập" in r.stderr
    r = _cli(path, "add", "xem1", "--role", "xem", "--admin", "admin", stdin="mật khẩu quản trị\nabcdefgh\n")
    assert r.returncode == 0, r.stderr
    r = _cli(path, "add", "xem2", "--admin", "xem1", stdin="abcdefgh\nabcdefgh\n")
    assert r.returncode == 2 and "không có quyền" in r.stderr
    r = _cli(path, "list")
    assert r.returncode == 0 and "xem1\tChỉ xem" in r.stdout and "xem2" not in r.stdout


# ----------------------------------------------------------------------------- GUI


def test_sign_in_dialog(qtbot, users):
    from ui.sign_in import SignInDialog

    dialog = SignInDialog(users)
    qtbot.addWidget(dialog)
    dialog.username.setText("xem")
    dialog.password.setText("sai")
    dialog.try_sign_in()
    assert "Sai tên đăng nhập" in dialog.error.text() and dialog.result() == 0
    assert access.current_actor() is None
    dialog.password.setText("chỉ xem 12345")
    dialog.try_sign_in()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert access.current_actor() == access.Actor("xem", "xem")


def test_read_only_user_cannot_change_anything_through_the_window(qtbot, users, monkeypatch):
    """Signed in as "xem": restore is disabled in the window, and refused even when forced;
    an edit made through any page's session is refused and the database stays as it was."""
    from PySide6.QtWidgets import QMessageBox

    from services.system import backup
    from ui import worker
    from ui.context import AppContext
    from ui.main_window import MainWindow

    saved = backup.make_backup(users.path)
    errors = []
    monkeypatch.setattr(worker, "show_error", lambda parent, what, exc=None, advice="": errors.append((what, exc)))
    import ui.pages.backup as backup_page
    monkeypatch.setattr(backup_page, "show_error", lambda parent, what, exc=None, advice="": errors.append((what, exc)))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with users.session() as s:
        accounts.sign_in(s, "xem", "chỉ xem 12345")
    context = AppContext(users)
    window = MainWindow(context)
    qtbot.addWidget(window)
    page = window.show_page("backup")
    assert not page.restore_file_button.isEnabled()
    page.table.selectRow(0)
    assert not page.restore_button.isEnabled()
    assert page.restore(saved, confirm=False) is False
    assert errors and isinstance(errors[-1][1], access.PermissionDenied)
    # Whatever a page tries to save goes through a session of the same database: refused.
    with context.database.session() as s:
        s.scalars(select(Unit)).one().name = "Sửa khi chỉ có quyền xem"
        with pytest.raises(access.PermissionDenied):
            s.commit()
    audit_page = window.show_page("audit")
    assert audit_page.table.rowCount() >= 1
    with users.session() as s:
        assert s.scalar(select(Unit.name)) == "Văn phòng"
    window.close()


def test_printer_calibration_goes_with_the_right_to_print(users):
    from services.output.certificates import CALIBRATION_PREFIX, set_calibration

    assert CALIBRATION_PREFIX == accounts.CALIBRATION_SETTING_PREFIX
    with users.session() as s:
        accounts.sign_in(s, "cv", "chuyên viên 123")
    with users.session() as s:
        set_calibration(s, "Canon LBP 2900", 1.5, -0.5)
        s.commit()
        set_calibration(s, "Canon LBP 2900", 2.0, 0.0)
        s.commit()
    with users.session() as s:
        accounts.sign_in(s, "xem", "chỉ xem 12345")
    with users.session() as s:
        set_calibration(s, "Canon LBP 2900", 9.0, 9.0)
        with pytest.raises(access.PermissionDenied):
            s.commit()
