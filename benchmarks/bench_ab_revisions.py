"""One command timed on two or more git revisions, in turn, in one run (an A/B of a change).

Each revision is checked out in a temporary ``git worktree`` with its own compiled
kernels (``setup.py build_ext --inplace``), and the command runs with that tree first
on ``PYTHONPATH`` and as its working folder, so every side uses this repository's
``.venv`` (the same interpreter and libraries) and differs only by the code between
the revisions. The revision ``.`` is this checkout as it is, uncommitted changes
included (its own compiled kernels). After one untimed warm-up run of each, every
round runs each revision once, the order rotating from round to round: on a shared
machine all sides see the same minutes.

The figure of a run is its wall time, or, with ``--figure REGEX``, the number the
command printed in the regular expression's first group (a benchmark's p95, say;
repeat ``--figure`` for several figures of one command).
CPU seconds (the command's and its children's) are printed beside wall times: they
move less than wall time with the other programs' load. The summary gives each
side's median and range, and each later revision's median change against the first.

    python benchmarks/bench_ab_revisions.py OLD NEW [MORE...] [--rounds 7] [--setup 'CMD'] [--figure REGEX] \\
        -- CMD ARGS...

In CMD and --setup, ``{python}`` is the interpreter, ``{tmp}`` a folder shared by all
sides (for a book made once by --setup), ``{tree}`` the revision's checkout. Examples:

    python benchmarks/bench_ab_revisions.py HEAD~1 HEAD -- {python} -m planner backtest --generate 7 \\
        --years 10 --json --db {tmp}/book.db
    python benchmarks/bench_ab_revisions.py main . --figure 'wall p95 ([0-9.]+) ms' -- \\
        env QT_QPA_PLATFORM=offscreen {python} benchmarks/bench_gui.py --tab risk --quotes 150
"""

from __future__ import annotations

import argparse
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def checkout(side: str, revision: str, folder: Path) -> Path:
    """A detached worktree of ``revision`` under ``folder`` with its kernels compiled in place."""
    tree = folder / f"{side}-{re.sub(r'[^A-Za-z0-9_.-]', '_', revision)}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), revision], check=True)
    subprocess.run([sys.executable, "-c", _BUILD], cwd=tree, check=True, stdout=subprocess.DEVNULL)
    # Bytecode compiled once, as the install does (where PYTHONDONTWRITEBYTECODE is set, each run would
    # compile the package again).
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", "planner"], cwd=tree, check=True,
                   stdout=subprocess.DEVNULL)
    seen = subprocess.run([sys.executable, "-c", "import planner.pricing._kernel as k; print(k.__file__, k.NATIVE)"],
                          cwd=tree, env=_env(tree), capture_output=True, text=True, check=True).stdout
    if not seen.startswith(str(tree)) or " None" in seen:  # the other tree's code, or no compiled kernels
        raise SystemExit(f"{revision}: the checkout does not import its own compiled planner: {seen.strip()}")
    return tree


# The revision's own setup.py gives its extensions (setup() captured, not run: the venv's setuptools may
# be older than the one pip builds with and reject pyproject.toml); they are then built in place.
_BUILD = """
import setuptools
from setuptools.command.build_ext import build_ext
captured = {}
setuptools.setup = lambda **attrs: captured.update(attrs)
exec(compile(open("setup.py").read(), "setup.py", "exec"), {"__name__": "__main__"})
command = build_ext(setuptools.Distribution({"ext_modules": captured["ext_modules"]}))
command.inplace = True
command.ensure_finalized()
command.run()
"""


def expand(words: list[str], python: str, tmp: Path, tree: Path) -> list[str]:
    return [word.format(python=python, tmp=tmp, tree=tree) for word in words]


def run_once(command: list[str], tree: Path, figures: list[re.Pattern]) -> tuple[list[float], float]:
    """(the figures: wall seconds without --figure, CPU seconds of the command and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=tree, env=_env(tree), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed in {tree} ({done.returncode}): {done.stderr.strip()[-600:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if not figures:
        return [wall], cpu
    values = []
    for figure in figures:
        found = figure.search(done.stdout + done.stderr)
        if found is None:
            raise SystemExit(f"--figure {figure.pattern!r} not found in the output of {shlex.join(command)}:\n"
                             f"{done.stdout[-1500:]}")
        values.append(float(found.group(1).replace(",", "")))
    return values, cpu


def _env(tree: Path) -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def summary(name: str, values: list[float], cpus: list[float]) -> str:
    return (f"{name:>8}: median {statistics.median(values):.4g} (range {min(values):.4g}-{max(values):.4g}, "
            f"n={len(values)}); CPU s median {statistics.median(cpus):.3g} (range {min(cpus):.3g}-{max(cpus):.3g})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revisions", nargs="+", help="two or more; the first is the one the others compare with")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--setup", default=None, help="a command run once before the rounds (in the first tree)")
    parser.add_argument("--figure", action="append", default=[],
                        help="a regular expression whose first group is a figure (repeat for several)")
    argv = sys.argv[1:]
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        parser.error("no command after --")
    split = argv.index("--")
    args, command = parser.parse_args(argv[:split]), argv[split + 1:]
    if len(args.revisions) < 2:
        parser.error("name at least two revisions (. is this checkout)")
    figures = [re.compile(pattern) for pattern in args.figure]
    names = args.figure or ["wall s"]
    sys.path.insert(0, str(Path(__file__).parent))
    from machine import describe

    python = sys.executable
    sides = [f"{k}:{revision}" for k, revision in enumerate(args.revisions)]  # a revision may be named twice
    with tempfile.TemporaryDirectory(prefix="bench-ab-") as scratch:
        folder = Path(scratch)
        tmp = folder / "shared"
        tmp.mkdir()
        trees: dict[str, Path] = {}
        made: list[Path] = []
        try:
            for k, (side, revision) in enumerate(zip(sides, args.revisions, strict=True)):
                if revision == ".":
                    trees[side] = ROOT
                else:
                    trees[side] = checkout(f"r{k}", revision, folder)
                    made.append(trees[side])
            for side, revision in zip(sides, args.revisions, strict=True):
                label = "this checkout, as it is" if revision == "." else subprocess.run(
                    ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s", revision],
                    capture_output=True, text=True, check=True).stdout.strip()
                print(f"{side}: {label[:110]}")
            print(f"command: {shlex.join(command)}")
            first = trees[sides[0]]
            if args.setup:
                subprocess.run(expand(shlex.split(args.setup), python, tmp, first), cwd=first, env=_env(first),
                               check=True, stdout=subprocess.DEVNULL)
            print(f"before: {describe()}", flush=True)
            for tree in trees.values():  # warm-up, untimed: bytecode, disk cache, the session table
                run_once(expand(command, python, tmp, tree), tree, figures)
            seen: dict[str, list[tuple[list[float], float]]] = {side: [] for side in sides}
            for round_ in range(args.rounds):
                shift = round_ % len(sides)
                for side in sides[shift:] + sides[:shift]:
                    seen[side].append(run_once(expand(command, python, tmp, trees[side]), trees[side], figures))
                print(f"round {round_ + 1}: " + "; ".join(
                    f"{side} {', '.join(f'{v:.4g}' for v in seen[side][-1][0])} (CPU {seen[side][-1][1]:.3g} s)"
                    for side in sides), flush=True)
            print(f"after: {describe()}")
            for k, name in enumerate(names):
                print(f"figure: {name}")
                for side in sides:
                    print(summary(side, [v[k] for v, _ in seen[side]], [c for _, c in seen[side]]))
                base = statistics.median(v[k] for v, _ in seen[sides[0]])
                for side in sides[1:]:
                    median = statistics.median(v[k] for v, _ in seen[side])
                    wins = sum(n[k] < o[k] for (o, _), (n, _) in zip(seen[sides[0]], seen[side], strict=True))
                    print(f"{side} / {sides[0]} medians: {median / base:.3f} ({(median / base - 1) * 100:+.1f} %); "
                          f"{side} lower in {wins} of {args.rounds} rounds")
        finally:
            for tree in made:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


if __name__ == "__main__":
    main()
