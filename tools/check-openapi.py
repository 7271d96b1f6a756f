#!/usr/bin/env python3
"""Checks contracts-spec/openapi.yaml against the node's router.

1. Validates the document as OpenAPI (openapi-spec-validator).
2. Compares the routes registered in every Swift file of Sources/SolventNode/RPC
   (router.get/post/put/patch/delete/head/ws("...") calls, ":param" read as "{param}") with the
   document's paths and operations, both ways, and prints whatever is missing.

Needs PyYAML and openapi-spec-validator only. Exits 0 with a one-line OK summary, 1 otherwise.

    python3 tools/check-openapi.py [--spec contracts-spec/openapi.yaml] [--root .]
"""

import argparse
import os
import re
import sys

import yaml
from openapi_spec_validator import validate

ROUTE_DIR = "Sources/SolventNode/RPC"
# router.get("/v1/status") ... ; router.ws("/v1/ws", shouldUpgrade: ...) is an HTTP GET.
ROUTE_CALL = re.compile(r'\brouter\s*\.\s*(get|post|put|patch|delete|head|ws)\s*\(\s*"([^"]*)"')
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def swift_routes(root):
    """(METHOD, path) pairs registered in the Swift router files."""
    routes = set()
    directory = os.path.join(root, ROUTE_DIR)
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".swift"):
            continue
        path = os.path.join(directory, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # Ignore whole-line comments so commented-out routes do not count.
        text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
        for method, route in ROUTE_CALL.findall(text):
            route = re.sub(r":([A-Za-z_][A-Za-z0-9_]*)", r"{\1}", route)
            routes.add(("GET" if method == "ws" else method.upper(), route))
    return routes


def spec_routes(doc):
    """(METHOD, path) pairs the OpenAPI document describes."""
    routes = set()
    for path, item in (doc.get("paths") or {}).items():
        for key in item:
            if key in HTTP_METHODS:
                routes.add((key.upper(), path))
    return routes


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=os.path.dirname(here), help="repository root")
    parser.add_argument("--spec", default=None, help="OpenAPI document (default: <root>/contracts-spec/openapi.yaml)")
    args = parser.parse_args()
    spec_path = args.spec or os.path.join(args.root, "contracts-spec", "openapi.yaml")

    failures = []
    try:
        with open(spec_path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print(f"FAIL: cannot read {spec_path}: {e}")
        return 1
    try:
        validate(doc)
    except Exception as e:  # the validator raises several exception types
        # jsonschema-style errors carry a short message and the path to the offending node;
        # str(e) would dump the whole document.
        message = getattr(e, "message", None) or str(e).split("\n", 1)[0]
        where = "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in getattr(e, "path", []) or [])
        failures.append(f"{spec_path} is not a valid OpenAPI document: {message}" + (f" (at /{where})" if where else ""))

    try:
        code = swift_routes(args.root)
    except OSError as e:
        print(f"FAIL: cannot read the router sources: {e}")
        return 1
    if not code:
        failures.append("no router.get/post/ws(...) calls found in " + ROUTE_DIR)
    spec = spec_routes(doc if isinstance(doc, dict) else {})

    code_paths = {p for _, p in code}
    spec_paths = {p for _, p in spec}
    for p in sorted(code_paths - spec_paths):
        failures.append(f"route {p} is registered in the Swift router but has no path in the document")
    for p in sorted(spec_paths - code_paths):
        failures.append(f"path {p} is in the document but no route registers it")
    for m, p in sorted(code - spec):
        if p in spec_paths:
            failures.append(f"{m} {p} is registered in the Swift router but the document's path has no {m.lower()} operation")
    for m, p in sorted(spec - code):
        if p in code_paths:
            failures.append(f"{m} {p} is in the document but the Swift router does not register {m} for it")

    if failures:
        for line in failures:
            print("FAIL: " + line)
        print(f"check-openapi: {len(failures)} problem(s)")
        return 1
    version = doc.get("openapi", "?")
    print(f"OK: {os.path.relpath(spec_path, args.root)} is valid OpenAPI {version}; "
          f"{len(code)} routes in the Swift router match {len(spec)} operations on {len(spec_paths)} paths")
    return 0


if __name__ == "__main__":
    sys.exit(main())
