"""``newsmeta new``, ``export``, ``import``, ``schema``: an article's life on the command line."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

import newsmeta
from newsmeta.cli import main
from newsmeta.feed import SiteSettings, write_item
from newsmeta.schema import SCHEMA_ID, schema_text

from .articles import full_article
from .test_new import EXPECTED
from .test_new_corpus import KNOWN_DEPARTURES


def _write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def _records(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


# --- new ---------------------------------------------------------------------------------


def test_new_from_json_writes_the_house_style(tmp_path: Path) -> None:
    source = _write_json(tmp_path / "a.json", full_article())
    out = tmp_path / "out.md"
    assert main(["new", str(out), "--from-json", str(source)]) == 0
    assert out.read_text(encoding="utf-8") == EXPECTED


def test_new_with_a_missing_required_key_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = full_article()
    del data["secured"]
    source = _write_json(tmp_path / "a.json", data)
    out = tmp_path / "out.md"
    assert main(["new", str(out), "--from-json", str(source)]) == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]
    err = capsys.readouterr().err
    assert "schema-required" in err
    assert "secured" in err
    assert main(["new", str(out), "--from-json", str(source), "--force"]) == 0
    assert out.exists()


def test_new_builds_an_article_from_set_options_alone(tmp_path: Path) -> None:
    out = tmp_path / "2020-07-16-a-title.md"
    argv = ["new", str(out)]
    data = full_article()
    for key in ("category", "title", "excerpt", "publishedDateTime", "type", "secured"):
        argv += ["--set", f"{key}={data[key]}"]
    argv += ["--set", "provider.name=Example News", "--set", "provider.domain=example.com"]
    argv += ["--set-json", 'topics=["AI"]', "--set", "webUrl=https://example.com/a"]
    assert main(argv) == 0
    document = newsmeta.load(out)
    assert document.ok
    assert document.dumps() == newsmeta.new(document.data).dumps()  # type: ignore[arg-type]
    assert "publishedDateTime: 2020-07-16T19:15:00Z\n" in document.dumps()


def test_new_never_replaces_a_file_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write_json(tmp_path / "a.json", full_article())
    out = tmp_path / "out.md"
    out.write_text("mine\n", encoding="utf-8")
    assert main(["new", str(out), "--from-json", str(source)]) == 1
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert "exists" in capsys.readouterr().err
    assert main(["new", str(out), "--from-json", str(source), "--overwrite"]) == 0
    assert out.read_text(encoding="utf-8") == EXPECTED


def test_new_to_stdout_and_from_an_export_record_on_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    record = {"path": "x.md", "front_matter": full_article(), "body": "Text.\n"}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(record)))
    assert main(["new", "-", "--from-json", "-"]) == 0
    assert capsys.readouterr().out == EXPECTED[:-1] + "Text.\n"


def test_new_reports_bad_options_as_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", str(tmp_path / "a.md"), "--set", "title"]) == 2
    assert main(["new", str(tmp_path / "a.md"), "--set-json", "topics=[oops"]) == 2
    assert main(["new", str(tmp_path / "a.md"), "--from-json", str(tmp_path / "none")]) == 2
    (tmp_path / "list.json").write_text("[1]", encoding="utf-8")
    assert main(["new", str(tmp_path / "a.md"), "--from-json", str(tmp_path / "list.json")]) == 2
    assert not (tmp_path / "a.md").exists()
    assert "KEY=VALUE" in capsys.readouterr().err


# --- export ------------------------------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    (folder / "2020").mkdir(parents=True)
    newsmeta.new(full_article(), "Body one.\n").save(folder / "2020" / "a.md")
    data = {**full_article(), "quality": "high"}
    newsmeta.new(data).save(folder / "b.md", force=True)
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not an article\n", encoding="utf-8")
    return folder


def test_export_writes_one_json_line_per_file_with_its_front_matter(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(content), "--with-body", "--with-problems"]) == 1
    out, err = capsys.readouterr()
    records = _records(out)
    assert [Path(str(r["path"])).name for r in records] == ["a.md", "b.md", "broken.md"]
    first, second, broken = records
    assert first["front_matter"] == full_article()
    assert first["body"] == "Body one.\n"
    assert first["problems"] == [
        p.to_dict() for p in newsmeta.load(content / "2020" / "a.md").problems
    ]
    assert isinstance(second["front_matter"], dict)
    assert second["front_matter"]["quality"] == "high"
    assert isinstance(second["problems"], list)
    assert "schema-type" in [p["code"] for p in second["problems"]]
    assert broken["front_matter"] is None
    assert "broken.md" in err


def test_export_problems_equal_validate_json_with_cross_file_checks(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["validate", "--format", "json", str(content)])
    validated = json.loads(capsys.readouterr().out)["files"]
    main(["export", str(content), "--with-problems"])
    exported = _records(capsys.readouterr().out)
    assert [r["problems"] for r in exported] == [f["problems"] for f in validated]
    assert any(
        p["code"] == "corpus-duplicate-url"
        for r in exported
        for p in r["problems"]  # type: ignore[attr-defined]
    )


def test_export_json_is_one_array_of_the_same_records(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["export", str(content)])
    lines = _records(capsys.readouterr().out)
    main(["export", str(content), "--format", "json"])
    assert json.loads(capsys.readouterr().out) == lines


def test_export_api_writes_items_with_the_sites_settings(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", str(content / "2020"), "--format", "api", "--with-body"]
    argv += ["--time-zone", "America/Los_Angeles", "--base-url", "https://example.com/api/news"]
    assert main(argv) == 0
    (item,) = _records(capsys.readouterr().out)
    assert item["path"] == "_news/a.md"
    assert item["sourceUrl"] == "https://example.com/api/news/a/index.json"
    assert item["publishedDateTime"] == "2020-07-16T12:15:00-07:00"
    assert item["content"] == "Body one.\n"
    assert item["ampWebUrl"] == full_article()["ampWebUrl"]


def test_export_api_skips_a_file_that_is_not_an_article(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(content), "--format", "api"]) == 1
    out, err = capsys.readouterr()
    assert len(_records(out)) == 1
    assert "b.md" in err
    assert "broken.md" in err


def test_export_refuses_an_unknown_time_zone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", ".", "--format", "api", "--time-zone", "Nowhere/Land"]) == 2
    assert "time zone" in capsys.readouterr().err


def test_export_escapes_what_could_disguise_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {**full_article(), "title": "evil\u202etxt.exe\u2028next"}
    newsmeta.new(data).save(tmp_path / "a.md")
    main(["export", str(tmp_path)])
    out = capsys.readouterr().out
    assert "\u202e" not in out
    assert "\u2028" not in out
    assert _records(out)[0]["front_matter"]["title"] == data["title"]  # type: ignore[index]


def test_export_streams_each_record_before_reading_the_next_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for index in range(3):
        newsmeta.new(full_article()).save(tmp_path / f"{index}.md")

    class Stream(io.StringIO):
        """Removes the files not yet exported when the first record arrives."""

        def write(self, text: str) -> int:
            for index in (1, 2):
                (tmp_path / f"{index}.md").unlink(missing_ok=True)
            return super().write(text)

    stream = Stream()
    monkeypatch.setattr("sys.stdout", stream)
    assert main(["export", str(tmp_path)]) == 2  # the two files vanished: I/O errors
    first, *vanished = _records(stream.getvalue())
    assert first["front_matter"] == full_article()
    assert [record["front_matter"] for record in vanished] == [None, None]
    assert capsys.readouterr().err.count("could not be read") == 2


# --- import ------------------------------------------------------------------------------


def test_export_then_import_gives_byte_identical_files_under_the_same_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    newsmeta.new(full_article(), "Body.\n").save(source / "2020-07-16-a-title.md")
    video = {**full_article(), "type": "video", "featuredContent": "<iframe></iframe>"}
    newsmeta.new(video).save(source / "2020-07-17-a-video.md")
    exported = tmp_path / "all.jsonl"
    main(["export", str(source), "--with-body"])
    exported.write_text(capsys.readouterr().out, encoding="utf-8")
    target = tmp_path / "target"
    assert main(["import", str(exported), "--to", str(target)]) == 0
    for path in source.iterdir():
        assert (target / path.name).read_bytes() == path.read_bytes()


def test_export_then_import_keeps_crlf_line_endings_and_a_byte_order_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    lf = newsmeta.new(full_article(), "Body.\n\nMore.\n").dumps()
    crlf = lf.replace("\n", "\r\n")
    files = {
        "2020-07-16-crlf.md": crlf,
        "2020-07-17-bom.md": "\ufeff" + lf,
        "2020-07-18-both.md": "\ufeff" + crlf,
        "2020-07-20-lf.md": lf,
    }
    for name, text in files.items():
        (source / name).write_bytes(text.encode("utf-8"))
    assert main(["export", str(source), "--with-body"]) == 0
    out = capsys.readouterr().out
    records = {Path(str(r["path"])).name: r for r in _records(out)}
    assert records["2020-07-16-crlf.md"]["newline"] == "\r\n"
    assert "bom" not in records["2020-07-16-crlf.md"]
    assert records["2020-07-17-bom.md"]["bom"] is True
    assert "newline" not in records["2020-07-17-bom.md"]
    assert not {"newline", "bom"} & set(records["2020-07-20-lf.md"])
    exported = tmp_path / "all.jsonl"
    exported.write_text(out, encoding="utf-8")
    target = tmp_path / "target"
    assert main(["import", str(exported), "--to", str(target)]) == 0
    for name, text in files.items():
        assert (target / name).read_bytes() == text.encode("utf-8"), name
    # Without the body, the file's line ending still closes the front matter.
    assert main(["export", str(source / "2020-07-16-crlf.md")]) == 0
    exported.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["import", str(exported), "--to", str(tmp_path / "bare")]) == 0
    assert (tmp_path / "bare" / "2020-07-16-crlf.md").read_bytes().endswith(b"---\r\n\r\n")


@pytest.mark.parametrize(
    ("extra", "said"),
    [({"newline": "\r"}, '"newline" is'), ({"bom": "yes"}, '"bom" is true or false')],
)
def test_import_refuses_a_line_ending_or_bom_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: dict[str, object], said: str
) -> None:
    record = {"path": "a.md", "front_matter": newsmeta.new(full_article()).data, **extra}
    _write_json(tmp_path / "r.jsonl", record)
    assert main(["import", str(tmp_path / "r.jsonl"), "--to", str(tmp_path / "out")]) == 1
    assert said in capsys.readouterr().err
    assert not (tmp_path / "out" / "a.md").exists()


def test_import_never_overwrites_and_names_each_refused_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = {"path": "a.md", "front_matter": full_article()}
    bad = {"path": "b.md", "front_matter": {**full_article(), "type": "blog"}}
    escape = {"path": "c.md", "front_matter": full_article()}
    lines = [json.dumps(good), "not json", json.dumps(bad), "[1, 2]", json.dumps(escape)]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "out"
    (target).mkdir()
    (target / "c.md").write_text("mine\n", encoding="utf-8")
    assert main(["import", str(source), "--to", str(target)]) == 1
    err = capsys.readouterr().err
    assert "record 2: refused: not valid JSON" in err
    assert "record 3: refused: b.md: 1 error(s), first schema-enum at /type" in err
    assert "record 4: refused: a record is a JSON object" in err
    assert "record 5: refused: c.md exists" in err
    assert "wrote 1 file(s), refused 4 record(s)" in err
    assert (target / "c.md").read_text(encoding="utf-8") == "mine\n"
    assert not (target / "b.md").exists()
    assert main(["import", str(source), "--to", str(target), "--overwrite", "--force"]) == 1
    assert (target / "c.md").read_text(encoding="utf-8") == EXPECTED
    assert (target / "b.md").exists()


def test_import_never_writes_outside_the_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [
        {"path": "x.md", "front_matter": full_article()},
        {"path": "../x.md", "front_matter": full_article()},
        {"path": "/etc/x.md", "front_matter": full_article()},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    target = tmp_path / "out"
    assert main(["import", str(source), "--to", str(target), "--name", "{path}"]) == 1
    err = capsys.readouterr().err
    assert err.count("outside") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out"]
    assert [p.name for p in target.iterdir()] == ["x.md"]


def test_import_names_records_without_a_path_by_date_and_slug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {**full_article(), "title": "Crème brûlée: a story!"}
    source = _write_json(tmp_path / "in.json", [data])  # one JSON array of bare front matter
    target = tmp_path / "out"
    assert main(["import", str(source), "--to", str(target)]) == 0
    assert [p.name for p in target.iterdir()] == ["2020-07-16-creme-brulee-a-story.md"]
    assert main(["import", str(source), "--to", str(target), "--name", "{n}-{slug}.md"]) == 0
    assert (target / "1-creme-brulee-a-story.md").exists()
    assert main(["import", str(source), "--to", str(target), "--name", "{stem}.md"]) == 1
    assert "{stem}" in capsys.readouterr().err


def test_import_reads_api_items_and_keeps_their_content_as_body(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = write_item(
        newsmeta.from_dict(full_article()),
        SiteSettings(time_zone="Europe/Paris"),
        path="_news/2020-07-16-a-title.md",
        content="Body.\n",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(item) + "\n"))
    target = tmp_path / "out"
    assert main(["import", "-", "--to", str(target)]) == 0
    written = (target / "2020-07-16-a-title.md").read_text(encoding="utf-8")
    assert written == EXPECTED[:-1] + "Body.\n"


def test_import_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write_json(tmp_path / "in.json", {"path": "a.md", "front_matter": full_article()})
    target = tmp_path / "out"
    assert main(["import", str(source), "--to", str(target), "--dry-run"]) == 0
    assert not target.exists()
    assert "a.md" in capsys.readouterr().out


def test_import_of_the_corpus_export_rebuilds_every_house_style_file(
    corpus: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in corpus:
        os.symlink(path, folder / path.name)
    assert main(["export", str(folder), "--with-body"]) == 0
    exported = tmp_path / "corpus.jsonl"
    exported.write_text(capsys.readouterr().out, encoding="utf-8")
    target = tmp_path / "rebuilt"
    assert main(["import", str(exported), "--to", str(target)]) == 0
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in corpus)
    same = [p.name for p in corpus if (target / p.name).read_bytes() == p.read_bytes()]
    departures = {p.name for p in corpus} - set(same)
    assert departures == set(KNOWN_DEPARTURES), sorted(departures)[:5]
    shutil.rmtree(target)


# --- schema ------------------------------------------------------------------------------


def test_schema_prints_the_shipped_schema_and_its_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert out == schema_text()
    assert json.loads(out)["$id"] == SCHEMA_ID
    assert main(["schema", "--id"]) == 0
    assert capsys.readouterr().out == SCHEMA_ID + "\n"
