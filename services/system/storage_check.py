"""Refuse SQLite databases on network folders.

SQLite's file locking and its WAL shared memory are not reliable over SMB/CIFS, NFS and
similar file systems: two people opening the same file from a share can corrupt it. A
database there is refused with a message pointing to the PostgreSQL setup (several
users) or to copying the file onto the local disk (one user).

The decision logic takes the platform, the mount table and the drive type as
parameters, so that it is tested on any system.
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath, PureWindowsPath

# File-system types (as /proc/mounts or macOS ``mount`` names them) that live on another machine.
NETWORK_FS_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smbfs", "smb2", "smb3", "afs", "ncpfs", "coda", "9p", "ceph", "glusterfs",
    "lustre", "gpfs", "ocfs2", "gfs2", "davfs", "webdav", "afpfs", "sshfs", "ftpfs", "curlftpfs", "s3fs",
    "rclone", "beegfs", "orangefs", "pvfs2", "vboxsf", "vmhgfs", "prl_fs",
    # FUSE clients of network shares: GNOME's GVFS (smb://, sftp://, dav:// mounted by the file
    # manager), smbnetfs, davfs2.
    "gvfsd-fuse", "gvfs-fuse-daemon", "smbnetfs", "davfs2", "fusesmb", "webdavfs",
})
# Windows device paths that reach a network share: the UNC namespace through the DOS
# device prefixes, and the network redirectors' NT device names (lower case).
WINDOWS_NETWORK_PREFIXES = (
    "\\\\?\\unc\\", "\\\\.\\unc\\",
    "\\\\?\\globalroot\\device\\mup\\", "\\\\.\\globalroot\\device\\mup\\",
    "\\\\?\\globalroot\\device\\lanmanredirector\\", "\\\\.\\globalroot\\device\\lanmanredirector\\",
    "\\\\?\\globalroot\\device\\webdavredirector\\", "\\\\.\\globalroot\\device\\webdavredirector\\",
)
# Windows GetDriveTypeW result for a network drive.
DRIVE_REMOTE = 4

POSTGRES_ADVICE = (
    "Để nhiều người cùng dùng chung dữ liệu qua mạng, hãy cài máy chủ PostgreSQL và mở phần mềm bằng "
    "--db postgresql+psycopg://TÊN:MẬT_KHẨU@MÁY_CHỦ/tdkt (xem mục “Nhiều người dùng với PostgreSQL” trong "
    "hướng dẫn). Nếu chỉ một người dùng, hãy chép tệp CSDL về ổ đĩa của máy mình rồi mở tệp đó."
)


class NetworkLocationError(Exception):
    """The SQLite database is on a network folder; it was not opened."""


def _is_network_fstype(fstype: str) -> bool:
    fstype = fstype.lower()
    if fstype in NETWORK_FS_TYPES:
        return True
    # FUSE file systems: "fuse.sshfs", "fuse.rclone", "fuse.s3fs"...
    if fstype.startswith("fuse."):
        return fstype[5:] in NETWORK_FS_TYPES
    return False


def _unescape_mount(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def parse_proc_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, file-system type) of each line of /proc/mounts (Linux)."""
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            mounts.append((_unescape_mount(parts[1]), parts[2]))
    return mounts


def parse_bsd_mount_output(text: str) -> list[tuple[str, str]]:
    """(mount point, type) from macOS/BSD ``mount`` output: ``//u@srv/share on /Volumes/share (smbfs, nodev)``."""
    mounts = []
    for line in text.splitlines():
        if " on " not in line or "(" not in line:
            continue
        rest = line.split(" on ", 1)[1]
        point, _, options = rest.rpartition(" (")
        fstype = options.split(",", 1)[0].strip(" )")
        if point:
            mounts.append((point, fstype))
    return mounts


def current_mounts(platform: str | None = None) -> list[tuple[str, str]]:
    """This machine's mount table (empty when it cannot be read: then nothing is refused)."""
    platform = platform or sys.platform
    try:
        if platform.startswith("linux"):
            return parse_proc_mounts(Path("/proc/mounts").read_text(encoding="utf-8", errors="replace"))
        if platform == "darwin" or "bsd" in platform:
            out = subprocess.run(["mount"], capture_output=True, text=True, encoding="utf-8", errors="replace",
                                 timeout=5, check=False).stdout
            return parse_bsd_mount_output(out)
    except (OSError, subprocess.SubprocessError):
        return []
    return []


def mount_of(path: str, mounts: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The mount (point, type) a POSIX path lies on: the longest mount point that contains it."""
    target = PurePosixPath(path)
    best: tuple[str, str] | None = None
    for point, fstype in mounts:
        p = PurePosixPath(point)
        if (target == p or p in target.parents) and (best is None or len(point) > len(best[0])):
            best = (point, fstype)
    return best


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))  # type: ignore[attr-defined]


def network_reason(
    path: str | os.PathLike[str],
    *,
    platform: str | None = None,
    mounts: Iterable[tuple[str, str]] | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> str | None:
    """Why ``path`` is on a network folder (in Vietnamese), or None when it is local.

    ``platform``, ``mounts`` and ``drive_type`` default to this machine's; tests pass their own."""
    platform = platform or sys.platform
    text = os.fspath(path)
    if platform == "win32":
        win = PureWindowsPath(text)
        drive = win.drive
        upper = drive.upper()
        lowered = str(win).lower() + "\\"
        if lowered.startswith(WINDOWS_NETWORK_PREFIXES):
            return f"đường dẫn mạng {win}"
        if upper.startswith("\\\\?\\UNC\\") or (drive.startswith("\\\\") and not drive.startswith(("\\\\?\\", "\\\\.\\"))):
            return f"đường dẫn mạng {drive}"
        if upper.startswith("\\\\?\\") or upper.startswith("\\\\.\\"):
            drive = drive[4:]
        if len(drive) >= 2 and drive[1] == ":":
            root = drive[:2] + "\\"
            kind = (drive_type or _windows_drive_type)(root)
            if kind == DRIVE_REMOTE:
                return f"ổ mạng {drive[:2]}"
        return None
    found = mount_of(text, current_mounts(platform) if mounts is None else mounts)
    if found is not None and _is_network_fstype(found[1]):
        return f"thư mục mạng {found[0]} (kiểu {found[1]})"
    return None


def _existing_ancestor(path: Path) -> Path:
    """The path itself or its nearest existing folder, resolved (symlinks followed)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate.resolve()
    return path


def check_database_path(path: str | os.PathLike[str], **kwargs) -> None:
    """Raise NetworkLocationError when the SQLite file ``path`` is on a network folder."""
    real = _existing_ancestor(Path(path).expanduser().absolute()) if "platform" not in kwargs else path
    reason = network_reason(real, **kwargs)
    if reason:
        raise NetworkLocationError(
            f"Không mở tệp CSDL {path} vì nó nằm trên {reason}. Phần mềm không mở CSDL SQLite qua mạng vì "
            f"việc khóa tệp ở đó không tin cậy và dữ liệu có thể bị hỏng. {POSTGRES_ADVICE}"
        )


def check_target(target: str | os.PathLike[str] | None, *, demo: bool = False) -> None:
    """Check what ``open_app_database`` is about to open (a path, a URL, or the default/demo file)."""
    from models.db import DEMO_DB_NAME, data_dir, resolve_url, sqlite_path

    path = data_dir() / DEMO_DB_NAME if demo else sqlite_path(resolve_url(target))
    if path is not None:
        check_database_path(path)
