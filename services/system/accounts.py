"""User accounts: scrypt password hashes, sign-in, account management and the write guard.

Sign-in is optional: with no active account everyone acts as administrator. Once a user
signs in, ``services.system.access`` knows their role and the *write guard* installed here
refuses, inside every SQLAlchemy session of the process, any insert, update or delete
of a table the role may not change, whatever the caller (window, command line, a
service that forgot to call ``require``). Services still call ``access.require``
first, to refuse before doing any work.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from models import UserAccount
from models.vocabulary import ROLES
from services.system import access, audit
from services.system.text import nfc

# scrypt parameters (RFC 7914): 16 MiB of memory per hash, ~50 ms on an office PC.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_PASSWORD_LENGTH = 8

# Which permission changing each table needs; tables not listed need EDIT_RECORDS.
# Keys of the printer calibrations in the setting table (services/output/certificates.py).
CALIBRATION_SETTING_PREFIX = "certificate_calibration:"

TABLE_PERMISSIONS: dict[str, str] = {
    "agency": access.ADMINISTER,
    "signer": access.ADMINISTER,
    "setting": access.ADMINISTER,
    "user_account": access.ADMINISTER,
    "rule_set": access.ADMINISTER,
    "title": access.ADMINISTER,
    "nomination_list": access.EDIT_DRAFTS,
    "nomination": access.EDIT_DRAFTS,
    "council_meeting": access.EDIT_DRAFTS,
    "decision": access.DECIDE,
    "award": access.DECIDE,
    "certificate_record": access.DECIDE,
}
# Anyone may add to the audit log (sign-in, sign-out); nobody may change or delete it.
AUDIT_TABLE = "audit_entry"
# session.info key: the account whose own password its user is changing (allowed to anyone).
OWN_PASSWORD_KEY = "tdkt_own_password_change"


class AccountError(ValueError):
    """A wrong account operation (duplicate name, weak password, last administrator...)."""


class SignInFailed(Exception):
    """Wrong user name or password, or a disabled account."""


# ----------------------------------------------------------------------------- hashing


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$key`` (base64), with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = hashlib.scrypt(nfc(password).encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                         dklen=KEY_BYTES)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = hashlib.scrypt(nfc(password).encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected), maxmem=128 * int(n) * int(r) * 2 + 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# ----------------------------------------------------------------------------- the write guard


def _permission_for(table: str) -> str:
    return TABLE_PERMISSIONS.get(table, access.EDIT_RECORDS)


def _table_of(obj: object) -> str:
    """The table whose permission governs a change to ``obj``. A printer calibration is
    printing work, not administration: it goes with the right to print certificates."""
    table = obj.__table__.name  # type: ignore[attr-defined]
    if table == "setting" and str(getattr(obj, "key", "")).startswith(CALIBRATION_SETTING_PREFIX):
        return "certificate_record"
    return table


def check_write(table: str, *, insert_only: bool = False) -> None:
    """Raise PermissionDenied unless the current user may change ``table``."""
    if table == AUDIT_TABLE:
        if insert_only:
            return
        access.require(access.ADMINISTER)
        return
    access.require(_permission_for(table))


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    if access.current_actor() is None or session.info.get(access.SYSTEM_SESSION):
        return
    for obj in session.new:
        check_write(_table_of(obj), insert_only=True)
    own = session.info.get(OWN_PASSWORD_KEY)
    for obj in session.dirty:
        if not session.is_modified(obj):
            continue
        if isinstance(obj, UserAccount) and obj.id == own and _only_password_changed(obj):
            continue
        check_write(_table_of(obj))
    for obj in session.deleted:
        check_write(_table_of(obj))


def _only_password_changed(obj: UserAccount) -> bool:
    state = inspect(obj)
    changed = {a.key for a in state.attrs if a.history.has_changes()}
    return changed <= {"password_hash"}


def _do_orm_execute(state: ORMExecuteState) -> None:
    if access.current_actor() is None or not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.session.info.get(access.SYSTEM_SESSION):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None) or ""
    check_write(name, insert_only=state.is_insert)


_guard_installed = False


def install_write_guard() -> None:
    """Check every session's writes against the signed-in user's role (idempotent)."""
    global _guard_installed
    if _guard_installed:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "do_orm_execute", _do_orm_execute)
    _guard_installed = True


install_write_guard()


# ----------------------------------------------------------------------------- accounts


@dataclass(frozen=True)
class AccountInfo:
    id: int
    username: str
    full_name: str
    role: str
    active: bool

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


def _info(account: UserAccount) -> AccountInfo:
    return AccountInfo(account.id, account.username, account.full_name, account.role, account.active)


def accounts_exist(session: Session) -> bool:
    """True when sign-in is in force (at least one active account)."""
    return bool(session.scalar(select(func.count()).select_from(UserAccount).where(UserAccount.active.is_(True))))


def list_accounts(session: Session) -> list[AccountInfo]:
    return [_info(a) for a in session.scalars(select(UserAccount).order_by(UserAccount.username))]


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự; hãy chọn mật khẩu dài hơn.")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Vai trò “{role}” không có; hãy chọn một trong: "
                           + ", ".join(f"{k} ({v})" for k, v in ROLES.items()) + ".")


def _get(session: Session, username: str) -> UserAccount:
    account = session.scalars(select(UserAccount).where(UserAccount.username == nfc(username).strip())).first()
    if account is None:
        raise AccountError(f"Không có tài khoản “{username}”; xem danh sách bằng lệnh users list.")
    return account


def _other_active_admins(session: Session, account_id: int | None) -> int:
    query = select(func.count()).select_from(UserAccount).where(
        UserAccount.role == "quan_tri", UserAccount.active.is_(True))
    if account_id is not None:
        query = query.where(UserAccount.id != account_id)
    return session.scalar(query) or 0


def add_account(session: Session, username: str, password: str, role: str, full_name: str = "") -> AccountInfo:
    """Create an account. The first account must be an administrator, so that someone can
    always manage the others. Flushes; the caller commits."""
    access.require(access.ADMINISTER)
    username = nfc(username).strip()
    if not username or any(c.isspace() for c in username):
        raise AccountError("Tên đăng nhập không được để trống hay chứa dấu cách.")
    _check_role(role)
    _check_password(password)
    if session.scalar(select(func.count()).select_from(UserAccount).where(UserAccount.username == username)):
        raise AccountError(f"Đã có tài khoản “{username}”; hãy chọn tên khác.")
    if role != "quan_tri" and not _other_active_admins(session, None):
        raise AccountError("Tài khoản đầu tiên phải có vai trò quản trị (quan_tri), "
                           "để luôn có người quản lý được các tài khoản khác.")
    account = UserAccount(username=username, full_name=nfc(full_name).strip(), role=role,
                          password_hash=hash_password(password), active=True)
    session.add(account)
    session.flush()
    audit.record(session, "create", "user_account", account.id,
                 new={"username": username, "full_name": account.full_name, "role": role})
    return _info(account)


def set_password(session: Session, username: str, password: str) -> None:
    """Change a password: administrators change anyone's, others only their own."""
    actor = access.current_actor()
    if actor is None or actor.username != nfc(username).strip():
        access.require(access.ADMINISTER)
    _check_password(password)
    account = _get(session, username)
    if actor is not None and actor.username == account.username:
        # Everyone may change their own password, and nothing else of their account.
        session.info[OWN_PASSWORD_KEY] = account.id
    account.password_hash = hash_password(password)
    audit.record(session, "update", "user_account", account.id, new={"password": "(đã đổi)"})
    session.flush()


def set_role(session: Session, username: str, role: str) -> None:
    access.require(access.ADMINISTER)
    _check_role(role)
    account = _get(session, username)
    if account.role == "quan_tri" and role != "quan_tri" and not _other_active_admins(session, account.id):
        raise AccountError("Không thể bỏ quyền quản trị của người quản trị cuối cùng.")
    old = account.role
    account.role = role
    audit.record(session, "update", "user_account", account.id, old={"role": old}, new={"role": role})
    session.flush()


def remove_account(session: Session, username: str) -> None:
    """Disable an account (the row stays, so the audit log keeps its name)."""
    access.require(access.ADMINISTER)
    account = _get(session, username)
    if account.role == "quan_tri" and account.active and not _other_active_admins(session, account.id):
        raise AccountError("Không thể xóa người quản trị cuối cùng; hãy tạo người quản trị khác trước.")
    account.active = False
    audit.record(session, "delete", "user_account", account.id, old={"username": account.username})
    session.flush()


def authenticate(session: Session, username: str, password: str) -> access.Actor:
    """The actor for a correct user name and password; raises SignInFailed otherwise."""
    account = session.scalars(select(UserAccount).where(UserAccount.username == nfc(username).strip())).first()
    # Hash even when the name is unknown, so the time taken does not reveal which names exist.
    stored = account.password_hash if account is not None else hash_password(secrets.token_hex(8))
    if not verify_password(password, stored) or account is None or not account.active:
        raise SignInFailed("Sai tên đăng nhập hoặc mật khẩu (hoặc tài khoản đã bị khóa). Hãy nhập lại; "
                           "nếu quên mật khẩu, hãy nhờ người quản trị đặt lại.")
    return access.Actor(account.username, account.role)


def sign_in(session: Session, username: str, password: str) -> access.Actor:
    """Check the password, make the user the current actor and log the sign-in."""
    actor = authenticate(session, username, password)
    access.sign_in_as(actor)
    audit.record(session, "sign_in", "user_account", None, new={"username": actor.username})
    session.commit()
    return actor


def sign_out() -> None:
    access.sign_in_as(None)


# ----------------------------------------------------------------------------- command line








