#!/usr/bin/env python3
"""Rebuilds VulnDB/ (the advisory snapshot fnaudit ships) from ../shared/advisories.

    python3 Scripts/build-vulndb.py

Per ecosystem, the records of current/<Ecosystem>/all.zip and ghsa-curated/<Ecosystem>/all.zip
are merged into VulnDB/<Ecosystem>/all.zip in osv.dev's layout (one <ID>.json per entry at the
root), deterministically: entries sorted, fixed timestamps, so the same inputs give the same bytes.
On an id present in both, the record with the newer `modified` wins. VulnDB/manifest.json records
each zip's upstream repositories, commits, dates and licences; the licence texts are copied to
VulnDB/LICENSES/.
"""
import hashlib, json, os, shutil, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ADVISORIES = os.path.join(os.path.dirname(ROOT), "shared", "advisories")
OUT = os.path.join(ROOT, "VulnDB")
ECOSYSTEMS = ["npm", "PyPI", "Maven"]
GHSA_ORIGIN = "github/advisory-database (github-reviewed, curated subset)"


def records(zip_path):
    with zipfile.ZipFile(zip_path) as z:
        for name in sorted(z.namelist()):
            if name.endswith(".json"):
                data = z.read(name)
                yield name, data, json.loads(data)


def main():
    manifest = json.load(open(os.path.join(ADVISORIES, "manifest.json")))
    sources = []
    for eco in ECOSYSTEMS:
        merged = {}
        newest_ghsa = ""
        for origin in ("current", "ghsa-curated"):
            for name, data, record in records(os.path.join(ADVISORIES, origin, eco, "all.zip")):
                rid = record["id"]
                if origin == "ghsa-curated":
                    newest_ghsa = max(newest_ghsa, record.get("modified", ""))
                if rid in merged and merged[rid][1].get("modified", "") >= record.get("modified", ""):
                    continue
                merged[rid] = (data, record)
        os.makedirs(os.path.join(OUT, eco), exist_ok=True)
        target = os.path.join(OUT, eco, "all.zip")
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for rid in sorted(merged):
                info = zipfile.ZipInfo(f"{rid}.json", date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, merged[rid][0])
        upstream = manifest["snapshots"]["current"][eco]["sources"]
        origin = "; ".join(f"{s['source_repo']} @ {s['commit']}" for s in upstream) + f"; {GHSA_ORIGIN}"
        dates = [s["commit_date"] for s in upstream] + [newest_ghsa]
        licenses = sorted({s["license"] for s in upstream} | {"CC-BY-4.0"})
        with open(target, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        sources.append({"file": f"{eco}/all.zip", "ecosystem": eco, "origin": origin,
                        "date": max(d[:10] for d in dates), "license": " AND ".join(licenses),
                        "records": len(merged), "sha256": digest})
        print(f"{eco}: {len(merged)} records -> {os.path.relpath(target, ROOT)}")
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"sources": sources}, f, indent=2)
        f.write("\n")
    os.makedirs(os.path.join(OUT, "LICENSES"), exist_ok=True)
    for name in os.listdir(os.path.join(ADVISORIES, "LICENSES")):
        shutil.copy(os.path.join(ADVISORIES, "LICENSES", name), os.path.join(OUT, "LICENSES", name))
    shutil.copy(os.path.join(ADVISORIES, "osv-schema", "schema.json"), os.path.join(OUT, "osv-schema.json"))


if __name__ == "__main__":
    main()
