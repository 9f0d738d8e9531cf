"""``--format junit``: JUnit XML, one ``testcase`` per file.

::

    <testsuites name="newsmeta" tests=N failures=F errors=0>
      <testsuite name="newsmeta validate" tests=N failures=F errors=0 skipped=0>
        <testcase classname="newsmeta" name="PATH">
          <failure type="CODE" message="E errors, W warnings">path:line:col: ...</failure>
        </testcase>

A file fails when it has a problem at or above ``Options.fail_on``; problems below it are
listed in ``system-out``. Every string is made printable first, because XML 1.0 cannot
carry control characters even as character references.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import TextIO

from newsmeta._escape import printable
from newsmeta.reporters import Options, fails
from newsmeta.validation import Reported

__all__ = ["render"]


#: How ElementTree escapes an attribute's value, so the testcases written here directly are
#: the ones it would write (None on a Python without it: every testcase is then its element).
_escape_attrib: Callable[[str], str] | None = getattr(ET, "_escape_attrib", None)


def render(results: Iterable[Reported], stream: TextIO, options: Options | None = None) -> None:
    """Write one JUnit XML document with a testcase per result, in the order given.

    The document is the one ``ET.indent`` and ``ET.tostring`` write for the whole tree,
    put together from its testcases: a file without problems (most of them) is one line
    of text, not an element to build, indent and serialise."""
    opts = options or Options()
    cases: list[str] = []
    add = cases.append
    tests = failures = 0
    escape = _escape_attrib
    for result in results:
        if isinstance(result, list):  # files without problems: a passing testcase each
            for clean in result:
                tests += 1
                path = printable(clean)
                if escape is None:
                    case = ET.Element("testcase", classname="newsmeta", name=path, file=path)
                    add(_case_text(case))
                else:
                    path = escape(path)
                    add(f'<testcase classname="newsmeta" name="{path}" file="{path}" />')
            continue
        tests += 1
        path = printable(result.path)
        case = ET.Element("testcase", classname="newsmeta", name=path, file=path)
        failing = [p for p in result.problems if fails(p.severity, opts.fail_on)]
        lines = [
            f"{path}:{p.line}:{p.column}: {p.severity.value} {p.code} {printable(p.message)}"
            for p in result.problems
        ]
        if failing:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                type=failing[0].code,
                message=f"{result.errors} errors, {result.warnings} warnings",
            )
            failure.text = "\n".join(lines)
        elif lines:
            ET.SubElement(case, "system-out").text = "\n".join(lines)
        add(_case_text(case))
    counts = {"tests": str(tests), "failures": str(failures), "errors": "0"}
    suite = ET.Element("testsuite", name="newsmeta validate")
    suite.attrib.update(counts, skipped="0")
    root = ET.Element("testsuites", {"name": "newsmeta", **counts})
    root.append(suite)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    if cases:
        opening, closing = _around_cases(root)
        stream.write(opening + "\n    " + "\n    ".join(cases) + "\n  " + closing)
    else:
        ET.indent(root)
        stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")


def _case_text(case: ET.Element) -> str:
    """``case`` as ``ET.tostring`` writes it within the document, indented (without the
    line break and indentation before it)."""
    children = list(case)
    if children:
        case.text = "\n      "
        for child in children:
            child.tail = "\n      "
        children[-1].tail = "\n    "
    return ET.tostring(case, encoding="unicode")


def _around_cases(root: ET.Element) -> tuple[str, str]:
    """The document of ``root`` (its suite yet empty) as ElementTree writes it indented,
    before its first testcase and after its last one: the suite given one testcase to
    find them by."""
    marker = ET.SubElement(root[0], "testcase")
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    root[0].remove(marker)
    opening, found, closing = text.partition("\n    <testcase />\n  ")
    assert found, text
    return opening, closing
