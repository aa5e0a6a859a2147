#!/usr/bin/env python3
"""Generates the larger zip for Scripts/bench/secrets.sh (deterministic):

  secrets-bundle.zip   ~2,000 installed npm packages and ~500 Python modules of generated JS/Python
                       text (with the words the secret rules key on: token, secret, password, key),
                       READMEs, a few config files holding fake credentials built from pieces.
"""
import json, os, random, sys, zipfile

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(".build", "bench")
os.makedirs(out, exist_ok=True)
rng = random.Random(16)
WORDS = ("const let var function return if else for while token secret password apiKey key config options "
         "request response user session cache value result error data items length push map filter reduce "
         "process env module exports require import from async await this new class extends").split()
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz0123456789"


def code(size):
    lines, n = [], 0
    while n < size:
        line = "  " * rng.randrange(4) + " ".join(rng.choice(WORDS) for _ in range(rng.randrange(4, 14)))
        line += rng.choice([";", " {", " }", "", " = options.token;", " = process.env.SECRET;", "('password');"])
        lines.append(line)
        n += len(line) + 1
    return "\n".join(lines) + "\n"


def rand(n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


path = os.path.join(out, "secrets-bundle.zip")
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    def put(name, text):
        z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), text, compress_type=zipfile.ZIP_DEFLATED)
    for i in range(2_000):
        base = f"nodejs/node_modules/pkg-{i}"
        put(f"{base}/package.json", json.dumps({"name": f"pkg-{i}", "version": f"1.{i % 50}.{i % 9}"}))
        put(f"{base}/index.js", code(40_000))
        put(f"{base}/README.md", code(4_000))
    for i in range(500):
        put(f"python/lib{i}/__init__.py", code(20_000).replace(";", "").replace("{", ":").replace("}", ""))
    for i in range(5):
        put(f"config/service-{i}.env", "\n".join([
            "AWS_ACCESS_KEY_ID=" + "AK" + "IA" + rand(16, "ABCDEFGHIJKLMNOPQRSTUVWYZ234567"),
            "AWS_SECRET_ACCESS_KEY=" + rand(40, ALNUM + "/+"),
            "GITHUB_TOKEN=" + "gh" + "p_" + rand(36),
            "DB_PASSWORD=" + rand(24),
        ]) + "\n")
print(path)
