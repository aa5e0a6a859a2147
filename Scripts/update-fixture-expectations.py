#!/usr/bin/env python3
"""Writes expected.tsv beside each extractor fixture case (Tests/Fixtures/<format>/<case>/).

    swift build && python3 Scripts/update-fixture-expectations.py [case-dir ...]

Each line: ecosystem, name, version (or the note of a non-exact version), version kind, dev|prod,
and the first location relative to the case folder with its line. Review the diff before
committing: the test (ExtractorFixtureTests) then fails on any change.
"""
import json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
SKIP = {"versions", "osv", "bad-input", "bundles", "e2e"}
BINARY = os.path.join(ROOT, ".build", "debug", "fnaudit")


def cases():
    for fmt in sorted(os.listdir(FIXTURES)):
        if fmt in SKIP or not os.path.isdir(os.path.join(FIXTURES, fmt)):
            continue
        for case in sorted(os.listdir(os.path.join(FIXTURES, fmt))):
            path = os.path.join(FIXTURES, fmt, case)
            if os.path.isdir(path):
                yield path


def expected(case):
    out = subprocess.run([BINARY, "inventory", case, "--include-dev", "--format", "json", "--quiet"],
                         stdout=subprocess.PIPE, check=False).stdout
    report = json.loads(out)
    lines = []
    for p in report["packages"]:
        version = p["version"] if p["versionKind"] == "exact" else (p.get("versionNote") or "")
        loc = p["locations"][0]
        where = os.path.relpath(loc["path"], case) + (f":{loc['line']}" if loc.get("line") else "")
        lines.append("\t".join([p["ecosystem"], p["name"], version, p["versionKind"], "dev" if p["dev"] else "prod", where]))
    return "".join(l + "\n" for l in sorted(lines))


for case in (sys.argv[1:] or cases()):
    with open(os.path.join(case, "expected.tsv"), "w") as f:
        f.write(expected(case))
    print(os.path.relpath(case, ROOT))
