"""Safe file writes: a reader never sees a half-written file, and nothing else is destroyed.

Every file fairscope writes (reports, audits, JUnit XML, model cards, downloaded
data sets) goes through :func:`write_bytes`:

- a regular file (or a new one) is written atomically: the content goes to a
  temporary file in the destination's folder, is flushed to disk, then renamed
  over the destination, so an interrupted write leaves the old file (or none),
  never a truncated one;
- a symbolic link is followed: its target is written and the link stays;
- this process's own standard output or error (``/dev/stdout``), a terminal, a
  character device (``/dev/null``, ``/dev/full``) or a named pipe is streamed
  into, never replaced (renaming over ``/dev/stdout`` as root deletes it);
- a folder, a block device or a socket is refused.

A new file gets the permissions the user's umask gives (``0o666 & ~umask``); a
replaced file keeps its own. A failure names the destination, never the
temporary file.
"""

from __future__ import annotations

import os
import stat
import sys
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
    """Write ``text`` to ``path`` safely (atomically for a regular file; see module notes).

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
        The path given.

    Raises
    ------
    MissingFolderError
        If the folder of ``path`` does not exist (a ``FileNotFoundError`` and a ``ValueError``).
    DestinationError
        If ``path`` is a folder, a block device or a socket, or the write fails (an
        ``OSError`` and a ``ValueError`` naming ``path``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.mkdtemp()
    >>> write_text(pathlib.Path(folder) / "out.txt", "hello").read_text()
    'hello'
    """
    return write_bytes(path, text.encode(encoding))


def write_bytes(path: Any, data: bytes) -> Path:
    """Write ``data`` to ``path`` safely; see :func:`write_text`.

    Parameters
    ----------
    path : str or os.PathLike
        Destination; its folder must exist.
    data : bytes
        Content.

    Returns
    -------
    pathlib.Path
        The path given.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.mkdtemp()
    >>> write_bytes(pathlib.Path(folder) / "out.bin", b"\\x00\\x01").read_bytes()
    b'\\x00\\x01'
    """
    given = Path(os.fspath(path))
    info = check_destination(given)
    try:
        if info is not None and _is_stream(info):
            _stream(given, info, data)
        else:
            _replace_atomically(Path(os.path.realpath(given)), info, data)
    except DestinationError:
        raise
    except OSError as exc:
        raise DestinationError(f"cannot write {str(given)!r}: {exc.strerror or exc}.") from exc
    return given


def check_destination(path: Any) -> os.stat_result | None:
    """Check, before any work is done, that ``path`` can be written.

    Parameters
    ----------
    path : str or os.PathLike
        Destination (a symbolic link is followed).

    Returns
    -------
    os.stat_result or None
        What is at ``path`` now (after following links), or ``None`` for a new file.

    Raises
    ------
    MissingFolderError
        If the folder that would hold the file does not exist.
    DestinationError
        If ``path`` is a folder, a block device or a socket, or the folder (for a
        new or regular file) is not writable.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> check_destination(pathlib.Path(tempfile.mkdtemp()) / "new.json") is None
    True
    """
    given = Path(os.fspath(path))
    try:
        info = given.stat()
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise DestinationError(
            f"cannot write {str(given)!r}: it is a folder; give a file name such as "
            f"{str(given / 'report.html')!r}."
        )
    if info is not None and _is_stream(info):
        return info
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise DestinationError(
            f"cannot write {str(given)!r}: it is not a regular file (a block device or "
            "socket); give the path of a file."
        )
    folder = Path(os.path.realpath(given)).parent
    if not folder.is_dir():
        raise MissingFolderError(
            f"cannot write {str(given)!r}: folder {str(folder)!r} does not exist."
        )
    # the temporary file is created in the folder, so the folder itself must be writable
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DestinationError(
            f"cannot write {str(given)!r}: folder {str(folder)!r} is not writable."
        )
    return info


def same_file(first: Any, second: Any) -> bool:
    """Whether two paths name the same file (after links; a missing file by its full path).

    Parameters
    ----------
    first, second : str or os.PathLike
        Paths to compare.

    Returns
    -------
    bool
        True when writing one would overwrite the other.

    Examples
    --------
    >>> same_file("a/../b.json", "b.json")
    True
    """
    try:
        return bool(os.path.samefile(first, second))
    except OSError:
        return bool(os.path.realpath(first) == os.path.realpath(second))


def _is_stream(info: os.stat_result) -> bool:
    """A terminal, a character device or a pipe: written into, never replaced."""
    return stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode) or _is_own_output(info)


def _is_own_output(info: os.stat_result) -> bool:
    """Whether ``info`` is this process's stdout or stderr (``/dev/stdout`` redirected to a file)."""
    for fd in (1, 2):
        try:
            own = os.fstat(fd)
        except OSError:
            continue
        if (own.st_dev, own.st_ino) == (info.st_dev, info.st_ino):
            return True
    return False


def _stream(target: Path, info: os.stat_result, data: bytes) -> None:
    for fd, stream in ((1, sys.stdout), (2, sys.stderr)):
        try:
            own = os.fstat(fd)
        except OSError:
            continue
        if (own.st_dev, own.st_ino) == (info.st_dev, info.st_ino):
            # text already printed must come first: flush Python's buffer, then write
            if stream is not None:
                stream.flush()
            _write_all(fd, data)
            return
    # non-blocking open: a pipe nobody reads fails at once (ENXIO) instead of hanging
    fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        os.set_blocking(fd, True)
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _replace_atomically(target: Path, info: os.stat_result | None, data: bytes) -> None:
    mode = 0o666 & ~_umask() if info is None else stat.S_IMODE(info.st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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


def _umask() -> int:
    # the only portable way to read the umask is to set it and put it back
    current = os.umask(0o022)
    os.umask(current)
    return current
