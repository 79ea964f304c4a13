"""One strict parse of a policy file: YAML (or JSON) to data plus the nodes that locate keys.

Stricter than ``yaml.safe_load`` where a lenient reading would change a verdict
or exhaust the machine:

- a key given twice in one mapping (``fail: 0.8`` then ``fail: 0.1``) is an
  error naming both lines, not "the last one wins";
- aliases are counted before anything is built: more than :data:`MAX_ALIASES`,
  or an expansion beyond :data:`MAX_EXPANDED_NODES` values (a "billion
  laughs" file of nested aliases), is refused at once;
- a date that does not exist (``2026-02-30``) stays text, so the policy
  validation names its key and line instead of a bare ``ValueError``;
- the text is parsed once, with libyaml's C parser when it is installed.
"""

from __future__ import annotations

from typing import Any

import yaml

from fairscope.judge._schema import PolicyError

#: Most aliases (``*name``) a policy may use; real policies use none or a few.
MAX_ALIASES = 100
#: Most values a policy may hold once its aliases are expanded.
MAX_EXPANDED_NODES = 100_000

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_Base):  # type: ignore[misc]
    """The safe loader, refusing duplicate keys and keeping impossible dates as text."""

    source = "policy"

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if first is not None:
                raise PolicyError(
                    f"policy {self.source} line {key_node.start_mark.line + 1}: key {key!r} "
                    f"is given twice in the same mapping (first on line "
                    f"{first.start_mark.line + 1}); keep one."
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2026-02-30: the validation names the key and the line
            return self.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


def parse_policy_text(text: str, source: str) -> tuple[Any, Any]:
    """Parse a policy file's text once; the data and the root node (for line numbers).

    Parameters
    ----------
    text : str
        YAML or JSON.
    source : str
        The file (or preset) named in errors.

    Returns
    -------
    tuple
        ``(data, node)``; both ``None`` for an empty document.

    Raises
    ------
    PolicyError
        Malformed YAML, a duplicated key or too many aliases, with the line.

    Examples
    --------
    >>> parse_policy_text("name: p", "p.yaml")[0]
    {'name': 'p'}
    """
    loader = _StrictLoader(text)
    loader.source = source
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_aliases(node, source)
        return loader.construct_document(node), node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PolicyError(f"policy {source}{where}: malformed YAML/JSON: {problem}.") from None
    finally:
        loader.dispose()


def _check_aliases(root: Any, source: str) -> None:
    """Refuse a node graph with more than :data:`MAX_ALIASES` aliases, or one whose expansion
    (every alias replaced by what it names) exceeds :data:`MAX_EXPANDED_NODES` nodes.

    Each node is visited once and its expanded size memoized, so the check is
    linear in the size of the file however large the expansion would be.
    """
    sizes: dict[int, int] = {}
    visited = {id(root)}
    reused = 0
    stack = [(root, iter(_children(root)))]
    while stack:
        node, pending = stack[-1]
        for child in pending:
            if id(child) not in visited:
                visited.add(id(child))
                stack.append((child, iter(_children(child))))
                break
            reused += 1
            if reused > MAX_ALIASES:
                raise _alias_error(source, child, f"more than {MAX_ALIASES} aliases (*name)")
        else:
            stack.pop()
            # a child still without a size is an ancestor: a recursive alias, infinite
            size = 1 + sum(sizes.get(id(c), MAX_EXPANDED_NODES) for c in _children(node))
            if size > MAX_EXPANDED_NODES:
                raise _alias_error(
                    source,
                    node,
                    f"aliases (*name) expanding to more than {MAX_EXPANDED_NODES:,} values",
                )
            sizes[id(node)] = size


def _alias_error(source: str, node: Any, what: str) -> PolicyError:
    return PolicyError(
        f"policy {source} line {node.start_mark.line + 1}: {what}; a policy needs few, and "
        "nested aliases can expand to gigabytes. Write the values out."
    )


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []
