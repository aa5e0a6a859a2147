#!/usr/bin/env python3
"""Writes a synthetic OSV export shaped like osv.dev's npm data, for the import benchmark.

    python3 Scripts/bench/make-osv-export.py OUT_DIR [--records 215000] [--malicious-share 0.977] [--change-percent 0]

OUT_DIR/npm/all.zip holds --records records: most are MAL- records (malicious packages, as in the
real npm export: one package, `introduced: 0`, a `versions` list, an origin note), the rest
GHSA-like (ranges, aliases, CVSS, references). Seeded: the same arguments give the same bytes.
--change-percent P rewrites P% of the records (new `modified`, changed summary), as the next
day's export would.
"""
import argparse, json, os, random, zipfile

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--records", type=int, default=215_000)
parser.add_argument("--malicious-share", type=float, default=0.977)
parser.add_argument("--change-percent", type=float, default=0)
args = parser.parse_args()
rng = random.Random(7)
changed = random.Random(99)

os.makedirs(os.path.join(args.out, "npm"), exist_ok=True)
with zipfile.ZipFile(os.path.join(args.out, "npm", "all.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(args.records):
        name = f"pkg-{i:06d}-" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6))
        modified = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z"
        summary = f"Malicious code in {name} (npm)"
        if args.change_percent and changed.random() * 100 < args.change_percent:
            modified = "2026-12-01T00:00:00Z"
            summary += " (revised)"
        if i < args.records * args.malicious_share:
            record = {"id": f"MAL-2024-{i:06d}", "modified": modified, "published": modified, "summary": summary,
                      "details": "This package contains code that exfiltrates environment variables on install.",
                      "affected": [{"package": {"ecosystem": "npm", "name": name},
                                    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}],
                                    "versions": [f"1.0.{v}" for v in range(rng.randint(1, 4))],
                                    "database_specific": {"malicious-packages-origins": [{"source": "ghsa-malware", "sha256": "%064x" % rng.getrandbits(256)}]}}],
                      "database_specific": {"malicious-packages-origins": [{"source": "ghsa-malware"}]}}
        else:
            record = {"id": f"GHSA-{i:04x}-bench-{i % 9999:04d}", "modified": modified, "published": modified,
                      "aliases": [f"CVE-2024-{i:05d}"], "summary": summary.replace("Malicious code", "Prototype pollution"),
                      "details": "A crafted payload can modify Object.prototype. " * 8,
                      "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                      "affected": [{"package": {"ecosystem": "npm", "name": name},
                                    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.0"}]}]}],
                      "references": [{"type": "ADVISORY", "url": f"https://github.com/advisories/GHSA-{i:04x}"},
                                     {"type": "WEB", "url": f"https://example.com/{name}"}],
                      "database_specific": {"severity": "CRITICAL", "cwe_ids": ["CWE-1321"]}}
        z.writestr(record["id"] + ".json", json.dumps(record, indent=2))
print(os.path.getsize(os.path.join(args.out, "npm", "all.zip")), "bytes")
