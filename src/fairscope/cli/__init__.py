"""The ``fairscope`` command line: a thin shell over the public Python API.

One module per command (``_audit``, ``_dataset``, ``_report``, ``_compare``,
``_metrics``, ``_policies``, ``_demo``), what they share in ``_shell`` and the
parser, exit codes and error printing in ``_main``.
"""

from fairscope.cli._main import build_parser, main, read_table
from fairscope.cli._shell import InputError

__all__ = ["InputError", "build_parser", "main", "read_table"]
