#!/usr/bin/env python3
"""Validates fnaudit output against the official schemas committed in Tests/Fixtures/schemas.

    python3 Scripts/validate-report.py sarif report.sarif
    python3 Scripts/validate-report.py cyclonedx bom.json

Prints "valid" or every schema error (path: message) and exits 1.
"""
import json, os, sys

from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "Fixtures", "schemas")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def validator(kind):
    if kind == "sarif":
        return Draft7Validator(load(os.path.join(SCHEMAS, "sarif", "sarif-schema-2.1.0.json")))
    folder = os.path.join(SCHEMAS, "cyclonedx")
    registry = Registry()
    for name in os.listdir(folder):
        if name.endswith(".json"):
            schema = load(os.path.join(folder, name))
            resource = Resource.from_contents(schema)
            registry = registry.with_resource(name, resource)
            if "$id" in schema:
                registry = registry.with_resource(schema["$id"], resource)
            # The main schema refers to the others by their SNAPSHOT-less names too, and relative
            # references resolve against its $id (http://cyclonedx.org/schema/…).
            for alias in {name, name.replace(".SNAPSHOT", "")}:
                registry = registry.with_resource(alias, resource)
                registry = registry.with_resource("http://cyclonedx.org/schema/" + alias, resource)
    main = load(os.path.join(folder, "bom-1.6.SNAPSHOT.schema.json"))
    cls = Draft7Validator if "draft-07" in main.get("$schema", "") else Draft202012Validator
    return cls(main, registry=registry)


def main():
    kind, path = sys.argv[1], sys.argv[2]
    errors = sorted(validator(kind).iter_errors(load(path)), key=lambda e: list(e.absolute_path))
    if not errors:
        print("valid")
        return 0
    for e in errors[:50]:
        print("/".join(map(str, e.absolute_path)) or "(root)", ":", e.message[:300])
    print(f"{len(errors)} schema error(s)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
