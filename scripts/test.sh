#!/usr/bin/env bash
# Installs what is missing, builds Tweed with its tests, runs the whole suite, then builds the
# unit tests with AddressSanitizer + UndefinedBehaviorSanitizer and runs them.
# Set TWEED_SKIP_SANITIZE=1 to skip the sanitizer pass (it doubles the build time).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
# OpenMP threads otherwise spin at barriers, which starves parallel ctest jobs on small machines.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
bash scripts/setup.sh

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTWEED_BUILD_TESTS=ON -DTWEED_BUILD_BENCH=ON
cmake --build build -j"$jobs"
status=0
(cd build && ctest --output-on-failure -j"$jobs" --timeout 900) || status=$?

if [ "${TWEED_SKIP_SANITIZE:-0}" != "1" ]; then
  echo "== sanitizer pass (address, undefined): unit tests =="
  cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DTWEED_SANITIZE=address,undefined -DTWEED_BUILD_BENCH=OFF
  cmake --build build-sanitize -j"$jobs"
  # LeakSanitizer is off: FFTW's and OpenMP's process-lifetime caches are reported as leaks.
  (cd build-sanitize && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --output-on-failure -j"$jobs" -L unit --timeout 900) || status=$?
fi
exit $status
