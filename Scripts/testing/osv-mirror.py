#!/usr/bin/env python3
"""A loopback mirror of osv.dev's export layout, for `fnaudit db update` tests.

    python3 Scripts/testing/osv-mirror.py --from EXPORTS_DIR --root WORK_DIR [--bump N]
        [--missing ECO] [--corrupt ECO] [--truncate ECO] [--max-seconds S]

EXPORTS_DIR holds <Ecosystem>/all.zip (e.g. ../shared/advisories/current). The mirror serves, under
http://127.0.0.1:PORT/: <Ecosystem>/all.zip, <Ecosystem>/modified_id.csv ("<modified>,<id>", newest
first) and <Ecosystem>/<id>.json. --bump N rewrites N records per ecosystem as modified now (so
an incremental update has exactly those to fetch). --missing answers 404 for an ecosystem,
--corrupt serves garbage as its all.zip, --truncate sends half of it and drops the connection.
Prints "PORT <n>" when ready; exits by itself after --max-seconds (default 300). Loopback only.
"""
import argparse, datetime, http.server, io, json, os, shutil, socketserver, sys, threading, zipfile

parser = argparse.ArgumentParser()
parser.add_argument("--from", dest="source", required=True)
parser.add_argument("--root", required=True)
parser.add_argument("--bump", type=int, default=0)
parser.add_argument("--missing", action="append", default=[])
parser.add_argument("--corrupt", action="append", default=[])
parser.add_argument("--truncate", action="append", default=[])
parser.add_argument("--max-seconds", type=float, default=300)
args = parser.parse_args()

now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
for ecosystem in sorted(os.listdir(args.source)):
    archive = os.path.join(args.source, ecosystem, "all.zip")
    if not os.path.isfile(archive):
        continue
    target = os.path.join(args.root, ecosystem)
    os.makedirs(target, exist_ok=True)
    records = []
    with zipfile.ZipFile(archive) as z:
        for name in z.namelist():
            if name.endswith(".json"):
                records.append(json.loads(z.read(name)))
    records.sort(key=lambda r: r["id"])
    for record in records[: args.bump]:
        record["modified"] = now
        record["summary"] = (record.get("summary") or "") + " (revised)"
    with zipfile.ZipFile(os.path.join(target, "all.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for record in records:
            data = json.dumps(record).encode()
            z.writestr(record["id"] + ".json", data)
            with open(os.path.join(target, record["id"] + ".json"), "wb") as f:
                f.write(data)
    rows = sorted(((r.get("modified", ""), r["id"]) for r in records), reverse=True)
    with open(os.path.join(target, "modified_id.csv"), "w") as f:
        f.writelines(f"{m},{i}\n" for m, i in rows)


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=args.root, **k)

    def log_message(self, *a):
        pass

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        ecosystem = parts[0] if parts else ""
        if ecosystem in args.missing:
            self.send_error(404)
            return
        if len(parts) == 2 and parts[1] == "all.zip" and ecosystem in args.corrupt:
            body = b"PK\x03\x04 this is not a zip " * 100
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if len(parts) == 2 and parts[1] == "all.zip" and ecosystem in args.truncate:
            with open(os.path.join(args.root, ecosystem, "all.zip"), "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        super().do_GET()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
threading.Timer(args.max_seconds, server.shutdown).start()
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
