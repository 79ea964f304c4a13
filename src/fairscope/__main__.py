"""``python -m fairscope``: the same as the ``fairscope`` command."""

from fairscope.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
