"""Configuration: where it is found, what it may hold, and that flags win."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmeta.cli import main
from newsmeta.config import Config, ConfigError, find_config, load_config, parse
from newsmeta.problems import Severity

from .conftest import EXAMPLES

BROKEN = EXAMPLES / "2024-04-02-late-frost-cherries.md"
GOOD = EXAMPLES / "2024-03-05-harbour-city-school-solar.md"


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def test_pyproject_tool_table_is_found_walking_up(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.newsmeta]\nignore = ["schema-enum"]\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    config = find_config(deep)
    assert config.ignore == ("schema-enum",)
    assert config.root == tmp_path.resolve()


def test_newsmeta_toml_wins_over_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.newsmeta]\nignore = ["schema-enum"]\n')
    (tmp_path / "newsmeta.toml").write_text('ignore = ["schema-type"]\n')
    assert find_config(tmp_path).ignore == ("schema-type",)


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "newsmeta.toml").write_text('select = ["schema"]\n')
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(inner).select == ("schema",)


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    config = find_config(tmp_path)
    assert (config.select, config.ignore, config.include, config.fail_on) == (None, (), (), None)


def test_all_keys_are_read(tmp_path: Path) -> None:
    path = tmp_path / "newsmeta.toml"
    path.write_text(
        'include = ["content/**/*.md"]\nexclude = ["drafts"]\nselect = ["schema", "yaml"]\n'
        'ignore = ["schema-format"]\nfail-on = "warning"\n'
        '[severity]\nyaml-duplicate-key = "warning"\n'
    )
    assert load_config(path) == Config(
        root=tmp_path,
        source=path,
        include=("content/**/*.md",),
        exclude=("drafts",),
        select=("schema", "yaml"),
        ignore=("schema-format",),
        severity={"yaml-duplicate-key": Severity.WARNING},
        fail_on=Severity.WARNING,
    )


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ('exclud = ["x"]\n', "unknown key"),
        ('select = "schema"\n', "list of strings"),
        ('ignore = ["schema-enumm"]\n', "matches no problem code"),
        ('[severity]\nschema-enum = "fatal"\n', "'error' or 'warning'"),
        ('[severity]\nschema = "warning"\n', "not a problem code"),
        ('fail-on = "never"\n', "'error' or 'warning'"),
        ("select = [\n", "newsmeta.toml"),
    ],
)
def test_bad_configuration_is_an_error(tmp_path: Path, body: str, complaint: str) -> None:
    path = tmp_path / "newsmeta.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=complaint):
        load_config(path)


def test_a_bad_configuration_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "newsmeta.toml").write_text('selec = ["schema"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["validate", str(GOOD)]) == 2
    assert "unknown key" in capsys.readouterr().err


def _project(root: Path, config: str) -> None:
    (root / "content" / "drafts").mkdir(parents=True)
    (root / "content" / "good.md").write_bytes(GOOD.read_bytes())
    (root / "content" / "drafts" / "broken.md").write_bytes(BROKEN.read_bytes())
    (root / "pyproject.toml").write_text(config)


def test_include_and_exclude_pick_the_files_when_no_path_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, '[tool.newsmeta]\ninclude = ["content/**/*.md"]\nexclude = ["drafts"]\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # globs are relative to the configuration file
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == "1 file, 0 errors, 0 warnings\n"


def test_configured_exclude_applies_to_named_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, '[tool.newsmeta]\nexclude = ["content/drafts"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "content/drafts/broken.md", "content/good.md"]) == 0


def test_flags_win_over_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, '[tool.newsmeta]\nignore = ["schema"]\nfail-on = "warning"\n')
    monkeypatch.chdir(tmp_path)
    broken = "content/drafts/broken.md"
    assert main(["validate", broken]) == 0
    assert main(["validate", "--ignore", "schema-enum", broken]) == 1
    out = capsys.readouterr().out
    assert "schema-minimum" in out
    assert "schema-enum" not in out


def test_severity_override_downgrades_a_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(
        tmp_path,
        '[tool.newsmeta]\nselect = ["schema-enum"]\n[tool.newsmeta.severity]\n'
        'schema-enum = "warning"\n',
    )
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "content/drafts/broken.md"]) == 0
    assert "warning schema-enum" in capsys.readouterr().out
    assert main(["validate", "--fail-on", "warning", "content/drafts/broken.md"]) == 1


def test_an_explicit_config_file_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "ci.toml"
    other.write_text('[tool.newsmeta]\nignore = ["schema"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--config", str(other), str(BROKEN)]) == 0


def test_limits_can_be_lowered_but_never_raised(tmp_path: Path) -> None:
    from newsmeta._yamltree import DEFAULT_LIMITS

    lowered = parse({"limits": {"max-depth": 3, "max-file-bytes": 100}}, tmp_path)
    assert lowered.limits.max_depth == 3
    assert lowered.limits.max_file_bytes == 100
    assert lowered.limits.max_nodes == DEFAULT_LIMITS.max_nodes
    for bad in ({"max-depth": 33}, {"max-depth": 0}, {"max-depth": "3"}, {"depth": 3}):
        with pytest.raises(ConfigError):
            parse({"limits": bad}, tmp_path)


def test_configured_limits_apply_to_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsmeta.cli import main

    (tmp_path / "newsmeta.toml").write_text("[limits]\nmax-depth = 2\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("---\na:\n  b:\n    c: 1\n---\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--format", "text", "a.md"]) == 1
    assert "limit-depth" in capsys.readouterr().out


# --- suggestions, case, any file name, unreadable files -------------------------------------


@pytest.mark.parametrize(
    ("body", "suggestion"),
    [
        ('fail_on = "warning"\n', "did you mean 'fail-on'?"),
        ('Exclude = ["x"]\n', "did you mean 'exclude'?"),
        ('select = ["text-mojibak"]\n', "did you mean 'text-mojibake'?"),
        ('ignore = ["shema"]\n', "did you mean 'schema'?"),
        ('[severity]\ntext-mojibak = "error"\n', "did you mean 'text-mojibake'?"),
        ("[limits]\nmax-dept = 3\n", "did you mean 'max-depth'?"),
    ],
)
def test_a_mistyped_name_suggests_the_right_one(tmp_path: Path, body: str, suggestion: str) -> None:
    path = tmp_path / "newsmeta.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert suggestion in str(info.value)


def test_codes_are_matched_without_regard_to_case(tmp_path: Path) -> None:
    path = tmp_path / "newsmeta.toml"
    path.write_text(
        'select = ["Schema"]\nignore = ["SCHEMA-ENUM"]\n[severity]\nSchema-Type = "warning"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.select == ("schema",)
    assert config.ignore == ("schema-enum",)
    assert config.severity == {"schema-type": Severity.WARNING}


@pytest.mark.parametrize("name", ["ci.toml", "newsmeta-strict.conf"])
def test_an_explicit_file_of_any_name_is_read_at_the_top_level(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text('ignore = ["schema-enum"]\n', encoding="utf-8")
    assert load_config(path).ignore == ("schema-enum",)


def test_an_explicit_file_of_any_name_is_read_under_the_tool_table(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('[tool.newsmeta]\nignore = ["schema-enum"]\n', encoding="utf-8")
    assert load_config(path).ignore == ("schema-enum",)


def test_a_binary_config_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "newsmeta.toml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_config(path)


def test_a_fifo_or_a_directory_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="FIFO"):
        load_config(fifo)  # would block forever if opened for a plain read
    with pytest.raises(ConfigError, match="directory"):
        load_config(tmp_path)


def test_extensions_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "newsmeta.toml"
    path.write_text('extensions = ["md", ".mdx"]\n', encoding="utf-8")
    assert load_config(path).extensions == (".md", ".mdx")
    assert Config(tmp_path).extensions == (".md", ".markdown")
    path.write_text("extensions = []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="extensions"):
        load_config(path)
