"""scikit-learn integration: fairness scorers and cross-validated audits.

Examples
--------
>>> from fairscope.sklearn import make_fairness_scorer
>>> scorer = make_fairness_scorer("selection_rate", "sex")
>>> scorer.greater_is_better
False
"""

from fairscope.audits._sklearn import FairnessScorer, cross_val_audit, make_fairness_scorer

__all__ = ["FairnessScorer", "cross_val_audit", "make_fairness_scorer"]
