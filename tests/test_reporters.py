"""Reporters: each format read back by a consumer of that format, and output escaping."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsmeta
from newsmeta._escape import github_message, github_property, markdown_cell, printable
from newsmeta.problems import CODES, Problem, Severity
from newsmeta.reporters import FORMATS, Options, load
from newsmeta.validation import FileResult, Reported


def _problem(
    code: str = "schema-enum",
    message: str = "bad value.",
    severity: Severity = Severity.ERROR,
    line: int = 3,
) -> Problem:
    return Problem(code, severity, message, "/type", line, 7, line, 12)


GOOD = FileResult("content/good.md", ())
BAD = FileResult("content/bad.md", (_problem(), _problem("schema-required", "missing.", line=2)))
WARN = FileResult("content/warn.md", (_problem("text-mojibake", "odd.", Severity.WARNING),))
HOSTILE = FileResult(
    "evil,title=x::error::y\n::error::forged.md",
    (
        _problem("x::error::y", "line one\n::error file=a.md::forged %0A\r\x1b[31mred\u202e"),
        _problem("plain", "50% done, 100%0A"),
    ),
)


def _render(fmt: str, results: list[FileResult], options: Options | None = None) -> str:
    stream = io.StringIO()
    load(fmt)(iter(results), stream, options or Options())
    return stream.getvalue()


# --- escaping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a\nb", "a\\x0ab"),
        ("\x1b[31m", "\\x1b[31m"),
        ("\r", "\\x0d"),
        ("\u202eevil", "\\u202eevil"),
        ("\u2028", "\\u2028"),
        ("\udcff", "\\udcff"),
        ("\x85", "\\x85"),
        ("café ’", "café ’"),
    ],
)
def test_printable_makes_controls_bidi_and_surrogates_visible(raw: str, escaped: str) -> None:
    assert printable(raw) == escaped


def test_github_escaping_encodes_percent_first_and_property_separators() -> None:
    assert github_message("100%0A") == "100%250A"
    assert github_property("a:b,c%") == "a%3Ab%2Cc%25"
    assert "\n" not in github_message("a\nb")


def test_markdown_cell_cannot_break_the_table_or_inject_html() -> None:
    assert markdown_cell("a|b<script>`x`") == "a\\|b&lt;script&gt;\\`x\\`"


# --- text ---------------------------------------------------------------------------------


def test_text_prints_located_lines_then_a_summary() -> None:
    out = _render("text", [GOOD, BAD, WARN])
    assert out.splitlines() == [
        "content/bad.md:3:7: error schema-enum bad value.",
        "content/bad.md:2:7: error schema-required missing.",
        "content/warn.md:3:7: warning text-mojibake odd.",
        "3 files, 2 errors, 1 warning",
    ]


def test_text_summary_uses_singulars() -> None:
    assert _render("text", [WARN]).splitlines()[-1] == "1 file, 0 errors, 1 warning"


def test_text_colour_only_when_asked() -> None:
    assert "\x1b[" not in _render("text", [BAD])
    coloured = _render("text", [BAD], Options(color=True))
    assert "\x1b[31merror\x1b[0m" in coloured


def test_text_never_passes_file_content_controls_through() -> None:
    out = _render("text", [HOSTILE])
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert len(out.splitlines()) == 3  # two problems and the summary


def test_text_streams_results_as_they_arrive() -> None:
    stream = io.StringIO()
    seen: list[str] = []

    def results() -> Iterator[FileResult]:
        yield BAD
        seen.append(stream.getvalue())
        yield GOOD

    load("text")(results(), stream, Options())
    assert "content/bad.md:3:7" in seen[0]


# --- json ---------------------------------------------------------------------------------


def test_json_accepts_an_iterator_and_keeps_the_shape() -> None:
    document = json.loads(_render("json", [GOOD, BAD, WARN]))
    assert document["summary"] == {"files": 3, "errors": 2, "warnings": 1}
    assert [f["path"] for f in document["files"]] == [GOOD.path, BAD.path, WARN.path]


# --- github -------------------------------------------------------------------------------

_PROPERTY = r"[^:,\r\n]*"
_ANNOTATION = re.compile(
    rf"::(error|warning) file=({_PROPERTY}),line=(\d+),col=(\d+),endLine=(\d+)"
    rf"(?:,endColumn=(\d+))?,title=({_PROPERTY})::([^\r\n]*)"
)


def _unescape(value: str, *, prop: bool) -> str:
    """The GitHub runner's decoding (actions/runner ActionCommand.UnescapeProperty/Data)."""
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if prop:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, raw in pairs:
        value = value.replace(escaped, raw)
    return value.replace("%25", "%")


def test_github_annotations_are_well_formed_and_round_trip() -> None:
    lines = _render("github", [GOOD, BAD, WARN]).splitlines()
    assert lines[-1] == "3 files, 2 errors, 1 warning"
    annotations = [_ANNOTATION.fullmatch(line) for line in lines[:-1]]
    assert all(annotations), lines
    first = annotations[0]
    assert first is not None
    assert first.groups() == (
        "error",
        "content/bad.md",
        "3",
        "7",
        "3",
        "11",
        "schema-enum",
        "bad value.",
    )
    last = annotations[-1]
    assert last is not None
    assert last.group(1) == "warning"


def test_github_hostile_names_and_titles_cannot_forge_annotations() -> None:
    lines = _render("github", [HOSTILE]).splitlines()
    assert len(lines) == 3  # exactly one line per problem, plus the summary
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 2
    for line in commands:
        match = _ANNOTATION.fullmatch(line)
        assert match is not None, line
        assert _unescape(match.group(2), prop=True) == printable(HOSTILE.path)
    first = _ANNOTATION.fullmatch(commands[0])
    assert first is not None
    assert _unescape(first.group(7), prop=True) == "x::error::y"
    assert "\x1b" not in _unescape(first.group(8), prop=False)
    second = _ANNOTATION.fullmatch(commands[1])
    assert second is not None
    assert _unescape(second.group(8), prop=False) == "50% done, 100%0A"


def test_github_end_column_is_inclusive_and_omitted_across_lines() -> None:
    multi = FileResult("a.md", (Problem("yaml-syntax", Severity.ERROR, "m.", "", 2, 1, 4, 3),))
    line = _render("github", [multi]).splitlines()[0]
    assert "endColumn" not in line
    assert "endLine=4" in line


def test_github_writes_a_step_summary_table(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    hostile = FileResult("a|b.md", (_problem(message="x | y <b>"),))
    _render("github", [GOOD, hostile], Options(step_summary=str(summary)))
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")  # appended, never truncated
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| code | severity | count | fixable |"
    assert rows[1] == "| `schema-enum` | error | 1 |  |"
    assert rows[2] == "| file | line:col | severity | code | message |"
    assert rows[3] == "| a\\|b.md | 3:7 | error | `schema-enum` | x \\| y &lt;b&gt; |"
    assert "2 files, 1 error, 0 warnings" in text


def test_the_step_summary_opens_with_counts_per_code_and_caps_the_rows(tmp_path: Path) -> None:
    from newsmeta.reporters.github import MAX_SUMMARY_ROWS, SARIF_GUIDE

    summary = tmp_path / "summary.md"
    many = [
        FileResult(
            f"{i}.md",
            (
                _problem(code="text-html-entity", severity=Severity.WARNING),
                _problem(code="text-whitespace", severity=Severity.WARNING),
                _problem(code="text-html-entity", severity=Severity.WARNING),
            ),
        )
        for i in range(40)
    ]
    fixable = frozenset({"text-html-entity", "text-whitespace"})
    out = _render("github", many, Options(step_summary=str(summary), fixable=fixable))
    assert out.endswith("40 files, 0 errors, 120 warnings\n120 of these are fixable with "
                        "`newsmeta fix`.\n")  # fmt: skip
    text = summary.read_text(encoding="utf-8")
    table = text.index("| code | severity | count | fixable |")
    rows = text.index("| file | line:col |")
    assert table < text.index("120 of these are fixable") < rows
    assert "| `text-html-entity` | warning | 80 | yes |" in text
    assert text.index("`text-html-entity` | warning | 80") < text.index("`text-whitespace`")
    problem_rows = [line for line in text[rows:].splitlines() if line.startswith("| ")]
    assert len(problem_rows) == 1 + MAX_SUMMARY_ROWS  # the header, then the capped rows
    assert f"{120 - MAX_SUMMARY_ROWS} more problems are not listed here" in text
    assert SARIF_GUIDE in text


# --- sarif --------------------------------------------------------------------------------


def test_sarif_declares_one_rule_per_code_with_help_from_the_catalogue() -> None:
    log = json.loads(_render("sarif", [GOOD, BAD]))
    assert log["version"] == "2.1.0"
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    for rule in rules:
        code = CODES[rule["id"]]
        assert rule["shortDescription"]["text"] == code.summary
        assert rule["help"]["text"].startswith(code.explanation)
        if code.fix:
            assert code.fix in rule["help"]["text"]


def test_sarif_results_are_located_and_refer_to_declared_rules() -> None:
    log = json.loads(_render("sarif", [GOOD, BAD, WARN, HOSTILE]))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(run["results"]) == 5
    for result in run["results"]:
        assert result["ruleId"] in ids
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in {"error", "warning"}
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
        assert region["startColumn"] >= 1
        assert region["endColumn"] >= region["startColumn"]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "content/bad.md", "uriBaseId": "%SRCROOT%"}
    hostile = run["results"][-1]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert "," not in hostile["uri"]
    assert "\n" not in hostile["uri"]


def test_sarif_level_follows_an_overridden_severity() -> None:
    log = json.loads(_render("sarif", [WARN]))
    assert log["runs"][0]["results"][0]["level"] == "warning"


# --- junit --------------------------------------------------------------------------------


def test_junit_has_one_testcase_per_file_and_failures_on_invalid_ones() -> None:
    root = ET.fromstring(_render("junit", [GOOD, BAD, WARN, HOSTILE]))
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == [
        GOOD.path,
        BAD.path,
        WARN.path,
        printable(HOSTILE.path),
    ]
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == [BAD.path, printable(HOSTILE.path)]
    assert root.get("tests") == "4"
    assert root.get("failures") == "2"
    warn = cases[2].find("system-out")
    assert warn is not None
    assert "text-mojibake" in (warn.text or "")


def test_junit_fails_warnings_when_failing_on_warnings() -> None:
    root = ET.fromstring(_render("junit", [WARN], Options(fail_on=Severity.WARNING)))
    assert root.find("./testsuite/testcase/failure") is not None


def test_every_format_renders_an_empty_run() -> None:
    for fmt in FORMATS:
        assert _render(fmt, [])


def test_json_of_an_empty_run_parses() -> None:
    assert json.loads(_render("json", [])) == {
        "version": 1,
        "files": [],
        "summary": {"files": 0, "errors": 0, "warnings": 0},
    }


def test_json_escapes_undecodable_file_names_instead_of_failing() -> None:
    odd = FileResult("caf\udce9.md", (_problem(),))
    text = _render("json", [GOOD, odd])
    text.encode("utf-8")
    assert json.loads(text)["files"][1]["path"] == "caf\udce9.md"


# --- the fixable count and --statistics -----------------------------------------------------


def test_text_output_ends_with_the_fixable_count() -> None:
    fixable = frozenset({"text-mojibake"})
    out = _render("text", [BAD, WARN], Options(fixable=fixable))
    assert out.endswith(
        "2 files, 2 errors, 1 warning\n1 of these is fixable with `newsmeta fix`.\n"
    )
    assert "fixable" not in _render("text", [BAD], Options(fixable=fixable))


def test_statistics_count_each_code_most_frequent_first() -> None:
    from newsmeta.reporters import statistics

    stream = io.StringIO()
    results = [BAD, WARN, FileResult("c.md", (_problem(), _problem()))]
    statistics.render(iter(results), stream, Options(fixable=frozenset({"text-mojibake"})))
    lines = stream.getvalue().splitlines()
    assert lines[0].split()[:3] == ["3", "schema-enum", "error"]
    assert lines[0].endswith(CODES["schema-enum"].summary)
    assert lines[1].split()[:3] == ["1", "schema-required", "error"]
    assert lines[2].split()[:4] == ["1", "text-mojibake", "warning", "[fix]"]
    assert lines[-2:] == [
        "3 files, 4 errors, 1 warning",
        "1 of these is fixable with `newsmeta fix`.",
    ]
    stream = io.StringIO()
    statistics.render_json(iter(results), stream, Options(fixable=frozenset({"text-mojibake"})))
    document = json.loads(stream.getvalue())
    assert document["statistics"][0] == {
        "code": "schema-enum",
        "severity": "error",
        "count": 3,
        "fixable": False,
        "summary": CODES["schema-enum"].summary,
    }
    assert document["summary"] == {"files": 3, "errors": 4, "warnings": 1, "fixable": 1}


@pytest.mark.parametrize(
    "path",
    [
        "content/2024-03-05-a.md",
        "dir with spaces/é ü 漢字.md",
        'a"quote\\back.md',
        "\udcff-undecodable.md",
        "\x1b[31mred\u202eevil.md",
        "##[error]x.md",
        "::warning::x.md",
    ],
)
def test_json_writes_a_clean_file_as_its_general_form_would(path: str) -> None:
    from newsmeta.reporters import json as json_reporter

    result = FileResult(path, ())
    line = json_reporter._entry(result)
    assert line == json_reporter._dumps(result.to_dict())
    assert json.loads(line) == result.to_dict()


_PATH_CHARACTERS = st.characters(codec="utf-8") | st.sampled_from(
    ['"', "\\", "#", "\x7f", "\n", "\x85", "\u202e", "\udcff", "/", "["]
)


@settings(max_examples=300, deadline=None)
@given(st.text(_PATH_CHARACTERS))
def test_a_path_without_problems_is_written_as_any_json_value_would_be(path: str) -> None:
    """A file without problems takes a shortcut to its line: the line is the one the
    general encoder writes, and reads back to the path."""
    from newsmeta._escape import json_text
    from newsmeta.reporters import json as json_reporter

    entry = json_reporter._entry(FileResult(path, ()))
    general = json_text(json_reporter._ENCODER.encode({"path": path, "ok": True, "problems": []}))
    assert entry == general
    assert json.loads(entry)["path"] == path


_ODD_TEXT = st.text(
    st.characters(codec="utf-8")
    | st.sampled_from(['"', "\\", "#", "[", "\x7f", "\n", "\x85", "\u202e", "\udcff", "\x00"])
)
#: Mostly what a field declares, sometimes what it does not (a bool, a float, None): the
#: line of a file with problems is then written the general way, never differently.
_POSITION = st.integers(min_value=0, max_value=10**12) | st.sampled_from([True, False, 1.5])
_DETAIL = _ODD_TEXT | st.sampled_from(["", None, 0, 7])
_ODD_PROBLEMS = st.builds(
    Problem,
    st.sampled_from(sorted(CODES)) | _ODD_TEXT,
    st.sampled_from(Severity),
    _ODD_TEXT,
    _ODD_TEXT,
    _POSITION,
    _POSITION,
    _POSITION,
    _POSITION,
    _DETAIL,
)


@settings(max_examples=300, deadline=None)
@given(st.text(_PATH_CHARACTERS), st.lists(_ODD_PROBLEMS, min_size=1, max_size=4))
def test_a_file_with_problems_is_written_as_the_general_encoder_writes_it(
    path: str, problems: list[Problem]
) -> None:
    """The line of a file with problems is written piece by piece: it is the line the
    general encoder writes, with the same counts, whatever the values."""
    from newsmeta.reporters import json as json_reporter

    result = FileResult(path, tuple(problems))
    general = json_reporter._dumps(result.to_dict())
    assert json_reporter._entry(result) == general
    assert json_reporter._problems_entry(path, result.problems) == (
        general,
        result.errors,
        result.warnings,
    )
    stream = io.StringIO()
    json_reporter.render([result, GOOD, ["x.md"]], stream)
    document = json.loads(stream.getvalue())
    assert document["files"][0] == json.loads(general)
    assert document["summary"] == {
        "files": 3,
        "errors": result.errors,
        "warnings": result.warnings,
    }


class _CountingStream(io.StringIO):
    """A stream that counts its writes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_json_writes_results_that_come_quickly_in_blocks() -> None:
    from newsmeta.reporters import json as json_reporter

    results = [FileResult(f"content/{n:04}.md", ()) for n in range(500)] + [BAD, WARN]
    stream = _CountingStream()
    json_reporter.render(iter(results), stream, Options())
    document = json.loads(stream.getvalue())
    assert [entry["path"] for entry in document["files"]] == [r.path for r in results]
    assert document["summary"] == {"files": 502, "errors": 2, "warnings": 1}
    # Header, at most one write a block (plus a block written early on a busy machine),
    # the end and the summary: far fewer writes than files.
    assert stream.writes <= 2 * (len(results) // json_reporter.BLOCK_ENTRIES + 1) + 3


def test_json_writes_each_result_that_comes_slowly_before_asking_for_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Output still streams: an entry that came after a pause is written before the
    reporter waits for the next one."""
    from newsmeta.reporters import json as json_reporter

    now = [0.0]

    def clock() -> float:
        return now[0]

    monkeypatch.setattr(json_reporter, "_clock", clock)
    stream = io.StringIO()
    seen: list[str] = []

    def slow() -> Iterator[FileResult]:
        for n in range(5):
            seen.append(stream.getvalue())
            now[0] += 2 * json_reporter.BLOCK_SECONDS  # this file took a while
            yield FileResult(f"content/{n}.md", ())
        seen.append(stream.getvalue())

    json_reporter.render(slow(), stream, Options())
    for n in range(5):
        assert f"content/{n}.md" in seen[n + 1]


def test_json_writes_a_block_whose_first_entry_has_waited_long_enough(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsmeta.reporters import json as json_reporter

    now = [0.0]
    monkeypatch.setattr(json_reporter, "_clock", lambda: now[0])
    stream = io.StringIO()
    seen: list[str] = []
    step = json_reporter.BLOCK_SECONDS / 3.9  # each quick, four of them slow

    def steady() -> Iterator[FileResult]:
        for n in range(12):
            seen.append(stream.getvalue())
            now[0] += step
            yield FileResult(f"content/{n}.md", ())
        seen.append(stream.getvalue())

    json_reporter.render(steady(), stream, Options())
    # An entry is written once BLOCK_SECONDS of results (four here) came after it, far
    # fewer than a full block of them; seen[k] is the output before result k was asked for.
    for n in range(12 - 4):
        assert f"content/{n}.md" in seen[n + 5]
    assert f"content/{n + 1}.md" not in seen[n + 2]


# --- runs of files without problems ----------------------------------------------------------


def _with_problem(path: str) -> FileResult:
    problem = Problem(
        code="yaml-syntax",
        severity=Severity.ERROR,
        message="The front matter is not valid YAML.",
        pointer="",
        line=2,
        column=3,
        end_line=2,
        end_column=4,
    )
    return FileResult(path, (problem,))


_PATHS = st.lists(
    st.sampled_from(["a.md", "dir/b.md", 'q"u.md', "h#sh.md", "ü.md", "\x1bx.md", "\udcff.md"])
    | st.text(min_size=1, max_size=8),
    max_size=12,
)


def _rendered(name: str, items: list[object], options: Options) -> str:
    stream = io.StringIO()
    if name == "statistics":
        from newsmeta.reporters import statistics

        statistics.render(items, stream, options)  # type: ignore[arg-type]
    elif name == "statistics-json":
        from newsmeta.reporters import statistics

        statistics.render_json(items, stream, options)  # type: ignore[arg-type]
    else:
        load(name)(items, stream, options)  # type: ignore[arg-type]
    return stream.getvalue()


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([*FORMATS, "statistics", "statistics-json"]),
    _PATHS,
    st.sets(st.integers(min_value=0, max_value=11)),
    st.sets(st.integers(min_value=0, max_value=12)),
)
def test_a_run_of_paths_renders_as_the_results_without_problems_would(
    name: str, paths: list[str], with_problems: set[int], cuts: set[int]
) -> None:
    # The files without problems go as runs of paths, cut anywhere (an empty run too),
    # between the results with problems: the output is that of one result per file.
    options = Options(fixable=frozenset({"yaml-syntax"}))
    results = [
        _with_problem(path) if index in with_problems else FileResult(path, ())
        for index, path in enumerate(paths)
    ]
    items: list[object] = []
    run: list[str] = []
    for index, result in enumerate(results):
        if index in cuts:
            items.append(run)
            run = []
        if result.problems:
            if run:
                items.append(run)
                run = []
            items.append(result)
        else:
            run.append(result.path)
    items.append(run)
    assert _rendered(name, items, options) == _rendered(name, list(results), options)


def _junit_by_element_tree(results: list[Reported], options: Options) -> str:
    """The JUnit document as the whole tree gives it (``ET.indent``, ``ET.tostring``)."""
    from newsmeta.reporters import fails

    suite = ET.Element("testsuite", name="newsmeta validate")
    tests = failures = 0
    for result in results:
        if isinstance(result, list):
            for clean in result:
                tests += 1
                path = printable(clean)
                ET.SubElement(suite, "testcase", classname="newsmeta", name=path, file=path)
            continue
        tests += 1
        path = printable(result.path)
        case = ET.SubElement(suite, "testcase", classname="newsmeta", name=path, file=path)
        failing = [p for p in result.problems if fails(p.severity, options.fail_on)]
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
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


_CLEAN_PATHS = st.lists(st.text(_PATH_CHARACTERS), min_size=1, max_size=3)
_WITH_PROBLEMS = st.builds(
    FileResult,
    st.text(_PATH_CHARACTERS),
    st.lists(_ODD_PROBLEMS.filter(lambda p: isinstance(p.line, int)), max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_CLEAN_PATHS | _WITH_PROBLEMS, max_size=6),
    st.sampled_from(Severity),
    st.booleans(),
)
def test_junit_writes_the_document_its_whole_element_tree_would(
    results: list[Reported], fail_on: Severity, without_escape: bool
) -> None:
    """Files without problems are written as text, not elements: the document is the one
    ElementTree writes for the whole tree, with or without its escaping function at hand."""
    from newsmeta.reporters import junit

    options = Options(fail_on=fail_on)
    stream = io.StringIO()
    escape = junit._escape_attrib
    try:
        if without_escape:
            junit._escape_attrib = None
        junit.render(iter(results), stream, options)
    finally:
        junit._escape_attrib = escape
    assert stream.getvalue() == _junit_by_element_tree(results, options)


def _sarif_by_dumps(results: list[Reported]) -> str:
    """The SARIF log as one ``json.dumps`` of the whole log writes it."""
    from newsmeta._escape import json_text
    from newsmeta.reporters import sarif

    index = {name: i for i, name in enumerate(CODES)}
    descriptors = sarif.rules()
    found: list[dict[str, object]] = []
    for result in results:
        if isinstance(result, list):
            continue
        location = sarif.artifact_location(result.path)
        for p in result.problems:
            if p.code not in index:
                index[p.code] = len(descriptors)
                descriptors.append({"id": p.code, "shortDescription": {"text": p.code}})
            found.append(sarif._result(p, index[p.code], location))
    log = {
        "$schema": sarif.SCHEMA_URI,
        "version": sarif.VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "newsmeta",
                        "version": newsmeta.__version__,
                        "informationUri": sarif._INFO_URI,
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": found,
            }
        ],
    }
    return json_text(json.dumps(log, ensure_ascii=True, indent=2)) + "\n"


_SARIF_PATHS = st.text(_PATH_CHARACTERS) | st.text(_PATH_CHARACTERS).map(lambda p: "/" + p)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        _CLEAN_PATHS
        | st.builds(
            FileResult,
            _SARIF_PATHS | st.text(_PATH_CHARACTERS).map(lambda p: "./" + p),
            st.lists(_ODD_PROBLEMS, max_size=3).map(tuple),
        ),
        max_size=5,
    )
)
def test_sarif_writes_the_log_one_dump_of_it_would(results: list[Reported]) -> None:
    """Each SARIF result is written as text: the log is the one ``json.dumps`` of the
    whole log writes, whatever the values (a bool or float position, a code no rule
    declares, a name to escape, with a detail or without)."""
    from newsmeta.reporters import sarif

    stream = io.StringIO()
    sarif.render(iter(results), stream, Options())
    assert stream.getvalue() == _sarif_by_dumps(results)
