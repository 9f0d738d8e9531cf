"""Many files from Python: ``iter_documents`` and ``validate_many`` walk as the CLI does."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

import newsmeta
from newsmeta._yamltree import DEFAULT_LIMITS
from newsmeta.cli import main
from newsmeta.config import Config, find_config
from newsmeta.paths import NoInputError

from .articles import full_article


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A small site: articles in folders, a draft, a note, a duplicate URL, a broken file."""
    root = tmp_path / "site"
    (root / "content" / "2020").mkdir(parents=True)
    (root / "content" / "drafts").mkdir()
    newsmeta.new(full_article()).save(root / "content" / "2020" / "a.md")
    newsmeta.new(full_article()).save(root / "content" / "b.markdown")  # same URLs as a.md
    newsmeta.new({**full_article(), "type": "blog"}).save(
        root / "content" / "drafts" / "c.md", force=True
    )
    (root / "content" / "notes.txt").write_text("not an article\n", encoding="utf-8")
    (root / "content" / "broken.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    (root / "content" / "gone.md").symlink_to(root / "nowhere.md")
    return root


def test_the_default_extensions_are_the_configurations() -> None:
    from newsmeta import config, paths

    assert paths.DEFAULT_EXTENSIONS == config.DEFAULT_EXTENSIONS


def _names(documents: object) -> list[str]:
    return [Path(str(d.path)).name for d in documents]  # type: ignore[attr-defined]


def test_iter_documents_walks_a_directory_in_sorted_order(content: Path) -> None:
    documents = list(newsmeta.iter_documents(content / "content", config=Config(content)))
    assert _names(documents) == ["a.md", "b.markdown", "broken.md", "c.md", "gone.md"]
    first = documents[0]
    assert first.ok
    assert first.article == newsmeta.from_dict(full_article())
    assert first.dumps() == (content / "content" / "2020" / "a.md").read_text(encoding="utf-8")


def test_iter_documents_applies_the_configuration_and_extra_excludes(content: Path) -> None:
    config = Config(content, exclude=("drafts",))
    names = _names(newsmeta.iter_documents(content / "content", config=config))
    assert "c.md" not in names
    names = _names(
        newsmeta.iter_documents(content / "content", config=config, exclude=["broken.md"])
    )
    assert names == ["a.md", "b.markdown", "gone.md"]


def test_iter_documents_finds_the_configuration_and_its_include(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (content / "newsmeta.toml").write_text(
        'include = ["content/2020/*.md"]\nexclude = ["drafts"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(content)
    assert _names(newsmeta.iter_documents()) == ["a.md"]
    assert "c.md" not in _names(newsmeta.iter_documents("content"))


def test_an_unreadable_file_is_a_document_with_a_problem_that_cannot_be_saved(
    content: Path,
) -> None:
    documents = newsmeta.iter_documents(content / "content" / "gone.md", config=Config(content))
    (gone,) = list(documents)
    assert [p.code for p in gone.problems] == ["io-file-missing"]
    assert gone.article is None
    with pytest.raises(OSError, match="could not be read"):
        gone.save()
    assert not (content / "nowhere.md").exists()


def test_a_file_over_the_size_limit_is_not_read_and_cannot_be_saved(content: Path) -> None:
    big = content / "content" / "2020" / "a.md"
    config = Config(content, limits=attrs.evolve(DEFAULT_LIMITS, max_file_bytes=100))
    (document,) = list(newsmeta.iter_documents(big, config=config))
    assert [p.code for p in document.problems] == ["limit-file-size"]
    before = big.read_bytes()
    with pytest.raises(OSError, match="could not be read"):
        document.save()
    assert big.read_bytes() == before


def test_a_glob_that_matches_nothing_and_nothing_to_do_are_errors(content: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(newsmeta.iter_documents(content / "*.nothing", config=Config(content)))
    with pytest.raises(NoInputError):
        list(newsmeta.iter_documents(config=Config(content)))


def test_documents_are_loaded_one_at_a_time(content: Path) -> None:
    documents = newsmeta.iter_documents(content / "content", config=Config(content))
    first = next(documents)
    (content / "content" / "broken.md").unlink()  # not read yet: the loop sees it gone
    rest = list(documents)
    assert _names([first, *rest]) == ["a.md", "b.markdown", "broken.md", "c.md", "gone.md"]
    assert rest[1].problems[0].code == "io-file-missing"


def _cli_files(*argv: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    main(["validate", "--format", "json", *argv])
    files: list[dict[str, object]] = json.loads(capsys.readouterr().out)["files"]
    return files


def test_validate_many_on_a_directory_equals_the_command_line(
    content: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(content)
    expected = _cli_files("content", capsys=capsys)
    results = newsmeta.validate_many(["content"])
    assert [r.to_dict() for r in results] == expected
    codes = {p.code for r in results for p in r.problems}
    assert {"corpus-duplicate-url", "schema-enum", "io-file-missing"} <= codes


def test_validate_many_applies_the_configured_policy_like_the_command_line(
    content: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (content / "newsmeta.toml").write_text(
        'ignore = ["schema-enum"]\nexclude = ["broken.md"]\n'
        '[severity]\ncorpus-duplicate-url = "error"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(content)
    expected = _cli_files("content", capsys=capsys)
    results = newsmeta.validate_many(["content"], config=find_config())
    assert [r.to_dict() for r in results] == expected
    assert not any(p.code == "schema-enum" for r in results for p in r.problems)


def test_validate_many_on_the_corpus_equals_validate_json(
    corpus: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # no configuration here or above
    folder = str(corpus[0].parent)
    expected = _cli_files(folder, capsys=capsys)
    results = newsmeta.validate_many([folder])
    assert len(results) == len(corpus)
    assert [r.to_dict() for r in results] == expected
    assert sum(p.code == "corpus-duplicate-url" for r in results for p in r.problems) == 4
