"""Who may do what. Sign-in is optional: with no accounts in the database everyone acts
as administrator. With accounts, the signed-in user's role decides, and every service
that changes data calls ``require`` first, so the rule holds whatever the caller
(window, command line, tests), not only by hiding buttons."""
from __future__ import annotations

from dataclasses import dataclass

from services.system import audit

# The permissions a service may ask for.
EDIT_RECORDS = "edit_records"        # units, people, evaluations, initiatives, plan, registrations
EDIT_DRAFTS = "edit_drafts"          # nomination lists, overrides, council votes
DECIDE = "decide"                    # create or cancel decisions, print certificates
ADMINISTER = "administer"            # settings, rule sets, accounts, restore, imports that replace data

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "quan_tri": frozenset({EDIT_RECORDS, EDIT_DRAFTS, DECIDE, ADMINISTER}),
    "chuyen_vien": frozenset({EDIT_RECORDS, EDIT_DRAFTS, DECIDE}),
    "xem": frozenset(),
}

PERMISSION_LABELS: dict[str, str] = {
    EDIT_RECORDS: "sửa hồ sơ (đơn vị, cán bộ, bình xét, sáng kiến, kế hoạch)",
    EDIT_DRAFTS: "sửa danh sách đề nghị",
    DECIDE: "ra quyết định và in giấy khen",
    ADMINISTER: "quản trị (cài đặt, bộ quy định, tài khoản, khôi phục dữ liệu)",
}


# A session marked with this key in ``session.info`` does the app's own upkeep (loading the
# built-in reference data when a database is opened), not a user's change: roles don't apply.
SYSTEM_SESSION = "tdkt_system_upkeep"


class PermissionDenied(Exception):
    """The signed-in user's role does not allow the action."""


@dataclass(frozen=True)
class Actor:
    username: str
    role: str


# No one signed in: the app runs without accounts, with every permission.
_actor: Actor | None = None


def sign_in_as(actor: Actor | None) -> None:
    """Set (or clear, with None) who is acting for the rest of this process."""
    global _actor
    _actor = actor
    audit.set_current_user(actor.username if actor else "")


def current_actor() -> Actor | None:
    return _actor


def allowed(permission: str) -> bool:
    return _actor is None or permission in ROLE_PERMISSIONS.get(_actor.role, frozenset())


def require(permission: str) -> None:
    """Raise PermissionDenied (in Vietnamese) unless the current user may do this."""
    if not allowed(permission):
        assert _actor is not None
        raise PermissionDenied(
            f"Tài khoản {_actor.username} không có quyền {PERMISSION_LABELS.get(permission, permission)}. "
            "Hãy nhờ người quản trị cấp quyền hoặc đăng nhập bằng tài khoản khác."
        )
