"""How long the README's commands take: ``ganaug demo``, ``ganaug demo --images``, the docs build.

Each command runs as a user would run it (a subprocess, the installed ``ganaug`` entry point), timed
by wall clock; the table goes to ``benchmarks/results/readme_times_cpu.md`` with the machine. Run it
with nothing else on the machine: the README quotes these numbers.

    cd benchmarks && python bench_readme_times.py --parts demo images docs
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine

COMMANDS = {
    "demo": ["ganaug", "demo", "--quiet"],
    "images": ["ganaug", "demo", "--images", "--quiet"],
    "docs": [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "docs", "{out}"],
}


def run(part: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        command = [a.format(out=str(Path(folder) / "html")) for a in COMMANDS[part]]
        cwd = ROOT if part == "docs" else folder  # the demo writes its picture in the working folder
        if part == "docs":  # a clean build: sphinx-gallery re-runs every example
            for generated in ("auto_examples", "generated"):
                shutil.rmtree(ROOT / "docs" / generated, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=cwd, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", choices=list(COMMANDS), default=["demo", "images"])
    args = parser.parse_args()
    rows = []
    for part in args.parts:
        seconds = run(part)
        shown = (
            " ".join(COMMANDS[part]).replace(sys.executable, "python").replace("{out}", "docs/_build/html")
        )
        rows.append(f"| `{shown}` | {seconds:.0f} | {seconds / 60:.1f} |")
        print(rows[-1], flush=True)
    lines = [
        "# Wall time of the README's commands",
        "",
        "Each command run once as a subprocess, nothing else running on the machine.",
        "",
        f"- machine: {machine()}",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- command: `python {' '.join(sys.argv)}`",
        "",
        "| command | seconds | minutes |",
        "|---|---|---|",
        *rows,
        "",
    ]
    out = ROOT / "benchmarks" / "results" / "readme_times_cpu.md"
    out.write_text("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
