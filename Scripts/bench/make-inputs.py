#!/usr/bin/env python3
"""Generates benchmark inputs under the given folder (default .build/bench):

  lock10k/package-lock.json   one lockfile with 10,000 packages (real vulnerable pins among them)
  tree300/                    300 lockfiles and manifests across npm, PyPI and Maven
  bundle.zip                  a ~300 MB function zip with ~5,000 installed packages
"""
import json, os, random, sys, zipfile

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(".build", "bench")
rng = random.Random(7)
os.makedirs(out, exist_ok=True)


def lockfile(n, prefix):
    packages = {"": {"name": "bench", "version": "1.0.0"}}
    real = [("lodash", "4.17.15"), ("minimist", "1.2.0"), ("express", "4.16.0"), ("axios", "0.21.0"), ("ws", "7.4.5")]
    for i in range(n):
        name, version = real[i] if i < len(real) else (f"{prefix}-pkg-{i}", f"{i % 7}.{i % 13}.{i % 5}")
        packages[f"node_modules/{name}"] = {"version": version, "resolved": f"https://registry.example/{name}/-/{name}-{version}.tgz",
                                            "integrity": "sha512-" + "A" * 86 + "=="}
    return json.dumps({"name": "bench", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": packages}, indent=2)


os.makedirs(os.path.join(out, "lock10k"), exist_ok=True)
with open(os.path.join(out, "lock10k", "package-lock.json"), "w") as f:
    f.write(lockfile(10_000, "big"))

for i in range(300):
    d = os.path.join(out, "tree300", f"service-{i:03}")
    os.makedirs(d, exist_ok=True)
    kind = i % 3
    if kind == 0:
        open(os.path.join(d, "package-lock.json"), "w").write(lockfile(40, f"s{i}"))
    elif kind == 1:
        open(os.path.join(d, "requirements.txt"), "w").write("django==2.2.0\nrequests==2.19.0\n" + "".join(f"lib{i}-{j}=={j}.0\n" for j in range(38)))
    else:
        deps = "".join(f"<dependency><groupId>com.example{i}</groupId><artifactId>lib{j}</artifactId><version>1.{j}</version></dependency>" for j in range(38))
        open(os.path.join(d, "pom.xml"), "w").write(
            "<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>a</artifactId><version>1</version><dependencies>"
            "<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.14.1</version></dependency>"
            + deps + "</dependencies></project>")

# ~300 MB: 5,000 installed npm packages, each with ~60 KB of incompressible code.
bundle = os.path.join(out, "bundle.zip")
if not os.path.exists(bundle):
    with zipfile.ZipFile(bundle, "w") as z:
        for i in range(5_000):
            name = f"pkg-{i}"
            z.writestr(zipfile.ZipInfo(f"nodejs/node_modules/{name}/package.json", (2020, 1, 1, 0, 0, 0)),
                       json.dumps({"name": name, "version": f"1.{i % 50}.{i % 9}"}), compress_type=zipfile.ZIP_DEFLATED)
            z.writestr(zipfile.ZipInfo(f"nodejs/node_modules/{name}/index.js", (2020, 1, 1, 0, 0, 0)),
                       rng.randbytes(60_000), compress_type=zipfile.ZIP_STORED)
print("inputs in", out)
