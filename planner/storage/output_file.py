"""Writing an output file (an export, a backup) as a user expects of any program.

- The target is never the book itself, one of its sidecar files (-wal, -shm,
  -journal) or a link to any of them: writing there would destroy the book.
- The target is a regular file or a new name; a read-only file is refused,
  because its mode says the user meant to keep it (checked on the mode bits,
  so even root does not replace it).
- The new file keeps the mode of the file it replaces (a new one gets the
  umask's), instead of the 0600 of a temporary file.
- It is written to a temporary file in the same folder, fsynced and renamed
  over the target, so a crash never leaves half a file. The temporary's name
  holds the writer's process id: SIGKILL cannot be caught, so each write
  first removes what a dead writer left for the same target.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from planner.domain.errors import InputError

SIDECARS = ("", "-wal", "-shm", "-journal")


def book_files(book: Path | None) -> tuple[Path, ...]:
    """The database and every file SQLite keeps beside it."""
    return () if book is None else tuple(Path(f"{book}{suffix}") for suffix in SIDECARS)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output(out: str | os.PathLike, book: Path | None, field: str = "out") -> Path:
    """The target path, or InputError when writing there would be wrong; reads only."""
    target = Path(out).expanduser()
    if not str(out).strip():
        raise InputError(field, "must be a file name", "an empty name")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(field, "must be in an existing folder", str(target))
    resolved = target.resolve()
    for protected in book_files(book):
        if resolved == protected.resolve() or _same_file(target, protected):
            raise InputError(field, "must not be the book or one of its files (it would be overwritten)",
                             str(target))
    try:
        info = target.stat()
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise InputError(field, f"must be a file the planner can check ({exc.strerror})", str(target)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(field, "must be a file name, not a folder", str(target))
    if not stat.S_ISREG(info.st_mode):
        raise InputError(field, "must be a regular file (not a device, pipe or socket)", str(target))
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise InputError(field, "must be writable (the file there is read-only; it was kept)", str(target))
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_dead_temporaries(target: Path) -> None:
    """Remove temporaries for ``target`` whose writer no longer runs."""
    folder = target.parent if str(target.parent) else Path(".")
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.[A-Za-z0-9_]+\.tmp$")
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = pattern.match(entry.name)
            if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


@contextlib.contextmanager
def atomic_output(out: str | os.PathLike, book: Path | None = None, field: str = "out") -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``out`` with the right mode.

    The caller writes and closes the temporary inside the block; this fsyncs and renames it.
    """
    target = check_output(out, book, field)
    folder = target.parent if str(target.parent) else Path(".")
    sweep_dead_temporaries(target)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    temp = folder / f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        yield temp
        os.chmod(temp, mode)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_folder(folder)


def fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
