#!/usr/bin/env bash
# Installs the client libraries the integration tests drive that cannot live in the main package.json
# (run by `npm test` through "pretest"; a no-op once they are built).
#
# @confluentinc/kafka-javascript (librdkafka 2.x inside): its install script downloads a prebuilt binary from
# GitHub, or else builds librdkafka from the bundled source with --install-deps, which downloads zlib, OpenSSL,
# zstd and curl. These machines reach only the npm registry and Debian's packages, so both fail. With
# CKJS_LINKING=dynamic its configure step uses the system's libraries instead (g++, make and python3 are on the
# machine), which takes a few minutes once.
set -euo pipefail
cd "$(dirname "$0")/confluent-kafka-javascript"
addon=node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node
if [[ -f "$addon" ]]; then exit 0; fi
for tool in g++ make python3; do
  command -v "$tool" >/dev/null || { echo "test/clients/install.sh: $tool is needed to build @confluentinc/kafka-javascript" >&2; exit 1; }
done
echo "==> building @confluentinc/kafka-javascript from source (CKJS_LINKING=dynamic); this takes a few minutes once" >&2
CKJS_LINKING=dynamic npm ci --no-audit --no-fund >&2
[[ -f "$addon" ]] || { echo "test/clients/install.sh: @confluentinc/kafka-javascript did not build ($addon missing)" >&2; exit 1; }
