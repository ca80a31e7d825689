#!/usr/bin/env python3
"""pier nginx-metrics against mtail (Debian), side by side in one run.

Generates a realistic JSON access log (default 1 GB, cached in build/bench),
then has each read the whole file once (pier: --once; mtail: --one_shot with
bench/nginx.mtail, which produces the same metrics) and prints lines/s, CPU
seconds, lines per CPU-second, peak RSS and the ratios. Both must count the
same requests.

Usage: bench/nginx_vs_mtail.py [SIZE_MB]   (default 1024)
"""
import os
import random
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
WORK = os.path.join(BUILD, "bench", "nginx-metrics")


def generate(path, size_mb):
    rng = random.Random(7)
    hosts = ["shop.example.com", "api.example.com", "img.example.com", "m.example.com", "pay.example.com"]
    statuses = [200] * 12 + [301, 304, 404, 500, 502, 503]
    lines = []
    for _ in range(20000):
        status = rng.choice(statuses)
        rt = rng.random() ** 3 * 2.0
        ut = rt * 0.9
        up = "10.0.%d.%d:8080" % (rng.randrange(4), rng.randrange(8))
        lines.append(
            '{"time":"2026-11-29T10:%02d:%02d+00:00","remote_addr":"192.0.2.%d","host":"%s","method":"%s",'
            '"uri":"/product/%d?ref=home","status":%d,"bytes_sent":%d,"request_time":%.3f,'
            '"upstream_addr":"%s","upstream_status":"%d","upstream_response_time":"%.3f",'
            '"http_user_agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"}\n'
            % (rng.randrange(60), rng.randrange(60), rng.randrange(250), rng.choice(hosts),
               rng.choice(["GET", "GET", "GET", "POST"]), rng.randrange(100000), status,
               rng.randrange(200000), rt, up, status, ut))
    block = "".join(lines).encode()
    target = size_mb * 1024 * 1024
    with open(path + ".tmp", "wb") as out:
        written = 0
        while written < target:
            out.write(block)
            written += len(block)
    os.rename(path + ".tmp", path)


def run(argv, stdout_path):
    """Runs argv under GNU time; returns (wall s, cpu s, peak RSS MB).

    GNU time, a small C program, forks and execs the command: Linux keeps a
    process's peak RSS across exec, so a child forked from this Python would
    report Python's memory as its own."""
    report = stdout_path + ".time"
    with open(stdout_path, "wb") as out:
        status = subprocess.run(["/usr/bin/time", "-o", report, "-f", "%e %U %S %M"] + argv, stdout=out,
                                stderr=subprocess.DEVNULL).returncode
    if status != 0:
        sys.exit("%s failed with status %d" % (argv[0], status))
    wall, user, system, rss_kb = open(report).read().split()[-4:]
    return float(wall), float(user) + float(system), int(rss_kb) / 1024


def total_requests(path):
    total = 0
    for line in open(path):
        if line.startswith("nginx_http_requests_total{"):
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


def main():
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    if not shutil.which("mtail"):
        sys.exit("mtail is not installed (Debian package mtail; scripts/setup installs it)")
    os.makedirs(WORK, exist_ok=True)
    log = os.path.join(WORK, "access-%dMB.log" % size_mb)
    if not os.path.exists(log):
        print("generating %s ..." % log, flush=True)
        generate(log, size_mb)
    lines = sum(1 for _ in open(log, "rb"))
    progs = os.path.join(WORK, "progs")
    os.makedirs(progs, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "bench", "nginx.mtail"), progs)
    # Warm the page cache so both read from memory.
    subprocess.run(["cat", log], stdout=subprocess.DEVNULL, check=True)

    pier = run([os.path.join(BUILD, "pier"), "nginx-metrics", "--once", "--log", log], os.path.join(WORK, "pier.prom"))
    mtail = run(["mtail", "--progs", progs, "--logs", log, "--one_shot", "--one_shot_format", "prometheus",
                 "--emit_prog_label=false"], os.path.join(WORK, "mtail.prom"))
    counted = (total_requests(os.path.join(WORK, "pier.prom")), total_requests(os.path.join(WORK, "mtail.prom")))

    print("log: %s, %d MB, %d lines; the same requests counted: %s (%d / %d)"
          % (log, size_mb, lines, "yes" if counted[0] == counted[1] == lines else "NO", counted[0], counted[1]))
    print("%-6s %10s %9s %9s %16s %9s" % ("", "lines/s", "wall s", "CPU s", "lines/CPU-s", "peak RSS"))
    for name, (wall, cpu, rss) in (("pier", pier), ("mtail", mtail)):
        print("%-6s %10.0f %9.2f %9.2f %16.0f %7.1f MB" % (name, lines / wall, wall, cpu, lines / cpu, rss))
    ratio = (lines / pier[1]) / (lines / mtail[1])
    print("ratio: %.1fx mtail's lines per CPU-second (target >= 20x); pier %.2f M lines/s (target >= 2 M); RSS %.1f MB (target < 20 MB)"
          % (ratio, lines / pier[0] / 1e6, pier[2]))
    if counted[0] != counted[1]:
        sys.exit(1)


if __name__ == "__main__":
    main()
