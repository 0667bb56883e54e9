#!/usr/bin/env bash
# Coverage-guided fuzzing of Chorus's file readers with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh TARGET [SECONDS] [LIBFUZZER_FLAG...]   TARGET: map suite preset safetensors checkpoint
#   scripts/fuzz.sh all [SECONDS]                          every target in turn, SECONDS each (default 60)
#
# Builds `chorus-fuzz` instrumented (scratch path .build-fuzz), copies the seed corpus
# Tests/Fixtures/fuzz/TARGET into the working corpus .fuzz/TARGET (gitignored; it grows across runs)
# and fuzzes it with the target's token dictionary (Tests/Fixtures/fuzz-dictionaries/) in libFuzzer's
# fork mode, which keeps going after a crash, timeout or OOM so one run can find several bugs (set
# CHORUS_FUZZ_FORK=0 for the classic single-process mode, which stops at the first). Findings go to .fuzz/artifacts/TARGET/ (crash-*, timeout-*, oom-*), the full log to
# .fuzz/logs/TARGET.log; the last line is a summary: target, seconds, executions, corpus, artifacts.
#
# Reproduce a finding with the stack trace, file:line and sanitizer report:
#   SWIFT_BACKTRACE=enable=no CHORUS_FUZZ_TARGET=TARGET .build-fuzz/release/chorus-fuzz .fuzz/artifacts/TARGET/crash-…
# or without sanitizers (debuggable; the ordinary build's replay tool):
#   swift build --product chorus-fuzz && .build/debug/chorus-fuzz TARGET FILE...
# Minimise it:  SWIFT_BACKTRACE=enable=no CHORUS_FUZZ_TARGET=TARGET .build-fuzz/release/chorus-fuzz -minimize_crash=1 -runs=2000 FILE
# Keep it as a regression input: copy it to Tests/Fixtures/fuzz/TARGET/ with a descriptive name
# (FuzzCorpusTests replays every file there).
set -euo pipefail

cd "$(dirname "$0")/.."
targets=(map suite preset safetensors checkpoint)
usage="usage: scripts/fuzz.sh {$(IFS='|'; echo "${targets[*]}")|all} [SECONDS] [LIBFUZZER_FLAG...]"
[ $# -ge 1 ] || { echo "$usage" >&2; exit 2; }
target=$1
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
[[ $seconds =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
if [ "$target" != all ] && [[ ! " ${targets[*]} " =~ " $target " ]]; then echo "$usage" >&2; exit 2; fi

binary=.build-fuzz/release/chorus-fuzz
symbolizer=$(command -v llvm-symbolizer || echo /opt/swift/usr/bin/llvm-symbolizer)

build() {
    # -sanitize=fuzzer instruments the Swift modules (Chorus and Yams) for coverage and links libFuzzer;
    # -Xcc instruments the C code too (Yams's bundled libyaml). -g gives file:line in stack traces.
    swift build -c release --scratch-path .build-fuzz --product chorus-fuzz \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DCHORUS_FUZZ -Xswiftc -g \
        -Xcc -fsanitize=fuzzer-no-link,address \
        2>&1 | grep -v "prohibited flag" || true
    [ -x "$binary" ] || { echo "fuzz.sh: the build failed" >&2; exit 1; }
}

# fuzz TARGET SECONDS [FLAG...]: one libFuzzer session, then the summary line.
fuzz() {
    local t=$1 secs=$2
    shift 2
    local corpus=.fuzz/$t artifacts=.fuzz/artifacts/$t log=.fuzz/logs/$t.log
    mkdir -p "$corpus" "$artifacts" .fuzz/logs
    cp -n Tests/Fixtures/fuzz/"$t"/* "$corpus"/ 2>/dev/null || true
    local dictionary=Tests/Fixtures/fuzz-dictionaries/$t.dict options=()
    [[ $t == suite || $t == preset ]] && dictionary=Tests/Fixtures/fuzz-dictionaries/yaml.dict
    [ -f "$dictionary" ] && options+=(-dict="$dictionary")
    local mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    [ "${CHORUS_FUZZ_FORK:-1}" = 0 ] && mode=()
    echo "fuzz.sh: $t for ${secs}s (log: $log)"
    set +e
    # SWIFT_BACKTRACE=enable=no: Swift's own crash backtracer would catch the trap before libFuzzer saves the input.
    CHORUS_FUZZ_TARGET=$t ASAN_SYMBOLIZER_PATH=$symbolizer SWIFT_BACKTRACE=enable=no \
        ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
        "$binary" "${mode[@]}" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 "${options[@]}" "$@" "$corpus" >"$log" 2>&1
    local status=$?
    set -e
    # Executions: the last "#N" libFuzzer printed (fork mode: "#N: cov: …", classic mode: "#N\tNEW …" or stat::number_of_executed_units).
    local executions
    executions=$(grep -oE '^#[0-9]+|stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | sort -n | tail -1)
    local findings
    findings=$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    printf 'fuzz.sh: target %s, %s s, %s executions, corpus %s inputs, %s artifacts in %s (libFuzzer exit %s)\n' \
        "$t" "$secs" "${executions:-0}" "$(find "$corpus" -maxdepth 1 -type f | wc -l)" "$findings" "$artifacts" "$status"
}

build
if [ "$target" = all ]; then
    for t in "${targets[@]}"; do fuzz "$t" "$seconds" "$@"; done
else
    fuzz "$target" "$seconds" "$@"
fi
