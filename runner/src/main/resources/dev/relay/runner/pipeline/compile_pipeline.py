"""Compiles a KFP v2 pipeline written in Python with the KFP SDK the interpreter imports.

Used by `relay run pipeline.py` / `relay validate pipeline.py` (dev.relay.runner.pipeline.PythonPipeline).

    python3 compile_pipeline.py SOURCE OUTPUT [NAME]
    python3 compile_pipeline.py --batch LIST      # LIST: lines "SOURCE<TAB>OUTPUT<TAB>NAME"

The source is imported as a module (its `if __name__ == '__main__':` block does not run). The
pipeline compiled is NAME (a variable name or a pipeline name) when given, else the only pipeline
(`@dsl.pipeline`) the module defines, else its only component (compiled as a one-task pipeline,
as the KFP compiler does). One JSON line per source on stdout:
{"source", "output", "ok", "pipeline", "error"}. Exit 0 when every source compiled, 1 otherwise,
3 when kfp cannot be imported.
"""
import contextlib
import json
import os
import re
import runpy
import sys
import traceback

try:
    import kfp
    from kfp import compiler
    from kfp.dsl import base_component, graph_component
except Exception as e:  # noqa: BLE001 - any import failure means "no usable kfp"
    print(json.dumps({"ok": False, "error": "cannot import kfp: %s: %s" % (type(e).__name__, e)}))
    sys.exit(3)


def sanitize(name):
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", name.lower())).strip("-")


def pick(globs, name):
    comps = [(k, v) for k, v in globs.items() if isinstance(v, base_component.BaseComponent) and not k.startswith("_")]
    if name:
        for k, v in comps:
            if name in (k, v.name) or sanitize(name) == sanitize(v.name):
                return k, v
        raise LookupError("no pipeline or component named %r in the file (found: %s)"
                          % (name, ", ".join(k for k, _ in comps) or "none"))
    pipelines = [(k, v) for k, v in comps if isinstance(v, graph_component.GraphComponent)]
    if len(pipelines) > 1:
        # the outermost: a pipeline no other pipeline of the file uses as a task
        used = set()
        for _, v in pipelines:
            for key in v.pipeline_spec.components:
                used.add(key)
        outer = [(k, v) for k, v in pipelines if "comp-" + sanitize(v.name) not in used]
        pipelines = outer if len(outer) == 1 else pipelines
    if len(pipelines) == 1:
        return pipelines[0]
    if len(pipelines) > 1:
        raise LookupError("the file defines several pipelines (%s): name one" % ", ".join(k for k, _ in pipelines))
    if len(comps) == 1:
        return comps[0]
    raise LookupError("the file defines no @dsl.pipeline" + (" and several components (%s): name one"
                                                               % ", ".join(k for k, _ in comps) if comps else ""))


def compile_one(source, output, name):
    result = {"source": source, "output": output, "ok": False}
    try:
        sys.path.insert(0, os.path.dirname(os.path.abspath(source)))
        try:
            # the file's own prints go to stderr: stdout carries one JSON line per source
            with contextlib.redirect_stdout(sys.stderr):
                globs = runpy.run_path(source, run_name="relay_compile")
        finally:
            sys.path.pop(0)
        key, comp = pick(globs, name)
        os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
        with contextlib.redirect_stdout(sys.stderr):
            compiler.Compiler().compile(comp, output)
        result.update(ok=True, pipeline=key)
    except BaseException as e:  # noqa: BLE001 - report any failure of the user's file, SystemExit included
        tb = traceback.extract_tb(e.__traceback__)
        where = next((f for f in reversed(tb) if os.path.abspath(f.filename) == os.path.abspath(source)), None)
        result["error"] = "%s: %s" % (type(e).__name__, e) + (" (line %d)" % where.lineno if where else "")
    print(json.dumps(result), flush=True)
    return result["ok"]


def main(argv):
    if len(argv) >= 2 and argv[0] == "--batch":
        ok = True
        with open(argv[1], encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2:
                    ok = compile_one(parts[0], parts[1], parts[2] if len(parts) > 2 and parts[2] else None) and ok
        return 0 if ok else 1
    if len(argv) not in (2, 3):
        print("usage: compile_pipeline.py SOURCE OUTPUT [NAME] | --batch LIST", file=sys.stderr)
        return 2
    return 0 if compile_one(argv[0], argv[1], argv[2] if len(argv) == 3 else None) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
