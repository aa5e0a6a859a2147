#!/usr/bin/env python3
"""Writes the hostile inputs of fnaudit's regression suite (issue: hostile input never crashes).

    python3 Scripts/hostile/make-inputs.py OUT_DIR

Every case is a folder OUT_DIR/<case>/ with the input, and one line of OUT_DIR/cases.json says
how to run it and what must hold: the exit code, a piece of the message (stderr or the report),
text the report must never contain, and a time limit.
Inputs are built here from fixed bytes (no randomness), so each run tests the same thing; the
large ones (tens of MB expanded) exist only while the test runs. HostileInputTests runs them.
"""
import gzip, io, json, os, struct, sys, tarfile, zipfile, zlib

OUT = sys.argv[1]
CASES = []


def case(name, files, args, exits, message=None, seconds=15, command="inventory", forbid=()):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    for rel, data in files.items():
        path = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
    CASES.append({"name": name, "command": command, "args": [a.replace("{dir}", folder) for a in args],
                  "exits": exits, "message": message, "seconds": seconds, "forbid": list(forbid)})


def zip_bytes(entries, method=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buffer.getvalue()


# --- archives that do not open -------------------------------------------------------------
case("gzip-garbage", {"x.tar.gz": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage"}, ["{dir}/x.tar.gz"], [2], "not a readable archive")
case("text-named-zip", {"notes.zip": b"hello, I am text\n"}, ["{dir}/notes.zip"], [2], "not a readable archive")
case("corrupt-bz2", {"x.tar.bz2": b"BZh91AY&SY" + b"\x00" * 64}, ["{dir}/x.tar.bz2"], [2], "not a readable archive")
case("corrupt-zst", {"x.tar.zst": b"\x28\xb5\x2f\xfd" + b"\xff" * 64}, ["{dir}/x.tar.zst"], [2], "not a readable archive")
case("elf-named-whl", {"x.whl": b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8}, ["{dir}/x.whl"], [2], "not a readable archive")
case("bad-targz-in-zip", {"fn.zip": zip_bytes([("layer.tar.gz", b"\x1f\x8b\x08\x00garbage"),
                                               ("requirements.txt", b"django==2.2.0\n")])},
     ["{dir}/fn.zip"], [2], "fn.zip!/layer.tar.gz")
case("empty-zip-file", {"empty.zip": b""}, ["{dir}/empty.zip"], [2], "not a readable archive")

# --- parsers -----------------------------------------------------------------------------
case("pom-latin1-comment", {"pom.xml": b"<project><!-- caf\xe9 \xff\xfe --><dependencies><dependency><groupId>g</groupId>"
                                       b"<artifactId>a</artifactId><version>1.0</version></dependency></dependencies></project>"},
     ["{dir}"], [0])
case("pom-invalid-utf8-name", {"pom.xml": b"<project><dep\xffendencies/></project>"}, ["{dir}"], [0, 2])
case("pom-entity-expansion", {"pom.xml": "<?xml version=\"1.0\"?><!DOCTYPE project [<!ENTITY a \"" + "x" * 1000 + "\">]><project>"
                              + "&a;" * 200_000 + "</project>"}, ["{dir}"], [2], "declares entities", seconds=10)
case("pom-deep-nesting", {"pom.xml": "<project>" + "<a>" * 100_000 + "</a>" * 100_000 + "</project>"}, ["{dir}"], [2], "nested deeper")
case("toml-escape", {"poetry.lock": b"[\x1b"}, ["{dir}"], [2], "not valid TOML")
case("toml-bad-header", {"poetry.lock": "[[~ackage]]\nname = \"x\"\n"}, ["{dir}"], [2], "not valid TOML")
case("toml-array-missing-value", {"uv.lock": "wheels = [} url = \"x\" ]\nb = [1,,2]\n"}, ["{dir}"], [2], "a value is missing")
case("toml-broken-time", {"poetry.lock": "a=2024-11-08T:\n"}, ["{dir}"], [2], "incomplete time")
case("pom-empty-processing-instruction", {"pom.xml": b"<?\xff\xfe?><project/>"}, ["{dir}"], [0])
case("toml-dotted-keys", {"poetry.lock": "a" + ".a" * 20_000 + " = 1\n"}, ["{dir}"], [2], "nested deeper")
case("toml-nested-arrays", {"uv.lock": "x = " + "[" * 5_000 + "]" * 5_000 + "\n"}, ["{dir}"], [2], "nested deeper")
case("config-escape", {".fnaudit.toml": b"[\x1b", "requirements.txt": b"django==2.2.0\n"}, ["{dir}"], [2], "invalid config",
     command="scan")
case("yaml-deep-flow", {"pnpm-lock.yaml": "lockfileVersion: 5.4\npackages:\n  x: " + "[" * 5_000 + "]" * 5_000 + "\n"},
     ["{dir}"], [2], "nested deeper")
case("yaml-deep-block", {"pnpm-lock.yaml": "lockfileVersion: 5.4\npackages:\n" + "".join(" " * i + "k:\n" for i in range(2, 3_000))},
     ["{dir}"], [2], "nested deeper")
bomb = 'lockfileVersion: 5.4\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
previous = "a"
for anchor in "bcdefghi":
    bomb += f"{anchor}: &{anchor} [" + ",".join(["*" + previous] * 9) + "]\n"
    previous = anchor
case("yaml-alias-bomb", {"pnpm-lock.yaml": bomb + "packages:\n  x: *i\n"}, ["{dir}"], [2], "aliases referenced too often", seconds=10)
case("json-deep", {"package-lock.json": '{"lockfileVersion": 3, "packages": ' + "[" * 100_000 + "]" * 100_000 + "}"}, ["{dir}"], [2])
case("maven-deep-version", {"gradle.lockfile": "org.apache.logging.log4j:log4j-core:" + "a1" * 30_000 + "=runtimeClasspath\n"},
     ["{dir}"], [2], "nested deeper than 256", command="scan")

# --- quadratic work, now linear ------------------------------------------------------------
case("merge-20k-copies", {f"node_modules/p{i}/node_modules/same/package.json": b'{"name":"same","version":"1.0.0"}'
                          for i in range(20_000)}, ["{dir}"], [0], seconds=20)
pnpm = ["lockfileVersion: '6.0'", "packages:"]
for i in range(40_000):
    pnpm += [f"  /pkg{i}@1.0.{i}:", "    resolution: {integrity: sha512-x}", "    dev: false"]
case("pnpm-40k", {"pnpm-lock.yaml": "\n".join(pnpm) + "\n"}, ["{dir}"], [0], seconds=20)
# One dependency chain as long as the lockfile: writing each package's whole path was quadratic (18 GB).
chain = ["lockfileVersion: '6.0'", "dependencies:", "  p0:", "    specifier: 1.0.0", "    version: 1.0.0", "packages:"]
for i in range(20_000):
    chain += [f"  /p{i}@1.0.0:", "    resolution: {integrity: sha512-x}", "    dependencies:", f"      p{i + 1}: 1.0.0"]
case("pnpm-chain-20k", {"pnpm-lock.yaml": "\n".join(chain) + "\n"}, ["{dir}", "--format", "json"], [0], seconds=20)
lock = {"lockfileVersion": 3, "packages": {"": {"dependencies": {"p0": "1.0.0"}}}}
for i in range(20_000):
    lock["packages"][f"node_modules/p{i}"] = {"version": "1.0.0", "dependencies": {f"p{i + 1}": "1.0.0"}}
case("package-lock-chain-20k", {"package-lock.json": json.dumps(lock)}, ["{dir}", "--format", "json"], [0], seconds=20)
pipfile = {"_meta": {}, "default": {f"pkg{i}": {"version": f"==1.0.{i}"} for i in range(40_000)}, "develop": {}}
case("pipfile-40k", {"Pipfile.lock": json.dumps(pipfile, indent=4)}, ["{dir}"], [0], seconds=20)
case("pep503-1mb-name", {"requirements.txt": "A_." * 350_000 + "b==1.0\n"}, ["{dir}"], [0, 2], seconds=15)

# --- archives that cost too much -----------------------------------------------------------
leaf = zip_bytes([("requirements.txt", b"django==2.2.0\n")])
level = leaf
for _ in range(5):
    level = zip_bytes([(f"n{i:02}.zip", level) for i in range(16)])
case("zip-fan-out", {"fan.zip": level}, ["{dir}/fan.zip"], [2], "archives inside one input", seconds=60)


class Zeros(io.RawIOBase):
    def __init__(self, size):
        self.left = size

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n


raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=1) as tar:
    info = tarfile.TarInfo("big.bin")
    info.size = 256 << 20
    tar.addfile(info, Zeros(info.size))
    info = tarfile.TarInfo("requirements.txt")
    data = b"django==2.2.0\n"
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
case("tar-skip-budget", {"layer.tar.gz": raw.getvalue()}, ["{dir}/layer.tar.gz", "--max-total-size", "1"], [2], "budget", seconds=10)

# --- names and output ----------------------------------------------------------------------
def raw_zip(name_bytes, data):
    crc = zlib.crc32(data)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 0, 0, 0, crc, len(data), len(data), len(name_bytes), 0) + name_bytes + data
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 0, 0, 0, crc, len(data), len(data),
                          len(name_bytes), 0, 0, 0, 0, 0, 0) + name_bytes
    return local + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)


case("non-utf8-entry-name", {"fn.zip": raw_zip(b"node_modules/\xff\xfe/package.json", b'{"name":"x","version":"1.0.0"}')},
     ["{dir}/fn.zip"], [2], "not valid text")
# Names and versions that try to clear the screen, set the title, recolour, or forge a line.
evil = "\u001b[2J\u001b]0;pwned\u0007evil\nNo known vulnerabilities found.\r"
forged = {"lockfileVersion": 3, "packages": {"": {"name": "app"},
          "node_modules/lodash": {"version": "4.17.15"},
          "node_modules/a/node_modules/lodash": {"version": "4.17.15-" + evil},
          "node_modules/" + evil: {"version": "1.0.0"}}}
forbidden = ["\u001b", "\u0007", "\r", "\nNo known vulnerabilities found."]
case("control-characters-scan", {"package-lock.json": json.dumps(forged)}, ["{dir}"], [1], "\\e[2J", command="scan", forbid=forbidden)
case("control-characters-inventory", {"package-lock.json": json.dumps(forged)}, ["{dir}"], [0], "\\e[2J", forbid=forbidden)

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(CASES, f, indent=1)
print(f"{len(CASES)} cases in {OUT}")
