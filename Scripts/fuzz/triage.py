#!/usr/bin/env python3
"""Groups the crash files of a fuzz run by where they crash.

usage: triage.py BINARY TARGET ARTIFACT_DIR [MAX_FILES]

Runs each crash-*/timeout-*/oom-*/probe-* file once through BINARY (the sanitized fnaudit-fuzz), reads
the sanitizer's or Swift's report and prints one line per distinct crash site: how many files,
the smallest reproducer, the kind of failure, the first frame outside the runtimes (the parser
or library that failed) and the first frame in fnaudit's own Sources/ (which of fnaudit's parsers
called it). The same table is written to ARTIFACT_DIR/../triage.tsv.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Crashing runs never clean up the scratch files of the path-only targets: keep them in one place.
SCRATCH = tempfile.mkdtemp(prefix="fnaudit-fuzz-triage.", dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
os.environ["FNAUDIT_FUZZ_TMP"] = SCRATCH

FRAME = re.compile(r"^\s+#(\d+) 0x[0-9a-f]+ in (.+?)(?: (/\S+|\(\S+\)|<compiler-generated>|\S+\.(?:c|cpp|swift))(?::(\d+))?(?::\d+)?)?(?: \(BuildId: \w+\))?$")
RUNTIME = re.compile(
    r"^(__sanitizer|__asan|__interceptor|__lsan|fuzzer::|abort$|raise$|gsignal|__GI_|__libc|__pthread|pthread_kill|"
    r"_assertionFailure|_fatalErrorMessage|swift_|_swift_|Swift\._|Swift\.(?:assertionFailure|fatalError|precondition)|"
    r"__assert_fail|__assert_fail_base|free$|malloc$|calloc$|realloc$|operator delete|operator new|"
    r"LLVMFuzzerTestOneInput|.*__(?:deallocating_deinit|allocating_init)|bool swift::|swift::|\$ss17_assertionFailure|\$ss18_fatalErrorMessage|\(anonymous namespace\))")
RUNTIME_FILE = re.compile(r"compiler-rt|libswiftCore\.so|libc\.so|libc\+\+|libstdc\+\+|sysdeps|nptl|/stdlib/public/|^$")


def demangle(names):
    if not names:
        return {}
    try:
        out = subprocess.run(["swift-demangle", "--simplified"], input="\n".join(names), capture_output=True, text=True, timeout=60).stdout.split("\n")
        return dict(zip(names, out))
    except Exception:
        return {name: name for name in names}


def reproduce(binary, target, path):
    env = dict(os.environ, FNAUDIT_FUZZ_TARGET=target, SWIFT_BACKTRACE="enable=no",
               ASAN_OPTIONS="detect_leaks=0:" + os.environ.get("ASAN_OPTIONS", ""))
    try:
        result = subprocess.run([binary, "-rss_limit_mb=2048", "-timeout=10", path], env=env, capture_output=True,
                                text=True, errors="replace", timeout=120)
        return result.stderr + result.stdout, result.returncode
    except subprocess.TimeoutExpired as expired:
        return (expired.stderr or b"").decode(errors="replace") if isinstance(expired.stderr, bytes) else (expired.stderr or ""), "hang"


GDB_FRAME = re.compile(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+?)\s*\(.*?\)(?: at (\S+?):(\d+)| from (\S+))?\s*$")


def gdb_frames(binary, target, path, count=60):
    """ASan cannot unwind an overflowed stack through the Swift runtime (no frame pointers there):
    let the process take the SIGSEGV under gdb instead and read gdb's backtrace."""
    env = dict(os.environ, FNAUDIT_FUZZ_TARGET=target, SWIFT_BACKTRACE="enable=no",
               ASAN_OPTIONS="detect_leaks=0:handle_segv=0:" + os.environ.get("ASAN_OPTIONS", ""))
    try:
        # The innermost frames say what recursed, the outermost which of fnaudit's parsers called it.
        result = subprocess.run(["gdb", "-batch", "-nx", "-ex", "run", "-ex", f"bt {count}", "-ex", "bt -40", "--args", binary,
                                 "-handle_segv=0", "-rss_limit_mb=2048", path],
                                env=env, capture_output=True, text=True, errors="replace", timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return []
    found = []
    for line in result.stdout.split("\n"):
        match = GDB_FRAME.match(line.strip())
        if match:
            found.append((match.group(2), match.group(3) or match.group(5) or "", match.group(4) or ""))
    return found


def kind_of(log, name):
    for pattern, label in [
        (r"ERROR: AddressSanitizer: ([\w-]+)(?: on.*)?", None),
        (r"(Fatal error: .*|Precondition failed: .*|Assertion failed: .*)", None),
        (r"(Assertion `.*' failed)", None),
        (r"(PROGRAMMER ERROR: .*)", None),
        (r"ERROR: libFuzzer: (timeout|out-of-memory[^\n]*|deadly signal|fuzz target exited)", None),
    ]:
        match = re.search(pattern, log)
        if match:
            return match.group(1).strip()[:160]
    if name.startswith("timeout-"):
        return "timeout"
    if name.startswith("oom-"):
        return "out-of-memory"
    return "no longer reproduces" if "Executed" in log else "unknown (see log)"


def frames(log):
    found = []
    # The first stack of the report: ASan's error stack, or the deadly-signal stack.
    for line in log.split("\n"):
        match = FRAME.match(line)
        if match:
            found.append((match.group(2), match.group(3) or "", match.group(4) or ""))
        elif found and not line.strip():
            break
    return found


def main():
    binary, target, directory = sys.argv[1:4]
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    files = sorted((os.path.join(directory, f) for f in os.listdir(directory) if re.match(r"(crash|timeout|oom|leak|probe)-", f)),
                   key=lambda p: (os.path.getsize(p), p))
    # Hangs and memory blow-ups take seconds each to reproduce and are rarely distinct: a few of each.
    slow = [p for p in files if re.match(r"(timeout|oom)-", os.path.basename(p))]
    files = [p for p in files if p not in slow] + slow[:5]
    groups = {}
    unwound = 0
    for path in files[:limit]:
        name = os.path.basename(path)
        log, _ = reproduce(binary, target, path)
        kind = kind_of(log, name)
        stack = frames(log)
        if unwound < 30 and ("stack-overflow" in kind or not any("/Sources/" in f[1] and "/Sources/Fuzz/" not in f[1] for f in stack)):
            unwound += 1
            stack = gdb_frames(binary, target, path) or stack
        names = demangle([f[0] for f in stack])
        resolved = [(names.get(f[0], f[0]), f[1], f[2]) for f in stack]
        site = next((f for f in resolved if not RUNTIME.match(f[0]) and not RUNTIME_FILE.search(f[1])), None)
        useful = [f for f in resolved if not RUNTIME.match(f[0]) and not RUNTIME_FILE.search(f[1])]
        own = next((f for f in resolved if "/Sources/" in f[1] and "/checkouts/" not in f[1] and "/Sources/Fuzz/" not in f[1]), None)
        # A stack overflow's frames repeat; its first frames are where the recursion is.
        describe = lambda f: f"{f[0]} {os.path.basename(f[1])}{':' + f[2] if f[2] else ''}" if f else "-"
        key = (re.sub(r"0x[0-9a-f]+|\d+ ?(?:bytes?|Mb)", "", kind), describe(site))
        distinct = []
        for f in useful:
            if describe(f) not in distinct:
                distinct.append(describe(f))
        # Frames seen three times or more among the innermost ones: the recursion of a stack overflow.
        inner = [f"{f[0]} {os.path.basename(f[1])}" for f in resolved[:60]]
        recursing = [name for name in dict.fromkeys(inner) if inner.count(name) >= 3 and not RUNTIME.match(name)]
        summary = " < ".join(distinct[:6])
        if recursing:
            summary = "recursion: " + " / ".join(recursing[:4]) + " | " + summary
        group = groups.setdefault(key, {"files": [], "own": describe(own), "stack": summary})
        group["files"].append(path)
    rows = []
    for (kind, site), group in sorted(groups.items(), key=lambda item: -len(item[1]["files"])):
        rows.append([target, str(len(group["files"])), group["files"][0], kind, site, group["own"], group["stack"]])
    out = os.path.join(os.path.dirname(os.path.abspath(directory)), "triage.tsv")
    with open(out, "w") as handle:
        handle.write("target\tfiles\treproducer\tkind\tcrash site\tfirst fnaudit frame\tstack (innermost first)\n")
        for row in rows:
            handle.write("\t".join(row) + "\n")
    for row in rows:
        print(f"  {row[1]:>4} x {row[3]}\n         at   {row[4]}\n         from {row[5]}\n         e.g. {row[2]}")
    skipped = max(0, len(files) - limit) + max(0, len(slow) - 5)
    if skipped:
        print(f"  ({skipped} more files not reproduced)")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
