#!/usr/bin/env python3
"""Builds the version-comparison test vectors from the three reference implementations.

    python3 Scripts/version-vectors/generate.py            # rewrite Tests/Fixtures/versions/*.tsv
    python3 Scripts/version-vectors/generate.py --fuzz 20000 --seed 7 --fnaudit .build/release/fnaudit
                                                            # fresh pairs, checked against fnaudit

Versions come from the real advisory exports in ../shared/advisories (every introduced / fixed /
last_affected / limit event and every listed version), the public test suites and release
histories in ../shared/corpus/version-fixtures, hand-written tricky forms, and random strings
built from each ecosystem's tokens. Pairs: each version with itself, neighbours in sorted
order (similar strings), random pairs, and all pairs of the tricky forms. The expected order of
every pair is computed by the reference: node-semver (npm's copy), Python's packaging, and
org.apache.maven.artifact.versioning.ComparableVersion from /usr/share/maven/lib.
"""
import argparse, glob, io, json, os, random, subprocess, sys, tempfile, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "versions")
ECOSYSTEMS = ["npm", "PyPI", "Maven"]


def advisory_versions():
    found = {e: set() for e in ECOSYSTEMS}
    zips = glob.glob(os.path.join(SHARED, "advisories", "*", "*", "all.zip"))
    for path in zips:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                try:
                    record = json.loads(z.read(name))
                except ValueError:
                    continue
                for affected in record.get("affected", []):
                    eco = affected.get("package", {}).get("ecosystem")
                    if eco not in found:
                        continue
                    for v in affected.get("versions", []) or []:
                        found[eco].add(v)
                    for r in affected.get("ranges", []) or []:
                        if r.get("type") == "GIT":
                            continue
                        for event in r.get("events", []):
                            for v in event.values():
                                if isinstance(v, str):
                                    found[eco].add(v)
    return found


def fixture_versions():
    vf = os.path.join(SHARED, "corpus", "version-fixtures")
    found = {e: set() for e in ECOSYSTEMS}

    def lines(name):
        p = os.path.join(vf, name)
        if not os.path.exists(p):
            return []
        with open(p, encoding="utf-8") as f:
            return [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]

    def unquote(s):
        return s[1:-1] if len(s) >= 2 and s[0] == s[-1] == '"' else s

    for l in lines("node-semver-assertions.tsv"):
        parts = l.split("\t")
        found["npm"].update(parts[1:3])
    for l in lines("node-semver-invalid-versions.tsv"):
        found["npm"].add(unquote(l.split("\t")[0]))
    found["npm"].update(lines("node-semver-valid-versions.txt"))
    for l in lines("npm-git-tags.tsv"):
        parts = l.split("\t")
        found["npm"].update(parts[2:4])
    for l in lines("packaging-assertions.tsv"):
        found["PyPI"].update(l.split("\t")[1:3])
    found["PyPI"].update(lines("packaging-VERSIONS.txt"))
    found["PyPI"].update(unquote(l) for l in lines("packaging-invalid-versions.txt"))
    found["PyPI"].update(unquote(l) for l in lines("packaging-other-strings.txt"))
    for name in ("maven-ComparableVersionTest-3.8.7.tsv", "maven-ComparableVersionTest-head.tsv"):
        for l in lines(name):
            found["Maven"].update(l.split("\t")[1:3])
    for eco, files in (("npm", ["semver-versions.txt"]),
                       ("PyPI", ["pypi-versions.txt", "pypi-versions-generated.txt"]),
                       ("Maven", ["maven-versions.txt", "maven-versions-generated.txt"])):
        for name in files:
            for l in lines(os.path.join("osv", name)):
                for part in l.split(" "):
                    if part not in ("<", ">", "=", ""):
                        found[eco].add(part)
    return found


TRICKY = {
    "npm": """1.2.3 v1.2.3 V1.2.3 =1.2.3 v=1.2.3 1.2 1 1.2.3.4 01.2.3 1.02.3 1.2.03 0.0.0 1.2.3-0 1.2.3-00 1.2.3-01
    1.2.3-0a 1.2.3-a.01 1.2.3-alpha 1.2.3-alpha.1 1.2.3-alpha.beta 1.2.3-alpha.1.beta 1.2.3-1a 1.2.3-a-b 1.2.3--
    1.2.3-- 1.2.3-a. 1.2.3-.a 1.2.3-a..b 1.2.3+build 1.2.3+ 1.2.3+a. 1.2.3-+b 1.2.3-rc.1+build.5 1.2.3+build.01
    1.2.3-rc.1 1.2.3-rc.2 1.2.3-rc.10 1.2.3-RC.1 1.2.3-beta 1.2.3-Beta 1.2.3-alpha.10 1.2.3-alpha.9
    9007199254740991.0.0 9007199254740992.0.0 0.9007199254740991.0 0.0.9007199254740991 0.0.90071992547409910
    1.0.0-9007199254740990 1.0.0-9007199254740991 1.0.0-9007199254740992 1.0.0-9007199254740993
    1.0.0-99999999999999999999 1.0.0-99999999999999999998 1.0.0-99999999999999999999.1 1.0.0-99999999999999999998.2
    1.0.0-x.9007199254740993 1.0.0-x.9007199254740992 1.2.3-a_b 1.2.3_a 1.2.3-ä 1.2.3+ä 1.2.3-a+b+c
    1.2.3-0.0 1.2.3-0.a 1.2.3-a.0 2.0.0-pre 2.0.0-pre.0 2.0.0-pre.0.0""".split(),
    "PyPI": """1.0 1.0.0 1.0.0.0 1 v1.0 V1.0 1!1.0 0!1.0 01!1.0 1!2.0 2!0.1 1.0a1 1.0A1 1.0alpha1 1.0.alpha.1 1.0-alpha-1
    1.0_alpha_1 1.0a 1.0b1 1.0beta1 1.0c1 1.0rc1 1.0RC1 1.0pre1 1.0preview1 1.0-pre 1.0.post1 1.0post1 1.0-post1
    1.0_post_1 1.0-1 1.0-r1 1.0r 1.0rev1 1.0.rev 1.0.post 1.0.dev1 1.0dev1 1.0-dev 1.0.dev 1.0a1.dev1 1.0a1.post1
    1.0a1.post1.dev1 1.0.post1.dev1 1.0+local 1.0+LOCAL 1.0+abc.5 1.0+abc.10 1.0+5 1.0+05 1.0+5.abc 1.0+abc-def_1
    1.0+ 1.0+. 1.0+a. 1.0+a..b 1.0++ 1.0+_a 1.0-+a  1.0a1+local 1.0.dev1+local 00.01 1.0.0.0.0.1 1.01 1.1 1.10
    1.0.0a0 1.0a0 1.0a.1 1.0a-1 1.0a_1 1.0-a1 1.0.a1 1.0..1 .1 1. 1.0. 1.0- 1.0_ -1.0 1.0-1-1 1.0-post 1.0-post-1
    1.0-rc-1 1.0.rc.1 1.0rc.1 1.0-preview-1 1.0pre.1 1.0prev1 1.0a1b1 1.0.a.1.post.1.dev.1 1.0abc 1.0e1 1!
    1.0dev 1.0-dev1 1.0_dev_1 1.0.DEV1 1.0.Post1 1.0.POST1 2012.10.28 2024.1 1.0.0.0+0 1.0+0.0 1.0+a.b.c
    99999999999999999999 99999999999999999999.1 1.99999999999999999999 1.0a99999999999999999999
    1.0.post99999999999999999999 1.0+99999999999999999999 1.0+00099999999999999999999""".split()
    + [" 1.0", "1.0 ", "\x0b1.0\x0c", " v1.0 ", "1 .0", "", "1.0\u00a0", "\u20031.0", "1.0\u0085",
       "１.0", "1.0+ä", "1.0ä"],
    "Maven": """1 1.0 1.0.0 1-0 1.0-0 1.0.0-0 1-1 1.1 1-sp 1-sp1 1-sp-1 1.sp 1-ga 1-final 1.final 1-release 1.Final
    1.0.Final 1-GA 1.0-RC1 1.0-rc1 1.0-cr1 1.0-CR1 1.0rc1 1.0.rc1 1.0-rc-1 1.0-RC.1 1-alpha 1-alpha1 1-alpha-1 1-a1
    1-a 1a1 1a 1-a-1 1-b1 1-beta1 1-beta-1 1-m1 1-milestone1 1-milestone-1 1-M1 1-snapshot 1-SNAPSHOT 1.0-SNAPSHOT
    1.0.0-SNAPSHOT 1-1-snapshot 1-1-SNAPSHOT 1.0.RELEASE 1.0.GA 1.0.M1 1.0.M2 1.0.RC1 1.0.SR1 1.0.SP1 1.0-SP1
    1.0-foo 1.0-bar 1.0.foo 1.0foo 1.0-foo1 1.0-foo-1 1.0-1-foo 1.0-xyz 1.0-x 1.0.x 1.0-0.1 1.0-.1 1.0.-1 1.0..1
    .1 -1 1. 1- 1-- 1.. 0 00 01 1.01 1.001 1.0001 1.0.0.0.0 1.0.0.0.1 0.0.1 1.0a 1.0b 1.0m 1.0-a 1.0-b 1.0-m 1.0-c
    1.0c1 1.0-c1 1.0-ab1 1.0ab1 1.0-alpha.1 1.0-alpha-1.1 2.0.0.Alpha1 2.0.0.Beta2 2.0.0.CR3 2.0.0.Final
    2.0.0-M1 2.0.0.v20201010 1.0-20201010.123456-1 1.0-r1234 1.0_1 1.0_beta 1.0+1 1.0+build 1.0~1 1.0-jre
    1.0-android 31.1-jre 31.1-android 2.9.10.8 2.9.10.1 2.9.10 2.9.9.3 2.10.0.pr1 2.10.0-pr1 1.0-pr1 1.0.pr1
    123456789 1234567890 123456789012345678 1234567890123456789 12345678901234567890 1.2147483647 1.2147483648
    1.9223372036854775807 1.9223372036854775808 1.000000000000000000001 1-0.0 1-0-0 1.0-0.0 1-rc-0 1-alpha-0
    1-0-alpha 1-0.alpha 1.0.alpha 1.0-alpha 1alpha 1-1.0 1-1.1 1-2 1.0-1-1 1.0-1.1 1.0-1-alpha 1-sp.1 1-sp-0
    1.0-beta.1 1.0-beta-1 1.0.beta.1 1.0.beta1 1.0beta1 1.0-beta.0 1-final-1 1.final.1 1-ga-1 1-ga.1""".split()
    + ["１", "1.٢", "1-١", "1.0-ä", "1.0-ÄÖ", "1.0-İ", "1.0-Ⅻ", "", " ", "1 .0"],
}

TOKENS = {
    "npm": ["0", "1", "2", "10", "00", "01", ".", ".", ".", "-", "-", "+", "a", "alpha", "beta", "rc", "x", "v", "=",
            "9007199254740993", "1a", "A", "-0"],
    "PyPI": ["0", "1", "2", "10", "00", ".", ".", "-", "_", "+", "!", "a", "b", "c", "rc", "RC", "alpha", "beta",
             "pre", "preview", "post", "rev", "r", "dev", "local", "v", "x", " "],
    "Maven": ["0", "1", "2", "10", "00", ".", ".", "-", "-", "_", "a", "b", "m", "alpha", "beta", "milestone", "rc",
              "cr", "snapshot", "ga", "final", "release", "sp", "foo", "x", "SNAPSHOT", "Final", "RC"],
}


def random_strings(eco, rng, count):
    toks = TOKENS[eco]
    out = set()
    while len(out) < count:
        n = rng.randint(1, 7)
        s = "".join(rng.choice(toks) for _ in range(n))
        if "\t" not in s and "\n" not in s:
            out.add(s)
    return out


def make_pairs(eco, versions, tricky, rng, random_pairs):
    vs = sorted(versions)
    pairs = set()
    for v in vs:
        pairs.add((v, v))
    for k in (1, 2, 3):
        for i in range(len(vs) - k):
            pairs.add((vs[i], vs[i + k]))
    for _ in range(random_pairs):
        pairs.add((rng.choice(vs), rng.choice(vs)))
    t = sorted(v for v in tricky if "\t" not in v and "\n" not in v and "\r" not in v)
    for a in t:
        for b in t:
            pairs.add((a, b))
    return sorted(pairs)


def run_reference(eco, pairs):
    payload = "".join(f"{a}\t{b}\n" for a, b in pairs).encode("utf-8")
    if eco == "npm":
        cmd = ["node", os.path.join(HERE, "reference-npm.js")]
    elif eco == "PyPI":
        cmd = [sys.executable, os.path.join(HERE, "reference_pypi.py")]
    else:
        jar = sorted(glob.glob("/usr/share/maven/lib/maven-artifact-*.jar"))[0]
        build = tempfile.mkdtemp()
        subprocess.run(["javac", "-cp", jar, "-d", build, os.path.join(HERE, "ReferenceMaven.java")], check=True)
        cmd = ["java", "-cp", f"{build}:{jar}", "ReferenceMaven"]
    result = subprocess.run(cmd, input=payload, stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")
    answers = result.split("\n")[: len(pairs)]
    assert len(answers) == len(pairs), (eco, len(answers), len(pairs))
    return answers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=440)
    ap.add_argument("--fuzz", type=int, default=0, help="check N fresh random pairs against --fnaudit instead")
    ap.add_argument("--fnaudit", default=os.path.join(ROOT, ".build", "debug", "fnaudit"))
    args = ap.parse_args()
    rng = random.Random(args.seed)

    adv, fix = advisory_versions(), fixture_versions()
    every = set().union(*adv.values(), *fix.values(), *map(set, TRICKY.values()))
    every = {v for v in every if "\t" not in v and "\n" not in v and "\r" not in v}
    failures = 0
    for eco in ECOSYSTEMS:
        own = adv[eco] | fix[eco] | set(TRICKY[eco])
        own = {v for v in own if "\t" not in v and "\n" not in v and "\r" not in v}
        # Other ecosystems' versions too: each must be accepted or rejected as the reference does.
        others = sorted(every - own)
        versions = own | set(rng.sample(others, min(len(others), 1500))) | random_strings(eco, rng, 3000)
        if args.fuzz:
            fresh = random_strings(eco, rng, 4000) | set(rng.sample(sorted(own), min(len(own), 4000)))
            vs = sorted(fresh)
            pairs = sorted({(rng.choice(vs), rng.choice(vs)) for _ in range(args.fuzz)})
            expected = run_reference(eco, pairs)
            payload = "".join(f"{a}\t{b}\n" for a, b in pairs).encode("utf-8")
            got = subprocess.run([args.fnaudit, "compare", eco.lower()], input=payload,
                                 stdout=subprocess.PIPE, check=True).stdout.decode("utf-8").split("\n")
            bad = [(p, e, g) for p, e, g in zip(pairs, expected, got) if e != g]
            failures += len(bad)
            print(f"{eco}: {len(pairs)} fresh pairs, {len(bad)} disagreements")
            for (a, b), e, g in bad[:20]:
                print(f"  {a!r} vs {b!r}: reference {e}, fnaudit {g}")
            continue
        pairs = make_pairs(eco, versions, TRICKY[eco], rng, 40000)
        answers = run_reference(eco, pairs)
        os.makedirs(OUT, exist_ok=True)
        path = os.path.join(OUT, f"{eco.lower()}-pairs.tsv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"# A\tB\texpected: generated by Scripts/version-vectors/generate.py from the {eco} reference\n")
            for (a, b), r in zip(pairs, answers):
                f.write(f"{a}\t{b}\t{r}\n")
        invalid = sum(1 for r in answers if r == "invalid")
        print(f"{eco}: {len(versions)} versions, {len(pairs)} pairs ({invalid} invalid) -> {os.path.relpath(path, ROOT)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
