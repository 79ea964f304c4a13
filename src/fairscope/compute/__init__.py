"""Compute layer: metrics, disparities, references and tests from sufficient statistics.

Public here: :func:`decision_threshold`, the threshold check shared by the
Python API and the CLI.
"""

from fairscope.compute._thresholds import decision_threshold

__all__ = ["decision_threshold"]
