"""`newsmeta fix`: safe repairs change only their own values' lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import newsmeta
from newsmeta.cli import main
from newsmeta.fixing import apply_fixes, fix_document, fixable_codes


def test_fix_on_the_seed_changes_exactly_the_mojibake_line(
    seed_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "seed.md"
    shutil.copyfile(seed_path, copy)  # the shared seed is read-only; the copy must not be
    before = copy.read_text(encoding="utf-8").split("\n")
    assert main(["fix", str(copy)]) == 0
    after = copy.read_text(encoding="utf-8").split("\n")
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [3]
    assert "recognition’s similar global expansion" in after[3]
    assert "fixed 1 problem in 1 file" in capsys.readouterr().out


def test_dry_run_prints_the_diff_and_writes_nothing(
    seed_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "seed.md"
    shutil.copyfile(seed_path, copy)  # the shared seed is read-only; the copy must not be
    assert main(["fix", "--dry-run", str(copy)]) == 0
    out = capsys.readouterr().out
    assert copy.read_bytes() == seed_path.read_bytes()
    assert "-excerpt:" in out
    assert "+excerpt:" in out
    assert "would fix 1 problem" in out


def test_fix_selects_by_code(seed_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "seed.md"
    shutil.copyfile(seed_path, copy)  # the shared seed is read-only; the copy must not be
    assert main(["fix", "--select", "text-html-entity", str(copy)]) == 0
    assert copy.read_bytes() == seed_path.read_bytes()
    assert main(["fix", "--select", "schema-type", str(copy)]) == 2


def test_fixes_repair_entities_whitespace_and_cdn_url() -> None:
    text = """---
title: " Rock &amp; Roll\u00a0"
excerpt: "It&#8217;s loud."
ampWebUrl: "https://a-b.example.com/amp/x"
cdnAmpWebUrl: "https://wrong.cdn.ampproject.org/c/s/a-b.example.com/amp/x"
---
"""
    doc = newsmeta.loads(text)
    applied = fix_document(doc)
    assert {f.code for f in applied} == {
        "text-html-entity",
        "text-whitespace",
        "url-cdn-amp-mismatch",
    }
    assert doc.get("title") == "Rock & Roll"
    assert doc.get("excerpt") == "It’s loud."
    assert doc.get("cdnAmpWebUrl") == (
        "https://a--b-example-com.cdn.ampproject.org/c/s/a-b.example.com/amp/x"
    )
    assert doc.dumps().split("\n")[0] == "---"
    assert doc.dumps().endswith("---\n")


def test_fix_over_the_real_corpus_leaves_no_fixable_problem(
    corpus: list[Path], tmp_path: Path
) -> None:
    codes = set(fixable_codes())
    touched = 0
    for path in corpus:
        doc = newsmeta.load(path)
        if not {p.code for p in doc.problems} & codes:
            continue
        before = doc.dumps().split("\n")
        fixed_lines = {p.line - 1 for p in doc.problems if p.code in codes}
        applied = fix_document(doc)
        assert applied, path
        after = doc.dumps().split("\n")
        assert len(after) == len(before), path
        changed = {i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
        assert changed <= fixed_lines, path
        reloaded = newsmeta.loads(doc.dumps())
        assert not {p.code for p in reloaded.problems} & codes, path
        assert reloaded.ok, path
        touched += 1
    assert touched > 50


def test_fix_document_can_be_limited_to_one_value() -> None:
    text = '---\ntitle: "Rock &amp; Roll"\nexcerpt: "Tom &amp; Jerry "\n---\n'
    doc = newsmeta.loads(text)
    applied = fix_document(doc, pointer="/excerpt")
    assert [(fix.code, fix.pointer) for fix in applied] == [
        ("text-html-entity", "/excerpt"),
        ("text-whitespace", "/excerpt"),
    ]
    assert doc.text == '---\ntitle: "Rock &amp; Roll"\nexcerpt: "Tom & Jerry"\n---\n'
    only_entities = newsmeta.loads(text)
    fix_document(only_entities, {"text-html-entity"}, pointer="/excerpt")
    assert only_entities.text == '---\ntitle: "Rock &amp; Roll"\nexcerpt: "Tom & Jerry "\n---\n'


# --- what could not be fixed, and why -------------------------------------------------------


def test_a_refused_fix_is_reported_with_the_editor_s_cause() -> None:
    text = '---\ntitle: "Rock &amp; Roll"\nrelated:\n  - &r\n    title: " Spaced"\n---\n'
    document = newsmeta.loads(text)
    report = apply_fixes(document)
    assert [(f.code, f.pointer) for f in report.applied] == [("text-html-entity", "/title")]
    assert document.text == text.replace("&amp;", "&")
    [left] = report.unfixed
    assert (left.code, left.pointer, left.line, left.column) == (
        "text-whitespace",
        "/related/0/title",
        5,
        12,
    )
    assert left.reason.startswith(
        "the edit was refused: related[0].title: it is inside related[0], which carries the "
        "anchor '&r' at line 4;"
    )
    assert left.message == "The text starts or ends with whitespace."


def test_a_value_behind_a_duplicate_key_is_reported_not_raised() -> None:
    text = '---\ntitle: "A &amp; B"\ntitle: "C"\n---\n'
    document = newsmeta.loads(text)
    report = apply_fixes(document)
    assert report.applied == ()
    [left] = report.unfixed
    assert left.code == "text-html-entity"
    assert "defined more than once, at lines 2 and 3" in left.reason
    assert document.text == text
    assert fix_document(newsmeta.loads(text)) == []


def test_every_fixable_problem_left_is_reported_once() -> None:
    text = '---\ntitle: "&amp; "\nexcerpt: "x&#8217;s"\nrelated:\n  - &r\n    title: " N"\n---\n'
    document = newsmeta.loads(text)
    report = apply_fixes(document)
    fixable = set(fixable_codes())
    left = [(p.code, p.pointer) for p in document.problems if p.code in fixable]
    assert [(u.code, u.pointer) for u in report.unfixed] == left
    assert left == [("text-whitespace", "/related/0/title")]


def test_the_command_names_each_file_and_cause_it_could_not_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '---\ntitle: "Rock &amp; Roll"\nrelated:\n  - &r\n    title: " Spaced"\n---\n'
    stuck = tmp_path / "stuck.md"
    stuck.write_text(text.replace("&amp;", "&"), encoding="utf-8")
    mixed = tmp_path / "mixed.md"
    mixed.write_text(text, encoding="utf-8")
    assert main(["fix", "--dry-run", str(stuck)]) == 0
    captured = capsys.readouterr()
    assert captured.out == (
        "nothing would be fixed: 1 problem in 1 file could not be fixed safely "
        "(each is listed above with the reason)\n"
    )
    assert captured.err == (
        f"{stuck}:5:12: text-whitespace: not fixed: the edit was refused: related[0].title: "
        "it is inside related[0], which carries the anchor '&r' at line 4; newsmeta does not "
        "edit through YAML anchors and aliases: edit the file by hand, or remove the anchor "
        "and its aliases first\n"
    )
    assert main(["fix", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == (
        "fixed 1 problem in 1 file; 2 problems in 2 files could not be fixed safely "
        "(each is listed above with the reason)"
    )
    assert sorted(line.split(":")[0] for line in captured.err.splitlines()) == [
        str(mixed),
        str(stuck),
    ]
    assert main(["fix", "--quiet", str(tmp_path)]) == 0
    assert capsys.readouterr() == ("", "")
