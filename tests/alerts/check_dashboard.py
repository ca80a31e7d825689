#!/usr/bin/env python3
"""Checks the PromQL of a Grafana dashboard: dashboards/lb.json or dashboards/nginx.json.

Every `expr` in the dashboard (panel targets, nested row panels, annotations)
and every PromQL template-variable query (`label_values(SELECTOR, label)`,
`query_result(EXPR)` or a bare expression) is taken, its Grafana variables are
replaced with values Grafana could put there, and then:

  * all of them are written as recording rules to a temporary rule file and run
    through `promtool check rules`, so a PromQL syntax error, an unknown
    function or a wrong argument type fails;
  * every metric name they reference must be one the exporter exports (the
    lists below: pier lb, pier nginx-metrics) or a recording rule of the rules
    file, and every label name in a matcher or a by/without/on/ignoring/group_*
    clause one of those metrics (or the recording rules) carries;
  * every panel and target uses the ${datasource} variable, and every variable
    used is defined.

Usage: check_dashboard.py [--promtool PATH] [--exporter lb|nginx] [--self-test] DASHBOARD RULES
--exporter picks the metric and label lists; without it, the rules file's name
says (lb.rules.yml: lb, nginx.rules.yml: nginx). With --self-test it also
checks that broken copies of the dashboard (a syntax
error, an unknown metric, an unknown label, an undefined variable) are refused.
Standard library and PyYAML only.
"""

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

# The metrics pier lb exports (issue 6, docs/lb.md) and `up`.
LB_METRICS = {
    "up",
    "lvs_endpoint_up",
    "lvs_endpoint_weight",
    "lvs_service_ready_endpoints",
    "pier_lb_vip_announced",
    "pier_lb_rejected_entries",
    "pier_lb_operations_total",
    "pier_lb_sync_errors_total",
    "pier_lb_last_successful_sync_timestamp_seconds",
    "pier_lb_health_check_failures_total",
}
for _kind in ("conns", "inpkts", "outpkts", "inbytes", "outbytes"):
    LB_METRICS.add(f"lvs_service_stat_{_kind}_total")
    LB_METRICS.add(f"lvs_endpoint_stat_{_kind}_total")
for _suffix in ("_bucket", "_sum", "_count"):
    LB_METRICS.add("pier_lb_sync_duration_seconds" + _suffix)

# Their labels, the ones Prometheus adds, and `le` of the histogram.
LB_LABELS = {
    "__name__", "cluster", "instance", "job", "le",
    "vip", "vport", "protocol", "namespace", "service", "endpoint", "port",
    "dataplane", "kind", "result", "stage", "check",
}

# The metrics pier nginx-metrics exports (issue 7) and `up`.
NGINX_METRICS = {
    "up",
    "nginx_http_requests_total",
    "nginx_http_response_bytes_total",
    "nginx_http_upstream_requests_total",
    "nginx_http_log_parse_errors_total",
    "nginx_metrics_series_folded_total",
    "nginx_metrics_lines_read_total",
    "nginx_metrics_bytes_read_total",
    "nginx_metrics_lag_bytes",
    "nginx_metrics_rotations_total",
    "nginx_metrics_truncations_total",
    "nginx_metrics_log_errors_total",
}
for _suffix in ("_bucket", "_sum", "_count"):
    NGINX_METRICS.add("nginx_http_request_duration_seconds" + _suffix)
    NGINX_METRICS.add("nginx_http_upstream_response_seconds" + _suffix)

# Their labels (method only with --method-label), the ones Prometheus adds, `le`
# of the histograms, and status_class, which the recording rule
# cluster_host_status_class:nginx_http_requests:rate5m (and the dashboard's
# label_replace) adds.
NGINX_LABELS = {
    "__name__", "cluster", "instance", "job", "le",
    "host", "status", "method", "upstream", "reason", "metric", "log",
    "status_class",
}

# --exporter NAME -> (metrics, labels).
EXPORTERS = {
    "lb": (LB_METRICS, LB_LABELS),
    "nginx": (NGINX_METRICS, NGINX_LABELS),
}
KNOWN_METRICS, KNOWN_LABELS = EXPORTERS["lb"]

# Grafana's built-in interval variables, as Grafana would substitute them.
BUILTIN_VARIABLES = {
    "__rate_interval": "4m",
    "__interval": "1m",
    "__interval_ms": "60000",
    "__range": "6h",
    "__range_s": "21600",
    "__range_ms": "21600000",
}

PROMQL_KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
    "group_right", "offset", "bool", "inf", "nan", "start", "end",
}
GROUPING_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
AGGREGATIONS = {
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
    "count_values", "bottomk", "topk", "quantile",
}

TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<number>(?:\d|\.\d)[0-9A-Za-z_.]*)
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=(){}\[\],@])
""", re.VERBOSE)


class Failure(Exception):
    pass


def tokenize(expr):
    tokens, pos = [], 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise Failure(f"cannot tokenize {expr[pos:pos + 20]!r}")
        pos = m.end()
        if m.lastgroup != "space":
            tokens.append((m.lastgroup, m.group()))
    return tokens


def names_in(expr):
    """(metric names, label names) referenced by a PromQL expression."""
    tokens = tokenize(expr)
    metrics, labels = set(), set()
    i, n = 0, len(tokens)
    while i < n:
        kind, text = tokens[i]
        nxt = tokens[i + 1][1] if i + 1 < n else None
        if text == "{":                      # label matchers
            i += 1
            while i < n and tokens[i][1] != "}":
                k, t = tokens[i]
                if k == "ident" and i + 2 < n and tokens[i + 1][1] in ("=", "!=", "=~", "!~"):
                    labels.add(t)
                    if t == "__name__" and tokens[i + 1][1] == "=" and tokens[i + 2][0] == "string":
                        metrics.add(tokens[i + 2][1][1:-1])
                    i += 3
                    continue
                i += 1
        elif text == "[":                    # range or subquery: durations only
            while i < n and tokens[i][1] != "]":
                i += 1
        elif kind == "ident" and text.lower() in GROUPING_KEYWORDS and nxt == "(":
            i += 2
            while i < n and tokens[i][1] != ")":
                if tokens[i][0] == "ident":
                    labels.add(tokens[i][1])
                i += 1
        elif kind == "ident" and (nxt == "(" or (text in AGGREGATIONS and nxt in ("by", "without"))):
            pass                             # a function or an aggregation
        elif kind == "ident" and text.lower() not in PROMQL_KEYWORDS:
            metrics.add(text)
        i += 1
    return metrics, labels


def variable_values(dashboard):
    """Variable name -> what Grafana would substitute (regex-formatted)."""
    values = dict(BUILTIN_VARIABLES)
    for var in dashboard.get("templating", {}).get("list", []):
        name, vtype = var.get("name"), var.get("type")
        if vtype == "datasource":
            values[name] = None              # must not appear in an expression
        elif vtype in ("interval",):
            values[name] = "5m"
        elif var.get("multi") or var.get("includeAll"):
            values[name] = "(value-a|value-b)"
        else:
            values[name] = "value-a"
    return values


VARIABLE = re.compile(r"\$\{(\w+)(?::[\w-]+)?\}|\$(\w+)|\[\[(\w+)(?::[\w-]+)?\]\]")


def substitute(expr, values, where):
    def replace(m):
        name = m.group(1) or m.group(2) or m.group(3)
        if name.isdigit():                   # $1 in label_replace: not a variable
            return m.group(0)
        if name not in values:
            raise Failure(f"{where}: undefined variable ${name} in {expr!r}")
        if values[name] is None:
            raise Failure(f"{where}: ${name} is a data source, not a value, in {expr!r}")
        return values[name]
    return VARIABLE.sub(replace, expr)


def variable_promql(query):
    """The PromQL inside a Prometheus template-variable query, or None."""
    if isinstance(query, dict):
        query = query.get("query", "")
    query = (query or "").strip()
    m = re.fullmatch(r"label_values\((.*),\s*([A-Za-z_]\w*)\s*\)", query, re.S)
    if m:
        return m.group(1)
    if re.fullmatch(r"label_values\(\s*[A-Za-z_]\w*\s*\)", query):
        return None
    m = re.fullmatch(r"query_result\((.*)\)", query, re.S)
    if m:
        return m.group(1)
    if re.fullmatch(r"(label_names|metrics)\(.*\)", query, re.S) or not query:
        return None
    return query


def walk_exprs(node, path):
    """Yield (where, expr) for every "expr" string under node."""
    if isinstance(node, dict):
        if node.get("type") != "row" and "title" in node:
            path = f"panel {node['title']!r}"
        if isinstance(node.get("expr"), str):
            where = path + (f" query {node['refId']}" if "refId" in node else "")
            yield where, node["expr"]
        for key, value in node.items():
            if key != "expr":
                yield from walk_exprs(value, path)
    elif isinstance(node, list):
        for item in node:
            yield from walk_exprs(item, path)


def collect(dashboard):
    values = variable_values(dashboard)
    exprs = []
    for where, expr in walk_exprs(dashboard.get("panels", []), "panels"):
        exprs.append((where, substitute(expr, values, where)))
    for where, expr in walk_exprs(dashboard.get("annotations", {}), "annotation"):
        exprs.append((where, substitute(expr, values, where)))
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        where = f"templating[{var.get('name')}]"
        promql = variable_promql(var.get("query"))
        if promql is not None:
            exprs.append((where, substitute(promql, values, where)))
    if not exprs:
        raise Failure("no PromQL expression found in the dashboard")
    return exprs


def check_datasources(dashboard):
    problems = []

    def panels(items):
        for p in items:
            yield p
            yield from panels(p.get("panels", []))

    for p in panels(dashboard.get("panels", [])):
        if p.get("type") == "row":
            continue
        targets = p.get("targets", [])
        if not targets:
            problems.append(f"panel {p.get('title')!r} has no query")
        for ds in [p.get("datasource")] + [t.get("datasource") for t in targets]:
            if not isinstance(ds, dict) or ds.get("uid") != "${datasource}":
                problems.append(f"panel {p.get('title')!r} does not use the ${{datasource}} variable: {ds!r}")
    variables = {v.get("name"): v for v in dashboard.get("templating", {}).get("list", [])}
    if variables.get("datasource", {}).get("type") != "datasource" or variables["datasource"].get("query") != "prometheus":
        problems.append("no `datasource` variable of type prometheus")
    return problems


def recording_rules(rules_path):
    with open(rules_path) as f:
        doc = yaml.safe_load(f)
    return {r["record"] for g in doc.get("groups", []) for r in g.get("rules", []) if "record" in r}


def promtool_check(promtool, exprs):
    """Runs promtool check rules on the expressions; returns its output or None."""
    doc = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:expr_{i}:check", "expr": expr} for i, (_, expr) in enumerate(exprs)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".rules.yml", delete=False) as f:
        yaml.safe_dump(doc, f, sort_keys=False, width=1000)
        path = f.name
    try:
        run = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
    finally:
        os.unlink(path)
    if run.returncode == 0:
        return None
    return (run.stdout + run.stderr).replace(path, "<dashboard expressions>")


def check(dashboard, rules_path, promtool, verbose=True, exporter="lb"):
    """Returns a list of problems (empty: the dashboard is fine)."""
    known_metrics, known_labels = EXPORTERS[exporter]
    problems = check_datasources(dashboard)
    try:
        exprs = collect(dashboard)
    except Failure as e:
        return problems + [str(e)]
    allowed = known_metrics | recording_rules(rules_path)
    for where, expr in exprs:
        try:
            metrics, labels = names_in(expr)
        except Failure as e:
            problems.append(f"{where}: {e}")
            continue
        for m in sorted(metrics - allowed):
            problems.append(f"{where}: unknown metric {m!r} in {expr!r}")
        for label in sorted(labels - known_labels):
            problems.append(f"{where}: unknown label {label!r} in {expr!r}")
    output = promtool_check(promtool, exprs)
    if output is not None:
        # Find the culprits one by one so the message names the panel.
        culprits = [(w, e) for w, e in exprs if promtool_check(promtool, [(w, e)]) is not None]
        for w, e in culprits:
            problems.append(f"{w}: promtool refuses {e!r}")
        problems.append("promtool check rules:\n" + output.strip())
    if verbose and not problems:
        print(f"{len(exprs)} expressions checked with promtool; all metrics known")
    return problems


def self_test(dashboard, rules_path, promtool, exporter="lb"):
    """Broken copies of the dashboard must be refused."""
    known_metrics, _ = EXPORTERS[exporter]
    def first_target(d):
        for p in d["panels"]:
            if p.get("targets"):
                return p["targets"][0]
        raise Failure("no target to break")

    def syntax(d):
        t = first_target(d)
        t["expr"] = t["expr"].rstrip(")")          # unbalanced parenthesis

    def unknown_function(d):
        t = first_target(d)
        t["expr"] = t["expr"].replace("rate(", "rat(", 1)

    def metric(d):
        t = first_target(d)
        if exporter == "lb":
            t["expr"] = re.sub(r"lvs_service_stat_conns_total", "lvs_service_stat_conn_total", t["expr"])
            return
        # the first exported metric of the first query, misspelt
        for name in re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", t["expr"]):
            if name in known_metrics and name != "up":
                t["expr"] = re.sub(r"\b%s\b" % re.escape(name), name[:-1], t["expr"], count=1)
                return

    def label(d):
        t = first_target(d)
        if exporter == "lb":
            t["expr"] = t["expr"].replace("sum by (cluster)", "sum by (clutser)")
            return
        t["expr"] = re.sub(r"\bby \(cluster\b", "by (clutser", t["expr"], count=1)
        if "clutser" not in t["expr"]:
            t["expr"] = re.sub(r"\bcluster=~", "clutser=~", t["expr"], count=1)

    def variable(d):
        t = first_target(d)
        t["expr"] = t["expr"].replace("$cluster", "$clusters")

    def datasource(d):
        first_target(d)["datasource"] = {"type": "prometheus", "uid": "prometheus-prod"}

    def template_query(d):
        for v in d["templating"]["list"]:
            if v.get("type") == "query":
                if exporter == "lb":
                    v["query"] = {"query": "label_values(lvs_service_stat_conns_total{cluster=~\"$cluster\"}, vip", "refId": "x"}
                else:                            # its closing parenthesis dropped
                    q = v["query"].get("query", "") if isinstance(v["query"], dict) else v["query"]
                    v["query"] = {"query": q.rstrip()[:-1], "refId": "x"}
                return
        raise Failure("no query variable to break")

    failed = []
    for name, breaker in [("syntax error", syntax), ("unknown function", unknown_function),
                          ("unknown metric", metric), ("unknown label", label),
                          ("undefined variable", variable), ("foreign datasource", datasource),
                          ("broken variable query", template_query)]:
        broken = copy.deepcopy(dashboard)
        breaker(broken)
        if broken == dashboard:
            failed.append(f"self-test {name}: the breaker changed nothing")
            continue
        problems = check(broken, rules_path, promtool, verbose=False, exporter=exporter)
        if problems:
            print(f"self-test {name}: refused ({problems[0].splitlines()[0][:160]})")
        else:
            failed.append(f"self-test {name}: the broken dashboard was accepted")
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--promtool", default="promtool")
    parser.add_argument("--exporter", choices=sorted(EXPORTERS),
                        help="whose metrics (default: from the rules file's name, else lb)")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("dashboard")
    parser.add_argument("rules")
    args = parser.parse_args()

    with open(args.dashboard) as f:
        dashboard = json.load(f)
    exporter = args.exporter
    if exporter is None:
        stem = os.path.basename(args.rules).split(".")[0]
        exporter = stem if stem in EXPORTERS else "lb"
    problems = check(dashboard, args.rules, args.promtool, exporter=exporter)
    if not problems and args.self_test:
        problems = self_test(dashboard, args.rules, args.promtool, exporter)
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
