"""newsmeta.paths.find and walk give the files an independent walk (os.walk, then one sort
by normalised path) gives; walk without keeping a list."""

from __future__ import annotations

import errno
import glob
import os
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsmeta import paths
from newsmeta.config import Config

#: Names whose order differs between sorting names and sorting whole paths: `a-b/` sorts
#: before `a/` as a path (`-` < `/`), and `a.md` before `a/x.md`.
_TRICKY = ["a", "a-b", "a.b", "a0", "A", "ab", "a b", "é", "z"]


def _tree(root: Path) -> None:
    for top in _TRICKY:
        (root / top).mkdir()
        for inner in _TRICKY[:4]:
            (root / top / f"{inner}.md").write_text("x", encoding="utf-8")
        (root / top / "sub").mkdir()
        (root / top / "sub" / "x.markdown").write_text("x", encoding="utf-8")
        (root / top / "notes.txt").write_text("x", encoding="utf-8")
    for name in _TRICKY:
        (root / f"{name}.md").write_text("x", encoding="utf-8")


def _expected(
    arguments: list[str], exclude: list[tuple[tuple[str, ...], str]]
) -> tuple[list[str], list[str]]:
    """The files and unreadable folders by the documented rules, found without
    newsmeta's walkers: os.walk (no directory symlink followed), the configured
    extensions, exclusion by :func:`paths.excluded`, every argument's files gathered, then
    one sort by normalised path keeping the first argument's spelling of a path."""

    def skip(path: str) -> bool:
        return any(paths.excluded(path, patterns, base) for patterns, base in exclude if patterns)

    found: dict[str, str] = {}
    unreadable: list[str] = []

    def add(path: str) -> None:
        if os.path.isdir(path) and not os.path.islink(path):

            def refused(error: OSError) -> None:
                unreadable.append(str(error.filename))

            for folder, folders, files in os.walk(path, onerror=refused):
                folders[:] = [
                    name
                    for name in folders
                    if not os.path.islink(os.path.join(folder, name))
                    and not skip(os.path.join(folder, name))
                ]
                for name in files:
                    inner = os.path.join(folder, name)
                    if name.endswith(paths.DEFAULT_EXTENSIONS) and not skip(inner):
                        found.setdefault(os.path.normpath(inner), inner)
        elif not skip(path):
            found.setdefault(os.path.normpath(path), path)

    for argument in arguments:
        if any(char in argument for char in "*?["):
            for match in sorted(glob.glob(argument, recursive=True)):
                add(match)
        else:
            add(argument)
    return [found[key] for key in sorted(found)], sorted(unreadable)


def _same(arguments: list[str], exclude: list[tuple[tuple[str, ...], str]] | None = None) -> int:
    found = paths.find(arguments, exclude or ())
    walked = paths.walk(arguments, exclude or ())
    listed = list(walked)
    expected, unreadable = _expected(arguments, exclude or [])
    assert found.paths == expected
    assert sorted(where for where, _ in found.unreadable) == unreadable
    assert listed == found.paths
    assert list(walked) == listed  # walked again, alike
    assert walked.count == len(listed)
    assert [(where, e.errno) for where, e in walked.unreadable] == [
        (where, e.errno) for where, e in found.unreadable
    ]
    if all(base == os.getcwd() for _, base in exclude or ()):
        # The same run's paths as they stream: same order, same unreadable folders.
        met: list[tuple[str, OSError]] = []
        patterns = [pattern for patterns, _ in exclude or () for pattern in patterns]
        stream = paths.resolve_stream(arguments, Config(Path.cwd()), met, patterns, require=False)
        assert list(stream) == listed
        assert [where for where, _ in met] == [where for where, _ in found.unreadable]
    return len(listed)


def test_a_tree_is_found_and_walked_in_path_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert _same(["."]) == len(_TRICKY) * 6
    assert _same([str(tmp_path)]) == len(_TRICKY) * 6
    assert _same(["a", "a-b/", "./a.md"]) == 11


def test_overlapping_arguments_globs_and_exclusions_are_found_and_walked_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert _same(["a", ".", "a/a.md", "missing.md"]) == len(_TRICKY) * 6 + 1
    assert _same(["*/*.md", "a*"]) > 0
    assert _same(["**/*.markdown"]) == len(_TRICKY)
    # Every sub/ (9 files) and the a-b directory's own four.
    assert _same(["."], [(("sub", "a-b"), str(tmp_path))]) == len(_TRICKY) * 6 - 9 - 4
    assert _same(["."], [(("a/sub",), str(tmp_path))]) == len(_TRICKY) * 6 - 1


def test_a_glob_without_a_match_and_no_input_raise_at_once(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        paths.walk([str(tmp_path / "*.nothing")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(paths.NoInputError):
        paths.walk([str(tmp_path / "empty")], require=True)
    assert paths.walk([str(tmp_path / "empty")]).count == 0


def test_a_stream_yields_before_the_walk_ends_and_raises_at_its_end(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    (tmp_path / "z").mkdir()
    stream = paths.resolve_stream([str(tmp_path)], Config(tmp_path), [])
    assert next(stream) == str(tmp_path / "a.md")
    (tmp_path / "z" / "late.md").write_text("x", encoding="utf-8")  # z/ is not read yet
    assert list(stream) == [str(tmp_path / "z" / "late.md")]
    (tmp_path / "empty").mkdir()
    with pytest.raises(paths.NoInputError):
        list(paths.resolve_stream([str(tmp_path / "empty")], Config(tmp_path), []))
    assert (
        list(paths.resolve_stream([str(tmp_path / "empty")], Config(tmp_path), [], require=False))
        == []
    )
    with pytest.raises(FileNotFoundError):
        next(paths.resolve_stream([str(tmp_path / "*.nothing")], Config(tmp_path), []))


def test_many_arguments_stream_before_the_later_ones_are_looked_at(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    (tmp_path / "b.md").write_text("x", encoding="utf-8")
    (tmp_path / "z").mkdir()
    arguments = [str(tmp_path / "z"), str(tmp_path / "b.md"), str(tmp_path / "a.md")]
    stream = paths.resolve_stream(arguments, Config(tmp_path), [])
    assert next(stream) == str(tmp_path / "a.md")
    (tmp_path / "z" / "late.md").write_text("x", encoding="utf-8")  # z/ is not read yet
    assert list(stream) == [str(tmp_path / "b.md"), str(tmp_path / "z" / "late.md")]


_SPELLINGS = ["{}", "./{}", "{}/", "{}/.", "{}/../{}", "sub/../{}"]


@settings(max_examples=60, deadline=None)
@example([(".", "{}"), ("-b.md", "{}")])  # a name that sorts before "."
@example([("a-b", "{}/"), ("a", "./{}"), ("a.md", "{}"), ("a/sub", "{}/..")])
@given(
    st.lists(
        st.tuples(
            st.sampled_from([*_TRICKY, "a/sub", "a/a.md", "a.md", "-b.md", ".", "..", "none.md"]),
            st.sampled_from(_SPELLINGS),
        ),
        min_size=2,
        max_size=7,
    )
)
def test_arguments_in_any_order_and_spelling_merge_as_one_sort(
    chosen: list[tuple[str, str]],
) -> None:
    """Files, folders and the folder itself, spelt in ways that normalise alike (and
    ``.``, whose files normalise to names that sort before it): one sort by normalised
    path, each path once, the first argument's spelling kept."""
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "root"
        root.mkdir()
        _tree(root)
        (root / "-b.md").write_text("x", encoding="utf-8")
        (root / "sub").mkdir()
        before = os.getcwd()
        os.chdir(root)
        try:
            arguments = [
                spelling.format(name, name) if name not in (".", "..") else name
                for name, spelling in chosen
            ]
            _same(arguments)
        finally:
            os.chdir(before)


def test_an_unreadable_directory_is_recorded_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    denied = tmp_path / "a" / "sub"
    real = os.scandir

    def scandir(path: str) -> object:  # permissions do not bind root: refuse here
        if os.fspath(path) == str(denied):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert _same([str(tmp_path)]) == len(_TRICKY) * 6 - 1
    assert [where for where, _ in paths.walk([str(tmp_path)]).unreadable] == [str(denied)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text("ab-._/", min_size=1, max_size=8), min_size=1, max_size=12))
def test_random_trees_are_found_and_walked_in_path_order(names: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name in names:
            parts = [p for p in name.split("/") if p not in ("", ".", "..")]
            if not parts:
                continue
            target = root.joinpath(*parts[:-1], parts[-1] + ".md")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("x", encoding="utf-8")
            except OSError:
                continue  # a file where a directory was wanted, or the reverse
        _same([directory])


@pytest.mark.parametrize("kept", [0, 2, 100])
def test_a_big_folder_is_sorted_in_compressed_runs_and_merged(
    kept: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder with more names than one run: the runs are merged back into find's order,
    and the walk's paths read back alike from kept and compressed runs."""
    _tree(tmp_path)
    for i in range(40):
        (tmp_path / f"{(i * 7) % 40:02d}-é-{i}.md").write_text("x", encoding="utf-8")
    monkeypatch.setattr(paths, "_RUN", 3)
    monkeypatch.setattr(paths, "_KEPT_RUNS", kept)
    monkeypatch.setattr(paths, "_NAME_RUN", 3)
    assert _same([str(tmp_path)]) == len(_TRICKY) * 6 + 40


@pytest.mark.parametrize("piece", [1, 7, 1024])
def test_a_run_gives_back_every_name_across_inflated_pieces(
    piece: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long names of several bytes per character, and a lone surrogate (an undecodable
    # byte in a file name), cut across the pieces the run is inflated in.
    monkeypatch.setattr(paths, "_PIECE", piece)
    names = [f"{i:05d}-{'ü€𝄞' * (i % 50)}.md" for i in range(3000)] + ["\udcff.md"]
    assert list(paths._unpack(paths._pack(list(names)))) == sorted(names)
    assert list(paths._unpack(paths._pack([]))) == []


def test_each_folder_is_listed_once_however_often_the_walk_is_iterated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    for number in range(5000):  # more than one compressed run of paths
        (tmp_path / "z" / f"many-{number:05}.md").write_text("x", encoding="utf-8")
    real = os.scandir
    listed: list[str] = []

    def scandir(path: str) -> object:
        listed.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    walked = paths.walk([str(tmp_path)])
    first = list(walked)
    assert list(walked) == first
    assert sorted(listed) == sorted(set(listed))  # no folder listed twice
    assert len(first) == walked.count == len(_TRICKY) * 6 + 5000
    monkeypatch.setattr(os, "scandir", real)
    assert first == paths.find([str(tmp_path)]).paths
