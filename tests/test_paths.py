"""Which files a run selects: ``newsmeta.paths.selected`` is what ``newsmeta validate`` reads
when run in a folder, and ``is_selected`` gives the same verdict for one path without
listing a directory."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newsmeta.cli import main
from newsmeta.config import Config, load_config
from newsmeta.paths import is_selected, selected

ARTICLE = '---\ntitle: "A"\n---\n'

#: Files of a site, with the odd corners a walk and a glob treat differently.
FILES = (
    "a.md",
    "b.markdown",
    "c.txt",
    ".dot.md",
    ".hidden/x.md",
    "content/x.md",
    "content/image.png",
    "content/sub/y.md",
    "content/sub/deeper/z.markdown",
    "content/.secret/s.md",
    "content/drafts/d.md",
    "content/notes.mdx",
    "node_modules/pkg/README.md",
    "other/o.md",
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for name in FILES:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLE, encoding="utf-8")
    # A folder link (never walked, but followed by '**') and a file link (always a file).
    (root / "linked").symlink_to(root / "content", target_is_directory=True)
    (root / "content" / "file-link.md").symlink_to(root / "content" / "x.md")
    return root


def _every_file(root: Path) -> set[str]:
    """Every file under ``root``, also through folder links (where a glob finds some)."""
    found: set[str] = set()
    for folder, _, names in os.walk(root, followlinks=True):
        found.update(os.path.join(folder, name) for name in names)
    return found


CONFIGS: dict[str, str] = {
    "none": "",
    "exclude": 'exclude = ["drafts", "content/sub/deeper", "*.markdown"]',
    "extensions": 'extensions = [".mdx", ".md"]',
    "one level": 'include = ["content/*.md"]',
    "recursive": 'include = ["content/**/*.md"]',
    "everything below": 'include = ["content/**"]',
    "a folder": 'include = ["content"]',
    "folders by glob": 'include = ["content/*/"]',
    "names by glob": 'include = ["content/*"]',
    "anywhere": 'include = ["**/*.md"]',
    "hidden by name": 'include = [".*/*.md", "*.md"]',
    "several": 'include = ["*.md", "other", "missing/*.md"]\nexclude = ["a.md"]',
    "a file": 'include = ["content/sub/y.md", "content/notes.mdx"]',
    "question mark": 'include = ["content/su?/*.md", "[ab].m*"]',
}


def _config(root: Path, body: str) -> Config:
    path = root / "newsmeta.toml"
    path.write_text(body + "\n", encoding="utf-8")
    return load_config(path)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_is_selected_agrees_with_selected_on_every_file(site: Path, name: str) -> None:
    config = _config(site, CONFIGS[name])
    listed = {os.path.abspath(p) for p in selected(site, config).paths}
    judged = {p for p in _every_file(site) if is_selected(p, config, site)}
    assert judged == listed


@pytest.mark.parametrize("name", ["none", "exclude", "extensions", "recursive", "a folder"])
def test_selected_is_what_validate_reads_in_that_folder(
    site: Path, name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(site, CONFIGS[name])
    monkeypatch.chdir(site)
    arguments = [] if config.include else ["."]
    assert main(["validate", "--format", "json", *arguments]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    by_validate = {os.path.abspath(entry["path"]) for entry in report["files"]}
    assert {os.path.abspath(p) for p in selected(site, config).paths} == by_validate


def test_a_file_not_yet_written_is_selected_by_the_rules(site: Path) -> None:
    config = _config(site, 'include = ["content/**/*.md"]\nexclude = ["drafts"]')
    assert is_selected(site / "content" / "new" / "today.md", config)
    assert not is_selected(site / "content" / "drafts" / "today.md", config)
    assert not is_selected(site / "elsewhere" / "today.md", config)
    without = _config(site, "")
    assert is_selected(site / "new.md", without, site)
    assert not is_selected(site / "new.txt", without, site)
    assert not is_selected(site.parent / "outside.md", without, site)


def test_a_walk_gives_its_paths_in_lists_as_it_gives_them_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small runs, some of them compressed, and a folder with more files than a run, between
    # subfolders: the lists hold every path once, in order, and batches of any size too.
    import newsmeta.paths as paths_module
    from newsmeta.cli.validate import _batches

    monkeypatch.setattr(paths_module, "_RUN", 5)
    monkeypatch.setattr(paths_module, "_KEPT_RUNS", 1)
    for folder, count in (("a", 3), ("b", 12), ("b/sub", 4), ("c", 1)):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        for number in range(count):
            (tmp_path / folder / f"{number:02}.md").write_text("x", encoding="utf-8")
    (tmp_path / "b" / "zz.md").write_text("x", encoding="utf-8")  # after b/sub
    walked = paths_module.walk([str(tmp_path)])
    one_by_one = list(walked)
    assert len(one_by_one) == walked.count == 21
    assert one_by_one == paths_module.find([str(tmp_path)]).paths
    lists = list(walked.lists())
    assert all(lists)
    assert [path for run in lists for path in run] == one_by_one
    for size in (1, 4, 5, 7, 100):
        batches = list(_batches(walked, size))
        assert all(0 < len(batch) <= size for batch in batches)
        assert all(len(batch) == size for batch in batches[:-1])
        assert [path for batch in batches for path in batch] == one_by_one
        assert list(_batches(iter(one_by_one), size)) == batches
