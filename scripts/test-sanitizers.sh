#!/usr/bin/env bash
# Builds the whole suite with AddressSanitizer + UndefinedBehaviorSanitizer (leak detection on)
# into build-asan/ (override with ASAN_BUILD_DIR) and runs every test. Any report fails the run:
# -fno-sanitize-recover=all makes UBSan abort, and ASan/LSan exit non-zero (a test that runs
# the lossland program sees a non-zero status, a test executable fails under CTest).
# The font caches of cairo and fontconfig, which live as long as the process, are released at
# exit in sanitizer builds (src/graph/cairo_output.cpp). The only suppressions are Open MPI's
# runtime state (scripts/lsan.supp says why); the MPI test runs on its own for that, with full
# stack unwinding on malloc (too slow for the rest of the suite).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
JOBS=${JOBS:-$(nproc)}
start=$(date +%s)
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# -O1 -g1 (line tables only): half the compile time of -O2 -g on this code, and the reports
# still name file and line.
opt="-O1 -g1 -DNDEBUG"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOSSLAND_BUILD_BENCHMARKS=OFF \
  -DLOSSLAND_PYTHON=OFF \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$opt" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$opt" \
  "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
  -DLOSSLAND_TEST_TIMEOUT=1200 -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS"
built=$(date +%s)
asan=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1
export ASAN_OPTIONS=$asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp:print_suppressions=0
mpi_test='^SurveyCli\.TwoMpiRanks'
cd "$BUILD_DIR"
ctest --output-on-failure -j"$JOBS" -E "$mpi_test"
ASAN_OPTIONS=$asan:fast_unwind_on_malloc=0 ctest --output-on-failure -R "$mpi_test"
end=$(date +%s)
echo "sanitizers: build $((built - start)) s, tests $((end - built)) s, total $((end - start)) s"
