"""Fixed-seed fingerprints: does a change alter what the estimators return for a given random_state?

Hashes (SHA-256 of the output bytes) of a tabular GANAugmenter's ``fit_resample`` and ``sample``,
of ``fit(X).sample(n)`` (no labels: synthesis),
a GANImputer's ``transform`` on a table and on images, and an image GANAugmenter's ``sample``,
each a short fit on the CPU with ``random_state=0`` (CPU fits are bit-identical from run to
run). ``--ref REV`` also computes them with the package as it was at git revision ``REV`` (a
temporary worktree) and writes both columns to ``benchmarks/results/fingerprints_cpu.md``: a
refactor that should change nothing must show equal hashes.

    cd benchmarks && python fingerprints.py --ref 9ffb720 [more revisions]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import warnings
from pathlib import Path

from _common import worktree

ROOT = Path(__file__).resolve().parents[1]


def _digest(*arrays) -> str:
    import numpy as np

    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(np.asarray(a, dtype=np.float64)).tobytes())
    return h.hexdigest()[:16]


def fingerprints() -> dict[str, str]:
    """The fingerprints of the package importable as ``ganaug`` (numeric data: no dtype questions)."""
    import numpy as np
    import pandas as pd
    from sklearn.datasets import load_digits, make_classification

    from ganaug import GANAugmenter, GANImputer

    warnings.simplefilter("ignore")
    X, y = make_classification(300, 6, weights=[0.85], random_state=0)
    frame = pd.DataFrame(X, columns=list("abcdef"))
    frame["kind"] = np.where(X[:, 0] > 0, "hi", "lo")
    out = {}
    aug = GANAugmenter(max_steps=30, random_state=0)
    X_res, y_res = aug.fit_resample(frame, y)
    out["tabular fit_resample"] = _digest(X_res.drop(columns="kind"), X_res["kind"] == "hi", y_res)
    X_new, _ = aug.sample(50, y=1, random_state=1)
    out["tabular sample"] = _digest(X_new.drop(columns="kind"), X_new["kind"] == "hi")
    synth = GANAugmenter(max_steps=30, random_state=0).fit(frame).sample(50, random_state=1)[0]
    out["tabular fit(X).sample"] = _digest(synth.drop(columns="kind"), synth["kind"] == "hi")
    holed = X.copy()
    holed[np.random.default_rng(0).random(X.shape) < 0.2] = np.nan
    out["imputer transform"] = _digest(GANImputer(epochs=3, random_state=0).fit_transform(holed))
    digits, labels = load_digits(return_X_y=True)
    images = GANAugmenter(image_shape=(8, 8), max_steps=20, random_state=0).fit(digits[:200], labels[:200])
    out["image sample"] = _digest(images.sample(20, y=3, random_state=2)[0])
    pixels = digits[:200].reshape(-1, 8, 8).copy()
    pixels[np.random.default_rng(1).random(pixels.shape) < 0.2] = np.nan
    out["image inpainting transform"] = _digest(GANImputer(epochs=2, random_state=0).fit_transform(pixels))
    return out


def _at_revision(rev: str) -> dict[str, str]:
    with worktree(rev) as tree:
        code = (
            f"import sys, json; sys.path.insert(0, {str(tree)!r}); "
            f"sys.path.insert(1, {str(ROOT / 'benchmarks')!r}); "
            "import ganaug, fingerprints; assert ganaug.__file__.startswith(sys.path[0]); "
            "print(json.dumps(fingerprints.fingerprints()))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=tree.parent
        )
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", nargs="+", help="git revision(s) to compare with")
    args = parser.parse_args()
    now = fingerprints()
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    head_name = f"HEAD ({head.stdout.strip()}, working tree)"
    refs = args.ref or []
    columns = {**{ref: _at_revision(ref) for ref in refs}, head_name: now}
    names = list(columns)
    lines = [
        "# Fixed-seed fingerprints",
        "",
        "SHA-256 (first 16 hex digits) of fixed-seed outputs on the CPU; equal hashes: the same bytes.",
        "",
        f"- command: `python {' '.join(sys.argv)}`",
        "",
        "| output | " + " | ".join(names) + "".join(f" | {ref} = HEAD" for ref in refs) + " |",
        "|---|" + "---|" * (len(names) + len(refs)),
    ]
    for key in now:
        values = [columns[n].get(key, "-") for n in names]
        equal = ["yes" if columns[ref].get(key) == now[key] else "**no**" for ref in refs]
        lines.append(f"| {key} | " + " | ".join(values + equal) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.ref:
        out = ROOT / "benchmarks" / "results" / "fingerprints_cpu.md"
        out.write_text(text)
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
