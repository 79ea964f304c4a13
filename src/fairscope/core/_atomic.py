"""Atomic file writes: a reader never sees a half-written report, JSON or XML file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


def write_text(path: Any, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file in the same folder, then rename).

    Parameters
    ----------
    path : str or os.PathLike
        Destination; its folder must exist.
    text : str

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.mkdtemp()
    >>> write_text(pathlib.Path(folder) / "out.txt", "hello").read_text()
    'hello'
    """
    return write_bytes(path, text.encode(encoding))


def write_bytes(path: Any, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; see :func:`write_text`."""
    target = Path(os.fspath(path))
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(
            f"cannot write {str(target)!r}: folder {str(folder)!r} does not exist."
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return target
