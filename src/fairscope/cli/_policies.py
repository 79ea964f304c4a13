"""``fairscope policies [NAME]``: list the preset policies, or print one as YAML."""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path
from typing import Any

import fairscope
from fairscope.cli._shell import EXIT_OK, Progress
from fairscope.judge import presets


def add_parser(sub: Any) -> None:
    """The ``policies`` subcommand and its flags."""
    policies = sub.add_parser("policies", help="list the preset policies, or print one")
    policies.add_argument(
        "name", nargs="?", help="preset (or policy file) to check and print as YAML"
    )
    policies.set_defaults(handler=run)


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Print the presets (or one preset's YAML); exit code 0."""
    names = presets()
    if args.name:
        if args.name in names:
            text = resources.files("fairscope").joinpath("presets", f"{args.name}.yaml")
        else:
            # a policy file: checked (or the error with suggestions), then printed as it is
            fairscope.load_policy(args.name)
            text = Path(args.name)
        print(text.read_text(encoding="utf-8"), end="")
        return EXIT_OK
    width = max(len(n) for n in names)
    for name, description in names.items():
        print(f"{name.ljust(width)}  {description}")
    print("\nshow one with `fairscope policies NAME`; see docs/policies.md to write your own.")
    return EXIT_OK
