"""Network-folder detection: decision logic with injected mount tables and drive types."""
from __future__ import annotations

import pytest

from services.system.storage_check import (
    DRIVE_REMOTE,
    NetworkLocationError,
    check_database_path,
    network_reason,
    parse_bsd_mount_output,
    parse_proc_mounts,
)

PROC_MOUNTS = r"""sysfs /sys sysfs rw,nosuid 0 0
/dev/sda2 / ext4 rw,relatime 0 0
/dev/sda3 /home ext4 rw 0 0
//nas/chung /mnt/chung cifs rw,vers=3.0 0 0
nas:/export/tdkt /srv/tdkt nfs4 rw 0 0
user@host:/data /home/an/Thi\040đua fuse.sshfs rw 0 0
/dev/sdb1 /srv/tdkt/local ext4 rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""

MAC_MOUNT = """/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
//an@nas._smb._tcp.local/Chung on /Volumes/Chung (smbfs, nodev, nosuid, mounted by an)
nas:/export on /Volumes/NFS Share (nfs, asynchronous)
"""


@pytest.mark.parametrize("path, network", [
    ("/home/an/hồ sơ/tdkt.db", False),
    ("/mnt/chung/tdkt.db", True),
    ("/mnt/chungkhac/tdkt.db", False),            # a prefix of the name is not the mount
    ("/srv/tdkt/2024/tdkt.db", True),
    ("/srv/tdkt/local/tdkt.db", False),           # a local disk mounted inside the share
    ("/home/an/Thi đua/tdkt.db", True),           # escaped space in /proc/mounts
    ("/tmp/tdkt.db", False),
])
def test_linux_mount_table(path, network):
    mounts = parse_proc_mounts(PROC_MOUNTS)
    assert (network_reason(path, platform="linux", mounts=mounts) is not None) is network


def test_macos_mount_output():
    mounts = parse_bsd_mount_output(MAC_MOUNT)
    assert ("/Volumes/NFS Share", "nfs") in mounts
    assert network_reason("/Volumes/Chung/tdkt.db", platform="darwin", mounts=mounts)
    assert network_reason("/Volumes/NFS Share/a.db", platform="darwin", mounts=mounts)
    assert network_reason("/Users/an/tdkt.db", platform="darwin", mounts=mounts) is None


@pytest.mark.parametrize("path, network", [
    (r"\\may-chu\chung\tdkt.db", True),
    (r"//may-chu/chung/tdkt.db", True),
    (r"\\?\UNC\may-chu\chung\tdkt.db", True),
    (r"Z:\Thi đua\tdkt.db", True),                # mapped network drive
    (r"\\?\Z:\tdkt.db", True),
    (r"C:\Users\An\AppData\Local\TDKT\tdkt.db", False),
    (r"\\?\C:\tdkt.db", False),
    (r"\\.\UNC\may-chu\chung\tdkt.db", True),
    (r"//./UNC/may-chu/chung/tdkt.db", True),
    (r"\\?\GLOBALROOT\Device\Mup\may-chu\chung\tdkt.db", True),
    (r"\\?\globalroot\device\mup\may-chu\chung\tdkt.db", True),
    (r"\\.\GLOBALROOT\Device\LanmanRedirector\may-chu\chung\tdkt.db", True),
    (r"\\.\C:\tdkt.db", False),
])
def test_windows_paths(path, network):
    drive_types = {"Z:\\": DRIVE_REMOTE, "C:\\": 3}
    reason = network_reason(path, platform="win32", drive_type=lambda root: drive_types[root.upper()])
    assert (reason is not None) is network


def test_refusal_message_points_to_postgresql():
    with pytest.raises(NetworkLocationError) as err:
        check_database_path(r"\\may-chu\chung\tdkt.db", platform="win32", drive_type=lambda r: 3)
    message = str(err.value)
    assert "PostgreSQL" in message and "postgresql+psycopg://" in message and "mạng" in message


def test_local_database_opens(tmp_path):
    # The real mount table of this machine: the test's temporary folder is local.
    check_database_path(tmp_path / "hồ sơ.db")


def test_app_refuses_database_on_network_mount(tmp_path, monkeypatch):
    from services.system import storage_check
    from services.system.app import open_app_database

    monkeypatch.setattr(storage_check, "current_mounts", lambda platform=None: [("/", "ext4"), (str(tmp_path), "cifs")])
    target = tmp_path / "chung" / "tdkt.db"
    with pytest.raises(NetworkLocationError, match="PostgreSQL"):
        open_app_database(target)
    assert not target.exists()


@pytest.mark.parametrize("fstype", ["fuse.gvfsd-fuse", "fuse.smbnetfs", "fuse.davfs2", "davfs2", "FUSE.GVFSD-FUSE"])
def test_fuse_clients_of_network_shares(fstype):
    mounts = [("/", "ext4"), ("/run/user/1000/gvfs", fstype)]
    reason = network_reason("/run/user/1000/gvfs/smb-share:server=may-chu,share=chung/tdkt.db", platform="linux",
                            mounts=mounts)
    assert reason is not None and fstype in reason
    assert network_reason("/home/an/tdkt.db", platform="linux", mounts=mounts) is None


def test_local_fuse_file_systems_are_not_network(tmp_path):
    for fstype in ("fuse.portal", "fuse.lxcfs", "fuseblk"):
        assert network_reason("/mnt/x/tdkt.db", platform="linux", mounts=[("/mnt/x", fstype)]) is None
