"""The implicit-resolver tables of ruamel.yaml and PyYAML, copied, so that typing a plain
scalar imports neither library (importing one resolver module runs the whole package).

A plain scalar's YAML type is what these tables say: newsmeta resolves YAML 1.2 (and 1.1)
exactly as ``ruamel.yaml`` does, and tells what PyYAML would read. ``tests/test_resolvers.py``
holds both copies to the installed libraries' own tables (every first character, tag,
pattern, flag and their order), so a library release that changes its table fails the
tests until the copy follows it.
"""

# ruff: noqa: E501  (the patterns are copied exactly, whitespace and all)
from __future__ import annotations

import re
from typing import Final

__all__ = ["PYYAML_IMPLICIT", "RUAMEL_IMPLICIT"]

#: ruamel.yaml's ``ruamel.yaml.resolver.implicit_resolvers``: (YAML versions, tag, pattern,
#: flags, first characters), in its order.
RUAMEL_IMPLICIT: Final[
    tuple[tuple[tuple[tuple[int, int], ...], str, str, int, tuple[str, ...]], ...]
] = (
    (
        ((1, 2),),
        "tag:yaml.org,2002:bool",
        "^(?:true|True|TRUE|false|False|FALSE)$",
        re.VERBOSE,
        ("t", "T", "f", "F"),
    ),
    (
        ((1, 1),),
        "tag:yaml.org,2002:bool",
        "^(?:y|Y|yes|Yes|YES|n|N|no|No|NO\n        |true|True|TRUE|false|False|FALSE\n        |on|On|ON|off|Off|OFF)$",
        re.VERBOSE,
        ("y", "Y", "n", "N", "t", "T", "f", "F", "o", "O"),
    ),
    (
        ((1, 2),),
        "tag:yaml.org,2002:float",
        "^(?:\n         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?\n        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)\n        |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?\n        |[-+]?\\.(?:inf|Inf|INF)\n        |\\.(?:nan|NaN|NAN))$",
        re.VERBOSE,
        ("-", "+", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "."),
    ),
    (
        ((1, 1),),
        "tag:yaml.org,2002:float",
        "^(?:\n         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?\n        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)\n        |\\.[0-9_]+(?:[eE][-+][0-9]+)?\n        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*  # sexagesimal float\n        |[-+]?\\.(?:inf|Inf|INF)\n        |\\.(?:nan|NaN|NAN))$",
        re.VERBOSE,
        ("-", "+", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "."),
    ),
    (
        ((1, 2),),
        "tag:yaml.org,2002:int",
        "^(?:[-+]?0b[0-1_]+\n        |[-+]?0o?[0-7_]+\n        |[-+]?[0-9_]+\n        |[-+]?0x[0-9a-fA-F_]+)$",
        re.VERBOSE,
        ("-", "+", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    ),
    (
        ((1, 1),),
        "tag:yaml.org,2002:int",
        "^(?:[-+]?0b[0-1_]+\n        |[-+]?0?[0-7_]+\n        |[-+]?(?:0|[1-9][0-9_]*)\n        |[-+]?0x[0-9a-fA-F_]+\n        |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
        re.VERBOSE,
        ("-", "+", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    ),
    (
        ((1, 2), (1, 1)),
        "tag:yaml.org,2002:merge",
        "^(?:<<)$",
        0,
        ("<",),
    ),
    (
        ((1, 2), (1, 1)),
        "tag:yaml.org,2002:null",
        "^(?: ~\n        |null|Null|NULL\n        | )$",
        re.VERBOSE,
        ("~", "n", "N", ""),
    ),
    (
        ((1, 2), (1, 1)),
        "tag:yaml.org,2002:timestamp",
        "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]\n        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?\n        (?:[Tt]|[ \\t]+)[0-9][0-9]?\n        :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?\n        (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        re.VERBOSE,
        ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    ),
    (
        ((1, 2), (1, 1)),
        "tag:yaml.org,2002:value",
        "^(?:=)$",
        0,
        ("=",),
    ),
    (
        ((1, 2), (1, 1)),
        "tag:yaml.org,2002:yaml",
        "^(?:!|&|\\*)$",
        0,
        ("!", "&", "*"),
    ),
)

#: PyYAML's ``yaml.resolver.Resolver.yaml_implicit_resolvers``, as (tag, pattern, flags,
#: first characters); each first character's list holds the entries naming it, in this order.
PYYAML_IMPLICIT: Final[tuple[tuple[str, str, int, tuple[str, ...]], ...]] = (
    (
        "tag:yaml.org,2002:bool",
        "^(?:yes|Yes|YES|no|No|NO\n                    |true|True|TRUE|false|False|FALSE\n                    |on|On|ON|off|Off|OFF)$",
        re.VERBOSE,
        ("y", "Y", "n", "N", "t", "T", "f", "F", "o", "O"),
    ),
    (
        "tag:yaml.org,2002:null",
        "^(?: ~\n                    |null|Null|NULL\n                    | )$",
        re.VERBOSE,
        ("n", "N", "~", ""),
    ),
    (
        "tag:yaml.org,2002:float",
        "^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?\n                    |\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?\n                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*\n                    |[-+]?\\.(?:inf|Inf|INF)\n                    |\\.(?:nan|NaN|NAN))$",
        re.VERBOSE,
        ("-", "+", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "."),
    ),
    (
        "tag:yaml.org,2002:int",
        "^(?:[-+]?0b[0-1_]+\n                    |[-+]?0[0-7_]+\n                    |[-+]?(?:0|[1-9][0-9_]*)\n                    |[-+]?0x[0-9a-fA-F_]+\n                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
        re.VERBOSE,
        ("-", "+", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    ),
    (
        "tag:yaml.org,2002:timestamp",
        "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]\n                    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?\n                     (?:[Tt]|[ \\t]+)[0-9][0-9]?\n                     :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?\n                     (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        re.VERBOSE,
        ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    ),
    (
        "tag:yaml.org,2002:merge",
        "^(?:<<)$",
        0,
        ("<",),
    ),
    (
        "tag:yaml.org,2002:value",
        "^(?:=)$",
        0,
        ("=",),
    ),
    (
        "tag:yaml.org,2002:yaml",
        "^(?:!|&|\\*)$",
        0,
        ("!", "&", "*"),
    ),
)
