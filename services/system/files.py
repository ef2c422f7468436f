"""Saving files so that a failure changes nothing: the one home of "write to a temporary
file beside the target, then rename it over the target".

A crash, a full disk or an error half-way leaves the previous file (or no file) and no
half-written one: the temporary file is removed, and the rename is atomic on the same
folder (``os.replace``, also on Windows)."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[Path]:
    """``with atomic_write(path) as tmp: write(tmp)``: write the whole file to ``tmp`` (in
    the same folder, with the same suffix, so writers that look at the suffix behave);
    when the block ends without an error, ``tmp`` is flushed to disk and renamed over
    ``path``; on any error it is removed and ``path`` is left as it was. The folder is
    created when missing."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".tmp-{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


__all__ = ["atomic_write"]
