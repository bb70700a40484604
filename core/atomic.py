"""Crash-safe writes: a file is whole under its name or not there at all.

Write to a temp file in the same folder, fsync it, rename it over the name, fsync the
folder (so the rename itself survives a power cut). Temp files start with ".tmp-", so a
crash mid-write leaves only such a file, which readers never open by name.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_PREFIX = ".tmp-"


def temp_prefix() -> str:
    """Temp names carry their writer's pid, so a sweep knows which are a dead run's."""
    return f"{TEMP_PREFIX}{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_temp(root: Path) -> int:
    """Remove temp files left by writers that are no longer running (killed mid-write);
    a live run's temp files are left alone. Returns how many were removed."""
    removed = 0
    for folder, _, names in os.walk(root):
        for name in names:
            if not name.startswith(TEMP_PREFIX):
                continue
            pid = name[len(TEMP_PREFIX):].split("-", 1)[0]
            if pid.isdigit() and _alive(int(pid)):
                continue
            Path(folder, name).unlink(missing_ok=True)
            removed += 1
    return removed


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix())
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
