"""The newsmeta language server (``newsmeta lsp``): an adapter from the library to LSP.

It needs the ``lsp`` extra (pygls and lsprotocol); nothing in the core imports this
package, and importing it imports nothing. The modules:

- :mod:`newsmeta.lsp.positions`: positions across the edge (1-based code points to 0-based
  UTF-16, UTF-8 or UTF-32 units), converted there and nowhere else;
- :mod:`newsmeta.lsp.context`: where a cursor is in the front matter, parsed or not;
- :mod:`newsmeta.lsp.features`: diagnostics, hover, completion and code actions as LSP
  objects made from library results;
- :mod:`newsmeta.lsp.workspace`: configuration, which files are articles, and the
  background index of the workspace's URLs and topics;
- :mod:`newsmeta.lsp.server`: the pygls server that schedules all of it.
"""
