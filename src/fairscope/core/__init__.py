"""Core layer: sufficient statistics, group encoding, input validation, the metric
registry, intervals and the bootstrap.

Nothing here imports another fairscope layer; every other layer builds on it.
"""
