#!/usr/bin/env python3
"""Scores fnaudit's identification of jars that carry no pom.properties against a ground truth.

    python3 Scripts/jars/evaluate-identification.py TRUTH.tsv [--binary .build/release/fnaudit] [--db PATH] [-v]

TRUTH.tsv has a header with at least the columns `jar` (a path), `has_pom_properties` (yes/no),
`true_ga` (groupId:artifactId) and `true_version`. Only jars without pom.properties are scored.
Each jar is given to `fnaudit scan --format json` alone (so the advisory-database fallback counts
too), and is counted as identified correctly (coordinates and version right), identified with the
wrong version, identified wrongly, or unidentified. A ground truth for Debian's jars: install
`lib*-java` packages and read /usr/share/maven-repo/**.pom beside each /usr/share/java jar.
"""
import argparse, csv, json, os, subprocess, sys

parser = argparse.ArgumentParser()
parser.add_argument("truth")
parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "fnaudit"))
parser.add_argument("--db")
parser.add_argument("--base", default="", help="folder the jar paths are relative to")
parser.add_argument("-v", action="store_true")
args = parser.parse_args()

counts = {"correct": 0, "wrong version": 0, "wrong coordinates": 0, "unidentified": 0}
methods = {}
with open(args.truth) as f:
    rows = [r for r in csv.DictReader(f, delimiter="\t") if r.get("has_pom_properties") == "no"]
for row in rows:
    path = os.path.join(args.base, row["jar"])
    command = [args.binary, "scan", path, "--format", "json", "--quiet", "--fail-on", "NONE"] + (["--db", args.db] if args.db else [])
    report = json.loads(subprocess.run(command, capture_output=True, text=True).stdout or "{}")
    packages = [p for p in report.get("packages", []) if p["ecosystem"] == "Maven"]
    if not packages:
        outcome = "unidentified"
    else:
        p = packages[0]
        method = (p.get("identification") or {}).get("method", "pom.properties")
        methods[method] = methods.get(method, 0) + 1
        if p["name"] != row["true_ga"]:
            outcome = "wrong coordinates"
        elif p["version"] != row["true_version"]:
            outcome = "wrong version"
        else:
            outcome = "correct"
        if args.v and outcome != "correct":
            print(f"{outcome}: {row['jar']}: {p['name']} {p['version']} (truth {row['true_ga']} {row['true_version']}; {method})")
    if args.v and outcome == "unidentified":
        print(f"unidentified: {row['jar']} (truth {row['true_ga']} {row['true_version']})")
    counts[outcome] += 1
print(f"{len(rows)} jars without pom.properties: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
print("identified by: " + ", ".join(f"{k} {v}" for k, v in sorted(methods.items())))
