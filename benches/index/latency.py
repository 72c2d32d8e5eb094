#!/usr/bin/env python3
"""The index's targets, measured: `reprint index add` of the first N
articles of a corpus (articles/s and peak memory), the time `reprint serve`
takes to open the index and answer, then K checks of one held-out article
each over HTTP, one after another (latency p50, p90, p99, max), and the
service's peak memory.

    benches/index/latency.py CORPUS [--n 100000] [--probes 20]
        [--reprint target/release/reprint]

CORPUS is JSON Lines with ids, for example the peer harness's corpus
(`python3 ../shared/bench/gen_corpus.py --n 1000000 --seed 1 --out c.jsonl
--truth c.tsv`; `benches/peers/compare.sh` leaves its 100,000 in
target/peer-bench/data). Probes are the K articles after the first N, under
new ids. Issue 24's targets at N = 1,000,000: adding at least 20,000
articles/s; the index opens in under 2 s and holds at most 1.5 GB; a check
of one article p50 at most 5 ms, p99 at most 25 ms.
"""
import argparse
import http.client
import json
import re
import subprocess
import tempfile
import time
from pathlib import Path

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("corpus")
parser.add_argument("--n", type=int, default=100_000)
parser.add_argument("--probes", type=int, default=20)
parser.add_argument("--reprint", default="target/release/reprint")
args = parser.parse_args()
reprint = str(Path(args.reprint).resolve())


def peak_kb(status_path):
    """VmHWM of a running process, in KB."""
    for line in Path(status_path).read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


with tempfile.TemporaryDirectory() as work:
    work = Path(work)
    indexed, probes = work / "indexed.jsonl", []
    with open(args.corpus) as lines, open(indexed, "w") as out:
        for number, line in enumerate(lines):
            if number < args.n:
                out.write(line)
            elif len(probes) < args.probes:
                record = json.loads(line)
                record["id"] = f"probe-{record['id']}"
                probes.append(json.dumps(record).encode())
            else:
                break
    index = work / "index"
    subprocess.run([reprint, "index", "create", str(index), "-q"], check=True)
    started = time.perf_counter()
    add = subprocess.run(
        ["/usr/bin/time", "-f", "%M", reprint, "index", "add", str(index), str(indexed), "-q"],
        check=True, capture_output=True, text=True)
    add_seconds = time.perf_counter() - started
    add_kb = int(add.stderr.strip().splitlines()[-1])

    started = time.perf_counter()
    server = subprocess.Popen(
        [reprint, "serve", str(index), "--addr", "127.0.0.1:0", "--timeout", "3600"],
        stdout=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r":(\d+)\s*$", server.stdout.readline()).group(1))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
        connection.request("GET", "/health")
        health = json.loads(connection.getresponse().read())
        open_seconds = time.perf_counter() - started
        latencies = []
        for body in probes:
            sent = time.perf_counter()
            connection.request("POST", "/check", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            latencies.append(time.perf_counter() - sent)
            assert response.status == 200, response.status
        serve_kb = peak_kb(f"/proc/{server.pid}/status")
    finally:
        server.terminate()
        server.wait()
    stats = subprocess.run([reprint, "index", "stats", str(index)], check=True,
                           capture_output=True, text=True).stdout
    sizes = {key: int(value) for key, value in
             re.findall(r"^(file|postings|lookups):\s+(\d+) bytes", stats, re.M)}

latencies.sort()
def percentile(p):
    return latencies[round((len(latencies) - 1) * p)] * 1000

print(f"index of {health['documents']:,} articles ({args.corpus})")
print(f"add: {add_seconds:.1f} s, {args.n / add_seconds:,.0f} articles/s, peak {add_kb / 1024:.0f} MB")
print(f"serve: open and answer {open_seconds:.2f} s; peak {serve_kb / 1024:.0f} MB after the checks")
print(f"files: database {sizes['file'] / 1e9:.2f} GB, postings {sizes['postings'] / 1e9:.2f} GB; "
      f"lookups hold {sizes['lookups'] / 1e6:.0f} MB in memory")
print(f"check of one article ({len(latencies)} probes, one at a time): "
      f"p50 {percentile(0.5):.1f} ms, p90 {percentile(0.9):.1f} ms, "
      f"p99 {percentile(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms")
