"""``newsmeta lsp`` in a real editor: Neovim's own LSP client, run headless.

Skipped where ``nvim`` is not installed (CI installs only Python packages). The client is
started with ``vim.lsp.start_client``, which every Neovim since 0.5 has, so the test also
runs on the Neovim of a stable distribution; the editor guide's snippets start the same
client through ``vim.lsp.config`` or nvim-lspconfig.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES
from .lsp_helpers import validate_json

NVIM = shutil.which("nvim")

pytestmark = pytest.mark.skipif(NVIM is None, reason="Neovim (nvim) is not installed")

BROKEN = "2024-04-02-late-frost-cherries.md"

#: Opens the article, waits for the diagnostics, resolves and applies the rename quick
#: fix as ``vim.lsp.buf.code_action`` does, and writes what it saw as JSON.
SCRIPT = """
vim.cmd("filetype on")
local report = { diagnostics = {}, actions = {} }
vim.api.nvim_create_autocmd("FileType", {
  pattern = "markdown",
  callback = function(args)
    local id = vim.lsp.start_client({ name = "newsmeta", cmd = CMD, root_dir = ROOT })
    vim.lsp.buf_attach_client(args.buf, id)
  end,
})
vim.cmd("edit " .. vim.fn.fnameescape(FILE))
local buf = vim.api.nvim_get_current_buf()
local function codes()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(found, { d.lnum, d.col, d.end_lnum, d.end_col, d.user_data.lsp.code })
  end
  return found
end
vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
report.diagnostics = codes()
local client = vim.lsp.get_client_by_id(1)
local answer = client.request_sync("textDocument/codeAction", {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = 0, character = 0 }, ["end"] = { line = 40, character = 0 } },
  context = { diagnostics = {} },
}, 10000, buf)
for _, action in ipairs(answer.result or {}) do
  table.insert(report.actions, action.title)
  if action.title:match("^Rename") then
    if not action.edit then
      action = client.request_sync("codeAction/resolve", action, 10000, buf).result
    end
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  end
end
report.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\\n") .. "\\n"
vim.wait(10000, function() return #vim.diagnostic.get(buf) < #report.diagnostics end, 20)
report.after = codes()
local out = io.open(OUT, "w")
out:write(vim.fn.json_encode(report))
out:close()
vim.cmd("qa!")
"""


def _lua(value: object) -> str:
    return json.dumps(value)  # a JSON string or list of strings is also Lua text


def test_neovim_s_own_client_gets_the_diagnostics_and_applies_a_quick_fix(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(EXAMPLES, site)
    article = site / BROKEN
    out = tmp_path / "report.json"
    command = [sys.executable, "-m", "newsmeta", "lsp"]
    init = tmp_path / "init.lua"
    init.write_text(
        f"CMD = {{{', '.join(_lua(part) for part in command)}}}\n"
        f"ROOT = {_lua(str(site))}\nFILE = {_lua(str(article))}\nOUT = {_lua(str(out))}\n" + SCRIPT,
        encoding="utf-8",
    )
    assert NVIM is not None
    subprocess.run(
        [NVIM, "--headless", "--clean", "-u", str(init)],
        cwd=tmp_path,
        timeout=120,
        check=False,
        capture_output=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": str(tmp_path)},
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    expected = validate_json(Path(BROKEN), cwd=site)[BROKEN]
    text = article.read_text(encoding="utf-8")
    # Neovim 0.7 counts UTF-16 units; the example is ASCII, so columns are characters.
    assert sorted(tuple(d) for d in report["diagnostics"]) == sorted(
        (p["line"] - 1, p["column"] - 1, p["end_line"] - 1, p["end_column"] - 1, p["code"])
        for p in expected
    )
    assert "Rename 'publishDateTime' to 'publishedDateTime'" in report["actions"]
    assert report["text"] == text.replace("publishDateTime:", "publishedDateTime:")
    codes = {d[4] for d in report["after"]}
    assert "schema-unknown-key" not in codes
    assert len(report["after"]) == len(report["diagnostics"]) - 2
