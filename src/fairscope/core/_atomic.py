"""Atomic file writes: a reader never sees a half-written report, JSON or XML file.

Every file fairscope writes (reports, audits, JUnit XML, model cards, downloaded
data sets) goes through :func:`write_bytes`: the content goes to a temporary file
in the destination's folder, is flushed to disk, then renamed over the
destination, so an interrupted write leaves the old file (or none), never a
truncated one. Only regular files are written: a folder, a device or a pipe as
the destination is refused. A new file gets the permissions the user's umask
gives; a replaced file keeps its own.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Any


class DestinationError(OSError, ValueError):
    """A destination that cannot be written: its folder is missing, or it is not a file.

    Both an :class:`OSError` (as the file system reports it) and a
    :class:`ValueError` (a bad argument), so callers catching either see it.
    """


class MissingFolderError(DestinationError, FileNotFoundError):
    """The destination's folder does not exist."""


def write_text(path: Any, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file in the same folder, then rename).

    Parameters
    ----------
    path : str or os.PathLike
        Destination; its folder must exist.
    text : str
        Content, written with ``encoding`` and without newline translation.
    encoding : str, default "utf-8"
        Text encoding.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    MissingFolderError
        If the folder of ``path`` does not exist (a ``FileNotFoundError`` and a ``ValueError``).
    DestinationError
        If ``path`` is a folder or another non-regular file (an ``OSError`` and a ``ValueError``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.mkdtemp()
    >>> write_text(pathlib.Path(folder) / "out.txt", "hello").read_text()
    'hello'
    """
    return write_bytes(path, text.encode(encoding))


def write_bytes(path: Any, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; see :func:`write_text`.

    Parameters
    ----------
    path : str or os.PathLike
        Destination; its folder must exist.
    data : bytes
        Content.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.mkdtemp()
    >>> write_bytes(pathlib.Path(folder) / "out.bin", b"\\x00\\x01").read_bytes()
    b'\\x00\\x01'
    """
    target = Path(os.fspath(path))
    folder = target.parent
    if not folder.is_dir():
        raise MissingFolderError(
            f"cannot write {str(target)!r}: folder {str(folder)!r} does not exist."
        )
    mode = _mode_for(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file readable by its owner only; a report is meant to be shared
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return target


def _mode_for(target: Path) -> int:
    """Permission bits of the written file: those of the file replaced, else the umask's."""
    try:
        info = target.stat()
    except FileNotFoundError:
        return 0o666 & ~_umask()
    if stat.S_ISDIR(info.st_mode):
        raise DestinationError(
            f"cannot write {str(target)!r}: it is a folder; give a file name such as "
            f"{str(target / 'report.html')!r}."
        )
    if not stat.S_ISREG(info.st_mode):
        # renaming over a device or a pipe would replace it, not write into it
        raise DestinationError(
            f"cannot write {str(target)!r}: it is not a regular file (a device, pipe or "
            "socket); give the path of a file."
        )
    return stat.S_IMODE(info.st_mode)


def _umask() -> int:
    # the only portable way to read the umask is to set it and put it back
    current = os.umask(0o022)
    os.umask(current)
    return current
