"""The copied resolver tables (newsmeta._resolvers) are the installed libraries' own: a
release of ruamel.yaml or PyYAML that changes its table fails here until the copy follows."""

from __future__ import annotations

import re

from newsmeta import _resolvers, _yamltree


def test_the_ruamel_table_is_ruamel_yamls_own() -> None:
    from ruamel.yaml.resolver import implicit_resolvers

    theirs = [
        (tuple(versions), tag, regexp.pattern, regexp.flags, tuple(first))
        for versions, tag, regexp, first in implicit_resolvers
    ]
    ours = [
        (versions, tag, re.compile(source, flags).pattern, re.compile(source, flags).flags, first)
        for versions, tag, source, flags, first in _resolvers.RUAMEL_IMPLICIT
    ]
    assert ours == theirs


def test_the_pyyaml_table_is_pyyamls_own() -> None:
    from yaml.resolver import Resolver

    theirs = {
        first: [(tag, regexp.pattern, regexp.flags) for tag, regexp in entries]
        for first, entries in Resolver.yaml_implicit_resolvers.items()
    }
    ours: dict[str, list[tuple[str, str, int]]] = {}
    for tag, source, flags, firsts in _resolvers.PYYAML_IMPLICIT:
        compiled = re.compile(source, flags)
        for first in firsts:
            ours.setdefault(first, []).append((tag, compiled.pattern, compiled.flags))
    assert ours == theirs


def test_typing_a_plain_scalar_needs_neither_library() -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from newsmeta._yamltree import resolve_plain, yaml11_reading\n"
        "assert resolve_plain('012') == 'int' and yaml11_reading('012', 'int') == 'octal'\n"
        "assert resolve_plain('yes') == 'str' and yaml11_reading('yes', 'str') == 'bool'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'ruamel')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
    assert _yamltree.resolve_plain("1e3") == "float"
    assert _yamltree.yaml11_reading("1e3", "float") == "str"  # PyYAML needs a dot
