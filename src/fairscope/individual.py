"""Individual fairness: similar individuals, similar outcomes.

:func:`consistency_score` compares each row's prediction with its nearest
neighbours'; :func:`counterfactual_flip_test` changes a sensitive attribute and
counts the predictions that change.

Examples
--------
>>> from fairscope.individual import consistency_score
>>> consistency_score([[0.0], [0.1], [5.0], [5.1]], [1, 1, 0, 0], n_neighbors=2)
1.0
"""

from fairscope.audits._counterfactual import counterfactual_flip_test
from fairscope.compute._individual import consistency_score

__all__ = ["consistency_score", "counterfactual_flip_test"]
