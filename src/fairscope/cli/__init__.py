"""The ``fairscope`` command line: a thin shell over the public Python API.

One module per command (``_audit``, ``_dataset``, ``_report``, ``_compare``,
``_metrics``, ``_policies``, ``_demo``), what they share in ``_shell`` and the
parser, exit codes and error printing in ``_main``.
"""

from fairscope.cli._main import build_parser, main, read_table

__all__ = ["build_parser", "main", "read_table"]
