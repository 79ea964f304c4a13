"""The names of 0.1's ``fairscope.policy`` module, for that deprecated path only.

``import fairscope.policy`` is served from here (see :mod:`fairscope._moved`), with the
rule vocabulary constants 0.1 exposed there. Code of this package imports from
:mod:`fairscope.judge` and its modules.
"""

from fairscope.judge._judging import apply_policy, judge_rule
from fairscope.judge._loading import load_policy, presets
from fairscope.judge._model import Policy, Rule, Waiver, policy_record, same_feature_set
from fairscope.judge._schema import DECIDE_ON, DIRECTIONS, KINDS, METHODS, PolicyError
from fairscope.judge._verdict_math import judged, rule_status
from fairscope.judge._waivers import apply_waivers

STRATEGIES = ("largest", "best", "overall")

__all__ = [
    "DECIDE_ON",
    "DIRECTIONS",
    "KINDS",
    "METHODS",
    "STRATEGIES",
    "Policy",
    "PolicyError",
    "Rule",
    "Waiver",
    "apply_policy",
    "apply_waivers",
    "judge_rule",
    "judged",
    "load_policy",
    "policy_record",
    "presets",
    "rule_status",
    "same_feature_set",
]
