#!/usr/bin/env python3
"""Generates a monorepo of the shape in issue 19 (default: .build/bench/monorepo):

  ~100,000 files in 300 projects: node services (node_modules subsets), Python services
  (site-packages with .dist-info), Java services (sources, jars with pom.properties), and
  ~900 manifests and lockfiles, many of them copies of the large real lockfiles in
  ../shared/corpus/lockfiles (yarn berry and v1, pnpm v5/v6/v9, package-lock v1/v2/v3, uv,
  poetry, pdm, Pipfile.lock, gradle, pom.xml), the rest small corpus fixtures.

  make-monorepo.py [out] [--corpus DIR] [--projects N]

Deterministic (fixed seed); an existing tree with the same parameters is kept.
"""
import argparse, csv, io, json, os, random, shutil, sys, zipfile

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("out", nargs="?", default=os.path.join(".build", "bench", "monorepo"))
parser.add_argument("--corpus", default=os.path.join(here, "..", "..", "..", "shared", "corpus", "lockfiles"))
parser.add_argument("--projects", type=int, default=300)
args = parser.parse_args()
corpus = os.path.abspath(args.corpus)
if not os.path.isdir(corpus):
    sys.exit(f"no corpus of lockfiles at {corpus} (../shared beside the repository, or --corpus DIR)")
stamp = os.path.join(args.out, ".generated")
params = f"v1 projects={args.projects}\n"
if os.path.exists(stamp) and open(stamp).read() == params:
    print("monorepo in", args.out, "(kept)")
    sys.exit(0)
shutil.rmtree(args.out, ignore_errors=True)
os.makedirs(args.out)
rng = random.Random(19)

# Corpus lockfiles by format: real (large) ones and the small valid fixtures, with the name a project gives them.
real, small = {}, {}
with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
    for row in csv.DictReader(f, delimiter="\t"):
        if row["kind"] == "real":
            real.setdefault(row["format"], []).append((row["file"], row["canonical_name"]))
        elif row["kind"] == "fixture-valid":
            small.setdefault(row["format"], []).append((row["file"], row["canonical_name"]))

NODE_LOCKS = ["yarn-berry", "yarn-v1", "pnpm-v9", "pnpm-v6", "pnpm-v5", "package-lock-v3", "package-lock-v2", "package-lock-v1"]
PY_LOCKS = ["uv-lock", "poetry-lock-v2", "poetry-lock-v1", "pdm-lock", "pipfile-lock", "requirements-txt"]
JAVA_LOCKS = ["gradle-lockfile", "pom-xml"]

WORDS = ("const let function return import export from require module value result error config handler event "
         "request response async await items index length push map filter reduce object string number").split()


def text_file(lines, style):
    """Source-like text: deterministic, a few KB, nothing that looks like a credential."""
    out = []
    for i in range(lines):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
        out.append(f"{style}{words} {i};")
    return "\n".join(out) + "\n"


# A pool of bodies reused across files (the disk sees as many bytes; generation stays fast).
POOL = {style: [text_file(rng.randint(20, 120), style) for _ in range(64)] for style in ("  ", "    # ", "  // ")}


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


def copy_lock(project, fmt, big):
    choices = (real if big else small).get(fmt) or small.get(fmt) or real.get(fmt)
    src, name = choices[rng.randrange(len(choices))]
    os.makedirs(project, exist_ok=True)
    shutil.copyfile(os.path.join(corpus, src), os.path.join(project, name))


files = 0
manifests = 0
for p in range(args.projects):
    kind = p % 3
    project = os.path.join(args.out, ["services", "pylibs", "jvm"][kind], f"proj-{p:03}")
    big = p % 3 == 0 or p % 7 == 0   # about half the projects carry a large real lockfile
    if kind == 0:
        write(os.path.join(project, "package.json"), json.dumps({"name": f"svc-{p}", "version": "1.0.0",
                                                                  "dependencies": {"lodash": "^4.17.0"}}, indent=2))
        copy_lock(project, NODE_LOCKS[p % len(NODE_LOCKS)], big)
        copy_lock(project, NODE_LOCKS[(p + 3) % len(NODE_LOCKS)], False)
        manifests += 3
        for i in range(40):
            write(os.path.join(project, "src", f"mod{i // 10}", f"file{i}.js"), POOL["  "][rng.randrange(64)])
        for n in range(48):
            name = f"@scope{p % 5}/pkg-{n}" if n % 6 == 0 else f"pkg-{p % 40}-{n}"
            base = os.path.join(project, "node_modules", *name.split("/"))
            write(os.path.join(base, "package.json"), json.dumps({"name": name, "version": f"{n % 5}.{n % 11}.{p % 7}",
                                                                  "main": "index.js", "license": "MIT"}, indent=2))
            write(os.path.join(base, "index.js"), POOL["  "][rng.randrange(64)])
            write(os.path.join(base, "lib", "util.js"), POOL["  // "][rng.randrange(64)])
            write(os.path.join(base, "README.md"), POOL["    # "][rng.randrange(64)])
            write(os.path.join(base, "LICENSE"), "MIT License\n\nPermission is hereby granted, free of charge.\n")
            files += 5
            if n % 4 == 0:   # a nested package.json some packages ship (dist/esm): not installed metadata
                write(os.path.join(base, "dist", "esm", "package.json"), '{"type": "module"}\n')
                write(os.path.join(base, "dist", "esm", "index.mjs"), POOL["  "][rng.randrange(64)])
                files += 2
        files += 43
    elif kind == 1:
        write(os.path.join(project, "pyproject.toml"), f'[project]\nname = "lib{p}"\nversion = "1.0"\ndependencies = ["requests"]\n')
        copy_lock(project, PY_LOCKS[p % len(PY_LOCKS)], big)
        write(os.path.join(project, "requirements.txt"), "".join(f"dep{p}-{j}=={j}.0.1\n" for j in range(12)) + "django==3.2.0\n")
        manifests += 3
        for i in range(50):
            write(os.path.join(project, "src", f"lib{p}", f"pkg{i // 10}", f"m{i}.py"), POOL["    # "][rng.randrange(64)])
        site = os.path.join(project, ".venv", "lib", "python3.12", "site-packages")
        for n in range(40):
            name, version = f"pylib_{p % 30}_{n}", f"{n % 4}.{n % 9}.{p % 5}"
            info = os.path.join(site, f"{name}-{version}.dist-info")
            write(os.path.join(info, "METADATA"), f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: bench\n\n"
                                                  + POOL["    # "][rng.randrange(64)])
            write(os.path.join(info, "RECORD"), "".join(f"{name}/m{k}.py,sha256=abc,100\n" for k in range(5)))
            write(os.path.join(info, "WHEEL"), "Wheel-Version: 1.0\nGenerator: bdist_wheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
            write(os.path.join(info, "INSTALLER"), "pip\n")
            for k in range(4):
                write(os.path.join(site, name, f"m{k}.py"), POOL["    # "][rng.randrange(64)])
            files += 8
        files += 53
    else:
        copy_lock(project, JAVA_LOCKS[p % 2], big)
        if p % 2 == 0:
            copy_lock(os.path.join(project, "service"), "pom-xml", False)
        write(os.path.join(project, "settings.gradle"), f"rootProject.name = 'jvm{p}'\n")
        manifests += 3
        for i in range(300):
            write(os.path.join(project, "src", "main", "java", "com", "example", f"p{i // 30}", f"C{i}.java"),
                  POOL["  // "][rng.randrange(64)])
        for j in range(3):
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                group, artifact, version = f"com.example{p % 9}", f"lib{j}", f"1.{j}.{p % 4}"
                z.writestr("META-INF/MANIFEST.MF", f"Manifest-Version: 1.0\nImplementation-Title: {artifact}\n")
                z.writestr(f"META-INF/maven/{group}/{artifact}/pom.properties",
                           f"groupId={group}\nartifactId={artifact}\nversion={version}\n")
                for k in range(20):
                    z.writestr(f"com/example/{artifact}/C{k}.class", bytes(rng.randbytes(600)))
            write(os.path.join(project, "lib", f"lib{j}-1.{j}.{p % 4}.jar"), buf.getvalue())
        files += 306
    files += 3

with open(stamp, "w") as f:
    f.write(params)
count = sum(len(names) for _, _, names in os.walk(args.out))
print(f"monorepo in {args.out}: {count} files, {args.projects} projects, ~{manifests} manifests and lockfiles")
