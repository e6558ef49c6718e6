#!/bin/sh
# The project's whole install step (README's first command, and .ci/run): npm packages from the
# lock file, the notebook kernel (Jupyter from Debian's packages, tslab as a project-local
# kernelspec), then a build so the `daq` CLI and the servers are ready to run.
set -eu
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
sh scripts/notebooks/setup.sh
npx turbo run build
