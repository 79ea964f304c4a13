"""Judge layer: policies (rules, presets, waivers) turned into findings.

- :mod:`~fairscope.judge._model`: :class:`Rule`, :class:`Waiver`, :class:`Policy`.
- :mod:`~fairscope.judge._schema` and :mod:`~fairscope.judge._loading`: files, presets,
  validation with the position of a bad key.
- :mod:`~fairscope.judge._estimates`, :mod:`~fairscope.judge._compare`,
  :mod:`~fairscope.judge._tests`: the typed disparity records rules judge, whatever the
  task (one :class:`~fairscope.compute._disparities.DisparityRecord`, from compute).
- :mod:`~fairscope.judge._judging`: :func:`apply_policy`; :mod:`~fairscope.judge._waivers`.
"""

from fairscope.compute._disparities import DisparityRecord
from fairscope.judge._judging import apply_policy
from fairscope.judge._loading import load_policy, presets
from fairscope.judge._model import Policy, Rule, Waiver, policy_record
from fairscope.judge._schema import PolicyError

__all__ = [
    "DisparityRecord",
    "Policy",
    "PolicyError",
    "Rule",
    "Waiver",
    "apply_policy",
    "load_policy",
    "policy_record",
    "presets",
]
