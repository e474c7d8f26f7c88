"""`make mutate`: mutation testing of the domain modules, a small runner of our own.

For each module below, every mutant (one small change of the code: a comparison flipped, `and` for
`or`, a `not` dropped, a number off by one, a string changed, a set operator swapped, a call
statement removed, a returned value replaced by None…) is written into a copy of the project and
the module's own tests are run against it on SQLite (``pytest -x``, stopping at the first failure).
A mutant is *killed* when the tests fail or time out, and *survives* when they pass. The killed
share is written to the `mutation` section of docs/benchmarks.md.

Not mutated: docstrings, the messages given to gettext (their wording is the translators' business;
the catalogue tests watch them), imports and type annotations.

Why our own runner: mutmut and cosmic-ray both work, but need the project copied or configured
around pytest-django's database set-up; this one is ~200 lines, knows our test layout and runs two
mutants at a time (the machine has 2 cores), in copies of the work tree under /tmp.

    python scripts/mutate.py                      # every module
    python scripts/mutate.py bookings/queue.py    # one module
    python scripts/mutate.py --list core/uploads.py   # print the mutants only
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# Module -> the tests that guard it (the narrowest set that exercises it; run with -x).
MODULES = {
    "bookings/workflow.py": ["tests/bookings/test_workflow_table.py", "tests/bookings/test_workflow.py"],
    "accounts/legality.py": ["tests/accounts/test_legality.py"],
    "core/uploads.py": ["tests/core/test_uploads.py", "tests/core/test_security_uploads.py"],
    "bookings/queue.py": [
        "tests/bookings/test_queue_maths.py", "tests/bookings/test_queue.py", "tests/bookings/test_notices.py",
    ],
    "bookings/services.py": [
        "tests/bookings/test_service_paths.py", "tests/bookings/test_services.py", "tests/bookings/test_notices.py",
        "tests/bookings/test_service_contracts.py", "tests/bookings/test_recompute_once.py",
    ],
}
# Tests left out of a module's runs (by pytest -k): the real-thread race test takes most of the time
# and checks locks, which SQLite serialises anyway.
DESELECT = {"bookings/queue.py": "not concurrent"}
AIM = 0.85
# Survivors argued to be equivalent (no test can tell them from the code), by module, line and mutation;
# the report names the reason beside each. Keep this list short and honest: a mutant that a test
# could kill does not belong here.
_NO_SVG_NAME = "the name of an upload without one: neither '' nor the mutated string ends in .svg"
_BATCH = "bulk_update's batch size: the same rows are written either way"
EQUIVALENT = {
    ("core/uploads.py", 36, "'webp' -> 'XX…XX'"): "no .webp file is ever stored (images are re-encoded as JPEG or "
    "PNG), and core.files falls back to mimetypes, which names .webp image/webp too",
    ("core/uploads.py", 36, "'image/webp' -> 'XX…XX'"): "as above",
    ("core/uploads.py", 65, "1 -> 2"): "reading limit + 2 bytes instead of limit + 1 refuses the same files: one byte "
    "over the limit is all the check needs",
    ("core/uploads.py", 82, "'rk_pixels_this_reque' -> 'XX…XX'"): "a context variable's name only shows in its repr",
    ("core/uploads.py", 93, "'rk-pixel-budget-star' -> 'XX…XX'"): "dispatch_uid only stops a second connection of the "
    "same receiver; any unique string does that",
    ("core/uploads.py", 94, "'rk-pixel-budget-end' -> 'XX…XX'"): "as above",
    ("core/uploads.py", 143, "'' -> 'XX…XX'"): _NO_SVG_NAME,
    ("core/uploads.py", 245, "'' -> 'XX…XX'"): _NO_SVG_NAME,
    ("bookings/queue.py", 43, "True -> False"): "values_list('pk') without flat gives 1-tuples: len() is the same and "
    "Django's related __in lookup unpacks them, so the same events are read",
    ("bookings/queue.py", 82, "GtE -> Gt"): "when new == old, steady() returns old, which is new",
    ("bookings/queue.py", 128, "500 -> 501"): _BATCH,
    ("bookings/queue.py", 147, "500 -> 501"): _BATCH,
}
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy", "npgettext"}

COMPARE_SWAPS = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
BINOP_SWAPS = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
    ast.Mod: ast.Mult, ast.BitOr: ast.BitAnd, ast.BitAnd: ast.BitOr,
}


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes not to mutate: docstrings, gettext messages, imports, annotations."""
    skip: set[int] = set()

    def mark(node):
        for child in ast.walk(node):
            skip.add(id(child))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mark(node)
        elif isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                mark(body[0])
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.returns is not None:
                    mark(node.returns)
                for arg in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
                    if arg.annotation is not None:
                        mark(arg.annotation)
        elif isinstance(node, ast.AnnAssign):
            mark(node.annotation)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT:
            mark(node)
    return skip


def _mutations_of(node, skip):
    """(description, apply) pairs for one node; ``apply`` mutates the node in place."""
    if id(node) in skip:
        return
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            swap = COMPARE_SWAPS.get(type(op))
            if swap:
                yield f"{type(op).__name__} -> {swap.__name__}", lambda n, i=i, s=swap: n.ops.__setitem__(i, s())
    elif isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        yield f"{type(node.op).__name__} -> {other.__name__}", lambda n, o=other: setattr(n, "op", o())
    elif isinstance(node, ast.BinOp):
        swap = BINOP_SWAPS.get(type(node.op))
        if swap:
            yield f"{type(node.op).__name__} -> {swap.__name__}", lambda n, s=swap: setattr(n, "op", s())
    elif isinstance(node, ast.AugAssign):
        swap = BINOP_SWAPS.get(type(node.op))
        if swap:
            yield f"{type(node.op).__name__}= -> {swap.__name__}=", lambda n, s=swap: setattr(n, "op", s())
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            yield f"{value} -> {not value}", lambda n: setattr(n, "value", not n.value)
        elif isinstance(value, (int, float)):
            yield f"{value} -> {value + 1}", lambda n: setattr(n, "value", n.value + 1)
        elif isinstance(value, str):
            yield f"{value[:20]!r} -> 'XX…XX'", lambda n: setattr(n, "value", "XX" + n.value + "XX")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not x -> x", "unwrap"
    elif isinstance(node, ast.Return) and node.value is not None and not (
        isinstance(node.value, ast.Constant) and node.value.value is None
    ):
        yield "return x -> return None", lambda n: setattr(n, "value", ast.Constant(None))
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield "call statement removed", "pass"
    elif isinstance(node, ast.Continue):
        yield "continue -> break", "break"


class _Apply(ast.NodeTransformer):
    def __init__(self, target: int, action):
        self.target, self.action, self.index = target, action, -1

    def generic_visit(self, node):
        return super().generic_visit(node)

    def visit(self, node):
        self.index += 1
        if self.index == self.target:
            if self.action == "unwrap":
                return node.operand
            if self.action == "pass":
                return ast.Pass()
            if self.action == "break":
                return ast.Break()
            self.action(node)
            return node
        return self.generic_visit(node)


def mutants(path: Path) -> list[dict]:
    source = path.read_text()
    tree = ast.parse(source)
    skip = _skipped_nodes(tree)
    nodes = []

    class Walk(ast.NodeVisitor):
        def visit(self, node):
            nodes.append(node)
            super().visit(node)

    Walk().visit(tree)
    original = ast.unparse(tree)
    found, seen = [], set()
    for index, node in enumerate(nodes):
        for description, action in _mutations_of(node, skip):
            mutated_tree = copy.deepcopy(tree)
            # the deep copy is walked in the same order, so the index names the same node
            mutated = ast.unparse(ast.fix_missing_locations(_Apply(index, action).visit(mutated_tree)))
            if mutated == original or mutated in seen:
                continue
            try:
                compile(mutated, str(path), "exec")
            except SyntaxError:
                continue
            seen.add(mutated)
            found.append({"line": getattr(node, "lineno", 0), "what": description, "source": mutated})
    return found


def make_copy(module: str, n: int) -> Path:
    target = Path(f"/tmp/rk-mutate-{os.getuid()}-{module.replace('/', '-')}-{n}")
    if target.exists():
        shutil.rmtree(target)
    ignore = shutil.ignore_patterns(".venv", ".git", "media", "staticfiles", "*.sqlite3*", "__pycache__", "node_modules", "docs")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def run_tests(workdir: Path, tests: list[str], timeout: float, deselect: str = "") -> tuple[str, float]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    args = [PY, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "--reuse-db", *(["-k", deselect] if deselect else []), *tests]
    started = time.monotonic()
    try:
        result = subprocess.run(args, cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started
    return ("survived" if result.returncode == 0 else "killed"), time.monotonic() - started


def measure(module: str, workers: int, sample: int = 0) -> dict:
    path = ROOT / module
    found = mutants(path)
    total = len(found)
    if sample and sample < total:  # a fixed random sample (seeded): an estimate, said so in the report
        import random

        found = random.Random(13).sample(found, sample)  # in random order: a run cut short is still a sample
    tests = MODULES[module]
    copies = [make_copy(module, n) for n in range(workers)]
    deselect = DESELECT.get(module, "")
    outcome, baseline = run_tests(copies[0], tests, timeout=600, deselect=deselect)
    if outcome != "survived":
        raise SystemExit(f"{module}: the tests fail without any mutant; fix them first")
    timeout = max(30.0, baseline * 4)
    print(f"{module}: {len(found)} mutants, tests take {baseline:.1f} s", flush=True)
    free = list(copies)

    def one(mutant):
        workdir = free.pop()
        try:
            (workdir / module).write_text(mutant["source"])
            status, _seconds = run_tests(workdir, tests, timeout, deselect)
            mutant["status"] = "killed" if status in ("killed", "timeout") else "survived"
            with open(ROOT / f".mutation-progress-{module.replace('/', '-')}.jsonl", "a") as progress:
                progress.write(json.dumps({"line": mutant["line"], "what": mutant["what"], "status": mutant["status"]}) + "\n")
        finally:
            (workdir / module).write_text(path.read_text())
            free.append(workdir)
        return mutant

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, found))
    killed = sum(1 for m in results if m["status"] == "killed")
    survivors = [{"line": m["line"], "what": m["what"]} for m in results if m["status"] == "survived"]
    for workdir in copies:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "module": module, "mutants": len(results), "of": total, "killed": killed, "score": killed / len(results) if results else 1.0,
        "seconds": time.monotonic() - started, "survivors": survivors, "tests": tests, "commit": _commit(),
    }


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()


PREVIOUS = {  # issue #13's measurement before its tests (760 mutants in all, 69 % killed)
    "bookings/workflow.py": 0.61, "bookings/services.py": 0.64, "core/uploads.py": 0.40,
    "bookings/queue.py": 0.77, "accounts/legality.py": 0.75,
}


def markdown(results: list[dict]) -> str:
    lines = [
        "## Mutation testing (issue #13)",
        "",
        "`make mutate` (scripts/mutate.py, our own runner): each mutant is one small change of the module "
        "(comparison flipped, `and`/`or` swapped, `not` dropped, number + 1, string changed, arithmetic or set "
        "operator swapped, a call statement removed, a returned value replaced by None, `continue` → `break`); the "
        "module's tests run on SQLite against it and must fail. Docstrings, gettext messages, imports and "
        "annotations are not mutated. The previous figures were measured with another tool and operator set, so "
        "compare them loosely. Every module below was run in full (every mutant, no sample) on a machine whose 2 "
        "cores were shared with one or two other jobs, so the minutes are wall-clock time under that load. "
        "Surviving mutants that cannot change behaviour (equivalent) are listed with the rest and argued in "
        "the commit that measured them.",
        "",
        "| module | mutants | killed | score | before | tests run | minutes | code at |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for r in results:
        before = PREVIOUS.get(r["module"])
        sampled = f" (sample of {r['of']})" if r.get("of", r["mutants"]) > r["mutants"] else ""
        if r.get("partial"):
            sampled = f" (random sample of {r['of']}, run cut short by the session's end)"
        minutes = f"{r['seconds'] / 60:.1f}" if r["seconds"] else "—"
        lines.append(
            f"| `{r['module']}` | {r['mutants']}{sampled} | {r['killed']} | {r['score']:.0%} | "
            f"{before:.0%} | {', '.join('`' + t.split('/')[-1] + '`' for t in r['tests'])} | {minutes} | {r.get('commit', 'a61987d+')} |"
        )
    total_m, total_k = sum(r["mutants"] for r in results), sum(r["killed"] for r in results)
    lines += ["", f"All together: {total_k} of {total_m} mutants killed ({total_k / total_m:.0%}); aim: at least "
              f"{AIM:.0%} on each module.", ""]
    survivors = [(r["module"], s) for r in results for s in r["survivors"]]
    if survivors:
        lines += ["<details><summary>Surviving mutants</summary>", ""]
        lines += [
            f"- `{module}` line {s['line']}: {s['what']}"
            + (f" — equivalent: {EQUIVALENT[module, s['line'], s['what']]}" if (module, s["line"], s["what"]) in EQUIVALENT else "")
            for module, s in survivors
        ]
        lines += ["", "</details>"]
    return "\n".join(lines)


def write_partial_report(results_path: Path) -> None:
    """The section from finished modules plus, for a run cut short, the mutants it got through."""
    stored = json.loads(results_path.read_text()) if results_path.exists() else {}
    for module in MODULES:
        progress = ROOT / f".mutation-progress-{module.replace('/', '-')}.jsonl"
        if module in stored or not progress.exists():
            continue
        done = [json.loads(line) for line in progress.read_text().splitlines() if line.strip()]
        if done:
            stored[module] = {
                "module": module, "mutants": len(done), "of": len(mutants(ROOT / module)), "partial": True,
                "killed": sum(1 for m in done if m["status"] == "killed"),
                "score": sum(1 for m in done if m["status"] == "killed") / len(done), "seconds": 0,
                "survivors": [m for m in done if m["status"] == "survived"], "tests": MODULES[module],
                "commit": _commit(),
            }
    sys.path.insert(0, str(ROOT))
    from benchmarks.run import write_section

    write_section("mutation", markdown([stored[m] for m in MODULES if m in stored]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("modules", nargs="*", default=list(MODULES))
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--report", action="store_true", help="write the section from the results so far (runs cut short count as partial samples)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=0, help="run a seeded random sample of N mutants per module")
    args = parser.parse_args()
    if args.list:
        for module in args.modules:
            for m in mutants(ROOT / module):
                print(f"{module}:{m['line']}: {m['what']}")
        return
    results_path = ROOT / ".mutation-results.json"
    if args.report:
        write_partial_report(results_path)
        return
    for module in args.modules:
        result = measure(module, args.workers, args.sample)
        # re-read just before writing: another run may be measuring other modules at the same time
        stored = json.loads(results_path.read_text()) if results_path.exists() else {}
        stored[module] = result
        results_path.write_text(json.dumps(stored, indent=1))
        r = stored[module]
        print(f"{module}: {r['killed']}/{r['mutants']} killed ({r['score']:.0%})", flush=True)
    sys.path.insert(0, str(ROOT))
    from benchmarks.run import write_section

    stored = json.loads(results_path.read_text())
    write_section("mutation", markdown([stored[m] for m in MODULES if m in stored]))


if __name__ == "__main__":
    main()
