"""One atomic writer for every file fairscope writes (reports, audits, data sets)."""

import os
import stat

import pytest

from fairscope import datasets
from fairscope.core import _atomic
from fairscope.core._atomic import write_bytes, write_text
from fairscope.report import _html


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_file_gets_the_permissions_of_the_users_umask(tmp_path, umask_022):
    path = write_text(tmp_path / "audit.json", "{}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_the_html_report_is_readable_by_others_under_a_022_umask(tmp_path, umask_022):
    _html.write_atomic(tmp_path / "report.html", "<html></html>")
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o644


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "audit.json"
    path.write_text("old")
    path.chmod(0o600)
    write_text(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_missing_folder_is_both_a_file_not_found_and_a_value_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_text(tmp_path / "no" / "a.json", "{}")
    with pytest.raises(ValueError, match="does not exist"):
        _html.write_atomic(tmp_path / "no" / "r.html", "x")


def test_a_folder_as_destination_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ValueError, match="it is a folder"):
        write_bytes(folder, b"x")
    assert folder.is_dir()
    assert os.listdir(tmp_path) == ["out"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_with_no_reader_is_an_error_and_is_not_replaced(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(OSError, match="cannot write"):
        write_text(pipe, "x")
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "audit.json"
    path.write_text("old")

    def broken(fd):
        raise OSError("disk full")

    monkeypatch.setattr(_atomic.os, "fsync", broken)
    with pytest.raises(OSError, match="disk full") as raised:
        write_text(path, "new")
    assert ".tmp" not in str(raised.value), "the error names the destination"
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["audit.json"]


def test_downloaded_data_sets_are_written_by_the_same_writer(tmp_path, monkeypatch):
    synced = []
    real = _atomic.os.fsync
    monkeypatch.setattr(_atomic.os, "fsync", lambda fd: synced.append(fd) or real(fd))
    target = tmp_path / "cache" / "adult" / "adult.data"
    datasets._write_atomic(target, b"39, State-gov\n")
    assert target.read_bytes() == b"39, State-gov\n"
    assert synced, "the data-set writer must flush to disk like every other writer"
