#!/usr/bin/env bash
# Installs everything Paintscape needs on a fresh Debian 12 machine that has Node 20:
# Debian packages (PyTorch for training/parity tests, Chromium for browser tests), pnpm 10,
# and the workspace's npm dependencies (frozen lockfile). Idempotent: skips what is present.
set -euo pipefail
cd "$(dirname "$0")/.."

export ONNXRUNTIME_NODE_INSTALL=skip   # its postinstall only fetches CUDA libraries
export TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1

APT_PACKAGES=(
  python3-torch python3-numpy python3-pil python3-onnx python3-pytest  # training/ + parity fixtures
  libopenblas0-pthread libjemalloc2                                     # fast CPU training (see training/README.md)
  chromium                                                              # Playwright tests (never `playwright install`)
  fonts-dejavu-core
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v pnpm >/dev/null || [[ "$(pnpm --version)" != 10.* ]]; then
  echo "setup: installing pnpm 10" >&2
  npm install -g pnpm@10.34.9 >/dev/null   # pnpm 11+ does not run on Node 20
fi

pnpm install --frozen-lockfile
