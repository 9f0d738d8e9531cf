"""Every real file in ``../shared/corpus``: no-op byte identity, and a scalar edit that
changes exactly one line."""

from __future__ import annotations

import difflib
from pathlib import Path

import newsmeta


def test_every_corpus_file_dumps_identical_bytes(corpus: list[Path]) -> None:
    for path in corpus:
        document = newsmeta.load(path)
        assert document.encoded() == path.read_bytes(), path


def test_scalar_edit_on_every_corpus_file_changes_only_its_line(corpus: list[Path]) -> None:
    for path in corpus:
        before = path.read_text(encoding="utf-8")
        document = newsmeta.load(path)
        document.set("title", "Edited title: with a colon")
        document.set("quality", 12345)
        removed = [
            line
            for line in difflib.ndiff(before.splitlines(), document.dumps().splitlines())
            if line.startswith(("- ", "+ "))
        ]
        assert [line[:9] for line in removed] == [
            "- title: ",
            "+ title: ",
            "- quality",
            "+ quality",
        ] or [line[:9] for line in removed] == ["- title: ", "+ title: "], path
        assert document.get("title") == "Edited title: with a colon"
        assert not document.new_errors(), path


MATRIX = [
    (["set", "title", "CLI title"], "title"),
    (["set", "quality", "7"], "quality"),
    (["set", "provider.name", "CLI Provider"], "  name"),
    (["set", "publishedDateTime", "2021-01-02T03:04:05Z"], "publishedDateTime"),
    (["append", "topics", "CLI Topic"], "  - "),
    (["unset", "heat"], "heat"),
    (["set", "removed", "true"], "removed"),
]


def test_cli_matrix_on_real_files_changes_only_the_target_lines(
    corpus: list[Path], tmp_path: Path
) -> None:
    from newsmeta.cli import main

    for source in corpus[::27]:
        original = source.read_bytes()
        before = original.decode("utf-8")
        for argv, prefix in MATRIX:
            command, *rest = argv
            if command == "unset" and b"\nheat:" not in original:
                continue
            path = tmp_path / source.name
            path.write_bytes(original)
            assert main([command, str(path), *rest]) == 0, (source, argv)
            after = path.read_text(encoding="utf-8")
            changed = [
                line[2:]
                for line in difflib.ndiff(before.splitlines(), after.splitlines())
                if line.startswith(("- ", "+ "))
            ]
            assert changed, (source, argv)
            assert all(line.startswith(prefix) for line in changed), (source, argv, changed)
            if command == "unset":
                continue
            reloaded = newsmeta.load(path)
            value = reloaded.get(rest[0]) if command != "append" else reloaded.get("topics[-1]")
            assert str(value).lower() == rest[-1].lower(), (source, argv)
        if b"removed" not in original:
            document = newsmeta.load(source)
            document.set("removed", True)
            lines = document.dumps().splitlines()
            index = lines.index("removed: true")
            assert lines[index - 1].split(":")[0] in ("published", "heat", "quality", "type")
