"""One file's text -> its located problems, the node tree and the JSON view.

This is the single pipeline behind :func:`newsmeta.load` and ``newsmeta validate``. It
runs the layers in order, collecting every problem it can:

1. bytes: size and UTF-8 (:func:`decode`);
2. front-matter fences;
3. YAML syntax, limits, anchors, aliases and tags (on the parser's event stream);
4. duplicate keys, non-string keys;
5. the top level is a mapping;
6. the JSON Schema.

:func:`quick_pass` is the same pipeline for a file whose YAML has nothing to report: it
skips the node tree (layers 3 and 4 read the parser's events directly, see
:mod:`newsmeta._quick`) and hands every other file to :func:`analyse`. Validation tries it
first; the two give identical results.

Nothing here raises for bad input.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from collections.abc import Mapping as AbcMapping
from typing import TYPE_CHECKING, Final

from newsmeta._frontmatter import BOM, FenceError, Split, split_front_matter
from newsmeta._records import FrozenRecord
from newsmeta._yamltree import (
    CONTROL_CHARACTERS,
    DEFAULT_LIMITS,
    Finding,
    JSONValue,
    Limits,
    Locator,
    Node,
    ParseResult,
    compose,
    find_node,
    to_data,
)
from newsmeta.problems import Problem, Severity

if TYPE_CHECKING:
    from newsmeta._quick import QuickView
    from newsmeta.rules import RuleContext

__all__ = [
    "Analysis",
    "LineIndex",
    "QuickPass",
    "analyse",
    "analyse_quickly",
    "analyse_view",
    "check_data",
    "decode",
    "quick_pass",
    "quick_read",
]


# What the quick path calls for every file comes from modules imported on first use (so
# that importing this module loads no parser, schema or rule), through these cached
# functions: an import statement in a function costs microseconds on every call, a
# cached call a fraction of one.


@functools.cache
def _quick_reader() -> Callable[[str, int, Limits], QuickView | None]:
    from newsmeta._quick import quick_view

    return quick_view


@functools.cache
def _schema_checks() -> tuple[
    Callable[[JSONValue], bool],
    Callable[[JSONValue, Node | Locator | None, tuple[int, int], str], list[Finding]],
]:
    from newsmeta.schema import conforms, schema_errors

    return conforms, schema_errors


@functools.cache
def _rule_runner() -> tuple[
    type[RuleContext], Callable[[RuleContext], list[Finding]], tuple[int, int]
]:
    from newsmeta.rules import UNLOCATED, RuleContext, run_rules

    return RuleContext, run_rules, UNLOCATED


class LineIndex:
    """Turns character indices of a text into 1-based (line, column); lines end at ``\\n``.

    The first few positions are found by counting line breaks (a file with problems
    usually has one or two); the index of every line's start is built only when more
    are asked, so that locating stays linear in the text however many there are.
    """

    #: Positions found by counting before the index of line starts is built.
    COUNTED: Final = 8

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None
        self._counted = 0
        self._bom = text.startswith(BOM)

    def _line_starts(self) -> list[int]:
        text = self._text
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return starts

    def position(self, index: int) -> tuple[int, int]:
        """The 1-based line and column of character ``index`` (clamped to the text)."""
        text = self._text
        index = max(0, min(index, len(text)))
        starts = self._starts
        if starts is None and self._counted < self.COUNTED:
            self._counted += 1
            line = text.count("\n", 0, index) + 1
            column = index - text.rfind("\n", 0, index)
        else:
            if starts is None:
                starts = self._starts = self._line_starts()
            line = bisect.bisect_right(starts, index)
            column = index - starts[line - 1] + 1
        if line == 1 and self._bom:
            # Editors do not show the byte-order mark as a column.
            column = max(1, column - 1)
        return line, column


class Analysis:
    """What one pass over a file found.

    ``root`` is the positioned node tree. An analysis made on the quick path (see
    :func:`analyse_quickly`) has found everything without one, and builds it from the
    text on first use, exactly as :func:`analyse` would have composed it (from the quick
    view's lines or parser events when ``view`` is given): a loaded document that nothing
    asks positions of never holds a tree.

    ``problems`` may wait too: an analysis made with its rules pending (see
    :attr:`rules_pending`) runs them on first use of ``problems``, and finds exactly
    what running them at once would have found.
    """

    __slots__ = (
        "_limits",
        "_offset",
        "_pending",
        "_problems",
        "_root",
        "_source",
        "data",
        "readable",
        "split",
        "text",
    )

    def __init__(
        self,
        text: str,
        split: Split | None,
        root: Node | None,
        data: JSONValue,
        problems: list[Problem],
        readable: bool,
        *,
        lazy: Limits | None = None,
        view: QuickView | None = None,
    ) -> None:
        self.text = text
        self.split = split
        self._root = root
        self.data = data
        self._problems = problems
        #: What running the rules needs, while they have not run (see rules_pending).
        self._pending: tuple[QuickView, str | None, Limits] | None = None
        #: False when the front matter could not be read completely (no fences, bad YAML...).
        self.readable = readable
        #: The limits to compose the tree under, when it is composed on first use.
        self._limits = lazy
        # Where the quick view's events came from: the tree is then read from the same
        # events, as the view would read it, a few times cheaper than composing it. Only
        # a shared parser and a number are kept, not the view.
        self._source = view.event_source if view is not None else None
        self._offset = view.offset if view is not None else 0

    @property
    def problems(self) -> list[Problem]:
        """Every problem found, sorted by position (the rules run now if they wait)."""
        pending = self._pending
        if pending is not None:
            view, path, limits = pending
            split = self.split
            assert split is not None  # rules wait only for a split, readable text
            self._problems = analyse_view(self.text, split, view, path, limits).problems
            self._pending = None
        return self._problems

    @problems.setter
    def problems(self, problems: list[Problem]) -> None:
        self._problems = problems
        self._pending = None

    @property
    def rules_pending(self) -> bool:
        """True while the data-quality rules have not run (see :func:`analyse_view`'s
        ``rules``): every other layer found nothing then, so ``problems`` can hold only
        what the rules report."""
        return self._pending is not None

    @property
    def root(self) -> Node | None:
        """The root of the positioned node tree (``None`` for no front matter)."""
        return self.tree()

    @root.setter
    def root(self, root: Node | None) -> None:
        self._root = root
        self._limits = None
        self._source = None

    def tree(self, only: frozenset[str] | None = None) -> Node | None:
        """:attr:`root`; when the tree is made now from the line reader's lines, the
        collections under top-level keys not in ``only`` are read when first looked into
        (see :func:`~newsmeta._quick.line_tree`): an edit names the keys it changes."""
        if self._limits is not None:
            split = self.split
            assert split is not None  # a lazy tree is for a split, readable text
            if self._source is not None:
                from newsmeta._quick import LINE_READER_SOURCE, line_tree, tree_of

                root = None
                if self._source is LINE_READER_SOURCE:
                    # The line reader read the text: its lines give the same tree as the
                    # parser's events, in about half the time (an edit splices against it).
                    root = line_tree(split.yaml, self._offset, only)
                self._root = (
                    root if root is not None else tree_of(self._source, split.yaml, self._offset)
                )
            else:
                self._root = compose(split.yaml, split.yaml_start, limits=self._limits).root
            self._limits = None
            self._source = None
        return self._root

    @property
    def tree_limits(self) -> Limits | None:
        """The limits the tree is composed under on first use of :attr:`root`; ``None``
        once it exists (or when the analysis was made with its tree)."""
        return self._limits

    def __repr__(self) -> str:
        return (
            f"Analysis(readable={self.readable}, problems={len(self.problems)}, "
            f"lazy tree={self._limits is not None})"
        )


@functools.cache
def rule_codes() -> dict[str, Severity]:
    """The codes the data-quality rules may report (those of the rules layer, and each
    registered rule's), with their own severities."""
    from newsmeta._catalogue import CODES
    from newsmeta.rules import RULES, _load_rule_modules

    _load_rule_modules()  # each rule module registers its codes
    codes = {code for code, info in CODES.items() if info.layer == "rules"} | set(RULES)
    return {code: _severity(code) for code in sorted(codes)}


@functools.cache
def _rule_errors() -> tuple[str, ...]:
    """The codes of :func:`rule_codes` that are errors of their own."""
    return tuple(code for code, own in rule_codes().items() if own == Severity.ERROR)


def rules_may_err(levels: AbcMapping[str, Severity]) -> bool:
    """True when a problem the data-quality rules report may count as an error under
    ``levels`` (a code's level by name, overriding its own, as
    :meth:`~newsmeta.document.Document.new_errors` takes them)."""
    codes = rule_codes()
    if any(level == Severity.ERROR and code in codes for code, level in levels.items()):
        return True
    return any(code not in levels for code in _rule_errors())


def _severity(code: str) -> Severity:
    from newsmeta._catalogue import CODES  # only a file with a problem needs the catalogue

    info = CODES.get(code)
    return info.severity if info is not None else Severity.ERROR


def locate(findings: list[Finding], text: str) -> list[Problem]:
    """Turn index-based findings into problems with 1-based positions, sorted."""
    if not findings:
        return []
    index = LineIndex(text)
    problems = []
    for f in findings:
        start, end, message, detail = f.start, f.end, f.message, ""
        if f.code == "yaml-syntax":
            start, end, message, detail = _explain_syntax(f, text)
        line, column = index.position(start)
        end_line, end_column = index.position(max(end, start))
        if f.related >= 0 and "{related}" in message:
            r_line, r_column = index.position(f.related)
            message = message.replace("{related}", f"line {r_line}, column {r_column}")
        problems.append(
            Problem(
                code=f.code,
                severity=_severity(f.code),
                message=message,
                pointer=f.pointer,
                line=line,
                column=column,
                end_line=end_line,
                end_column=end_column,
                detail=detail,
            )
        )
    problems.sort(key=lambda p: p.sort_key)
    return problems


def _explain_syntax(finding: Finding, text: str) -> tuple[int, int, str, str]:
    """A YAML syntax error in plain words, at its cause: (start, end, message, detail).

    The parser's own words become the ``detail``; see :mod:`newsmeta._diagnose`.
    """
    from newsmeta._diagnose import diagnose

    detail = finding.message
    split = split_front_matter(text)
    if not isinstance(split, FenceError):
        offset = split.yaml_start
        found = diagnose(split.yaml, finding.start - offset)
        if found is not None:
            return offset + found.start, offset + found.end, found.message, detail
    words = detail.rstrip(".")
    words = words[:1].lower() + words[1:]
    message = f"The front matter is not valid YAML here (the parser reports: {words})."
    return finding.start, finding.end, message, detail


_WIDE_BOMS: Final = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def decode(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[str, list[Finding]]:
    """Decode a file's bytes as UTF-8 (a BOM is kept as U+FEFF).

    Undecodable bytes are kept as lone surrogates (``surrogateescape``) so that encoding
    the text gives back the exact bytes; the first one is reported at its position.
    UTF-16/32 files and files over the size limit are reported at the start of the file.
    """
    text = raw.decode("utf-8", "surrogateescape")
    if len(raw) > limits.max_file_bytes:
        message = f"The file is larger than {limits.max_file_bytes} bytes."
        return text, [Finding("limit-file-size", message, "", 0, 0)]
    wide = next((name for bom, name in _WIDE_BOMS if raw.startswith(bom)), None)
    if wide is None and _looks_wide(raw):
        wide = "UTF-16"
    if wide is not None:
        message = (
            f"The file is encoded as {wide}; articles are UTF-8: re-save it as UTF-8 "
            f"(iconv -f {wide} -t UTF-8 FILE > NEW.md)."
        )
        return text, [Finding("encoding-utf16", message, "", 0, 1)]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Count characters up to the bad byte: the prefix decodes cleanly.
        start = len(raw[: exc.start].decode("utf-8"))
        message = f"Byte 0x{raw[exc.start]:02x} is not valid UTF-8."
        return text, [Finding("encoding-not-utf8", message, "", start, start + 1)]
    return text, []


def _looks_wide(raw: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text with every other byte zero."""
    sample = raw[:64]
    return len(sample) >= 4 and sample.count(0) * 3 >= len(sample)


_BARE_CR: Final = re.compile("\r(?!\n)")
_LONE_LF: Final = re.compile("(?<!\r)\n")
_CRLF: Final = re.compile("\r\n")


def text_findings(text: str, split: Split | None) -> list[Finding]:
    """Problems in the text itself: NUL bytes, control characters, line endings."""
    findings: list[Finding] = []
    nul = text.find("\x00")
    if nul >= 0:
        return [
            Finding("encoding-nul", "The file holds a NUL byte; it looks binary.", "", nul, nul + 1)
        ]
    end = len(text) if split is None else split.closing_start
    control = CONTROL_CHARACTERS.search(text, 0, end)
    if control is not None:
        char = control.group(0)
        findings.append(
            Finding(
                "text-control-character",
                f"The front matter holds the control character U+{ord(char):04X}.",
                "",
                control.start(),
                control.end(),
            )
        )
    if "\r" not in text:
        return findings  # LF only: no bare CR, nothing to mix
    bare = _BARE_CR.search(text)
    if bare is not None:
        findings.append(
            Finding(
                "line-ending-bare-cr",
                "A line ends with a bare carriage return; use LF or CRLF.",
                "",
                bare.start(),
                bare.start() + 1,
            )
        )
    first_nl = text.find("\n")
    if first_nl >= 0:
        crlf = first_nl > 0 and text[first_nl - 1] == "\r"
        other = (_LONE_LF if crlf else _CRLF).search(text)
        if other is not None:
            findings.append(
                Finding(
                    "line-ending-mixed",
                    f"The file mixes line endings; it starts with {'CRLF' if crlf else 'LF'}.",
                    "",
                    other.start(),
                    other.start(),
                )
            )
    return findings


_EMPTY: Final[dict[str, JSONValue]] = {}


def analyse(
    text: str,
    *,
    pure: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    prior: list[Finding] | None = None,
    path: str | None = None,
    rules: bool = True,
) -> Analysis:
    """Run every layer over ``text`` and return what it found.

    ``prior`` holds findings from reading the bytes (see :func:`decode`); when there are
    any, the text is not parsed further. ``pure`` selects the pure-Python YAML parser.
    ``path`` (the file's name) feeds rules that compare it with the content; ``rules``
    runs the data-quality rules after the schema.
    """
    from newsmeta.schema import schema_errors

    findings = list(prior or ())
    if findings:
        return Analysis(text, None, None, None, locate(findings, text), False)
    split = split_front_matter(text)
    early = text_findings(text, None if isinstance(split, FenceError) else split)
    if early and early[0].code == "encoding-nul":
        return Analysis(text, None, None, None, locate(early, text), False)
    findings.extend(early)
    if isinstance(split, FenceError):
        findings.append(Finding(split.code, split.message, "", split.start, split.end))
        return Analysis(text, None, None, None, locate(findings, text), False)
    offset = split.yaml_start
    fence = (len(split.bom), len(split.bom) + 3)
    parsed = compose(split.yaml, offset, pure=pure, limits=limits)
    findings.extend(parsed.findings)
    if not parsed.complete:
        return Analysis(text, split, parsed.root, None, locate(findings, text), False)
    data, data_findings = to_data(parsed.root, limits)
    if parsed.spec is not None and parsed.spec.ok:
        parsed, data, data_findings = _as_the_spec_reads(
            parsed, data, data_findings, split.yaml, offset, limits
        )
    root = parsed.root
    findings.extend(data_findings)
    if not parsed.complete:
        findings.extend(parsed.findings)
        return Analysis(text, split, None, None, locate(findings, text), False)
    if root is None:
        # Empty front matter (only blank lines or comments) is an empty mapping.
        data = dict(_EMPTY)
    if not isinstance(data, dict):
        start, end = (root.start, root.end) if root is not None else fence
        findings.append(
            Finding(
                "front-matter-not-mapping",
                "The front matter must be a mapping of keys to values, "
                f"not {'a list' if isinstance(data, list) else 'a single value'}.",
                "",
                start,
                end,
            )
        )
        return Analysis(text, split, root, data, locate(findings, text), True)
    findings.extend(schema_errors(data, root, fence, text))
    if rules:
        from newsmeta.rules import RuleContext, run_rules

        findings.extend(run_rules(RuleContext(data, root, text, path, split.closing_start)))
    problems = suppress(locate(findings, text), split)
    return Analysis(text, split, root, data, problems, True)


#: Findings after which the tree's JSON view is not the text's data (an alias reads as
#: null, a merge key is not merged, a tag is not applied, a key that is not a string
#: is left out): the spec's reading is not compared with it.
_NOT_COMPARABLE: Final = frozenset(
    {
        "yaml-alias",
        "yaml-merge-key",
        "yaml-tag",
        "yaml-complex-key",
        "yaml-key-not-string",
        "limit-key-length",
    }
)


def _as_the_spec_reads(
    parsed: ParseResult,
    data: JSONValue,
    data_findings: list[Finding],
    yaml: str,
    offset: int,
    limits: Limits,
) -> tuple[ParseResult, JSONValue, list[Finding]]:
    """The tree, view and findings to use when the YAML 1.2 spec has read the text too.

    When the view reads differently from the spec, the pure-Python parser's tree is tried
    (libyaml misreads more); when that differs too, the result is incomplete with a
    ``yaml-unportable`` finding at the first value read differently.
    """
    from newsmeta._spec import difference

    assert parsed.spec is not None
    if any(f.code in _NOT_COMPARABLE for f in data_findings):
        return parsed, data, data_findings
    where = difference(data, parsed.spec.data)
    if where is None:
        return parsed, data, data_findings
    if not parsed.pure:
        # Read as without the C parser, so both ways end the same.
        retried = compose(yaml, offset, pure=True, limits=limits)
        if not retried.complete:
            return retried, None, []
        if retried.spec is None:
            retried.spec = parsed.spec
        return _as_the_spec_reads(retried, *to_data(retried.root, limits), yaml, offset, limits)
    key, node = find_node(parsed.root, list(where))
    spot = node if node is not None else (key if key is not None else parsed.root)
    start, end = (spot.start, spot.end) if spot is not None else (offset, offset)
    message = (
        "YAML readers disagree on this value: ruamel.yaml and libyaml (PyYAML, Jekyll) "
        "read it differently from the YAML 1.2 spec; quote it or write it in block style."
    )
    pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in where)
    finding = Finding("yaml-unportable", message, pointer, start, max(end, start))
    return ParseResult(parsed.root, [finding], False, parsed.spec, parsed.pure), None, []


class QuickPass(FrozenRecord):
    """What :func:`quick_pass` found: the split text, the JSON view, and the located
    problems (all of them data-quality warnings or errors from the rules; usually none)."""

    __slots__ = ("problems", "split", "view")
    _fields = ("split", "view", "problems")
    split: Split
    view: QuickView
    problems: list[Problem]

    def __init__(self, split: Split, view: QuickView, problems: list[Problem]) -> None:
        object.__setattr__(self, "split", split)
        object.__setattr__(self, "view", view)
        object.__setattr__(self, "problems", problems)


def _view_rule_findings(
    text: str, split: Split, view: QuickView, path: str | None
) -> list[Finding] | None:
    """The rule findings of a view, located through it; ``None`` when one needs the tree."""
    rule_context, run_rules, unlocated = _rule_runner()
    context = rule_context(
        view.data,
        None,
        text,
        path,
        split.closing_start,
        view.span,
        plain_dates_only_in_date_fields=not view.plain_dates_elsewhere,
    )
    findings = run_rules(context)
    if findings and any((f.start, f.end) == unlocated for f in findings):
        return None
    return findings


def _quick_rules(
    text: str, split: Split, view: QuickView, path: str | None
) -> list[Problem] | None:
    """The located rule problems of a view, or ``None`` when one needs the tree."""
    findings = _view_rule_findings(text, split, view, path)
    return None if findings is None else suppress(locate(findings, text), split)


def quick_pass(
    text: str, *, limits: Limits = DEFAULT_LIMITS, path: str | None = None
) -> QuickPass | None:
    """What :func:`analyse` would report for ``text``, when that can be found without a
    node tree; ``None`` otherwise.

    The quick path covers a file whose YAML reads into a mapping without remark (see
    :func:`~newsmeta._quick.quick_view`), that passes the schema, and whose rule findings
    (if any) are about scalar values. Anything else returns ``None``, and the caller runs
    :func:`analyse`, which finds and locates it. ``text`` must have decoded without
    findings (see :func:`decode`).
    """
    from newsmeta.schema import conforms

    read = quick_read(text, limits)
    if read is None:
        return None
    split, view = read
    if not conforms(view.data):
        return None
    problems = _quick_rules(text, split, view, path)
    return None if problems is None else QuickPass(split, view, problems)


def analyse_quickly(
    text: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    prior: list[Finding] | None = None,
    path: str | None = None,
    rules: bool = True,
) -> tuple[Analysis, QuickView | None]:
    """What :func:`analyse` returns for ``text`` (with the rules), found the cheapest way,
    and the quick view when there was one.

    When the YAML layers have nothing to report (see :func:`~newsmeta._quick.quick_view`):

    - a file that passes the schema, and whose rule findings are about scalar values,
      needs no node tree at all: the analysis composes it only if asked (``root``);
    - any other (a schema error, a finding about a whole list or mapping) gets its tree
      from the view's own parser, without the view's checks again, and the schema and the
      rules run on the view's data, as :func:`analyse` would run them.

    Anything else goes to :func:`analyse`. A differential test holds the results equal.
    ``rules=False`` lets the rules of a clean quick read wait (see :func:`analyse_view`).
    """
    if prior:
        return analyse(text, prior=prior, path=path, limits=limits), None
    read = quick_read(text, limits)
    if read is None:
        return analyse(text, path=path, limits=limits), None
    split, view = read
    return analyse_view(text, split, view, path, limits, rules=rules), view


def quick_read(text: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Split, QuickView] | None:
    """The split text and its quick view, when the YAML layers have nothing to report
    (``text`` decoded without findings); ``None`` when only :func:`analyse` can tell.

    The view's data is then what :func:`analyse` would give as ``data``: with
    :func:`analyse_view`, this is :func:`analyse_quickly` in two steps, so that a caller
    can hand out the data first and check it when asked.
    """
    split = split_front_matter(text)
    if isinstance(split, FenceError):
        return None
    # The C parser refuses every control character but U+0085 in the YAML text, and the
    # quick view then gives up; so the scan of :func:`text_findings` is needed only for
    # NUL (anywhere), U+0085 and line endings, which plain searches rule out quickly.
    if ("\x00" in text or "\r" in text or "\x85" in split.yaml) and text_findings(text, split):
        return None
    view = _quick_reader()(split.yaml, split.yaml_start, limits)
    return None if view is None else (split, view)


def analyse_view(
    text: str,
    split: Split,
    view: QuickView,
    path: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    *,
    rules: bool = True,
) -> Analysis:
    """What :func:`analyse` returns for ``text``, given its :func:`quick_read`: the schema
    and the rules run on the view's data (see :func:`analyse_quickly`).

    With ``rules=False``, data that passes the schema has its rules wait until its
    ``problems`` are first asked for (:attr:`Analysis.rules_pending`): an edit needs to
    know only whether its result has errors, and the rules report warnings (unless a
    caller's severities raise one). Data that fails the schema is checked in full.

    Problems are located through the view (see :class:`_ViewLocator`); the node tree is
    built from the view's events only when one of them needs it (a problem about a whole
    list or a nested mapping, an empty value), else on first use of ``root``.
    """
    conforms, schema_errors = _schema_checks()
    data = view.data
    if not rules and conforms(data):
        analysis = Analysis(text, split, None, data, [], True, lazy=limits, view=view)
        analysis._pending = (view, path, limits)
        return analysis
    rule_findings = _view_rule_findings(text, split, view, path)
    valid = conforms(data)
    if valid and rule_findings is not None:
        problems = suppress(locate(rule_findings, text), split)
        return Analysis(text, split, None, data, problems, True, lazy=limits, view=view)
    where = _ViewLocator(view, text, split)
    fence = (len(split.bom), len(split.bom) + 3)
    # Valid data has no schema errors: conforms() found none of the typed model's either.
    findings = [] if valid else schema_errors(data, where, fence, text)
    if rule_findings is None:
        from newsmeta.rules import RuleContext, run_rules

        context = RuleContext(data, where.tree(), text, path, split.closing_start)
        rule_findings = run_rules(context)
    findings.extend(rule_findings)
    problems = suppress(locate(findings, text), split)
    if where.built:
        return Analysis(text, split, where.tree(), data, problems, True)
    return Analysis(text, split, None, data, problems, True, lazy=limits, view=view)


class _ViewLocator(Locator):
    """Locates the problems of a quick view's data through the view and the text.

    A scalar value's span comes from the view's index; a key's from the text just
    before its value, when the value is a scalar on the key's line (``key: value``);
    the first key of the top-level mapping from the first line of the front matter
    that is not blank or a comment. Each answer is checked against the text (the key's
    exact characters, then ``:``), and anything else (a list, a nested mapping, an
    empty value, a quoted key) is read in the node tree, built from the view's events
    on first need. A differential test holds the answers equal to the tree's.
    """

    def __init__(self, view: QuickView, text: str, split: Split) -> None:
        super().__init__(None)
        self._view = view
        self._text = text
        self._split = split
        self.built = False

    def tree(self) -> Node | None:
        if not self.built:
            self._root = self._view.tree()
            self.built = True
        return self._root

    def value_span(self, parts: list[str | int]) -> tuple[int, int] | None:
        return self._view.span(parts)

    def key_span(self, parts: list[str | int], key: str) -> tuple[int, int] | None:
        value = self._view.span([*parts, key])
        if value is None or value[1] <= value[0] or "\n" in key:
            return None
        text = self._text
        colon = value[0]
        while colon > 0 and text[colon - 1] == " ":
            colon -= 1
        if colon == value[0] or text[colon - 1 : colon] != ":":
            return None  # `key: value` needs a space after the colon
        end = colon - 1
        start = end - len(key)
        if start < self._split.yaml_start or text[start:end] != key:
            return None
        if text[start - 1] not in "\n -{,":
            return None
        return start, end

    def first_key_span(self, parts: list[str | int]) -> tuple[int, int] | None:
        if parts:
            return None
        key = next(iter(self._view.data), None)
        if key is None or "\n" in key:
            return None
        split = self._split
        yaml = split.yaml
        at = 0
        while at < len(yaml):
            line_end = yaml.find("\n", at)
            if line_end < 0:
                line_end = len(yaml)
            stripped = yaml[at:line_end].lstrip(" ")
            if stripped and stripped[0] != "#":
                break
            at = line_end + 1
        else:
            return None
        after = at + len(key)
        if not yaml.startswith(key, at) or yaml[after : after + 1] != ":":
            return None
        if yaml[after + 1 : after + 2] not in ("", " ", "\n"):
            return None
        return split.yaml_start + at, split.yaml_start + after


_SUPPRESSION: Final = re.compile(r"#\s*newsmeta:\s*ignore\[([A-Za-z0-9_,\s-]+)\]")


def suppress(problems: list[Problem], split: Split) -> list[Problem]:
    """Drop problems silenced by a ``# newsmeta: ignore[CODE, ...]`` comment.

    The comment silences the listed codes on its own line and on the line after it, so it
    can sit at the end of the offending line or on the line above.
    """
    if "newsmeta:" not in split.yaml or not problems:
        return problems
    first_line = (split.bom + split.opening).count("\n") + 1
    silenced: dict[int, set[str]] = {}
    for offset, line in enumerate(split.yaml.split("\n")):
        match = _SUPPRESSION.search(line)
        if match:
            codes = {c.strip().lower() for c in match.group(1).split(",") if c.strip()}
            for target in (first_line + offset, first_line + offset + 1):
                silenced.setdefault(target, set()).update(codes)
    return [p for p in problems if p.code not in silenced.get(p.line, ())]


def check_data(data: JSONValue) -> list[Problem]:
    """The schema and rule problems of a JSON view of front matter, without a text.

    The same layers as :func:`analyse` after the YAML (schema, then the data-quality rules),
    on data built in memory: there are no positions, so every problem has ``line``,
    ``column``, ``end_line`` and ``end_column`` 0 and is located by its ``pointer`` only.
    Rules about the file (its name, its line endings) cannot run. Problems come in the order
    found: the schema's, then the rules'.
    """
    from newsmeta.rules import RuleContext, run_rules
    from newsmeta.schema import schema_errors

    findings: list[Finding] = []
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        message = f"The front matter must be a mapping of keys to values, not {kind}."
        findings.append(Finding("front-matter-not-mapping", message, "", 0, 0))
    else:
        findings.extend(schema_errors(data, None, (0, 0), ""))
        # The rules' guard looks for text in the front matter before walking the values:
        # here the values themselves are the text (each written literally).
        from newsmeta.rules import string_values

        text = "\n".join(value for _, value in string_values(data))
        context = RuleContext(data, None, text, None, None, lambda parts: None)
        findings.extend(run_rules(context))
    return [
        Problem(
            code=f.code,
            severity=_severity(f.code),
            message=f.message.replace("{related}", "another place"),
            pointer=f.pointer,
            line=0,
            column=0,
            end_line=0,
            end_column=0,
        )
        for f in findings
    ]
