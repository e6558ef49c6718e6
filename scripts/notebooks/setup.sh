#!/bin/sh
# Makes the notebooks runnable on this machine: Jupyter from Debian's packages (the system
# Python, /usr/bin/python3, is the one that has it) and the tslab TypeScript kernel as a
# project-local kernelspec under <repo>/.jupyter. No global Jupyter configuration is touched:
# whoever runs the notebooks points JUPYTER_PATH at <repo>/.jupyter/share/jupyter
# (scripts/notebooks/run.mjs does). Idempotent and quiet when everything is in place.
# tslab comes from npm, installed apart from the workspace tree (scripts/notebooks/kernel, with
# its own lock file): it brings a TypeScript 5 whose `tsc` bin would shadow the project's
# TypeScript 7 in node_modules/.bin if it were hoisted there.
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
python=/usr/bin/python3
prefix="$repo/.jupyter"
kernel_pkg="$repo/scripts/notebooks/kernel"
tslab="$kernel_pkg/node_modules/.bin/tslab"

sh "$repo/scripts/debian-packages.sh" "notebooks setup" jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client

# (Re)installed when missing or when the installed tslab is not the version package.json pins.
wanted=$(node -p "require('$kernel_pkg/package.json').dependencies.tslab")
installed=$(node -p "try { require('$kernel_pkg/node_modules/tslab/package.json').version } catch { '' }")
if [ ! -x "$tslab" ] || [ "$installed" != "$wanted" ]; then
  echo "notebooks setup: installing tslab $wanted in $kernel_pkg"
  npm ci --prefix "$kernel_pkg" --no-audit --no-fund --loglevel=error
fi

# The kernelspec names tslab by absolute path, so Jupyter finds it without node_modules/.bin
# on PATH (a user starting `jupyter lab` by hand). Rewritten only when it would change.
kernel_json="$prefix/share/jupyter/kernels/tslab/kernel.json"
if [ ! -f "$kernel_json" ] || ! grep -qF "\"$tslab\"" "$kernel_json"; then
  "$tslab" install --python="$python" --prefix="$prefix" --binary="$tslab" >/dev/null
  echo "notebooks setup: tslab kernel installed in $prefix/share/jupyter/kernels"
fi
# The folder is generated per machine (absolute paths): keep it out of git without a root edit.
[ -f "$prefix/.gitignore" ] || printf '*\n' >"$prefix/.gitignore"
