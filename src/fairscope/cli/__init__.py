"""The ``fairscope`` command line: a thin shell over the public Python API."""

from fairscope.cli._main import build_parser, main, read_table

__all__ = ["build_parser", "main", "read_table"]
