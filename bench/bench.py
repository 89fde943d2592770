#!/usr/bin/env python3
"""Relay's local benchmark: prints, measured side by side in one call,
 (a) the ratio of `relay run` wall time for the seed pipeline to a shell script running the same
     three Python programs directly (median of N runs each);
 (b) orchestration overhead per step on a 50-step chain of trivial steps: the gap between one
     step's end and the next step's start, from the steps' own status.json times (median);
 (c) the same on a 200-task fan-out/fan-in, plus its wall time;
 (d) peak RSS of the relay JVM.
Standard library only. Usage: bench/bench.py [--runs N]. Not a test: it asserts nothing.
"""
import argparse, json, os, re, resource, shutil, statistics, subprocess, sys, tempfile, time
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELAY = os.path.join(ROOT, "relay")
SEED = os.path.join(ROOT, "examples", "random-sum")


def ts(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def relay_run(pipeline, state, params=()):
    args = [RELAY, "run", pipeline, "--json", "--state-dir", state]
    for p in params:
        args += ["-p", p]
    t0 = time.perf_counter()
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("relay run failed (%d):\n%s" % (p.returncode, p.stderr[-3000:]))
    return json.loads(p.stdout), wall


def statuses(state, run_id):
    base = os.path.join(state, "s3", "mlpipeline", "runs", run_id, "tasks")
    out = {}
    for task in os.listdir(base):
        with open(os.path.join(base, task, "attempts", "1", "status.json")) as f:
            s = json.load(f)
        out[task] = (ts(s["startedAt"]), ts(s["finishedAt"]))
    return out


def program(component_file):
    """The inline `python3 -u -c` program of one of the seed's components (a YAML block scalar)."""
    lines = open(component_file).read().split("\n")
    start = lines.index("    - |") + 1
    body = []
    for line in lines[start:]:
        if line.startswith("      ") or line == "":
            body.append(line[6:])
        else:
            break
    return "\n".join(body)


def bare_seed(tmp, count):
    d = tempfile.mkdtemp(dir=tmp)
    gen, summ, prt = (program(os.path.join(SEED, n + ".component.yaml")) for n in ("generate", "sum", "print"))
    script = os.path.join(d, "seed.sh")
    with open(script, "w") as f:
        f.write('set -e\nd="$1"\n')
        f.write("python3 -u -c %s --count %d --output \"$d/numbers\"\n" % (shq(gen), count))
        f.write("python3 -u -c %s --numbers \"$d/numbers\" --output \"$d/sum\"\n" % shq(summ))
        f.write("python3 -u -c %s --text \"$d/sum\"\n" % shq(prt))
    t0 = time.perf_counter()
    subprocess.run(["sh", script, d], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def shq(s):
    return "'" + s.replace("'", "'\"'\"'") + "'"


TRIVIAL = """
        componentRef:
          spec:
            name: step
            inputs: [{name: in, optional: true}]
            outputs: [{name: out}]
            implementation:
              container:
                image: alpine
                command: [sh, -c, 'echo x > "$0"', {outputPath: out}]
"""


def chain(n):
    y = "name: chain-%d\nimplementation:\n  graph:\n    tasks:\n" % n
    for i in range(n):
        y += "      s%03d:%s" % (i, TRIVIAL)
        if i:
            y += "        arguments: {in: {taskOutput: {taskId: s%03d, outputName: out}}}\n" % (i - 1)
    return y


def fan(n):
    y = "name: fan-%d\nimplementation:\n  graph:\n    tasks:\n      root:%s" % (n, TRIVIAL)
    for i in range(n - 2):
        y += "      m%03d:%s        arguments: {in: {taskOutput: {taskId: root, outputName: out}}}\n" % (i, TRIVIAL)
    y += "      join:\n        componentRef:\n          spec:\n            name: join\n            inputs:\n"
    y += "".join("            - {name: i%03d}\n" % i for i in range(n - 2))
    y += "            implementation:\n              container:\n                image: alpine\n                command: [sh, -c, 'true']\n"
    y += "        arguments:\n" + "".join("          i%03d: {taskOutput: {taskId: m%03d, outputName: out}}\n" % (i, i) for i in range(n - 2))
    return y


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="repetitions of the seed comparison (default 5)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="relay-bench-")
    try:
        subprocess.run([RELAY, "--version"], check=True, stdout=subprocess.DEVNULL)  # build once
        state = os.path.join(tmp, "state")
        relay_run(os.path.join(SEED, "pipeline.yaml"), state, ["count=10"])  # warm the file cache
        relay_walls, bare_walls = [], []
        for _ in range(args.runs):
            relay_walls.append(relay_run(os.path.join(SEED, "pipeline.yaml"), state, ["count=10"])[1])
            bare_walls.append(bare_seed(tmp, 10))
        r, b = statistics.median(relay_walls), statistics.median(bare_walls)
        print("(a) seed pipeline: relay run %.2f s, bare script %.2f s, ratio %.2f (median of %d)" % (r, b, r / b, args.runs))

        f = os.path.join(tmp, "chain.yaml")
        open(f, "w").write(chain(50))
        doc, wall = relay_run(f, state)
        st = statuses(state, doc["runId"])
        order = sorted(st)
        gaps = [(st[order[i]][0] - st[order[i - 1]][1]) * 1000 for i in range(1, len(order))]
        steps = [(e - s) * 1000 for s, e in st.values()]
        print("(b) 50-step chain: orchestration %.1f ms/step (median gap end->next start; p90 %.1f), "
              "step itself %.1f ms median, wall %.2f s" % (statistics.median(gaps), sorted(gaps)[int(len(gaps) * 0.9)],
                                                          statistics.median(steps), wall))

        f = os.path.join(tmp, "fan.yaml")
        open(f, "w").write(fan(200))
        doc, wall = relay_run(f, state)
        st = statuses(state, doc["runId"])
        mids = [k for k in st if k.startswith("m")]
        last_mid = max(st[k][1] for k in mids)
        first_mid = min(st[k][0] for k in mids)
        busy = sum(st[k][1] - st[k][0] for k in mids)
        par = os.cpu_count() or 1
        per = ((last_mid - first_mid) - busy / par) / len(mids) * 1000
        print("(c) 200-task fan-out/fan-in: orchestration %.1f ms/step beyond the steps' own time on %d cores; "
              "root->first launch %.1f ms, last->join launch %.1f ms; wall %.2f s"
              % (per, par, (first_mid - st["root"][1]) * 1000, (st["join"][0] - last_mid) * 1000, wall))
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print("(d) peak RSS of the largest child process (the relay JVM): %.0f MB" % (rss / 1024))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
