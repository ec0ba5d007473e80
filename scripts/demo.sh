#!/usr/bin/env bash
# Installs what is missing, builds Tweed (Release) and runs the demo into ./tweed-demo.
# Usage: scripts/demo.sh [output folder]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTWEED_BUILD_TESTS=OFF -DTWEED_BUILD_BENCH=OFF
cmake --build build -j"$(nproc)" --target tweed
./build/apps/tweed demo -o "${1:-tweed-demo}"
