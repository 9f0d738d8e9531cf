#!/usr/bin/env bash
# Test newsmeta as users install it: build the sdist and the wheel, install the wheel in a
# fresh virtual environment, and run the test suite from the unpacked sdist against the
# installed package, never against src/.
#
#   scripts/test-installed-wheel.sh [PYTEST ARGS...]
#
# PYTHON picks the interpreter (default: python3); EXTRAS the wheel's extras to install
# (default: test,docs,dask). KEEP=1 keeps the scratch folder. Needs the package index.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
extras="${EXTRAS:-test,docs,dask}"
work="$(mktemp -d "${TMPDIR:-/tmp}/newsmeta-wheel.XXXXXX")"
if [ "${KEEP:-0}" = 1 ]; then
  echo "scratch folder: $work"
else
  trap 'rm -rf "$work"' EXIT
fi

echo "--- build the sdist, then the wheel from the sdist"
"$python" -m venv "$work/build-env"
"$work/build-env/bin/python" -m pip install --quiet --upgrade pip build
"$work/build-env/bin/python" -m build --outdir "$work/dist" "$root"
sdist=$(ls "$work"/dist/newsmeta_md-*.tar.gz)
wheel=$(ls "$work"/dist/newsmeta_md-*.whl)

echo "--- check the wheel's contents"
"$python" - "$wheel" <<'PY'
import sys
import zipfile

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
for required in ("newsmeta/py.typed", "newsmeta/schemas/article.schema.json"):
    assert required in names, f"the wheel lacks {required}"
assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), "the wheel lacks LICENSE"
print(f"{len(names)} files, schema, py.typed and LICENSE included")
PY

echo "--- install the wheel ($extras) in a fresh virtual environment"
"$python" -m venv "$work/env"
"$work/env/bin/python" -m pip install --quiet --upgrade pip
"$work/env/bin/python" -m pip install --quiet "${wheel}[${extras}]"

echo "--- unpack the sdist: its tests, examples, docs and schemas are what the suite reads"
mkdir "$work/tree"
tar -xzf "$sdist" -C "$work/tree" --strip-components=1
# The tests look for the real-data folder beside the checkout (../shared); keep that view.
if [ -d "$root/../shared" ]; then
  ln -s "$(cd "$root/../shared" && pwd)" "$work/shared"
  mv "$work/tree" "$work/newsmeta"
  tree="$work/newsmeta"
else
  tree="$work/tree"
fi

cd "$tree"
# src/ stays in the tree (the pre-commit test builds a hook from it) but is never on the
# import path: prove the suite will import the installed package.
"$work/env/bin/python" - <<'PY'
import sys

import newsmeta

where = newsmeta.__file__ or ""
assert "site-packages" in where and "/src/" not in where, where
print(f"testing newsmeta {newsmeta.__version__} installed at {where}")
PY

echo "--- run the test suite against the installed package"
PATH="$work/env/bin:$PATH" "$work/env/bin/python" -m pytest \
  -p no:cacheprovider --import-mode=importlib "$@"
