"""Scale on one machine: Dask imputation and sampling, rows/s with 1 and 2 workers, peak memory per worker.

A ``GANImputer`` (features of UCI Adult, 20% of entries missing) and a
``GANAugmenter`` (Adult with its income label) are fitted on 5,000 rows with
the default networks (throughput depends on the network sizes, not on how
long they trained). Then, for each worker count, on a fresh
``distributed.LocalCluster`` (processes, one thread each):

- impute: ``ganaug.dask.impute`` over ``--rows`` rows made on the workers
  (each partition reads adult.csv, draws ``--partition-size`` of its rows
  and hides 20% of the entries); the same pass without imputation is timed
  too (best of two passes), so the imputation's own rate is
  ``rows / (seconds - input seconds)``;
- sample: ``ganaug.dask.sample`` of ``--rows`` rows (classes at the training
  frequencies).

Each pass ends in a per-partition row count, so nothing large travels to the
client. Peak memory is each worker process's peak resident set
(``VmHWM``, reset once the imports are done), read with ``Client.run``; a
fresh cluster per pass keeps the peaks apart. The rate of one ``transform`` / ``sample`` call on one
partition in this process, without Dask, is the baseline.

    python benchmarks/bench_scale.py                       # 2,000,000 rows
    python benchmarks/bench_scale.py --rows 20000 --partition-size 5000 --name scale_smoke
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings

import numpy as np
import pandas as pd
from _common import SHARED_DATA, load_adult, write_markdown

from ganaug import GANAugmenter, GANImputer
from ganaug import dask as gdask

TRAIN_ROWS = 5000
MISSING = 0.2


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda c: c if pd.api.types.is_numeric_dtype(c) else c.str.strip())


def _holes(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return frame.mask(rng.random(frame.shape) < MISSING)


def _partition(number: int, path: str, size: int, pass_name: str = "") -> pd.DataFrame:
    """Partition ``number``: ``size`` rows of adult.csv drawn with its own seed, 20% of entries hidden.

    ``pass_name`` changes nothing but the task keys, so that each pass computes afresh.
    """
    adult = _clean(pd.read_csv(path)).drop(columns="income")
    rng = np.random.default_rng(number)
    rows = adult.iloc[rng.integers(0, len(adult), size)].reset_index(drop=True)
    return _holes(rows, number + 1).set_axis(pd.RangeIndex(number * size, (number + 1) * size))


def _rows(part: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"rows": [len(part)]})


def _peak_rss_mb() -> float:
    """This process's peak resident memory since the last reset (VmHWM; getrusage where /proc lacks it)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm() -> None:
    """Imports a worker needs, done before any timing; then the peak-memory mark is reset.

    A worker process inherits its parent's high-water mark, so without the
    reset (Linux: ``5`` written to ``/proc/self/clear_refs``) every worker
    would report the same inherited peak.
    """
    import ganaug.tabular  # noqa: F401

    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def _count(collection) -> tuple[int, float]:
    start = time.perf_counter()
    n = int(collection.map_partitions(_rows, meta={"rows": "int64"}).compute()["rows"].sum())
    return n, time.perf_counter() - start


def run(task: str, n_workers: int, args, imputer, augmenter, meta: pd.DataFrame) -> dict:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    n_parts = -(-args.rows // args.partition_size)
    with (
        LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_warm)
        start_rss = max(client.run(_peak_rss_mb).values())
        input_s = float("nan")
        if task == "impute":

            def data(name: str):
                # a token per pass: the same keys twice would let the workers hand back a cached result
                return dd.from_map(
                    _partition,
                    range(n_parts),
                    args=(str(SHARED_DATA / "adult.csv"), args.partition_size),
                    meta=meta,
                    pass_name=name,
                )

            input_s = min(_count(data(f"input-{i}"))[1] for i in range(2))  # pass 1 also warms the workers
            n, seconds = _count(gdask.impute(imputer, data("impute")))
        else:
            n, seconds = _count(
                gdask.sample(augmenter, args.rows, partition_size=args.partition_size, random_state=0)
            )
        peaks = client.run(_peak_rss_mb)
    own = seconds - (0.0 if np.isnan(input_s) else input_s)
    return {
        "task": task,
        "workers": n_workers,
        "rows": n,
        "partitions": n_parts,
        "seconds": seconds,
        "input-only seconds": input_s,
        "rows/s": n / seconds,
        "rows/s (own work)": n / own if own > 0 else float("nan"),
        "worker RSS at start (MB)": start_rss,
        "peak RSS per worker (MB)": max(peaks.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000, help="rows imputed and rows sampled")
    parser.add_argument("--partition-size", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--epochs", type=int, default=2, help="GANImputer training epochs")
    parser.add_argument("--steps", type=int, default=200, help="GANAugmenter training steps")
    parser.add_argument("--name", default="scale_cpu", help="result file name (without .md)")
    args = parser.parse_args()

    adult = _clean(load_adult()).sample(TRAIN_ROWS, random_state=0).reset_index(drop=True)
    features = adult.drop(columns="income")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        imputer = GANImputer(epochs=args.epochs, random_state=0, device="cpu").fit(_holes(features, 0))
        augmenter = GANAugmenter(max_steps=args.steps, random_state=0, device="cpu").fit(
            features, adult["income"]
        )
    meta = _partition(0, str(SHARED_DATA / "adult.csv"), 1).iloc[:0]

    one = _partition(0, str(SHARED_DATA / "adult.csv"), args.partition_size)
    start = time.perf_counter()
    imputer.transform(one)
    impute_base = args.partition_size / (time.perf_counter() - start)
    start = time.perf_counter()
    augmenter.sample(args.partition_size, random_state=0)
    sample_base = args.partition_size / (time.perf_counter() - start)

    records = [
        run(task, n, args, imputer, augmenter, meta) for task in ("impute", "sample") for n in args.workers
    ]
    table = pd.DataFrame(records)
    for column in ("rows", "partitions"):
        table[column] = table[column].map("{:,}".format)
    table = table.set_index("task")
    baseline = pd.DataFrame(
        {"rows/s": [impute_base, sample_base]},
        index=pd.Index(
            [f"imputer.transform({args.partition_size:,} rows)", f"augmenter.sample({args.partition_size:,})"]
        ),
    )
    intro = f"""
Dask imputation and sampling on this machine with 1 and 2 workers (``distributed.LocalCluster``,
processes, one thread each), {args.rows:,} rows in partitions of {args.partition_size:,}. Models fitted on
{TRAIN_ROWS:,} rows of UCI Adult with the default networks (GANImputer 256x256 MLPs, GANAugmenter CTGAN
generator 256x256, 128-dim noise). Impute: partitions are made on the workers (read adult.csv, draw rows,
hide {MISSING:.0%} of the entries); "input-only seconds" times that pass alone (best of two), and
"rows/s (own work)" removes it. Peak RSS: each worker process's peak resident memory
(VmHWM, reset after the imports), fresh cluster per pass.
Baseline: one call on one partition in the client process, no Dask, torch's default threads.
See docs/scaling.md for the cost model.
"""
    write_markdown(
        args.name,
        "Scale: Dask imputation and sampling (CPU)",
        intro,
        {"Throughput and memory": table, "Baseline without Dask": baseline},
    )


if __name__ == "__main__":
    main()
