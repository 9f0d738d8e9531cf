"""The bulk-edit jobs of the guide, each one command on a copy of the real corpus (and, for
``related``, which the real files lack, on generated files): each changes exactly the
lines that carry the change, and a second run changes nothing."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path
from typing import Any

import pytest

import newsmeta
from newsmeta.cli import main

from .conftest import ROOT, load_module


def diff_lines(before: dict[str, bytes], folder: Path) -> dict[str, list[str]]:
    """Per changed file, its -/+ lines (what ``git diff --numstat`` counts)."""
    out = {}
    for name, old in before.items():
        new = (folder / name).read_bytes()
        if new != old:
            out[name] = [
                line
                for line in difflib.unified_diff(
                    old.decode().splitlines(), new.decode().splitlines(), n=0, lineterm=""
                )
                if line[:1] in "+-" and not line.startswith(("+++", "---"))
            ]
    return out


@pytest.fixture
def copy(corpus: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real corpus in ``tmp_path/corpus``; the working directory is tmp_path."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in corpus:
        shutil.copyfile(path, folder / path.name)
    monkeypatch.chdir(tmp_path)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.glob("*.md")}


def run_twice(folder: Path, *argv: str) -> dict[str, list[str]]:
    """Run ``newsmeta edit ARGV corpus`` twice; return the first run's diff lines and check
    that the second changed nothing."""
    before = snapshot(folder)
    assert main(["edit", *argv, "corpus"]) == 0
    after = snapshot(folder)
    assert main(["edit", *argv, "corpus"]) == 0
    assert snapshot(folder) == after
    return diff_lines(before, folder)


def test_adding_ai_where_missing_adds_one_line_per_file(copy: Path) -> None:
    lacking = {
        name
        for name, data in snapshot(copy).items()
        if b"\n  - AI\n" not in data.split(b"\ntopics:\n", 1)[-1].split(b"\n\n", 1)[0] + b"\n"
    }
    changed = run_twice(copy, '.topics |= (if index(["AI"]) then . else . + ["AI"] end)')
    assert set(changed) == lacking
    assert all(lines == ["+  - AI"] for lines in changed.values())


def test_publishing_where_quality_is_over_50_changes_one_line_per_file(copy: Path) -> None:
    expected = set()
    for path in copy.glob("*.md"):
        data: Any = newsmeta.load(path).data
        if data["quality"] > 50 and data["published"] is not True:
            expected.add(path.name)
    assert expected
    changed = run_twice(copy, "if .quality > 50 then .published = true else . end")
    assert set(changed) == expected
    assert all(lines == ["-published: false", "+published: true"] for lines in changed.values())


def test_renaming_a_key_restores_the_canonical_file(copy: Path) -> None:
    originals = snapshot(copy)
    typos = sorted(originals)[::9]
    for name in typos:
        path = copy / name
        path.write_bytes(path.read_bytes().replace(b"\npublishedDateTime:", b"\npublishDateTime:"))
    changed = run_twice(
        copy,
        "--where",
        'has("publishDateTime")',
        ".publishedDateTime = .publishDateTime | del(.publishDateTime)",
    )
    assert sorted(changed) == typos
    assert all(len(lines) == 2 for lines in changed.values())
    assert snapshot(copy) == originals


def test_collapsing_doubled_spaces_changes_only_title_lines(copy: Path) -> None:
    doubled = {
        path.name for path in copy.glob("*.md") if "  " in str(newsmeta.load(path).get("title"))
    }
    changed = run_twice(copy, '.title |= gsub("  +"; " ")')
    assert set(changed) == doubled
    for lines in changed.values():
        assert [line[:8] for line in lines] == ["-title: ", "+title: "]


def test_a_job_for_a_key_no_file_has_changes_nothing(copy: Path) -> None:
    changed = run_twice(
        copy,
        "--where",
        'has("related")',
        '.related |= map(select(.publishedDateTime >= "2024-01-01"))',
    )
    assert changed == {}


def test_listing_the_articles_without_images(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "-r", "select(.images == null) | $path", "corpus"]) == 0
    listed = set(capsys.readouterr().out.splitlines())
    assert listed == {
        f"corpus/{path.name}" for path in copy.glob("*.md") if b"\nimages:" not in path.read_bytes()
    }


# --- related articles, on generated files ------------------------------------------------------


@pytest.fixture
def generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """60 generated articles, each with one to five related articles."""
    make_corpus = load_module("make_corpus", ROOT / "benchmarks/make_corpus.py")
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text, _ in make_corpus.generate(60, 11, 0.0, related_rate=1.0):
        (folder / name).write_text(text, encoding="utf-8", newline="")
    monkeypatch.chdir(tmp_path)
    return folder


def item_lines(path: Path) -> list[tuple[str, list[str]]]:
    """Each related article of a file: its date and its exact lines."""
    from newsmeta._edit import content_end

    document = newsmeta.load(path)
    text = document.text
    root: Any = document.node
    related = root.get("related")[1]
    items = []
    for index, node in enumerate(related.items):
        start = text.rfind("\n", 0, text.rfind("-", 0, node.start)) + 1
        end = content_end(text, node)
        date = document.get(f"related[{index}].publishedDateTime")
        items.append((str(date), text[start:end].splitlines()))
    return items


def test_dropping_old_related_articles_removes_exactly_their_lines(generated: Path) -> None:
    cut = "2023-06-01"
    dropped = {path.name: item_lines(path) for path in generated.glob("*.md")}
    changed = run_twice(
        generated,
        "--where",
        'has("related")',
        f'.related |= map(select(.publishedDateTime >= "{cut}")) | del(.related | select(. == []))',
    )
    assert changed
    emptied = 0
    for name, items in dropped.items():
        gone = [line for date, lines in items if date < cut for line in lines]
        lines = changed.get(name, [])
        assert all(line.startswith("-") for line in lines)
        if all(date < cut for date, _ in items):
            # The whole list went: its key too, and one of the blank lines around it.
            emptied += 1
            assert [line[1:] for line in lines] == ["related:", *gone, ""]
        else:
            assert [line[1:] for line in lines] == gone
    assert emptied
