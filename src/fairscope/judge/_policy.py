"""Former home of the judge, kept importable: the names now live in the modules below.

Import from :mod:`fairscope.judge` instead; this re-export stays until the other
modules have moved.
"""

from fairscope.judge._judging import apply_policy, judge_rule, judged, rule_status
from fairscope.judge._loading import load_policy, presets
from fairscope.judge._model import Policy, Rule, Waiver, policy_record, same_feature_set
from fairscope.judge._schema import DECIDE_ON, DIRECTIONS, KINDS, METHODS, PolicyError
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
