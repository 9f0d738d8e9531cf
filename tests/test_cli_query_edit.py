"""``newsmeta query`` and ``newsmeta edit`` on the command line."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

import newsmeta
from newsmeta.cli import main

TEMPLATE = """\
---
category: news
title: "{title}"
excerpt: "An excerpt"
publishedDateTime: 2020-07-16T19:15:00Z
webUrl: "https://example.org/{slug}"
type: article
quality: {quality}
heat: 3
published: false

provider:
  name: Example
  domain: example.org

topics:
  - Computer Vision
{images}
secured: "QUJDREVGR0hJSktMTU5PUA==;MDEyMzQ1Njc4OWFiY2RlZg=="
---
Body of {slug}.
"""

IMAGES = """
images:
  - url: "https://example.org/{slug}.jpg"
    width: 1440
    height: 720
"""


def article(slug: str, *, quality: int = 10, images: bool = True, title: str = "") -> str:
    return TEMPLATE.format(
        slug=slug,
        title=title or f"Title of {slug}",
        quality=quality,
        images=IMAGES.format(slug=slug) if images else "",
    )


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Four articles in ``content/``, the working directory being ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(article("a", quality=70), encoding="utf-8")
    (content / "b.md").write_text(article("b", images=False), encoding="utf-8")
    (content / "c.md").write_text(article("c", quality=90, images=False), encoding="utf-8")
    (content / "d.md").write_text(article("d", title="Two  spaces"), encoding="utf-8")
    return content


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.md"))}


def changed(before: dict[str, bytes], folder: Path) -> dict[str, list[str]]:
    """Per changed file, the -/+ lines of its diff."""
    import difflib

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


# --- query ----------------------------------------------------------------------------------


def test_query_lists_the_articles_without_images(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "select(.images == null) | $path", "content"]) == 0
    assert capsys.readouterr().out.splitlines() == ['"content/b.md"', '"content/c.md"']


def test_query_prints_one_compact_json_line_per_output(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "{q: .quality, t: .topics}, .published", "content/a.md"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ['{"q":70,"t":["Computer Vision"]}', "false"]
    assert json.loads(out[0]) == {"q": 70, "t": ["Computer Vision"]}


def test_query_raw_and_with_path(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--raw", "--with-path", ".title, .quality", "content/a.md"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "content/a.md\tTitle of a",
        "content/a.md\t70",
    ]


def test_query_timestamps_are_their_rfc3339_text(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "-r", '.publishedDateTime | select(. < "2021")', "content/a.md"]) == 0
    assert capsys.readouterr().out == "2020-07-16T19:15:00Z\n"


def test_query_variables(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["query", "--arg", "t", "x", "--argjson", "n", '{"a": [1]}', "[$t, $n]", "content/a.md"]
    assert main(argv) == 0
    assert capsys.readouterr().out == '["x",{"a":[1]}]\n'


def test_query_that_does_not_compile_exits_2(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", ".a |", "content"]) == 2
    err = capsys.readouterr().err
    assert "does not compile" in err
    assert "line 1" in err
    assert "Traceback" not in err


def test_query_failing_on_one_file_goes_on_and_exits_1(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = 'if .quality == 90 then error("too good") else .quality end'
    assert main(["query", program, "content"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["70", "10", "10"]
    assert "content/c.md: jq: error: too good" in captured.err


def test_query_halt_error_ends_the_run_as_jq_does(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # jq prints a string raw on stderr (no newline added), exits 5, and reads no more input.
    program = '.quality, (select(.quality == 90) | "stop at \\($path)\\n" | halt_error)'
    assert main(["query", program, "content"]) == 5
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["70", "10", "90"]
    assert captured.err == "stop at content/c.md\n"


def test_query_halt_error_with_a_status_and_a_value_that_is_not_text(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "{q: .quality} | halt_error(3)", "content/a.md"]) == 3
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", '{"q":70}\n')


def test_query_halt_ends_the_run_quietly_as_jq_does(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "$path, halt", "content"]) == 0
    assert capsys.readouterr() == ('"content/a.md"\n', "")


def test_query_input_filename_is_the_path_and_input_has_no_more(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each file is one input, as `jq . a.md` reads it: no other input is left to read.
    assert main(["query", "input_filename, (try input catch .)", "content/a.md"]) == 0
    assert capsys.readouterr().out == '"content/a.md"\n"No more inputs"\n'


def test_query_reports_unreadable_front_matter_and_goes_on(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "bad.md").write_text('---\ntitle: "open\n---\n', encoding="utf-8")
    assert main(["query", "-r", ".title", "content"]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 4
    assert "content/bad.md: the front matter cannot be read" in captured.err


def test_query_escapes_terminal_controls(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "a.md").write_text(
        article("a", title="Bell\\u0007 and \\u001b[31mred"), encoding="utf-8"
    )
    assert main(["query", "-r", ".title", "content/a.md"]) == 0
    raw = capsys.readouterr().out
    assert "\x1b" not in raw
    assert "\x07" not in raw
    assert main(["query", ".title", "content/a.md"]) == 0
    assert json.loads(capsys.readouterr().out) == "Bell\x07 and \x1b[31mred"


def test_query_uses_the_configured_include_and_excludes(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("newsmeta.toml").write_text(
        'include = ["content/*.md"]\nexclude = ["content/a.md"]\n', encoding="utf-8"
    )
    assert main(["query", "-r", "$path", "--exclude", "c.md"]) == 0
    assert capsys.readouterr().out.splitlines() == ["content/b.md", "content/d.md"]


# --- edit: the jobs of the guide --------------------------------------------------------------


def test_edit_adds_a_missing_topic_one_line_per_file_and_twice_changes_nothing(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(folder)
    program = '.topics |= (if index(["AI"]) then . else . + ["AI"] end)'
    assert main(["edit", program, "content"]) == 0
    assert changed(before, folder) == {name: ["+  - AI"] for name in before}
    assert "4 files: 4 changed, 0 unchanged" in capsys.readouterr().err
    after = snapshot(folder)
    assert main(["edit", program, "content"]) == 0
    assert snapshot(folder) == after
    assert "4 files: 0 changed, 4 unchanged" in capsys.readouterr().err


def test_edit_publishes_the_good_articles_only(folder: Path) -> None:
    before = snapshot(folder)
    assert main(["edit", "if .quality > 50 then .published = true else . end", "content"]) == 0
    diff = ["-published: false", "+published: true"]
    assert changed(before, folder) == {"a.md": diff, "c.md": diff}


def test_edit_renames_a_key_into_its_canonical_position(folder: Path) -> None:
    path = folder / "a.md"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("publishedDateTime:", "publishDateTime:"), encoding="utf-8")
    program = ".publishedDateTime = .publishDateTime | del(.publishDateTime)"
    assert main(["edit", "--where", 'has("publishDateTime")', program, "content"]) == 0
    assert path.read_text(encoding="utf-8") == original


def test_edit_collapses_doubled_spaces_in_titles(folder: Path) -> None:
    before = snapshot(folder)
    assert main(["edit", '.title |= gsub("  +"; " ")', "content"]) == 0
    assert changed(before, folder) == {"d.md": ['-title: "Two  spaces"', '+title: "Two spaces"']}


def test_edit_drops_old_related_articles_and_the_emptied_list(folder: Path) -> None:
    path = folder / "a.md"
    data: Any = newsmeta.load(path).data
    related = [
        {"title": t, "excerpt": "", "publishedDateTime": d, "type": "article",
         "webUrl": f"https://example.org/{t}", "provider": {"name": "P", "domain": "p.org"}}
        for t, d in (("old", "2019-01-01T00:00:00Z"), ("new", "2024-03-01T00:00:00Z"))
    ]  # fmt: skip
    document = newsmeta.load(path)
    document.set("related", related)
    document.save()
    with_related = path.read_text(encoding="utf-8")
    keep = '.related |= map(select(.publishedDateTime >= "2024-01-01"))'
    assert main(["edit", "--where", 'has("related")', keep, "content"]) == 0
    assert newsmeta.load(path).get("related[0].title") == "new"
    assert len(newsmeta.load(path).get("related")) == 1  # type: ignore[arg-type]
    removed = len(with_related.splitlines()) - len(path.read_text(encoding="utf-8").splitlines())
    assert removed == 8
    drop = (
        '.related |= map(select(.publishedDateTime >= "2030-01-01"))'
        " | del(.related | select(. == []))"
    )
    assert main(["edit", "--where", 'has("related")', drop, "content"]) == 0
    assert newsmeta.load(path).data == data


# --- edit: modes and refusals ------------------------------------------------------------------


def test_edit_dry_run_prints_the_diff_and_writes_nothing(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(folder)
    assert main(["edit", "--dry-run", ".quality += 1", "content"]) == 0
    out = capsys.readouterr().out
    assert out.count("+++ b/content/") == 4
    assert "-quality: 70\n+quality: 71\n" in out
    assert snapshot(folder) == before


def test_edit_check_exits_1_when_something_would_change(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(folder)
    assert main(["edit", "--check", '.title |= gsub("  +"; " ")', "content"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "would change content/d.md\n"
    assert "1 would change, 3 unchanged" in captured.err
    assert snapshot(folder) == before
    assert main(["edit", "--check", ".", "content"]) == 0


def test_edit_diff_prints_and_writes(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["edit", "--diff", ".heat = 4", "content/a.md"]) == 0
    assert "-heat: 3\n+heat: 4\n" in capsys.readouterr().out
    assert newsmeta.load(folder / "a.md").get("heat") == 4


def test_edit_introducing_an_error_is_refused_per_file_unless_forced(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(folder)
    program = 'if .quality > 50 then .quality = "high" else .heat = 5 end'
    assert main(["edit", program, "content"]) == 1
    err = capsys.readouterr().err
    assert "content/a.md: the edit introduces 1 error(s)" in err
    assert "2 changed, 0 unchanged, 2 refused (2 would introduce errors)" in err
    assert (folder / "a.md").read_bytes() == before["a.md"]
    assert main(["edit", "--force", program, "content/a.md"]) == 0
    assert newsmeta.load(folder / "a.md").get("quality") == "high"


@pytest.mark.parametrize(
    ("program", "words"),
    [
        ("empty", "yields no output"),
        (".,.", "more than one output"),
        (".title", "yields a string, not an object"),
        ('error("stop")', "jq: error: stop"),
    ],
)
def test_edit_refuses_a_program_without_exactly_one_object(
    folder: Path, capsys: pytest.CaptureFixture[str], program: str, words: str
) -> None:
    before = snapshot(folder)
    assert main(["edit", program, "content"]) == 1
    err = capsys.readouterr().err
    assert err.count(words) == 4
    assert "4 refused (4 the jq program failed)" in err
    assert snapshot(folder) == before


def test_edit_where_touches_only_the_matching_files(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(folder)
    assert main(["edit", "--where", ".images == null", ".heat = 0", "content"]) == 0
    assert set(changed(before, folder)) == {"b.md", "c.md"}
    assert "2 changed, 0 unchanged, 2 skipped by --where" in capsys.readouterr().err


def test_edit_refuses_unreadable_front_matter_and_goes_on(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = folder / "bad.md"
    bad.write_text('---\ntitle: "open\n---\n', encoding="utf-8")
    before = bad.read_bytes()
    assert main(["edit", ".heat = 0", "content"]) == 1
    err = capsys.readouterr().err
    assert "content/bad.md: the front matter cannot be read as a mapping" in err
    assert "4 changed" in err
    assert bad.read_bytes() == before


def test_edit_that_does_not_compile_exits_2_and_touches_nothing(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(folder)
    assert main(["edit", ".heat =", "content"]) == 2
    assert main(["edit", "--where", "(", ".", "content"]) == 2
    assert snapshot(folder) == before
    assert "does not compile" in capsys.readouterr().err


def test_edit_refuses_a_symlink_and_edits_the_rest(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = folder.parent / "outside.md"
    outside.write_text(article("outside"), encoding="utf-8")
    os.symlink(outside, folder / "link.md")
    assert main(["edit", ".heat = 9", "content"]) == 1
    assert "1 refused (1 linked files (see --allow-links))" in capsys.readouterr().err
    assert all(newsmeta.load(folder / f"{n}.md").get("heat") == 9 for n in "abcd")
    assert newsmeta.load(outside).get("heat") == 3
    assert main(["edit", "--allow-links", ".heat = 9", "content"]) == 0
    assert newsmeta.load(outside).get("heat") == 9
    assert (folder / "link.md").is_symlink()


def test_two_paths_to_one_file_are_edited_in_turn_with_no_update_lost(folder: Path) -> None:
    os.symlink(folder / "a.md", folder / "z.md")
    assert main(["edit", "--allow-links", '.topics += ["AI"]', "content"]) == 0
    assert newsmeta.load(folder / "a.md").get("topics") == ["Computer Vision", "AI", "AI"]


# --- edit: Ctrl-C -----------------------------------------------------------------------------


def test_ctrl_c_between_a_diff_and_its_write_waits_for_the_write(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsmeta.cli import edit

    finish = edit._Run._finish

    def interrupted_finish(self: Any, path: str, outcome: Any) -> None:
        if path.endswith("b.md"):
            os.kill(os.getpid(), signal.SIGINT)  # lands while the diff is printed
        finish(self, path, outcome)

    monkeypatch.setattr(edit._Run, "_finish", interrupted_finish)
    before = snapshot(folder)
    assert main(["edit", "--diff", ".heat = 8", "content"]) == 130
    captured = capsys.readouterr()
    assert captured.out.count("+++ ") == 2  # a.md and b.md, each diff printed...
    assert set(changed(before, folder)) == {"a.md", "b.md"}  # ...and written
    assert "interrupted; 2 files not looked at" in captured.err
    assert "4 files: 2 changed" in captured.err


def test_ctrl_c_while_a_file_is_edited_stops_before_writing_it(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsmeta.cli import edit

    real = edit._Run._edit

    def interrupted_edit(self: Any, path: str) -> Any:
        outcome = real(self, path)
        if path.endswith("c.md"):
            raise KeyboardInterrupt
        return outcome

    monkeypatch.setattr(edit._Run, "_edit", interrupted_edit)
    before = snapshot(folder)
    assert main(["edit", ".heat = 8", "content"]) == 130
    assert set(changed(before, folder)) == {"a.md", "b.md"}
    assert "interrupted; 2 files not looked at" in capsys.readouterr().err


# --- --where on the path verbs and fix, append --unique ----------------------------------------


def test_set_where_touches_only_the_matching_files(folder: Path) -> None:
    before = snapshot(folder)
    assert main(["set", "--where", ".quality > 50", "content", "published", "true"]) == 0
    diff = ["-published: false", "+published: true"]
    assert changed(before, folder) == {"a.md": diff, "c.md": diff}


@pytest.mark.parametrize(
    ("argv", "changed_files"),
    [
        (["unset", "--where", ".images == null", "content", "heat"], {"b.md", "c.md"}),
        (["insert", "--where", '.title | test("  ")', "content", "topics", "0", "X"], {"d.md"}),
        (["append", "--where", '$path | endswith("a.md")', "content", "topics", "X"], {"a.md"}),
    ],
)
def test_every_edit_verb_takes_where(
    folder: Path, argv: list[str], changed_files: set[str]
) -> None:
    before = snapshot(folder)
    assert main(argv) == 0
    assert set(changed(before, folder)) == changed_files


def test_append_unique_appends_only_where_the_value_is_missing(folder: Path) -> None:
    (folder / "b.md").write_text(
        article("b").replace("  - Computer Vision\n", "  - Computer Vision\n  - AI\n"),
        encoding="utf-8",
    )
    before = snapshot(folder)
    assert main(["append", "--unique", "content", "topics", "AI"]) == 0
    assert changed(before, folder) == {name: ["+  - AI"] for name in ("a.md", "c.md", "d.md")}
    after = snapshot(folder)
    assert main(["append", "--unique", "content", "topics", "AI"]) == 0
    assert snapshot(folder) == after


def test_where_that_does_not_compile_is_a_usage_error(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(folder)
    assert main(["set", "--where", ".quality >", "content", "heat", "1"]) == 2
    assert main(["fix", "--where", "(", "content"]) == 2
    assert "does not compile" in capsys.readouterr().err
    assert snapshot(folder) == before


def test_fix_where_fixes_only_the_matching_files(folder: Path) -> None:
    for name in ("a.md", "b.md"):
        path = folder / name
        path.write_text(
            path.read_text(encoding="utf-8").replace("An excerpt", "Fish &amp; chips"),
            encoding="utf-8",
        )
    before = snapshot(folder)
    assert main(["fix", "--where", ".quality > 50", "content"]) == 0
    assert changed(before, folder) == {
        "a.md": ['-excerpt: "Fish &amp; chips"', '+excerpt: "Fish & chips"']
    }
