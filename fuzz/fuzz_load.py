"""Coverage-guided fuzzing of newsmeta's loader and validator with atheris.

Every input must produce a Document whose problems are newsmeta's own, whose text is the
input, and which dumps back to the input; and validation's quick path must give exactly
the result of the full path. Any exception is a finding.

Run (a corpus folder collects interesting inputs; seed it with a few articles)::

    pip install atheris
    mkdir -p fuzz/corpus && cp examples/*.md fuzz/corpus/
    python fuzz/fuzz_load.py fuzz/corpus -max_total_time=1800 -rss_limit_mb=2048 -timeout=5
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import newsmeta
    from newsmeta._check import analyse, decode
    from newsmeta.problems import CODES
    from newsmeta.validation import FileResult, _url_uses, check_bytes


def test_one_input(data: bytes) -> None:
    """Load ``data`` as an article file; fail loudly on anything but located problems."""
    text, findings = decode(data)
    analysis = analyse(text, prior=findings, path="2024-03-05-a.md")
    assert text.encode("utf-8", "surrogateescape") == data
    for problem in analysis.problems:
        assert problem.code in CODES, problem
        assert problem.line >= 1
        assert problem.column >= 1
    document = newsmeta.loads(text)
    assert document.text == text
    _ = document.article
    full = FileResult("2024-03-05-a.md", tuple(analysis.problems), _url_uses(analysis))
    assert check_bytes(data, "2024-03-05-a.md") == full


def main() -> None:
    """Start the fuzzer with the command-line arguments libFuzzer understands."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
