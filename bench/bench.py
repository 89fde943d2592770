#!/usr/bin/env python3
"""Relay's local benchmark: every figure of issue 15's targets, measured side by side in one call.

 (a) seed pipeline: `relay run examples/random-sum/pipeline.yaml -p count=10` (whole process) beside
     a shell script running the same three Python programs directly with the same interpreter:
     medians of N runs each, the difference in seconds and the ratio (target: <= 0.8 s slower);
 (b) orchestration per step on a 50-step chain of trivial steps: the gap between one step's
     `finishedAt` and the next step's `startedAt`, from the steps' own status.json (target <= 10 ms);
 (c) per-step cost against the run's size, for a chain and a wide fan-out/fan-in of 100, 1,000 and
     10,000 tasks (sizes above --max-tasks are left out): the chain's median gap, and for the fan-out
     the wall time of its middle layer beyond the steps' own time on this machine's cores, per step
     (target: flat);
 (d) the 200-task fan-out/fan-in: per-step orchestration, and the peak RSS of that `relay run`
     process alone (wait4; target <= 200 MB);
 (e) `relay server` (functions app, embedded profile): process start to the first HTTP answer
     on GET / (target <= 2 s), median of --server-runs starts on fresh state dirs;
 (f) where ../shared/kfp-sdk is present: `kfp.local` (SubprocessRunner, use_venv=False, so no
     pip at run time) running the seed written with @dsl.component
     (../shared/cases/v2_kfp_sdk/seed/seed_python_v2.py, read in place) beside `relay run` of the
     IR the KFP compiler wrote for it (random_sum_python_v2.yaml), same interpreter (the SDK venv).
CPU figures (user + system of `relay run` and its steps, from wait4) are given beside the wall times:
on a shared machine they move less with the load than the wall times do.
(g) the cluster profile's functions app (the Knative Service that scales to zero): process start to the
    answer of its first CloudEvent (target <= 1.5 s), a dev.relay.run.requested as the Broker delivers it,
    with both tokens set, against S3Proxy, an embedded PostgreSQL (the index) and fabric8's mock API server
    (bench/ClusterBackends.java, started with the runner's test class path: no Docker); the app run as the
    functions image runs it (deploy/functions/Dockerfile: a JDK 25+, Quarkus's aot-jar packaging built under
    functions/target/image, and the JDK AOT cache app.aot written by the image's training run, ClusterBackends.java
    --train), interleaved with starts of the same app without the cache; CPU of the app at the answer, and the next
    event's time (the run.json object event, which creates the root task's Job).

The engine alone (decisions per event, one core, up to 10,000 tasks) has its own JMH benchmark:
`bench/engine.sh` (e.g. `bench/engine.sh -p tasks=10000 -wi 1 -i 3`), which compiles the runner's
test sources offline and runs runner/src/test/java/dev/relay/runner/engine/PipelineEngineBenchmark.java
(the engine RunController drives; score in whole runs/s, events/s = score x (tasks + 1)).
JMH never runs in `mvn verify` (the class is no test; only compiled).

Standard library only. Not a test: it asserts nothing. Usage:
  bench/bench.py [--runs N] [--quick] [--max-tasks N] [--server-runs N] [--no-server] [--no-kfp] [--no-cluster]
--quick: 3 runs, sizes up to 100 tasks, one server start (about a minute on 2 cores).
Builds on first use through ./relay (runner) and `./relay server` (functions app).
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.error, urllib.request
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELAY = os.path.join(ROOT, "relay")
SEED = os.path.join(ROOT, "examples", "random-sum")
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
if not os.path.isdir(SHARED):
    SHARED = "/work/shared"
KFP_SEED = os.path.join(SHARED, "cases", "v2_kfp_sdk", "seed")
KFP_SDK = os.path.join(SHARED, "kfp-sdk")


def ts(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def run_measured(args, env=None):
    """Runs one process; returns (exit code, stdout, stderr, wall s, peak RSS in MB, CPU s), the last two of
    the process and its children (wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return p.returncode, out.read().decode(), err.read().decode(), wall, ru.ru_maxrss / 1024, ru.ru_utime + ru.ru_stime


def relay_run(pipeline, state, params=(), env=None):
    args = [RELAY, "run", pipeline, "--json", "--state-dir", state]
    for p in params:
        args += ["-p", p]
    rc, out, err, wall, rss, cpu = run_measured(args, env)
    if rc != 0:
        sys.exit("relay run %s failed (%d):\n%s" % (pipeline, rc, err[-3000:]))
    RELAY_CPU.append(cpu)
    return json.loads(out), wall, rss


RELAY_CPU = []  # CPU seconds (user + system) of each relay run, its steps included, in call order


def statuses(state, run_id):
    base = os.path.join(state, "s3", "mlpipeline", "runs", run_id, "tasks")
    out = {}
    for task in os.listdir(base):
        f = os.path.join(base, task, "attempts", "1", "status.json")
        if os.path.exists(f):
            with open(f) as fh:
                s = json.load(fh)
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
        y += "      s%05d:%s" % (i, TRIVIAL)
        if i:
            y += "        arguments: {in: {taskOutput: {taskId: s%05d, outputName: out}}}\n" % (i - 1)
    return y


def fan(n):
    # the first task is "src": a KFP v1 task named "root" is mistaken for the graph itself (see the closing note of issue 15)
    y = "name: fan-%d\nimplementation:\n  graph:\n    tasks:\n      src:%s" % (n, TRIVIAL)
    for i in range(n - 2):
        y += "      m%05d:%s        arguments: {in: {taskOutput: {taskId: src, outputName: out}}}\n" % (i, TRIVIAL)
    y += "      join:\n        componentRef:\n          spec:\n            name: join\n            inputs:\n"
    y += "".join("            - {name: i%05d}\n" % i for i in range(n - 2))
    y += "            implementation:\n              container:\n                image: alpine\n                command: [sh, -c, 'true']\n"
    y += "        arguments:\n" + "".join("          i%05d: {taskOutput: {taskId: m%05d, outputName: out}}\n" % (i, i) for i in range(n - 2))
    return y


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))]


def chain_figures(tmp, state, n):
    f = os.path.join(tmp, "chain-%d.yaml" % n)
    open(f, "w").write(chain(n))
    doc, wall, rss = relay_run(f, state)
    cpu = RELAY_CPU[-1]
    st = statuses(state, doc["runId"])
    order = sorted(st)
    gaps = [(st[order[i]][0] - st[order[i - 1]][1]) * 1000 for i in range(1, len(order))]
    steps = [(e - s) * 1000 for s, e in st.values()]
    return statistics.median(gaps), pct(gaps, 0.9), statistics.median(steps), wall, cpu


def fan_figures(tmp, state, n):
    f = os.path.join(tmp, "fan-%d.yaml" % n)
    open(f, "w").write(fan(n))
    doc, wall, rss = relay_run(f, state)
    cpu = RELAY_CPU[-1]
    st = statuses(state, doc["runId"])
    mids = [k for k in st if k.startswith("m")]
    last_mid = max(st[k][1] for k in mids)
    first_mid = min(st[k][0] for k in mids)
    busy = sum(st[k][1] - st[k][0] for k in mids)
    par = os.cpu_count() or 1
    per = ((last_mid - first_mid) - busy / par) / len(mids) * 1000
    return per, (first_mid - st["src"][1]) * 1000, (st["join"][0] - last_mid) * 1000, wall, rss, cpu


def stop(proc, grace):
    """Stops our own child process by its pid: SIGTERM, then SIGKILL after grace seconds."""
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_first_answer(tmp, runs):
    """Median seconds from `relay server` process start to its first HTTP answer on GET /."""
    times = []
    for i in range(runs + 1):  # the first start builds the app when needed and warms the file cache: not counted
        state = tempfile.mkdtemp(dir=tmp)
        port = free_port()
        log = open(os.path.join(state, "server.log"), "w")
        t0 = time.perf_counter()
        proc = subprocess.Popen([RELAY, "server", "--port", str(port), "--state-dir", os.path.join(state, "s")],
                                stdout=log, stderr=subprocess.STDOUT)
        answered = None
        try:
            while time.perf_counter() - t0 < 600 and proc.poll() is None:
                try:
                    urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=1).read()
                    answered = time.perf_counter() - t0
                    break
                except urllib.error.HTTPError:
                    answered = time.perf_counter() - t0  # any HTTP answer counts
                    break
                except OSError:
                    time.sleep(0.01)
        finally:
            stop(proc, 10)
            log.close()
        if answered is None:
            print("    (server start %d did not answer; its log: %s)" % (i + 1, open(os.path.join(state, "server.log")).read()[-1500:]))
            return None
        if i:
            times.append(answered)
    return statistics.median(times)


BENCH_PIPELINE = """name: bench-echo
inputs: [{name: text, default: hello}]
implementation:
  container:
    image: alpine
    command: [echo, {inputValue: text}]
"""
IMAGE_APP = os.path.join(ROOT, "functions", "target", "image")


def image_java():
    """The bin/java of a JDK 25 or newer (the functions image's JVM: its AOT cache needs JEP 483/515): $RELAY_BENCH_JDK
    when set, else the newest /usr/lib/jvm/*-2[5-9]* found; None when there is none."""
    home = os.environ.get("RELAY_BENCH_JDK")
    candidates = [home] if home else sorted(
        (os.path.join("/usr/lib/jvm", d) for d in os.listdir("/usr/lib/jvm") if any(("-%d" % v) in d for v in range(25, 40))),
        reverse=True) if os.path.isdir("/usr/lib/jvm") else []
    for c in candidates:
        java = os.path.join(c, "bin", "java")
        if os.path.exists(java):
            return java
    return None


def functions_app(java):
    """The functions app as deploy/functions/Dockerfile builds it: Quarkus's aot-jar packaging (under
    functions/target/image, beside ./relay server's fast-jar) and its JDK AOT cache app.aot, written by the
    image's training run (bench/ClusterBackends.java --train) with the given JDK 25+ java; both rebuilt when
    older than the sources. Returns (the jar, the cache)."""
    jar = os.path.join(IMAGE_APP, "quarkus-run.jar")
    aot = os.path.join(IMAGE_APP, "app.aot")
    srcs = [os.path.join(ROOT, m, "src", "main") for m in ("eventing", "runner", "functions")] + [os.path.join(ROOT, "bench")]
    newest = max(os.path.getmtime(os.path.join(d, f)) for src in srcs for d, _, fs in os.walk(src) for f in fs)
    log = os.path.join(ROOT, "functions", "target", "bench-build.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    if not os.path.exists(jar) or os.path.getmtime(jar) < newest:
        with open(log, "w") as out:
            subprocess.run([os.path.join(ROOT, "mvnw"), "-B", "-q", "-pl", "functions", "-am", "package", "-DskipTests",
                            "-Dquarkus.package.jar.type=aot-jar", "-Dquarkus.package.output-directory=image"],
                           cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=True)
    if not os.path.exists(aot) or os.path.getmtime(aot) < os.path.getmtime(jar):
        d = tempfile.mkdtemp()
        try:
            with open(log, "a") as out:
                subprocess.run([java, "-cp", backends_classpath(), os.path.join(ROOT, "bench", "ClusterBackends.java"), d,
                                "--train", IMAGE_APP, aot] + IMAGE_JAVA_OPTS, stdout=out, stderr=subprocess.STDOUT, check=True)
        finally:
            shutil.rmtree(d, ignore_errors=True)
    return jar, aot


def jdk_name(java):
    """The JDK's version as `java -version` names it, e.g. 'Temurin-25.0.3+9'."""
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    first = out.splitlines()[1] if len(out.splitlines()) > 1 else out
    return first.split("(build")[0].replace("OpenJDK Runtime Environment", "").strip() or first.strip()


# the image's default JAVA_OPTS (deploy/functions/Dockerfile)
IMAGE_JAVA_OPTS = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]


def backends_classpath():
    """The class path bench/ClusterBackends.java runs with: the runner's test class path (resolved once by Maven, kept
    under functions/target/) with this worktree's eventing and runner, never an older copy of them in the local
    Maven repository."""
    cp_file = os.path.join(ROOT, "functions", "target", "bench-cluster-classpath.txt")
    runner_pom = os.path.join(ROOT, "runner", "pom.xml")
    if not os.path.exists(cp_file) or os.path.getmtime(cp_file) < os.path.getmtime(runner_pom):
        subprocess.run([os.path.join(ROOT, "mvnw"), "-B", "-q", "-pl", "runner", "dependency:build-classpath",
                        "-Dmdep.includeScope=test", "-Dmdep.outputFile=" + cp_file], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    cp = [os.path.join(ROOT, "runner", "target", "relay-runner.jar")]
    cp += [e for e in open(cp_file).read().strip().split(os.pathsep) if "/dev/relay/" not in e]
    cp += [os.path.join(ROOT, "eventing", "target", f) for f in os.listdir(os.path.join(ROOT, "eventing", "target"))
           if f.startswith("relay-eventing-") and f.endswith(".jar")]
    return os.pathsep.join(cp)


def cluster_backends(tmp):
    """Starts bench/ClusterBackends.java (S3Proxy, embedded PostgreSQL, fabric8's mock API server); returns
    (process, its JSON line)."""
    d = tempfile.mkdtemp(dir=tmp)
    proc = subprocess.Popen(["java", "-cp", backends_classpath(), os.path.join(ROOT, "bench", "ClusterBackends.java"), d],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(os.path.join(d, "backends.log"), "w"), text=True)
    line = proc.stdout.readline()
    if not line:
        proc.wait()
        raise RuntimeError("cluster backends did not start: " + open(os.path.join(d, "backends.log")).read()[-1500:])
    return proc, json.loads(line)


def post_event(port, event, timeout=30):
    """POSTs a structured CloudEvent to /; returns (status, body) (any HTTP answer), or None when nothing listens."""
    req = urllib.request.Request("http://127.0.0.1:%d/" % port, data=json.dumps(event).encode(),
                                 headers={"Content-Type": "application/cloudevents+json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return None


def proc_cpu(pid):
    """User + system CPU seconds of a running process (all its threads) so far."""
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def cluster_first_event(b, java, jar, aot, tmp):
    """One start of the cluster profile's functions app against the backends b: seconds from process start
    to the answer of its first CloudEvent (a dev.relay.run.requested with an inline pipeline, as the Broker
    delivers it: no credential, RELAY_EVENT_AUTH=cluster-local), its CPU seconds then, and the seconds of the
    next event (the object event of that run's run.json: the artifact function creates the root task's Job
    on the mock API server)."""
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp, "KUBECONFIG": b["kubeconfig"],
           "RELAY_S3_ENDPOINT": b["s3"], "RELAY_S3_ACCESS_KEY": b["accessKey"], "RELAY_S3_SECRET_KEY": b["secretKey"],
           "RELAY_DB_URL": b["db"], "RELAY_DB_USER": b["dbUser"], "RELAY_DB_PASSWORD": b["dbPassword"],
           "RELAY_API_TOKEN": "bench-api-token", "RELAY_WEBHOOK_TOKEN": "bench-webhook-token",
           "RELAY_LAUNCHER_IMAGE": "registry.example/relay-launcher:bench", "RELAY_NAMESPACE": "relay"}
    opts = IMAGE_JAVA_OPTS + (["-XX:AOTCache=" + os.path.basename(aot)] if aot else [])  # as the image's entrypoint
    event = {"specversion": "1.0", "id": "bench-%d-%d" % (os.getpid(), port), "source": "/bench", "type": "dev.relay.run.requested",
             "datacontenttype": "application/json", "data": {"pipeline": {"inline": BENCH_PIPELINE}, "parameters": {}}}
    log = open(os.path.join(tmp, "cluster-%d.log" % port), "w")
    t0 = time.perf_counter()
    proc = subprocess.Popen([java] + opts + ["-Dquarkus.profile=cluster", "-Dquarkus.http.host=127.0.0.1",
                                               "-Dquarkus.http.port=%d" % port, "-jar", os.path.basename(jar)],
                            cwd=os.path.dirname(jar), env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        answer = None
        while answer is None and time.perf_counter() - t0 < 300 and proc.poll() is None:
            answer = post_event(port, event)
            if answer is None:
                time.sleep(0.005)
        first = time.perf_counter() - t0
        cpu = proc_cpu(proc.pid) if answer else None
        if not answer or answer[0] != 200:
            print("    (cluster start: first event answered %s; its log: %s)"
                  % (answer and answer[0], open(log.name).read()[-1500:]))
            return None
        run_id = json.loads(answer[1])["runId"]
        record = {"eventVersion": "2.0", "eventSource": "minio:s3", "eventName": "s3:ObjectCreated:Put",
                  "s3": {"bucket": {"name": "mlpipeline"}, "object": {"key": "runs/%s/run.json" % run_id, "sequencer": "1"}}}
        t1 = time.perf_counter()
        second = post_event(port, {"specversion": "1.0", "id": "bench-obj-%s" % run_id, "source": "minio:s3..mlpipeline",
                                   "type": "com.amazonaws.s3.ObjectCreated:Put", "datacontenttype": "application/json",
                                   "data": record})
        then = time.perf_counter() - t1
        if not second or second[0] != 200:
            print("    (cluster start: the run.json event answered %s: %s)" % (second and second[0], second and second[1][:300]))
            then = None
        return first, cpu, then
    finally:
        stop(proc, 20)
        log.close()


def cluster_figures(tmp, runs, java):
    """(g): medians of `runs` cluster starts of the image's app with its AOT cache and as many without, interleaved."""
    jar, aot = functions_app(java)
    backends, b = cluster_backends(tmp)
    try:
        cluster_first_event(b, java, jar, aot, tmp)  # warms the file cache and the backends: not counted
        with_cache, without = [], []
        for _ in range(runs):
            for arm, cache in ((with_cache, aot), (without, None)):
                r = cluster_first_event(b, java, jar, cache, tmp)
                if r is None:
                    return None
                arm.append(r)
        return with_cache, without
    finally:
        backends.stdin.close()  # the helper stops S3Proxy, PostgreSQL and the mock API server, then exits
        try:
            backends.wait(60)
        except subprocess.TimeoutExpired:
            backends.kill()
            backends.wait()


def kfp_venv(tmp):
    """The KFP SDK venv (install.sh, offline), kept under runner/target/ between calls."""
    venv = os.path.join(ROOT, "runner", "target", "bench-kfp-venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([os.path.join(KFP_SDK, "install.sh"), venv], check=True, stdout=subprocess.DEVNULL)
    return venv


KFP_LOCAL = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from kfp import local
local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=sys.argv[2])
import seed_python_v2
seed_python_v2.random_sum(count=10)
"""


def kfp_compare(tmp, runs):
    venv = kfp_venv(tmp)
    env = dict(os.environ)
    env["PATH"] = os.path.join(venv, "bin") + os.pathsep + env.get("PATH", "")
    env["PIP_FIND_LINKS"] = os.path.join(KFP_SDK, "wheels")
    env["PIP_NO_INDEX"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    py = os.path.join(venv, "bin", "python")
    ir = os.path.join(KFP_SEED, "random_sum_python_v2.yaml")
    state = os.path.join(tmp, "kfp-state")
    relay_run(ir, state, ["count=10"], env)  # warm: Relay builds its venv for the component's packages once
    kl, rl = [], []
    for i in range(runs + 1):
        root = tempfile.mkdtemp(dir=tmp)
        t0 = time.perf_counter()
        p = subprocess.run([py, "-c", KFP_LOCAL, KFP_SEED, root], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, env=env, cwd=root)
        w = time.perf_counter() - t0
        if p.returncode != 0:
            print("    kfp.local failed (%d): %s" % (p.returncode, p.stdout[-1500:]))
            return None
        rw = relay_run(ir, state, ["count=10"], env)[1]
        if i:  # the first pair warms the file cache
            kl.append(w)
            rl.append(rw)
    return statistics.median(kl), statistics.median(rl)


def verdict(ok):
    return "met" if ok else "NOT met"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=None, help="repetitions of the seed comparisons (default 5, --quick 3)")
    ap.add_argument("--quick", action="store_true", help="fewer runs, sizes up to 100 tasks, one server start")
    ap.add_argument("--max-tasks", type=int, default=None, help="largest run of (c) (default 1000, --quick 100; 10000 takes long on 2 cores)")
    ap.add_argument("--server-runs", type=int, default=None,
                    help="relay server starts, and cluster-profile starts per arm of (g) (default 3, --quick 1)")
    ap.add_argument("--no-server", action="store_true", help="leave out (e)")
    ap.add_argument("--no-kfp", action="store_true", help="leave out (f)")
    ap.add_argument("--no-cluster", action="store_true", help="leave out (g)")
    args = ap.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    max_tasks = args.max_tasks or (100 if args.quick else 1000)
    server_runs = args.server_runs or (1 if args.quick else 3)
    tmp = tempfile.mkdtemp(prefix="relay-bench-")
    print("relay bench: %d cores, load average %.1f, runs=%d, max-tasks=%d (%s)"
          % (os.cpu_count() or 1, os.getloadavg()[0], runs, max_tasks, datetime.utcnow().strftime("%Y-%m-%dT%H:%MZ")))
    sys.stdout.flush()
    try:
        subprocess.run([RELAY, "--version"], check=True, stdout=subprocess.DEVNULL)  # build once
        state = os.path.join(tmp, "state")
        relay_run(os.path.join(SEED, "pipeline.yaml"), state, ["count=10"])  # warm the file cache
        relay_walls, bare_walls, relay_cpu, bare_cpu = [], [], [], []
        for _ in range(runs):
            relay_walls.append(relay_run(os.path.join(SEED, "pipeline.yaml"), state, ["count=10"])[1])
            relay_cpu.append(RELAY_CPU[-1])
            c0 = os.times()
            bare_walls.append(bare_seed(tmp, 10))
            c1 = os.times()
            bare_cpu.append(c1.children_user + c1.children_system - c0.children_user - c0.children_system)
        r, b = statistics.median(relay_walls), statistics.median(bare_walls)
        print("(a) seed pipeline: relay run %.2f s, bare script %.2f s: +%.2f s, ratio %.1f (median of %d; target <= +0.8 s: %s); "
              "CPU %.2f s vs %.2f s" % (r, b, r - b, r / b, runs, verdict(r - b <= 0.8), statistics.median(relay_cpu), statistics.median(bare_cpu)))
        sys.stdout.flush()

        med, p90, step, wall, cpu = chain_figures(tmp, state, 50)
        print("(b) 50-step chain: orchestration %.1f ms/step (median gap end->next start; p90 %.1f), "
              "step itself %.1f ms median, wall %.2f s, CPU %.1f ms/step with the steps' own (target <= 10 ms: %s)"
              % (med, p90, step, wall, cpu * 1000 / 50, verdict(med <= 10)))
        sys.stdout.flush()

        sizes = [n for n in (100, 1000, 10000) if n <= max_tasks]
        for n in sizes:
            cm, cp, cs, cw, cc = chain_figures(tmp, state, n)
            fp, f1, fj, fw, _, fc = fan_figures(tmp, state, n)
            print("(c) %5d tasks: chain %.1f ms/step (p90 %.1f; wall %.1f s; CPU %.1f ms/step) | fan-out %.1f ms/step beyond "
                  "the steps' own time (src->first %.0f ms, last->join %.0f ms; wall %.1f s; CPU %.1f ms/step)"
                  % (n, cm, cp, cw, cc * 1000 / n, fp, f1, fj, fw, fc * 1000 / n))
            sys.stdout.flush()
        if not sizes:
            print("(c) left out (--max-tasks below 100)")

        per, first, join, wall, rss, _ = fan_figures(tmp, state, 200)
        print("(d) 200-task fan-out/fan-in: orchestration %.1f ms/step beyond the steps' own time on %d cores; "
              "src->first launch %.0f ms, last->join launch %.0f ms; wall %.2f s; peak RSS of relay run %.0f MB (target <= 200 MB: %s)"
              % (per, os.cpu_count() or 1, first, join, wall, rss, verdict(rss <= 200)))
        sys.stdout.flush()

        if args.no_server:
            print("(e) relay server: left out (--no-server)")
        else:
            s = server_first_answer(tmp, server_runs)
            if s is not None:
                print("(e) relay server (embedded profile): first answer %.2f s after process start (median of %d; target <= 2 s: %s)"
                      % (s, server_runs, verdict(s <= 2)))
        sys.stdout.flush()

        if args.no_kfp:
            print("(f) kfp.local: left out (--no-kfp)")
        elif not (os.path.exists(os.path.join(KFP_SDK, "install.sh")) and os.path.isdir(KFP_SEED)):
            print("(f) kfp.local: left out (no %s or %s)" % (KFP_SDK, KFP_SEED))
        else:
            k = kfp_compare(tmp, runs)
            if k is not None:
                print("(f) seed written with @dsl.component: kfp.local (SubprocessRunner) %.2f s, relay run of its IR %.2f s "
                      "(median of %d; relay/kfp.local %.2f)" % (k[0], k[1], runs, k[1] / k[0]))
        sys.stdout.flush()

        if args.no_cluster:
            print("(g) cluster profile, first CloudEvent: left out (--no-cluster)")
        else:
            java = image_java()
            if java is None:
                print("(g) cluster profile, first CloudEvent: left out (no JDK 25+ found, the functions image's JVM: set "
                      "RELAY_BENCH_JDK to its home)")
            else:
                load = os.getloadavg()[0]
                g = cluster_figures(tmp, server_runs, java)
                if g is not None:
                    def med(xs, i):
                        v = [x[i] for x in xs if x[i] is not None]
                        return statistics.median(v) if v else float("nan")
                    w, wo = g
                    print("(g) cluster profile (S3Proxy, embedded PostgreSQL, both tokens), the functions image's app (%s, "
                          "aot-jar): first CloudEvent (run.requested) answered %.2f s after process start with the image's AOT "
                          "cache (CPU %.2f s), %.2f s without (CPU %.2f s) (median of %d each, interleaved; load %.1f -> %.1f; "
                          "target <= 1.5 s: %s); then the run.json event %.0f ms with the cache, %.0f ms without (creates the Job)"
                          % (jdk_name(java), med(w, 0), med(w, 1), med(wo, 0), med(wo, 1), len(w), load, os.getloadavg()[0],
                             verdict(med(w, 0) <= 1.5), med(w, 2) * 1000, med(wo, 2) * 1000))
        sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
