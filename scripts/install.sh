#!/bin/sh
# The project's whole install step (README's first command, and .ci/run): npm packages from the
# lock files (the workspace's, and scripts/docs' for typedoc); Debian's Python gRPC (the wire-compatibility test talks to our server with a Python
# client generated from proto/daq_data.proto, as the reference service's users do) and Debian's
# Prometheus (the Grafana dashboard's queries are tested against it); Debian's nats-server (the
# gateway's tests start their own, JetStream on); Debian's systemd for systemd-analyze (verifies
# deploy/systemd/daq-node.service; runs without systemd as PID 1); Debian's Chromium (the
# `daq web` dashboard is tested in it through playwright-core; no browser is downloaded); the notebook
# kernel (Jupyter from Debian's packages, tslab as a project-local kernelspec); then a build so
# the `daq` CLI and the servers are ready to run.
set -eu
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
# typedoc for `npm run docs` / `docs:check`, in its own folder: it needs TypeScript 5, the workspace builds with 7.
npm ci --prefix scripts/docs --no-audit --no-fund
sh scripts/debian-packages.sh "install" python3-grpcio python3-grpc-tools prometheus nats-server systemd chromium
sh scripts/notebooks/setup.sh
npx turbo run build
# npm links a workspace's bin only when its file exists, and at `npm ci` time dist/ is not built
# yet: link them now so `npx daq` and `npx daq-server` work.
npm rebuild --ignore-scripts --loglevel=error
