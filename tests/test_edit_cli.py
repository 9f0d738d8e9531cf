"""The editing commands: get, set, unset, append, insert, bulk form, --dry-run, --force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmeta.cli import main
from tests.test_edit import ARTICLE, changed_lines


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.md"
    path.write_bytes(ARTICLE.encode())
    return path


def test_get_prints_scalars_plain_and_others_as_json(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["get", str(article), "title"]) == 0
    assert capsys.readouterr().out == "A title\n"
    assert main(["get", str(article), "/provider"]) == 0
    assert json.loads(capsys.readouterr().out) == {"name": "Example", "domain": "example.org"}
    assert main(["get", str(article), "heat"]) == 0
    assert capsys.readouterr().out == "-1\n"


def test_get_missing_path_exits_1(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", str(article), "nope"]) == 1
    assert "nope" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "lines"),
    [
        (["set", "title", "New: title"], ['-title: "A title"', '+title: "New: title"']),
        (["set", "quality", "5"], ["-quality: 27", "+quality: 5"]),
        (["set", "provider.name", "Other"], ["-  name: Example", "+  name: Other"]),
        (
            ["set", "publishedDateTime", "2021-01-02 03:04:05+00:00"],
            [
                "-publishedDateTime: 2020-07-16T19:15:00Z",
                "+publishedDateTime: 2021-01-02T03:04:05Z",
            ],
        ),
        (["append", "topics", "Robots"], ["+  - Robots"]),
        (["insert", "topics", "0", "First"], ["+  - First"]),
        (["unset", "heat"], ["-heat: -1"]),
        (["set", "removed", "true"], ["+removed: true"]),
        (["set", "--string", "provider.name", "true"], ["-  name: Example", '+  name: "true"']),
        (
            ["set", "--json", "topics", '["A"]'],
            ["-  - Computer Vision", "-  - AI", "+  - A"],
        ),
    ],
)
def test_edit_commands_change_exactly_the_expected_lines(
    article: Path, argv: list[str], lines: list[str]
) -> None:
    command, *rest = argv
    options = [arg for arg in rest if arg.startswith("--")]
    rest = [arg for arg in rest if not arg.startswith("--")]
    assert main([command, *options, str(article), *rest]) == 0
    assert changed_lines(ARTICLE, article.read_text(encoding="utf-8")) == lines


def test_dry_run_prints_diff_and_writes_nothing(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["set", "--dry-run", str(article), "quality", "3"]) == 0
    out = capsys.readouterr().out
    assert "-quality: 27\n+quality: 3\n" in out
    label = str(article).lstrip("/")
    # The +++ line says after a tab, where patch tools ignore it, that nothing was written.
    assert out.startswith(f"--- a/{label}\n+++ b/{label}\t(not written)\n")
    assert article.read_bytes() == ARTICLE.encode()


def test_refused_edit_exits_1_and_leaves_file_identical(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["set", str(article), "heat", "--", "-5"]) == 1
    assert "schema-minimum" in capsys.readouterr().err
    assert article.read_bytes() == ARTICLE.encode()
    assert main(["unset", str(article), "provider.images"]) == 1
    assert article.read_bytes() == ARTICLE.encode()


@pytest.mark.parametrize(
    "argv",
    [
        ["get", "FILE", "nope"],
        ["set", "FILE", "provider.images", "x"],
        ["unset", "FILE", "nope"],
        ["append", "FILE", "nope[0].x", "y"],
        ["insert", "FILE", "topics[9]", "0", "y"],
        ["edit", ".heat = -5", "FILE"],
    ],
)
def test_every_edit_command_names_itself_in_its_messages(
    article: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    # As argparse, query, edit, new and export do: `newsmeta COMMAND: FILE: ...`.
    assert main([str(article) if word == "FILE" else word for word in argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"newsmeta {argv[0]}: {article}: "), err


def test_force_writes_an_edit_that_introduces_errors(article: Path) -> None:
    assert main(["set", "--force", str(article), "heat", "--", "-5"]) == 0
    assert "heat: -5\n" in article.read_text(encoding="utf-8")


def test_bulk_form_applies_one_edit_to_every_file(tmp_path: Path) -> None:
    paths = [tmp_path / f"{i}.md" for i in range(3)]
    for path in paths:
        path.write_bytes(ARTICLE.encode())
    assert main(["append", *map(str, paths), "topics", "Bulk"]) == 0
    for path in paths:
        assert changed_lines(ARTICLE, path.read_text(encoding="utf-8")) == ["+  - Bulk"]


def test_bulk_form_refuses_per_file(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_bytes(ARTICLE.encode())
    bad.write_bytes(b"---\nprovider: &p {name: A}\n---\n")
    assert main(["set", str(good), str(bad), "provider.name", "B"]) == 1
    assert bad.read_bytes() == b"---\nprovider: &p {name: A}\n---\n"
    assert "name: B\n" in good.read_text(encoding="utf-8")


def test_missing_file_exits_2(tmp_path: Path) -> None:
    assert main(["set", str(tmp_path / "none.md"), "title", "x"]) == 2


def test_options_may_follow_the_positional_arguments(tmp_path: Path) -> None:
    from newsmeta.cli import main

    path = tmp_path / "a.md"
    path.write_text('---\ntitle: "Old"\nquality: 3\n---\n', encoding="utf-8")
    assert main(["set", str(path), "title", "--string", "123"]) == 0
    assert main(["set", str(path), "quality", "7", "--dry-run"]) == 0
    assert path.read_text(encoding="utf-8") == '---\ntitle: "123"\nquality: 3\n---\n'


def test_a_symlink_is_refused_with_the_command_line_flag_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsmeta.cli import main

    real = tmp_path / "real.md"
    real.write_text('---\ntitle: "Old"\n---\n', encoding="utf-8")
    (tmp_path / "link.md").symlink_to(real)
    assert main(["set", str(tmp_path / "link.md"), "title", "New"]) == 1
    err = capsys.readouterr().err
    assert "--allow-links" in err
    assert err.count("link.md") == 1
    assert main(["set", str(tmp_path / "link.md"), "title", "New", "--allow-links"]) == 0
    assert "New" in real.read_text(encoding="utf-8")


def test_get_and_diffs_never_print_terminal_controls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "esc.md"
    path.write_text('---\ntitle: "a\u202eb \\e[31mred"\n---\n', encoding="utf-8")
    assert main(["get", str(path), "title"]) == 0
    assert capsys.readouterr().out == '"a\\u202eb \\u001b[31mred"\n'
    assert main(["set", str(path), "title", "x", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out
    assert "\x1b" not in out
