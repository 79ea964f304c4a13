"""Core layer: sufficient statistics, group encoding, input validation, the metric
registry, intervals and the bootstrap.

Nothing here imports another fairscope layer; every other layer builds on it.
"""

from fairscope.core._atomic import check_destination, same_file, write_bytes, write_text
from fairscope.core._text_safety import terminal_safe

__all__ = ["check_destination", "same_file", "terminal_safe", "write_bytes", "write_text"]
