#!/usr/bin/env python3
"""A polyglot function zip with deflated jars, from real files on this machine (Debian's jars and
node-* packages, the local Python's installed distributions), for Scripts/bench/archive-speed.sh:

    python3 Scripts/bench/make-polyglot-bundle.py OUT.zip [MEGABYTES]   (default 70)

Layout: lib/*.jar (Java), node_modules/<pkg>/** (npm, whole packages), python/<dist>.dist-info +
modules (PyPI), a package-lock.json and requirements.txt, and a nested layer zip. Deterministic for
one machine (sorted inputs, fixed timestamps). Also writes OUT.must-read: the entries a scanner
must inflate (nested archives, package metadata, lockfiles), for the single-core floor."""
import os, sys, zipfile, glob, site, sysconfig

out = sys.argv[1]
target = int(sys.argv[2]) * 1_000_000 if len(sys.argv) > 2 else 70_000_000
T = (2024, 1, 1, 0, 0, 0)
must = []

def add(z, name, data, deflate=True):
    info = zipfile.ZipInfo(name, T)
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    z.writestr(info, data)

def metadata_like(name):
    base = os.path.basename(name)
    return (name.endswith(".jar") or name.endswith(".zip") or base in ("package.json", "METADATA", "package-lock.json", "requirements.txt"))

with zipfile.ZipFile(out, "w") as z:
    size = 0
    # Node packages: whole folders of Debian's node-* packages.
    for folder in sorted(glob.glob("/usr/share/nodejs/*"))[:400]:
        for root, _, files in os.walk(folder):
            for f in sorted(files):
                path = os.path.join(root, f)
                if os.path.islink(path) or os.path.getsize(path) > 2_000_000: continue
                name = "node_modules/" + os.path.relpath(path, "/usr/share/nodejs")
                data = open(path, "rb").read()
                add(z, name, data); size += len(data)
                if metadata_like(name): must.append(name)
        if size > target * 0.25: break
    # Python distributions installed here: dist-info and modules.
    sp = sysconfig.get_paths()["purelib"]
    for entry in sorted(os.listdir(sp)):
        path = os.path.join(sp, entry)
        for root, _, files in os.walk(path) if os.path.isdir(path) else []:
            for f in sorted(files):
                p = os.path.join(root, f)
                if f.endswith(".pyc") or os.path.islink(p) or os.path.getsize(p) > 2_000_000: continue
                name = "python/" + os.path.relpath(p, sp)
                data = open(p, "rb").read()
                add(z, name, data); size += len(data)
                if metadata_like(name): must.append(name)
        if size > target * 0.45: break
    add(z, "requirements.txt", b"requests==2.19.0\nurllib3==1.24.1\n"); must.append("requirements.txt")
    # Jars (already compressed inside; deflated again as the outer zip stores them), until the target size.
    for jar in sorted(glob.glob("/usr/share/java/*.jar")):
        if os.path.islink(jar): continue
        data = open(jar, "rb").read()
        name = "lib/" + os.path.basename(jar)
        add(z, name, data); size += len(data); must.append(name)
        if size > target * 0.95: break
    # A layer zip inside.
    import io
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as layer:
        for jar in sorted(glob.glob("/usr/share/java/commons-*.jar"))[:10]:
            if not os.path.islink(jar): add(layer, "java/lib/" + os.path.basename(jar), open(jar, "rb").read())
    add(z, "layers/commons.zip", buffer.getvalue(), deflate=False); must.append("layers/commons.zip")

with open(out + ".must-read", "w") as f:
    f.write("\n".join(must) + "\n")
print(f"{out}: {os.path.getsize(out) / 1e6:.1f} MB, {len(must)} entries to read")
