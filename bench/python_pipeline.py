#!/usr/bin/env python3
"""The peer that `pier` is benchmarked against: a catalog app rendered the way
the seed's Ansible roles did it, with Python Jinja2 + jsonschema + PyYAML.

    python3 bench/python_pipeline.py CATALOG_DIR APP VALUES.json
        [--preset NAME] [--release NAME] [--namespace NS]
        [--iterations N] [--seconds S] [--print]

It implements the pipeline described in docs/catalog.md, the same one Pier runs:

  once:           load app.yaml, schema.json, the preset and every template;
                  compile the templates and every template default once;
                  build the Draft-07 validator once.
  per iteration:  merge the preset and the values, resolve the defaults
                  (template defaults evaluated lazily, cycles reported),
                  validate (all errors collected), render every template in
                  file-name order, parse the output with yaml.load_all
                  (CSafeLoader when PyYAML has libyaml, as Ansible does),
                  check apiVersion/kind/metadata.name (and metadata.namespace
                  for namespaced kinds) and add the four Pier labels.

`--print` prints the final objects as YAML (keys sorted) and exits, to compare
with `pier render`. Otherwise it renders until N iterations or S seconds have
passed, whichever comes first (defaults: 1000000 iterations, 10 seconds), and
prints one JSON line:

  {"renders": N, "seconds": S, "renders_per_second": R, "us_per_render": U,
   "yaml_loader": "CSafeLoader"|"SafeLoader"}

The Kubernetes OpenAPI validation that Pier does after rendering is not part
of this peer (the seed's Ansible left that to kubectl on the cluster).
"""

import argparse
import base64
import json
import os
import re
import shlex
import sys
import time

import jinja2
import jsonschema
import yaml

try:
    _LOADER = yaml.CSafeLoader
    _LOADER_NAME = "CSafeLoader"
except AttributeError:  # PyYAML built without libyaml
    _LOADER = yaml.SafeLoader
    _LOADER_NAME = "SafeLoader"

RESERVED = ("release", "app")

# Kinds that are not namespaced (the ones a catalog app may plausibly render).
CLUSTER_SCOPED_KINDS = frozenset(
    [
        "APIService",
        "CSIDriver",
        "CSINode",
        "CertificateSigningRequest",
        "ClusterRole",
        "ClusterRoleBinding",
        "ComponentStatus",
        "CustomResourceDefinition",
        "FlowSchema",
        "IngressClass",
        "IPAddress",
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PriorityClass",
        "PriorityLevelConfiguration",
        "RuntimeClass",
        "ServiceCIDR",
        "StorageClass",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ValidatingWebhookConfiguration",
        "VolumeAttachment",
    ]
)


class PipelineError(Exception):
    pass


# ---------------------------------------------------------------------------
# Filters, registered the way Ansible registers them.

def _to_json(value, *args, **kwargs):
    return json.dumps(value, *args, **kwargs)


def _to_yaml(value, *args, **kwargs):
    return yaml.dump(value, allow_unicode=True, default_flow_style=False, **kwargs)


def _b64encode(value, encoding="utf-8"):
    return base64.b64encode(str(value).encode(encoding)).decode(encoding)


def _quote(value):
    return shlex.quote(str(value))


def _ternary(value, true_val, false_val, none_val=None):
    if value is None and none_val is not None:
        return none_val
    return true_val if value else false_val


def make_environment():
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters["to_json"] = _to_json
    env.filters["to_yaml"] = _to_yaml
    env.filters["b64encode"] = _b64encode
    env.filters["quote"] = _quote
    env.filters["ternary"] = _ternary
    return env


# ---------------------------------------------------------------------------
# Values: merge, defaults, validation.

def deep_merge(base, over):
    """Objects merged recursively; arrays and scalars from `over` replace."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = deep_merge(base[k], v) if k in base else v
        return out
    return over


def plain_copy(value):
    if isinstance(value, dict):
        return {k: plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_copy(v) for v in value]
    return value


_SINGLE_EXPR = re.compile(r"^\s*\{\{-?(.*?)-?\}\}\s*$", re.S)


def is_template_text(text):
    return isinstance(text, str) and ("{{" in text or "{%" in text)


class TemplateDefault:
    """A schema `default` that is a template, compiled once."""

    __slots__ = ("source", "typed", "fn", "path")

    def __init__(self, env, source, path):
        self.source = source
        self.path = path
        m = _SINGLE_EXPR.match(source)
        inner = m.group(1) if m else None
        if inner is not None and not any(t in inner for t in ("{{", "}}", "{%", "{#")):
            self.typed = True
            self.fn = env.compile_expression(inner, undefined_to_none=False)
        else:
            self.typed = False
            self.fn = env.from_string(source).render

    def evaluate(self, context):
        if self.typed:
            value = self.fn(**context)
            if isinstance(value, jinja2.Undefined):
                str(value)  # StrictUndefined raises with the missing name
            return value
        return self.fn(context)


def _schema_type(schema):
    t = schema.get("type")
    return t if isinstance(t, str) else None


def _convert(text, schema):
    """A rendered (non-single-expression) default, converted to the schema type."""
    t = _schema_type(schema)
    s = text.strip()
    if t == "integer" and re.fullmatch(r"[-+]?[0-9]+", s):
        return int(s)
    if t == "number":
        if re.fullmatch(r"[-+]?[0-9]+", s):
            return int(s)
        try:
            return float(s)
        except ValueError:
            return text
    if t == "boolean" and s.lower() in ("true", "false"):
        return s.lower() == "true"
    return text


class Pending:
    __slots__ = ("tdefault", "schema")

    def __init__(self, tdefault, schema):
        self.tdefault = tdefault
        self.schema = schema


class LazyDict(dict):
    """A values object whose template defaults are evaluated when first read."""

    __slots__ = ("resolver", "path")

    def __getitem__(self, key):
        v = dict.__getitem__(self, key)
        if isinstance(v, Pending):
            v = self.resolver.force(self, key, v)
        return v

    def get(self, key, default=None):
        return self[key] if key in self else default

    def items(self):
        return [(k, self[k]) for k in dict.keys(self)]

    def values(self):
        return [self[k] for k in dict.keys(self)]


class Resolver:
    def __init__(self, extra_context):
        self.extra = extra_context
        self.stack = []
        self.root = None

    def context(self):
        ctx = dict(self.extra)
        for k in dict.keys(self.root):
            ctx[k] = self.root[k]
        return ctx

    def force(self, container, key, pending):
        path = pending.tdefault.path
        if path in self.stack:
            chain = self.stack[self.stack.index(path):] + [path]
            raise PipelineError("default cycle: " + " -> ".join(chain))
        self.stack.append(path)
        try:
            value = pending.tdefault.evaluate(self.context())
        except jinja2.TemplateError as e:
            raise PipelineError("default of %s (%r): %s" % (path, pending.tdefault.source, e))
        finally:
            self.stack.pop()
        if not pending.tdefault.typed:
            value = _convert(value, pending.schema)
        dict.__setitem__(container, key, value)
        return value


class DefaultsPlan:
    """The schema, walked once: template defaults compiled."""

    def __init__(self, env, schema):
        self.env = env
        self.templates = {}  # id(schema node) -> TemplateDefault
        self._compile(schema, "")

    def _compile(self, schema, path):
        if not isinstance(schema, dict):
            return
        if "default" in schema and is_template_text(schema["default"]):
            self.templates[id(schema)] = TemplateDefault(self.env, schema["default"], path)
        for name, sub in (schema.get("properties") or {}).items():
            self._compile(sub, path + "." + name if path else name)
        items = schema.get("items")
        if isinstance(items, dict):
            self._compile(items, path + "[]")

    def build(self, schema, given, resolver):
        """Values for an object schema: given values plus (pending) defaults."""
        out = LazyDict(given)
        out.resolver = resolver
        props = schema.get("properties") or {}
        for name, sub in props.items():
            if not isinstance(sub, dict):
                continue
            if name in out:
                dict.__setitem__(out, name, self._fill(sub, dict.__getitem__(out, name), resolver))
            elif "default" in sub:
                td = self.templates.get(id(sub))
                if td is not None:
                    dict.__setitem__(out, name, Pending(td, sub))
                else:
                    dict.__setitem__(out, name, self._fill(sub, plain_copy(sub["default"]), resolver))
            elif _schema_type(sub) == "object" or "properties" in sub:
                dict.__setitem__(out, name, self.build(sub, {}, resolver))
        # values the schema does not describe are kept as given (validation decides)
        return out

    def _fill(self, schema, value, resolver):
        if isinstance(value, dict) and (_schema_type(schema) == "object" or "properties" in schema):
            return self.build(schema, value, resolver)
        if isinstance(value, list) and isinstance(schema.get("items"), dict):
            items = schema["items"]
            return [self._fill(items, v, resolver) for v in value]
        return value


def force_all(value):
    """Evaluates every pending default and returns plain dicts and lists."""
    if isinstance(value, dict):
        return {k: force_all(value[k]) for k in list(dict.keys(value))}
    if isinstance(value, list):
        return [force_all(v) for v in value]
    return value


def resolve_values(plan, schema, given, release, app):
    if not isinstance(given, dict):
        raise PipelineError("values must be a JSON object")
    resolver = Resolver({"release": release, "app": app})
    root = plan.build(schema, given, resolver)
    resolver.root = root
    return force_all(root)


# ---------------------------------------------------------------------------
# The app.

def _error_path(err):
    parts = [str(p) for p in err.absolute_path]
    return ".".join(parts) if parts else "(root)"


class App:
    def __init__(self, catalog_dir, name, preset=None, release_name=None, namespace="default"):
        self.dir = os.path.join(catalog_dir, name)
        with open(os.path.join(self.dir, "app.yaml"), encoding="utf-8") as f:
            meta = yaml.load(f, Loader=_LOADER)
        if meta.get("name") != name:
            raise PipelineError("app.yaml name %r does not match the folder %r" % (meta.get("name"), name))
        with open(os.path.join(self.dir, "schema.json"), encoding="utf-8") as f:
            self.schema = json.load(f)
        for r in RESERVED:
            if r in (self.schema.get("properties") or {}):
                raise PipelineError("schema.json: top-level property %r is reserved" % r)

        self.env = make_environment()
        self.plan = DefaultsPlan(self.env, self.schema)
        fmt = jsonschema.Draft7Validator.FORMAT_CHECKER
        self.validator = jsonschema.Draft7Validator(self.schema, format_checker=fmt)

        tdir = os.path.join(self.dir, "templates")
        self.templates = []
        for fn in sorted(os.listdir(tdir)):
            if not fn.endswith(".yaml.j2"):
                continue
            with open(os.path.join(tdir, fn), encoding="utf-8") as f:
                src = f.read()
            try:
                self.templates.append((fn, self.env.from_string(src)))
            except jinja2.TemplateSyntaxError as e:
                raise PipelineError("templates/%s:%s: %s" % (fn, e.lineno, e.message))

        self.preset = {}
        if preset is None and os.path.exists(os.path.join(self.dir, "presets", "default.json")):
            preset = "default"
        if preset:
            with open(os.path.join(self.dir, "presets", preset + ".json"), encoding="utf-8") as f:
                self.preset = json.load(f)

        self.app_ctx = {"name": meta["name"], "version": str(meta["version"])}
        self.release_ctx = {"name": release_name or name, "namespace": namespace}
        self.labels = {
            "app.kubernetes.io/name": self.app_ctx["name"],
            "app.kubernetes.io/instance": self.release_ctx["name"],
            "app.kubernetes.io/version": self.app_ctx["version"],
            "app.kubernetes.io/managed-by": "pier",
        }

    def render(self, values):
        for r in RESERVED:
            if r in values or r in self.preset:
                raise PipelineError("values may not use the reserved name %r" % r)
        given = deep_merge(self.preset, values)
        resolved = resolve_values(self.plan, self.schema, given, self.release_ctx, self.app_ctx)

        errors = list(self.validator.iter_errors(resolved))
        if errors:
            msgs = sorted("%s: %s" % (_error_path(e), e.message) for e in errors)
            raise PipelineError("invalid values:\n  " + "\n  ".join(msgs))

        context = dict(resolved)
        context["release"] = self.release_ctx
        context["app"] = self.app_ctx

        objects = []
        for fn, tmpl in self.templates:
            try:
                text = tmpl.render(context)
            except jinja2.TemplateError as e:
                raise PipelineError("templates/%s: %s" % (fn, e))
            try:
                docs = list(yaml.load_all(text, Loader=_LOADER))
            except yaml.YAMLError as e:
                raise PipelineError("templates/%s: rendered YAML: %s" % (fn, e))
            for i, obj in enumerate(docs):
                if obj is None:
                    continue
                objects.append(self._post_process(fn, i, obj))
        return objects

    def _post_process(self, fn, index, obj):
        where = "templates/%s: document %d" % (fn, index + 1)
        if not isinstance(obj, dict):
            raise PipelineError("%s: not a mapping" % where)
        for field in ("apiVersion", "kind"):
            if not isinstance(obj.get(field), str) or not obj[field]:
                raise PipelineError("%s: missing %s" % (where, field))
        meta = obj.get("metadata")
        if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
            raise PipelineError("%s: missing metadata.name" % where)
        namespaced = obj["kind"] not in CLUSTER_SCOPED_KINDS
        if namespaced and not meta.get("namespace"):
            raise PipelineError("%s (%s %s): missing metadata.namespace" % (where, obj["kind"], meta["name"]))
        labels = meta.get("labels")
        if labels is None:
            labels = meta["labels"] = {}
        labels.update(self.labels)
        return obj


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("catalog")
    ap.add_argument("app")
    ap.add_argument("values", help="values JSON file")
    ap.add_argument("--preset", help="preset name (default: presets/default.json when present)")
    ap.add_argument("--release", help="release name (default: the app name)")
    ap.add_argument("--namespace", default="default", help="release namespace (default: default)")
    ap.add_argument("--iterations", type=int, default=1000000)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--print", action="store_true", dest="print_objects")
    args = ap.parse_args(argv)

    try:
        app = App(args.catalog, args.app, args.preset, args.release, args.namespace)
        with open(args.values, encoding="utf-8") as f:
            values = json.load(f)
        objects = app.render(values)  # also the warm-up; errors stop here
    except (PipelineError, OSError, ValueError) as e:
        print("python_pipeline: %s" % e, file=sys.stderr)
        return 1

    if args.print_objects:
        sys.stdout.write(yaml.safe_dump_all(objects, default_flow_style=False, sort_keys=True))
        return 0

    n = 0
    start = time.perf_counter()
    deadline = start + args.seconds
    now = start
    while n < args.iterations:
        app.render(values)
        n += 1
        now = time.perf_counter()
        if now >= deadline:
            break
    elapsed = now - start
    print(json.dumps({
        "renders": n,
        "seconds": round(elapsed, 6),
        "renders_per_second": round(n / elapsed, 2) if elapsed > 0 else None,
        "us_per_render": round(elapsed * 1e6 / n, 2) if n else None,
        "yaml_loader": _LOADER_NAME,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
