#!/usr/bin/env python3
"""Builds a libFuzzer seed corpus for one fnaudit-fuzz target from the repository's fixtures.

usage: seed.py TARGET PATTERN REPO OUT_DIR
       seed.py --probes TARGET OUT_DIR

PATTERN is the target's regular expression over fixture paths (`fnaudit-fuzz --seed-pattern TARGET`).
Files are copied into OUT_DIR (outside the repository), turned into the target's input format
where it has one: toml-lockfiles take a selector byte first; versions take `A\nB` pairs from the
reference vectors; osv-record also takes records from the shipped VulnDB exports.

--probes writes hand-made hostile inputs instead (deep nesting, alias and entity bombs, long
chains, invalid UTF-8): shapes a 60-second run is unlikely to reach by mutation because they are
longer than libFuzzer's early inputs and add no coverage level by level. run.sh runs each once,
apart from the fuzzing, and keeps the ones that crash.
"""
import hashlib
import os
import re
import sys
import zipfile

MAX_SEED_BYTES = 512 * 1024
TOML_SELECTOR = [("poetry.lock", 0), ("uv.lock", 1), ("pdm.lock", 2), ("pylock", 3)]


DEEP = 100_000


def probes(target):
    """(name, bytes) pairs of hostile inputs for one target."""
    json_probes = [
        ("json-deep-arrays", b"[" * DEEP + b"]" * DEEP),
        ("json-deep-objects", b'{"a":' * DEEP + b"1" + b"}" * DEEP),
        ("json-deep-in-packages", b'{"lockfileVersion":3,"packages":{"node_modules/a":' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}}"),
        ("json-huge-number", b'{"lockfileVersion":1e999999999,"id":1e999999999}'),
        ("json-invalid-utf8", b'{"id":"\xff\xfe","lockfileVersion":"\xc3"}'.replace(b"\\xff\\xfe", b"\xff\xfe")),
    ]
    yaml_probes = [
        ("yaml-deep-flow", b"[" * DEEP),
        ("yaml-deep-flow-closed", b"a: " + b"[" * 20_000 + b"]" * 20_000 + b"\n"),
        ("yaml-deep-block", b"".join(b" " * i + b"a:\n" for i in range(0, 4000))),
        ("yaml-alias-bomb", b"a: &a [x,x,x,x,x,x,x,x,x]\n" + b"".join(
            b"%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n" % ((bytes([c]),) * 2 + (bytes([c - 1]),) * 9)
            for c in range(ord("b"), ord("k")))),
        ("yaml-invalid-utf8", b"lockfileVersion: '9.0'\npackages:\n  /\xff\xfe@1.0.0:\n    resolution: {integrity: x}\n"),
    ]
    toml_probes = [
        ("toml-escape-key", b"[\x1b"),
        ("toml-deep-arrays", b"a = " + b"[" * DEEP + b"]" * DEEP + b"\n"),
        ("toml-deep-inline-tables", b"a = " + b"{b = " * 20_000 + b"1" + b"}" * 20_000 + b"\n"),
        ("toml-long-dotted-key", b".".join([b"k"] * 50_000) + b" = 1\n"),
        ("toml-invalid-utf8", b'[[package]]\nname = "\xff\xfe"\nversion = "1.0"\n'),
    ]
    xml_probes = [
        ("xml-deep", b"<project>" + b"<a>" * DEEP + b"</a>" * DEEP + b"</project>"),
        ("xml-invalid-utf8-name", b"<project><\xff\xfe/></project>"),
        ("xml-invalid-utf8-text", b"<project><groupId>\xff\xfe</groupId></project>"),
        ("xml-entity-bomb", b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">' + b"".join(
            b'<!ENTITY %s "%s">' % (bytes([c]), b"&%s;" % bytes([c - 1]) * 10) for c in range(ord("b"), ord("k")))
            + b"]><project><version>&j;</version></project>"),
        ("xml-property-cycle", b"<project><properties><a>${b}</a><b>${a}</b></properties><version>${a}</version>"
            b"<dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>${a}</version></dependency></dependencies></project>"),
        ("xml-self-parent", b"<project><parent><groupId>g</groupId><artifactId>a</artifactId><version>1</version>"
            b"<relativePath>pom.xml</relativePath></parent><groupId>g</groupId><artifactId>a</artifactId><version>1</version></project>"),
    ]
    text_probes = [
        ("text-long-line", b"a" * (4 << 20)),
        ("text-invalid-utf8", b"\xff\xfe\xc3\x28 == 1.0\nName: \xff\nVersion: \xc3\n"),
        ("text-many-continuations", b"a==1.0 " + b"\\\n" * DEEP),
    ]
    if target in ("package-lock", "pipfile-lock", "osv-record"):
        return json_probes
    if target == "json-readers":
        # Selector byte: even package-lock.json, odd Pipfile.lock.
        return [(f"{name}-{selector}", bytes([selector]) + data) for name, data in json_probes for selector in range(2)]
    if target == "toml-reader":
        return toml_probes
    if target in ("pnpm-lock", "pnpm-reader"):
        return yaml_probes
    if target == "toml-lockfiles":
        return [(f"{name}-{selector}", bytes([selector]) + data) for name, data in toml_probes for selector in range(4)]
    if target == "policy-config":
        return toml_probes + [("toml-ignore-deep", b"[[ignore]]\nid = " + b"[" * DEEP + b"]" * DEEP + b"\n")]
    if target == "pom-xml":
        return xml_probes
    if target == "requirements":
        return text_probes + [("requirements-self-include", b"-r requirements.txt\n-c requirements.txt\na==1\n"),
                              ("requirements-deep-extras", b"a[" + b"b," * DEEP + b"]==1\n")]
    if target in ("yarn-lock", "python-metadata", "gradle-lockfile"):
        return text_probes
    if target == "versions":
        return [
            ("maven-deep-dashes", b"1-" * DEEP + b"\n" + b"1-" * DEEP + b"a"),
            ("maven-deep-alternating", b"1-a" * DEEP + b"\n" + b"1-b" * DEEP),
            ("maven-long-dots", b"1." * DEEP + b"\n" + b"1." * DEEP + b"1"),
            ("semver-huge-numbers", b"9" * 10_000 + b".0.0\n" + b"9" * 10_001 + b".0.0"),
            ("pep440-long-release", b"1" + b".0" * DEEP + b"\n1" + b".0" * DEEP + b".1"),
            ("pep440-long-local", b"1.0+" + b"a." * DEEP + b"a\n1.0+" + b"a." * DEEP + b"b"),
            ("prerelease-many-ids", b"1.0.0-" + b"a." * DEEP + b"a\n1.0.0-" + b"a." * DEEP + b"b"),
            ("invalid-utf8", b"1.0\xff\n1.0\xfe"),
        ]
    if target == "deployment":
        # Selector byte: 0 template.yaml, 1 serverless.yml, 2 cdk.out/manifest.json, 3 template.json.
        return [(f"{name}-{selector}", bytes([selector]) + data) for name, data in yaml_probes + json_probes for selector in range(4)] + [
            ("cfn-short-tags", b"\x00Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: !Sub '${A}'\n"
                b"      Layers: [!GetAtt L.Arn, !Ref X, !If [c, !Ref a, !Ref b]]\n      Runtime: !!str 3\n"),
            ("cfn-code-outside", b"\x00Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: ../../../../etc\n"),
        ]
    if target == "archive":
        return [("not-an-archive", b"hello, not an archive"), ("empty", b""),
                ("zip-header-only", b"PK\x03\x04" + b"\x00" * 26), ("gzip-garbage", b"\x1f\x8b\x08\x00" + b"\xff" * 64)]
    return []


def main():
    if sys.argv[1] == "--probes":
        target, out = sys.argv[2:4]
        os.makedirs(out, exist_ok=True)
        for name, data in probes(target):
            with open(os.path.join(out, name), "wb") as handle:
                handle.write(data)
        print(f"{target}: {len(probes(target))} probes in {out}")
        return
    target, pattern, repo, out = sys.argv[1:5]
    os.makedirs(out, exist_ok=True)
    fixtures = os.path.join(repo, "Tests", "Fixtures")
    regex = re.compile(pattern)
    seeds = []
    for root, _, files in os.walk(fixtures):
        for name in sorted(files):
            path = os.path.join(root, name)
            relative = os.path.relpath(path, fixtures)
            if relative.endswith(".tsv") and target != "versions":
                continue
            if regex.search(relative) and os.path.getsize(path) <= (1 << 30 if target == "versions" else MAX_SEED_BYTES):
                seeds.append(path)
    written = 0
    for path in seeds:
        data = open(path, "rb").read()
        name = os.path.basename(path)
        if target == "toml-lockfiles":
            selector = next(value for prefix, value in TOML_SELECTOR if name.startswith(prefix))
            written += emit(out, bytes([selector]) + data)
        elif target == "json-readers":
            written += emit(out, bytes([1 if name == "Pipfile.lock" else 0]) + data)
        elif target == "deployment":
            selector = 1 if name.startswith("serverless") else 2 if name == "manifest.json" else 3 if name.endswith(".json") else 0
            written += emit(out, bytes([selector]) + data)
        elif target == "versions":
            written += version_pairs(out, data)
        else:
            written += emit(out, data)
    if target == "policy-config":
        # The TOML grammar of the lockfiles is a good start for a TOML config too.
        for root, _, files in os.walk(fixtures):
            for name in files:
                if re.search(r"(poetry\.lock|uv\.lock|pdm\.lock|pylock[^/]*\.toml)$", name):
                    written += emit(out, open(os.path.join(root, name), "rb").read())
    if target == "osv-record":
        vulndb = os.path.join(repo, "VulnDB")
        for ecosystem in sorted(os.listdir(vulndb)) if os.path.isdir(vulndb) else []:
            export = os.path.join(vulndb, ecosystem, "all.zip")
            if os.path.isfile(export):
                with zipfile.ZipFile(export) as archive:
                    for info in archive.infolist()[:25]:
                        written += emit(out, archive.read(info))
    print(f"{target}: {written} seeds in {out}")


def version_pairs(out, data, every=400):
    """Every `every`th pair of a reference-vector file (`A<TAB>B<TAB>expected`), as `A\\nB`."""
    count = 0
    lines = [line for line in data.split(b"\n") if line and not line.startswith(b"#")]
    for line in lines[::every]:
        fields = line.split(b"\t")
        if len(fields) < 2:
            continue
        a, b = (unquote(field) for field in fields[:2])
        count += emit(out, a + b"\n" + b)
    return count


def unquote(field):
    return field[1:-1] if len(field) >= 2 and field[:1] == b'"' and field[-1:] == b'"' else field


def emit(out, data):
    path = os.path.join(out, hashlib.sha1(data).hexdigest())
    if os.path.exists(path):
        return 0
    with open(path, "wb") as handle:
        handle.write(data)
    return 1


if __name__ == "__main__":
    main()
