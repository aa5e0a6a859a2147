#!/usr/bin/env python3
"""Write a TSV of CVSS v4.0 vectors and their scores per the PyPI `cvss` package.

Usage: generate-cvss4-vectors.py [ADVISORIES_DIR] [OUT_TSV]
  defaults: ../shared/advisories (beside the repository)  cvss4-vectors.tsv (next to this script)
  The committed copy is Tests/Fixtures/cvss/cvss4-vectors.tsv.gz (gzip -9 -n of the output).

Output lines are `vector<TAB>score`; score is what `cvss.CVSS4(vector).base_score`
gives (one decimal), or `invalid` where the reference raises a CVSS4Error.
Lines starting with `#section NAME` separate the categories:
  osv        every CVSS_V4 vector in ADVISORIES_DIR/*/*/all.zip (OSV JSON)
  base       all 104,976 base-metric combinations, in specification order
  random     seeded random vectors with threat/environmental/supplemental metrics
  reordered  seeded random vectors with their metrics shuffled (the reference accepts these)
  invalid    malformed vectors
A vector is written once per section (the sections may share vectors).
Reproducible: the random parts use a fixed seed.
"""

import glob
import itertools
import json
import os
import random
import sys
import time
import zipfile

import cvss
from cvss.exceptions import CVSS4Error

SEED = 20240401
RANDOM_COUNT = 4000
REORDERED_COUNT = 500

BASE = [
    ("AV", "NALP"), ("AC", "LH"), ("AT", "NP"), ("PR", "NLH"), ("UI", "NPA"),
    ("VC", "HLN"), ("VI", "HLN"), ("VA", "HLN"),
    ("SC", "HLN"), ("SI", "HLN"), ("SA", "HLN"),
]
# Optional metrics in specification order, each with X ("not defined") first.
OPTIONAL = [
    ("E", ["X", "A", "P", "U"]),
    ("CR", ["X", "H", "M", "L"]), ("IR", ["X", "H", "M", "L"]), ("AR", ["X", "H", "M", "L"]),
    ("MAV", ["X", "N", "A", "L", "P"]), ("MAC", ["X", "L", "H"]), ("MAT", ["X", "N", "P"]),
    ("MPR", ["X", "N", "L", "H"]), ("MUI", ["X", "N", "P", "A"]),
    ("MVC", ["X", "H", "L", "N"]), ("MVI", ["X", "H", "L", "N"]), ("MVA", ["X", "H", "L", "N"]),
    ("MSC", ["X", "H", "L", "N"]), ("MSI", ["X", "S", "H", "L", "N"]), ("MSA", ["X", "S", "H", "L", "N"]),
    ("S", ["X", "N", "P"]), ("AU", ["X", "N", "Y"]), ("R", ["X", "A", "U", "I"]),
    ("V", ["X", "D", "C"]), ("RE", ["X", "L", "M", "H"]), ("U", ["X", "Clear", "Green", "Amber", "Red"]),
]

PREFIX = "CVSS:4.0/"
GOOD = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"


def reference_score(vector):
    try:
        return "{:.1f}".format(cvss.CVSS4(vector).base_score)
    except CVSS4Error:
        return "invalid"


def osv_vectors(root):
    """Every CVSS_V4 score string in the OSV records of ADVISORIES/*/*/all.zip."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "CVSS_V4" and isinstance(node.get("score"), str):
                found.append(node["score"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(glob.glob(os.path.join(root, "*", "*", "all.zip"))):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if name.endswith(".json"):
                    walk(json.loads(archive.read(name)))
    return found


def base_vectors():
    names = [name for name, _ in BASE]
    for values in itertools.product(*(vals for _, vals in BASE)):
        yield PREFIX + "/".join("{}:{}".format(n, v) for n, v in zip(names, values))


def random_metrics(rng):
    """Random base metrics plus a random subset of the optional ones."""
    fields = [(name, rng.choice(vals)) for name, vals in BASE]
    density = rng.random()
    for name, vals in OPTIONAL:
        if rng.random() < density:
            # Bias the subsequent-system modifiers towards S so that EQ4=0 is well covered.
            if name in ("MSI", "MSA") and rng.random() < 0.25:
                fields.append((name, "S"))
            else:
                fields.append((name, rng.choice(vals)))
    return fields


def join(fields):
    return PREFIX + "/".join("{}:{}".format(n, v) for n, v in fields)


def random_vectors(rng, count):
    return [join(random_metrics(rng)) for _ in range(count)]


def reordered_vectors(rng, count):
    out = []
    for _ in range(count):
        fields = random_metrics(rng)
        rng.shuffle(fields)
        out.append(join(fields))
    return out


def invalid_vectors(rng):
    body = GOOD[len(PREFIX):]
    out = [
        "",
        "CVSS:4.0",
        "CVSS:4.0/",
        "CVSS:3.1/" + body,
        "CVSS:4.1/" + body,
        "cvss:4.0/" + body,
        "CVSS:4.0:" + body,
        body,
        "/" + body,
        " " + GOOD,
        GOOD + " ",
        GOOD + "/",
        GOOD + "//",
        GOOD.replace("/AC:L/", "//AC:L/"),
        "CVSS:4.0/CVSS:4.0/" + body,
        GOOD + "/E",
        GOOD + "/E:",
        GOOD + "/:A",
        GOOD + "/E:A:A",
        GOOD + "/XX:Y",
        GOOD + "/E:Z",
        GOOD + "/E:a",
        GOOD + "/U:clear",
        GOOD + "/U:RED",
        GOOD + "/MSC:S",
        GOOD.replace("SI:N", "SI:S"),
        GOOD.replace("SA:N", "SA:S"),
        GOOD.replace("AV:N", "AV:X"),
        GOOD.replace("VC:H", "VC:X"),
        GOOD.replace("AV:N", "av:N"),
        GOOD.replace("AV:N", "AV:n"),
        GOOD.replace("AV:N", "AV:NN"),
        GOOD.replace("AV:N", "AV: N"),
        GOOD + "/AV:N",
        GOOD + "/AV:L",
        GOOD + "/E:A/E:A",
        GOOD + "/E:X/E:X",
        GOOD + "/MAV:N/MAV:L",
        GOOD + "/CR:H/IR:H/CR:L",
        GOOD + "/E:A/CR:H/MSI:S/MSI:X",
        GOOD.replace("AV:N", "AV:\u00d1"),
        GOOD.replace("AV:N", "\uff21V:N"),
        GOOD.replace("/", "\\"),
        GOOD.replace("/", ","),
    ]
    # Each mandatory base metric missing in turn.
    for name, _ in BASE:
        fields = [(n, v[0]) for n, v in BASE if n != name]
        out.append(join(fields))
    # Each metric with a value it does not allow.
    for name, _ in BASE:
        out.append(join([(n, "Z" if n == name else v[0]) for n, v in BASE]))
    for name, _ in OPTIONAL:
        out.append(GOOD + "/{}:Z".format(name))
    # A few random valid vectors with one metric duplicated.
    for _ in range(10):
        fields = random_metrics(rng)
        fields.insert(rng.randrange(len(fields) + 1), rng.choice(fields))
        out.append(join(fields))
    return [v for v in out if v != GOOD]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "advisories")
    out_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "cvss4-vectors.tsv")
    started = time.monotonic()
    rng = random.Random(SEED)

    sections = [
        ("osv", osv_vectors(root)),
        ("base", base_vectors()),
        ("random", random_vectors(rng, RANDOM_COUNT)),
        ("reordered", reordered_vectors(rng, REORDERED_COUNT)),
        ("invalid", invalid_vectors(rng)),
    ]
    counts = {}
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for section, vectors in sections:
            out.write("#section {}\n".format(section))
            counts[section] = 0
            seen = set()
            for vector in vectors:
                if vector in seen or "\t" in vector or "\n" in vector or "\r" in vector:
                    continue
                seen.add(vector)
                out.write("{}\t{}\n".format(vector, reference_score(vector)))
                counts[section] += 1
    elapsed = time.monotonic() - started
    summary = ", ".join("{} {}".format(k, v) for k, v in counts.items())
    print("wrote {} ({}; {} vectors) in {:.1f}s".format(out_path, summary, sum(counts.values()), elapsed))


if __name__ == "__main__":
    main()
