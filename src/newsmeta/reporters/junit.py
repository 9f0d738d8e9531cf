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
from collections.abc import Iterable
from typing import TextIO

from newsmeta._escape import printable
from newsmeta.reporters import Options, fails
from newsmeta.validation import Reported

__all__ = ["render"]


def render(results: Iterable[Reported], stream: TextIO, options: Options | None = None) -> None:
    """Write one JUnit XML document with a testcase per result, in the order given."""
    opts = options or Options()
    suite = ET.Element("testsuite", name="newsmeta validate")
    tests = failures = 0
    for result in results:
        if isinstance(result, list):  # files without problems: a passing testcase each
            for clean in result:
                tests += 1
                path = printable(clean)
                ET.SubElement(suite, "testcase", classname="newsmeta", name=path, file=path)
            continue
        tests += 1
        path = printable(result.path)
        case = ET.SubElement(suite, "testcase", classname="newsmeta", name=path, file=path)
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
    counts = {"tests": str(tests), "failures": str(failures), "errors": "0"}
    suite.attrib.update(counts, skipped="0")
    root = ET.Element("testsuites", {"name": "newsmeta", **counts})
    root.append(suite)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
