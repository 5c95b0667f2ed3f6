"""Run the built bundle headless, as a trader's machine would, and report its size and start-up.

    .venv/bin/python packaging/check_bundle.py [--bundle dist/hedge-planner] [--runs 5]

Checks, each failing the run (exit 1) with one line saying what went wrong:
  - the bundle is under --max-mb megabytes (10^6 bytes) and carries its icon;
  - ``--version`` prints the version written in planner/__init__.py (the single source);
  - ``init --demo --db TMP`` writes a book, and plain ``init`` puts the book in the
    same user data folder the source install uses (platformdirs, under a private HOME);
  - ``gui --screenshot`` renders the demo book offscreen to a real picture (a PNG of
    the asked size with many colours, not a blank window), then every other tab too;
  - packaging/install-desktop.sh installs it for a user (command, menu entry, icons)
    and uninstalls it again;
  - the window also paints on a real X server (Xvfb, Qt's xcb plugin), when xvfb-run is there;
  - time to first paint (PLANNER_EXIT_AFTER_FIRST_PAINT=1), median of --runs, is
    within --max-ratio of the source install's ``python -m planner gui``.
The bundle runs with a minimal PATH and no PYTHON* variables, so it cannot lean on
the development environment. This script itself runs with the project's .venv
(PySide6 there decodes the PNGs).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "hedge-planner"
APP_ID = "org.hedgeplanner.HedgePlanner"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SCREENSHOT_SIZE = (1400, 900)  # planner gui's default --size
MIN_COLOURS = 64  # a blank or half-drawn window has a handful; the risk tab has hundreds


class CheckFailed(Exception):
    pass


def source_version() -> str:
    text = (ROOT / "planner" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise CheckFailed("planner/__init__.py has no __version__ line")
    return match.group(1)


def bundle_size(bundle: Path) -> int:
    """Bytes of the regular files (links counted once, as on disk)."""
    return sum(path.lstat().st_size for path in bundle.rglob("*") if path.is_file() and not path.is_symlink())


def png_colours(path: Path, expected_size: tuple[int, int] | None = None) -> int:
    """Distinct colours of a PNG (sampled every 2nd pixel), after checking it is a whole PNG of the right size."""
    data = path.read_bytes() if path.is_file() else b""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise CheckFailed(f"{path.name} is not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    if expected_size and (width, height) != expected_size:
        raise CheckFailed(f"{path.name} is {width}x{height}, expected {expected_size[0]}x{expected_size[1]}")
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    if image.isNull() or (image.width(), image.height()) != (width, height):
        raise CheckFailed(f"{path.name} does not decode as an image")
    return len({image.pixel(x, y) for y in range(0, height, 2) for x in range(0, width, 2)})


def check_rendering(path: Path, expected_size: tuple[int, int] | None = None) -> int:
    colours = png_colours(path, expected_size)
    if colours < MIN_COLOURS:
        raise CheckFailed(f"{path.name} has {colours} colours: a blank or unfinished window, not a rendering")
    return colours


def clean_environment(home: Path) -> dict[str, str]:
    """What a desktop session gives a program: no virtualenv, no PYTHON* variables, a private HOME."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTHON", "VIRTUAL_ENV", "PLANNER_", "XDG_", "CONDA"))}
    env.update({
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "QT_QPA_PLATFORM": "offscreen",
        "PLANNER_UI_STATE": str(home / "window-state.ini"),
    })
    return env


def run(command: list[str], env: dict[str, str], what: str, timeout: float = 120) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise CheckFailed(f"{what} exited {result.returncode}: {' | '.join(detail)}")
    return result


def time_to_first_paint(command: list[str], env: dict[str, str]) -> float:
    env = dict(env, PLANNER_EXIT_AFTER_FIRST_PAINT="1")
    started = time.time()
    result = run(command, env, f"{' '.join(command[-3:])} (first paint)")
    match = re.search(r"^first-paint (\d+\.\d+)$", result.stdout, re.MULTILINE)
    if not match:
        raise CheckFailed(f"{command[0]} printed no first-paint line")
    return float(match.group(1)) - started


def tab_names(executable: Path, book: Path, env: dict[str, str], scratch: Path) -> list[str]:
    """The window's tabs, read from its own answer to an unknown --tab (no list to keep in step here)."""
    probe = subprocess.run([str(executable), "gui", "--screenshot", str(scratch / "probe.png"),
                            "--db", str(book), "--tab", "no-such-tab"],
                           env=env, capture_output=True, text=True, timeout=120)
    match = re.search(r"one of (.+?), got", probe.stderr)
    return [name.strip() for name in match.group(1).split(",")] if match else []


def check_user_install(bundle: Path, env: dict[str, str], home: Path) -> str:
    """packaging/install-desktop.sh into the private HOME: command, menu entry and icons, then uninstall."""
    installer = ROOT / "packaging" / "install-desktop.sh"
    run(["bash", str(installer), "--bundle", str(bundle)], env, "install-desktop.sh")
    data = home / ".local" / "share"
    entry = data / "applications" / f"{APP_ID}.desktop"
    expected = [entry, data / "metainfo" / f"{APP_ID}.metainfo.xml",
                data / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
                data / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png"]
    missing = [str(path.relative_to(home)) for path in expected if not path.is_file()]
    if missing:
        raise CheckFailed(f"install-desktop.sh did not install {', '.join(missing)}")
    command = home / ".local" / "bin" / APP
    if run([str(command), "--version"], env, "installed hedge-planner --version").stdout.strip() != (
            f"planner {source_version()}"):
        raise CheckFailed("the installed command prints another version")
    validated = ""
    if shutil.which("desktop-file-validate"):
        run(["desktop-file-validate", str(entry)], env, "desktop-file-validate (installed entry)")
        validated = ", installed entry valid"
    run(["bash", str(installer), "--uninstall"], env, "install-desktop.sh --uninstall")
    if command.exists() or entry.exists() or (home / ".local" / "opt" / APP).exists():
        raise CheckFailed("install-desktop.sh --uninstall left the app behind")
    return f"user install: ~/.local/opt/{APP}, ~/.local/bin/{APP}, menu entry and icons{validated}; uninstalled"


def check_x11_start(executable: Path, env: dict[str, str]) -> str:
    """Offscreen proves the app; a desktop needs Qt's X11 plugin and its libraries too: first paint on Xvfb."""
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        return "X11 start: skipped (no xvfb-run; make package-check installs xvfb)"
    env = dict(env, QT_QPA_PLATFORM="xcb")
    seconds = time_to_first_paint([xvfb_run, "--auto-servernum", str(executable), "gui"], env)
    return f"X11 start: first paint on Xvfb with the xcb plugin ({seconds:.2f} s including the X server)"


def check(bundle: Path, source_python: Path, runs: int, max_mb: float, max_ratio: float) -> list[str]:
    executable = bundle / APP
    if not executable.is_file():
        raise CheckFailed(f"no bundle at {executable}: run `make package` first")
    report = []
    size = bundle_size(bundle)
    report.append(f"bundle size: {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB), {bundle}")
    if size / 1e6 >= max_mb:
        raise CheckFailed(f"bundle is {size / 1e6:.1f} MB, over {max_mb:g} MB")
    icon = bundle / "_internal" / "resources" / "icons" / "planner.svg"
    if not icon.is_file():
        raise CheckFailed(f"the icon is not inside the bundle ({icon})")

    with tempfile.TemporaryDirectory(prefix="planner-bundle-check-") as scratch_name:
        scratch = Path(scratch_name)
        env = clean_environment(scratch / "home")

        version = run([str(executable), "--version"], env, "--version").stdout.strip()
        if version != f"planner {source_version()}":
            raise CheckFailed(f"--version printed {version!r}, planner/__init__.py says {source_version()}")
        report.append(f"--version: {version} (planner/__init__.py: {source_version()})")

        book = scratch / "book.db"
        run([str(executable), "init", "--demo", "--db", str(book)], env, "init --demo")
        if not book.is_file():
            raise CheckFailed("init --demo wrote no book")

        run([str(executable), "init"], env, "init (default book)")
        ask_source = "from planner.cli import default_db_path; print(default_db_path())"
        where_source = run([str(source_python), "-c", ask_source], dict(env, PATH=os.environ["PATH"]),
                           "source default_db_path").stdout.strip()
        if not Path(where_source).is_file():
            raise CheckFailed(f"the bundle's default book is not where the source install keeps it ({where_source})")
        report.append(f"default book: {Path(where_source).relative_to(scratch / 'home')} under HOME (as from source)")

        screenshot = scratch / "risk.png"
        run([str(executable), "gui", "--screenshot", str(screenshot), "--db", str(book)], env, "gui --screenshot")
        colours = check_rendering(screenshot, SCREENSHOT_SIZE)
        report.append(f"screenshot: {SCREENSHOT_SIZE[0]}x{SCREENSHOT_SIZE[1]} PNG, {colours} colours")

        tabs = tab_names(executable, book, env, scratch)
        for tab in tabs:
            picture = scratch / f"tab-{tab}.png"
            run([str(executable), "gui", "--screenshot", str(picture), "--db", str(book), "--tab", tab],
                env, f"gui --screenshot --tab {tab}")
            check_rendering(picture, SCREENSHOT_SIZE)
        report.append(f"tabs rendered: {', '.join(tabs) if tabs else 'default only (tab names not found)'}")

        report.append(check_user_install(bundle, env, scratch / "home"))
        report.append(check_x11_start(executable, dict(env, PLANNER_DB=str(book))))

        paint_env = dict(env, PLANNER_DB=str(book))
        source_env = dict(paint_env, PATH=os.environ["PATH"])
        bundle_command = [str(executable), "gui"]
        source_command = [str(source_python), "-m", "planner", "gui"]
        time_to_first_paint(bundle_command, paint_env)  # warm the disk cache for both
        time_to_first_paint(source_command, source_env)
        bundle_times, source_times = [], []
        for _ in range(runs):  # interleaved, so a busy moment hurts both alike
            bundle_times.append(time_to_first_paint(bundle_command, paint_env))
            source_times.append(time_to_first_paint(source_command, source_env))
        bundle_paint, source_paint = statistics.median(bundle_times), statistics.median(source_times)
        ratio = bundle_paint / source_paint
        report.append(f"first paint (median of {runs}): bundle {bundle_paint:.2f} s, "
                      f"source {source_paint:.2f} s, ratio {ratio:.2f} (limit {max_ratio:g})")
        if ratio > max_ratio:
            raise CheckFailed(f"the bundle paints in {bundle_paint:.2f} s, over {max_ratio:g} x the source's "
                              f"{source_paint:.2f} s")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / APP)
    parser.add_argument("--source-python", type=Path, default=Path(sys.executable),
                        help="the source install's interpreter to compare start-up with (default: this one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-mb", type=float, default=250.0)
    parser.add_argument("--max-ratio", type=float, default=1.5)
    args = parser.parse_args(argv)
    try:
        report = check(args.bundle, args.source_python, args.runs, args.max_mb, args.max_ratio)
    except (CheckFailed, subprocess.TimeoutExpired) as error:
        print(f"bundle check FAILED: {error}", file=sys.stderr)
        return 1
    for line in report:
        print(line)
    print("bundle check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
