#!/usr/bin/python3
"""Pier's template engine against the real Jinja2: every bundled app's samples
and presets, rendered by `pier render` and by bench/python_pipeline.py
(Python Jinja2 + jsonschema + PyYAML), must give the same objects."""
import json
import pathlib
import subprocess
import sys

import yaml

root = pathlib.Path(__file__).resolve().parents[2]
pier = sys.argv[1]


def key(obj):
    meta = obj.get("metadata", {})
    return (obj.get("apiVersion"), obj.get("kind"), meta.get("namespace", ""), meta.get("name"))


def by_key(objects):
    return {key(o): o for o in objects if o}


failures = 0
checked = 0
for app_dir in sorted((root / "catalog").iterdir()):
    if not (app_dir / "app.yaml").exists():
        continue
    app = app_dir.name
    cases = [(s, None) for s in sorted((app_dir / "samples").glob("*.json"))]
    first_sample = cases[0][0]
    cases += [(first_sample, p.stem) for p in sorted((app_dir / "presets").glob("*.json"))]
    for sample, preset in cases:
        extra = ["--preset", preset] if preset else []
        label = f"{app}: {sample.name}" + (f" with preset {preset}" if preset else "")
        ours = subprocess.run([pier, "render", app, "-f", str(sample), "-o", "json", "-n", "parity"] + extra,
                              cwd=root, capture_output=True, text=True)
        theirs = subprocess.run(["/usr/bin/python3", "bench/python_pipeline.py", "catalog", app, str(sample),
                                 "--print", "--namespace", "parity"] + extra, cwd=root, capture_output=True, text=True)
        if ours.returncode != 0 or theirs.returncode != 0:
            print(f"FAIL {label}: pier exit {ours.returncode}: {ours.stderr.strip()}; python exit {theirs.returncode}: {theirs.stderr.strip()}")
            failures += 1
            continue
        a = by_key(json.loads(ours.stdout)["items"])
        b = by_key(list(yaml.safe_load_all(theirs.stdout)))
        if a != b:
            failures += 1
            print(f"FAIL {label}: objects differ")
            for k in sorted(set(a) | set(b), key=str):
                if a.get(k) != b.get(k):
                    print(f"  {k}:\n    pier:   {json.dumps(a.get(k), sort_keys=True)[:2000]}\n    python: {json.dumps(b.get(k), sort_keys=True)[:2000]}")
        else:
            print(f"ok   {label}: {len(a)} identical objects")
        checked += 1

print(f"{checked - failures} passed, {failures} failed")
sys.exit(1 if failures or checked == 0 else 0)
