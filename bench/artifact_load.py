#!/usr/bin/env python3
"""Load on the artifact function over loopback: N object events (CloudEvents, HTTP binary mode)
POSTed to a running `relay server` (default http://127.0.0.1:8080/), from C keep-alive connections.

Each event is an S3-adapter CloudEvent for a distinct object version, so none is a duplicate:
  --kind metrics  runs/<run>/tasks/<task>/mlpipeline-metrics.json: parse, ownership, dedupe, index hook
  --kind foreign  a bucket Relay does not own: parse and acknowledge
  --kind log      an attempt's log.txt: owned, new data, no action
Bounded in count and time (--events, --max-seconds); loopback addresses only. Prints one line:
events, seconds, events/s, and the status codes seen.
"""
import argparse
import http.client
import json
import threading
import time
import urllib.parse
from collections import Counter


def record(i, kind):
    bucket = "datasets" if kind == "foreign" else "mlpipeline"
    run = "r-bench-%06d" % (i // 100)
    task = "t%d" % (i % 100)
    key = {"metrics": "runs/%s/tasks/%s/mlpipeline-metrics.json" % (run, task),
           "foreign": "incoming/file-%d.csv" % i,
           "log": "runs/%s/tasks/%s/attempts/1/log.txt" % (run, task)}[kind]
    seq = "%016X" % (0x17F0000000000000 + i)
    rec = {"eventVersion": "2.0", "eventSource": "minio:s3", "awsRegion": "", "eventTime": "2026-11-29T10:15:00.000Z",
           "eventName": "s3:ObjectCreated:Put", "userIdentity": {"principalId": "minio"},
           "responseElements": {"x-amz-request-id": seq},
           "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket, "arn": "arn:aws:s3:::" + bucket},
                  "object": {"key": urllib.parse.quote_plus(key), "size": 42, "eTag": "%032x" % i, "sequencer": seq}}}
    headers = {"ce-specversion": "1.0", "ce-id": seq, "ce-type": "com.amazonaws.s3.ObjectCreated:Put",
               "ce-source": "minio:s3.." + bucket, "ce-subject": urllib.parse.quote(key, safe="/"),
               "Content-Type": "application/json"}
    return headers, json.dumps(rec).encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8080/")
    ap.add_argument("--events", type=int, default=20000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--kind", choices=["metrics", "foreign", "log"], default="metrics")
    ap.add_argument("--warmup", type=int, default=2000)
    ap.add_argument("--max-seconds", type=float, default=120)
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.url)
    if u.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("artifact_load: loopback targets only, got " + u.hostname)
    base = int(time.time() * 1000) * 1_000_000  # distinct object versions per invocation

    def run(count, offset):
        statuses = Counter()
        lock = threading.Lock()
        nxt = [0]
        deadline = time.monotonic() + a.max_seconds

        def worker():
            conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
            local = Counter()
            while time.monotonic() < deadline:
                with lock:
                    i = nxt[0]
                    nxt[0] += 1
                if i >= count:
                    break
                h, body = record(base + offset + i, a.kind)
                conn.request("POST", u.path or "/", body=body, headers=h)
                r = conn.getresponse()
                r.read()
                local[r.status] += 1
            conn.close()
            with lock:
                statuses.update(local)

        threads = [threading.Thread(target=worker) for _ in range(a.concurrency)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sum(statuses.values()), time.monotonic() - t0, statuses

    run(a.warmup, 0)
    n, secs, statuses = run(a.events, a.warmup)
    print("artifact_load: kind=%s events=%d seconds=%.2f events/s=%.0f concurrency=%d statuses=%s"
          % (a.kind, n, secs, n / secs if secs else 0, a.concurrency, dict(statuses)))


if __name__ == "__main__":
    main()
