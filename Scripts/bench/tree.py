#!/usr/bin/env python3
"""Issue 19's figures, in one run (ratios are what count on a shared machine):

  python3 Scripts/bench/tree.py [--bin PATH] [--work DIR] [--trivy PATH] [--rounds N] [--no-build]

1. The generated monorepo (Scripts/bench/make-monorepo.py): `fnaudit inventory` wall time against the
   read-everything floor, `find … -print0 | xargs -0 cat > /dev/null` over the files a scanner must read:
   every file for the default scanners (vuln + secret rules read every text file), the package files
   (lockfiles, manifests, installed metadata, jars) for `--scanners vuln`. Trivy `fs` (SBOM only, offline)
   when --trivy is given or `trivy` is on PATH.
2. Each format's largest real lockfile of ../shared/corpus/lockfiles: parse time in ms per 1,000 packages,
   from a scan of N copies (each made distinct by trailing newlines, so no cache skips one) minus a scan of
   N copies of the format's smallest fixture, divided by N: process start and fixed costs cancel out.
   Trivy's time the same way.

Rounds are interleaved and the best of each is kept; the cache is warmed first.
Release build: swift build -c release --scratch-path .build-perf (unless --bin or --no-build).
"""
import argparse, csv, json, os, shutil, subprocess, sys, tempfile, time

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
parser = argparse.ArgumentParser()
parser.add_argument("--bin")
parser.add_argument("--work", default=os.path.join(root, ".build-perf", "bench"))
parser.add_argument("--trivy", default=shutil.which("trivy"))
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--no-build", action="store_true")
parser.add_argument("--corpus", default=os.path.join(root, "..", "shared", "corpus", "lockfiles"))
parser.add_argument("--skip-tree", action="store_true")
parser.add_argument("--skip-lockfiles", action="store_true")
parser.add_argument("--formats", help="comma-separated formats of the lockfile table (default: all)")
parser.add_argument("--copies", type=int, default=50,
                    help="copies of each lockfile per scan (amortises process start; sub-millisecond files need many)")
args = parser.parse_args()

binary = args.bin
if not binary:
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--scratch-path", ".build-perf", "--product", "fnaudit"],
                       cwd=root, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(root, ".build-perf", "release", "fnaudit")
tree = os.path.join(args.work, "monorepo")
subprocess.run([sys.executable, os.path.join(root, "Scripts", "bench", "make-monorepo.py"), tree, "--corpus", args.corpus], check=True)
trivy_cache = os.path.join(args.work, "trivy-cache")


def wall(cmd, **kw):
    start = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start, result


def fnaudit(target, *extra):
    return [binary, "inventory", target, "--format", "json", "--quiet", *extra]


def trivy(target):
    return [args.trivy, "fs", "--offline-scan", "--skip-java-db-update", "--skip-db-update", "--format", "cyclonedx",
            "--cache-dir", trivy_cache, "-q", target]


def package_count(target):
    _, result = wall(fnaudit(target, "--scanners", "vuln", "--include-dev"))
    try:
        return len(json.loads(result.stdout).get("packages", []))
    except ValueError:
        return 0


def best(measures, rounds):
    """Interleaved rounds; the best wall time of each command."""
    times = {name: [] for name in measures}
    for _ in range(rounds):
        for name, cmd in measures.items():
            times[name].append(wall(cmd, shell=isinstance(cmd, str))[0])
    return {name: min(t) for name, t in times.items()}


if not args.skip_tree:
    # What the package extractors read: lockfiles, manifests, installed metadata, jars.
    package_files = ("\\( -name package-lock.json -o -name npm-shrinkwrap.json -o -name yarn.lock -o -name pnpm-lock.yaml"
                     " -o -path '*/node_modules/*/package.json' -o -name 'requirements*.txt' -o -name poetry.lock -o -name uv.lock"
                     " -o -name pdm.lock -o -name Pipfile.lock -o -name 'pylock*.toml' -o -path '*.dist-info/METADATA'"
                     " -o -name pom.xml -o -name gradle.lockfile -o -name '*.jar' \\)")
    floor_all = f"find {tree} -type f -print0 | xargs -0 cat > /dev/null"
    floor_pkg = f"find {tree} -type f {package_files} -print0 | xargs -0 cat > /dev/null"
    measures = {"floor (all files)": floor_all, "floor (package files)": floor_pkg,
                "fnaudit inventory": fnaudit(tree), "fnaudit inventory --scanners vuln": fnaudit(tree, "--scanners", "vuln")}
    if args.trivy:
        measures["trivy fs (SBOM)"] = trivy(tree)
    for cmd in measures.values():   # warm the page cache (and Trivy's analyzer cache, as it would be in CI: none)
        wall(cmd, shell=isinstance(cmd, str))
    figures = best(measures, args.rounds)
    files = int(subprocess.run(f"find {tree} -type f | wc -l", shell=True, capture_output=True, text=True).stdout)
    size = int(subprocess.run(["du", "-sm", tree], capture_output=True, text=True).stdout.split()[0])
    print(f"monorepo: {files} files, {size} MB, {package_count(tree)} packages (best of {args.rounds}, warm cache)")
    for name, secs in figures.items():
        print(f"  {name:40s} {secs:7.2f} s")
    print(f"  inventory / floor (all files)            {figures['fnaudit inventory'] / figures['floor (all files)']:7.2f} x")
    print(f"  inventory --scanners vuln / floor (pkg)  {figures['fnaudit inventory --scanners vuln'] / figures['floor (package files)']:7.2f} x")
    if args.trivy:
        print(f"  trivy fs / inventory --scanners vuln     {figures['trivy fs (SBOM)'] / figures['fnaudit inventory --scanners vuln']:7.2f} x")
        print(f"  trivy fs / inventory (vuln + secret)     {figures['trivy fs (SBOM)'] / figures['fnaudit inventory']:7.2f} x")

if not args.skip_lockfiles:
    rows = list(csv.DictReader(open(os.path.join(args.corpus, "MANIFEST.tsv")), delimiter="\t"))
    largest, smallest = {}, {}
    for row in rows:
        size = os.path.getsize(os.path.join(args.corpus, row["file"]))
        if row["kind"] == "real" and size > largest.get(row["format"], (0, None))[0]:
            largest[row["format"]] = (size, row)
        if row["kind"] == "fixture-valid" and size < smallest.get(row["format"], (1 << 60, None))[0]:
            smallest[row["format"]] = (size, row)
    scratch = tempfile.mkdtemp(prefix="fnaudit-bench-")
    copies = args.copies
    print(f"\nlargest real lockfile per format: parse time = (scan of {copies} copies - scan of {copies} copies of the format's "
          f"smallest fixture) / {copies}; copy i ends in i extra newlines, so no cache can skip one (best of {max(args.rounds, 5)})")
    header = f"  {'format':16s} {'file':58s} {'KB':>5s} {'pkgs':>5s} {'fnaudit ms':>10s} {'ms/1k':>6s}"
    print(header + (f" {'trivy ms':>9s} {'ms/1k':>6s} {'speedup':>7s}" if args.trivy else ""))

    def fill(folder, source, name):
        data = open(source, "rb").read()
        for i in range(copies):
            os.makedirs(os.path.join(folder, f"p{i:02}"))
            with open(os.path.join(folder, f"p{i:02}", name), "wb") as f:
                f.write(data + b"\n" * (i + 1))

    for fmt in sorted(largest):
        if args.formats and fmt not in args.formats.split(","):
            continue
        size, row = largest[fmt]
        name = row["canonical_name"]
        big, small = os.path.join(scratch, fmt, "big"), os.path.join(scratch, fmt, "small")
        fill(big, os.path.join(args.corpus, row["file"]), name)
        fill(small, os.path.join(args.corpus, (smallest.get(fmt) or largest[fmt])[1]["file"]) if fmt in smallest else os.devnull, name)
        measures = {"fn big": fnaudit(big, "--scanners", "vuln"), "fn small": fnaudit(small, "--scanners", "vuln")}
        if args.trivy:
            measures["tv big"], measures["tv small"] = trivy(big), trivy(small)
        t = best(measures, max(args.rounds, 5))
        count = package_count(os.path.join(big, "p00", name))
        ms = max(0.0, (t["fn big"] - t["fn small"]) * 1000 / copies)
        line = f"  {fmt:16s} {os.path.basename(row['file'])[:58]:58s} {size // 1000:5d} {count:5d} {ms:10.1f} {ms * 1000 / max(count, 1):6.1f}"
        if args.trivy:
            tms = max(0.0, (t["tv big"] - t["tv small"]) * 1000 / copies)
            line += f" {tms:9.1f} {tms * 1000 / max(count, 1):6.1f} {tms / max(ms, 0.1):6.2f}x"
        print(line, flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
