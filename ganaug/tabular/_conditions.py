"""Conditional sampling on any column: exact values of discrete columns, ranges of numeric ones.

``GANAugmenter.sample(n, conditions=...)`` reads ``conditions`` here.

- **A value of a categorical column** is exact by construction. Up to
  :data:`REJECT_FIRST` unconditioned draws per row are tried first (the
  model's own joint distribution; a common value such as Adult's
  ``sex = Female`` is met this way); the rows left are drawn with the value
  given to the generator as its training-by-sampling condition (the vector it
  learned to obey on every categorical column), and the column's output is
  set to it. Nothing is ever short. With several such conditions the
  generator is given the first; the others are set in the output.
- **A value (or a range) of a column derived from an exact dependency**
  (``dependencies_``) becomes a condition on its determinant: one of the
  determinant's values that give it, drawn at their frequencies in the row's
  class.
- **A range** ``(low, high)`` of a numeric column is met by rejection: rows
  are drawn again, up to :data:`MAX_ROUNDS` rounds, and a clear error says
  how many rows were found if the budget runs out.
- **Errors**: an unknown column; a value never seen in training (the error
  lists the allowed values); a value the row's class never took (the
  conditions contradict the label); contradictory conditions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ganaug.tabular._encoder import _CategoricalColumn

#: Rounds of redrawing the rows that miss a range condition before giving up.
MAX_ROUNDS = 20
#: Most rows drawn in all, per row asked, for range conditions.
MAX_DRAWS_PER_ROW = 100
#: Unconditioned draws tried per row before the condition is given to the generator (0: never).
REJECT_FIRST = 10


@dataclass
class ConditionPlan:
    """What :func:`plan_conditions` makes of ``conditions`` for ``n`` rows.

    ``classes``: the class code of every row. ``fixed``: ``(n, J)`` category
    codes of the layout's condition columns (``-1``: free). ``exact``: per
    modelled column, the value of every row (object array; ``None`` where
    free), set in the decoded rows. ``ranges``: per table position,
    ``(low, high)``.
    """

    classes: np.ndarray
    fixed: np.ndarray
    exact: dict[int, np.ndarray]
    ranges: dict[int, tuple[float, float]]


def _labels(synth: Any) -> list:
    container = synth.container if synth.container is not None else synth.encoder.container_
    if container.kind == "dataframe":
        return list(container.columns)
    return list(range(synth.n_columns))


def _allowed(col: _CategoricalColumn) -> list:
    return col.known + ([np.nan] if col.has_missing else [])


def _same(a: Any, b: Any) -> bool:
    if pd.isna(a) if np.ndim(a) == 0 else False:
        return bool(np.ndim(b) == 0 and pd.isna(b))
    return bool(np.ndim(b) == 0 and not pd.isna(b) and a == b)


def _is_range(value: Any) -> bool:
    return isinstance(value, tuple | list) and len(value) == 2 and all(isinstance(v, Real) for v in value)


def _as_rows(conditions: Any, n: int) -> tuple[dict[Any, np.ndarray], dict[Any, tuple[float, float]]]:
    """Per-row values (column -> object array) and ranges (column -> (low, high))."""
    if isinstance(conditions, pd.DataFrame):
        if len(conditions) != n:
            raise ValueError(
                f"conditions as a DataFrame must have one row per sample ({n}); got {len(conditions)}."
            )
        return {c: conditions[c].astype(object).to_numpy() for c in conditions.columns}, {}
    if not isinstance(conditions, dict):
        raise TypeError(
            "conditions must be a dict (column -> value or (low, high)) or a DataFrame; "
            f"got {type(conditions).__name__}."
        )
    values, ranges = {}, {}
    for column, value in conditions.items():
        if _is_range(value):
            low, high = float(value[0]), float(value[1])
            if not low <= high:
                raise ValueError(
                    f"The range of {column!r} must be (low, high) with low <= high; got {value!r}."
                )
            ranges[column] = (low, high)
        else:
            cell = np.empty(n, dtype=object)
            cell[:] = [value] * n
            values[column] = cell
    return values, ranges


def plan_conditions(
    synth: Any,
    conditions: Any,
    n: int,
    classes: np.ndarray | None,
    class_counts: np.ndarray,
    rng: np.random.RandomState,
    class_names: np.ndarray | None,
) -> ConditionPlan:
    """Check ``conditions`` against the fitted synthesizer and fix every row's class and categories.

    ``classes``: the rows' class codes when the caller gave labels, else
    ``None`` (drawn here, following the conditions: ``P(class | value)``).
    """
    labels = _labels(synth)
    values, ranges = _as_rows(conditions, n)
    unknown = [c for c in [*values, *ranges] if c not in labels]
    if unknown:
        raise ValueError(f"conditions name unknown column(s) {unknown}; the columns are {labels}.")
    kept = np.arange(len(synth.encoder.columns_)) if synth.kept is None else synth.kept
    modelled = {int(p): m for m, p in enumerate(kept)}
    derived = {d.dependent: d for d in synth.dependencies}
    layout = synth.encoder.layout_
    cond_of = {layout.spans[s].column: j for j, s in enumerate(layout.condition_spans)}
    sampler = synth.model.sampler
    counts = sampler._numpy.get("sample_probs", np.zeros((len(class_counts), 0, 0))) * np.asarray(
        class_counts, dtype=float
    ).reshape(-1, 1, 1)

    # every condition as allowed category codes of one condition column, per row
    allowed: dict[int, list[set[int]]] = {}
    position_ranges: dict[int, tuple[float, float]] = {}

    def restrict(m: int, per_row: list[set[int]]) -> None:
        j = cond_of[m]
        if j in allowed:
            per_row = [a & b for a, b in zip(allowed[j], per_row, strict=True)]
            if any(not s for s in per_row):
                raise ValueError(f"The conditions on column {labels[kept[m]]!r} contradict each other.")
        allowed[j] = per_row

    def codes_of(m: int, wanted: np.ndarray) -> np.ndarray:
        col = synth.encoder.columns_[m]
        return synth.encoder._category_codes(col, pd.Series(wanted, dtype=object))

    for column, cells in values.items():
        p = labels.index(column)
        if p in derived:
            dep = derived[p]
            m = modelled[dep.determinant]
            sets = {}
            for value in pd.unique(pd.Series(cells, dtype=object)):
                keys = [k for k, v in zip(dep.keys, dep.values, strict=True) if _same(value, v)]
                if not keys:
                    raise ValueError(
                        f"Column {column!r} never took the value {value!r} in training; allowed values: "
                        f"{_short(pd.unique(pd.Series(dep.values, dtype=object)).tolist())}."
                    )
                sets[_key(value)] = set(codes_of(m, np.array(keys, dtype=object)).tolist())
            restrict(m, [sets[_key(v)] for v in cells])
            continue
        m = modelled[p]
        col = synth.encoder.columns_[m]
        if not isinstance(col, _CategoricalColumn):
            raise ValueError(
                f"Column {column!r} is numeric: give a range (low, high) in a dict, e.g. "
                f"{{{column!r}: (low, high)}}."
            )
        for value in pd.unique(pd.Series(cells, dtype=object)):
            if not any(_same(value, a) for a in _allowed(col)):
                raise ValueError(
                    f"Column {column!r} never took the value {value!r} in training; allowed values: "
                    f"{_short(_allowed(col))}."
                )
        restrict(m, [{int(c)} for c in codes_of(m, cells)])

    for column, (low, high) in ranges.items():
        p = labels.index(column)
        if p in derived:
            dep = derived[p]
            m = modelled[dep.determinant]
            numbers = pd.to_numeric(pd.Series(dep.values, dtype=object), errors="coerce").to_numpy(
                dtype=float
            )
            keys = dep.keys[(numbers >= low) & (numbers <= high)]
            if not len(keys):
                raise ValueError(f"Column {column!r} took no value in [{low}, {high}] in training.")
            restrict(m, [set(codes_of(m, keys).tolist())] * n)
        elif isinstance(synth.encoder.columns_[modelled[p]], _CategoricalColumn):
            raise ValueError(f"Column {column!r} is categorical: a range (low, high) is for numeric columns.")
        else:
            col = synth.encoder.columns_[modelled[p]]
            if high < col.low or low > col.high:
                raise ValueError(
                    f"The range [{low}, {high}] of column {column!r} is outside the values seen in training "
                    f"([{col.low}, {col.high}]); generated values stay within those."
                )
            position_ranges[p] = (low, high)

    J = len(layout.condition_spans)
    fixed = np.full((n, J), -1, dtype=np.int64)
    rows_classes = None if classes is None else np.asarray(classes, dtype=np.int64)
    if rows_classes is None:
        if allowed:
            rows_classes = _classes_given(allowed, counts, class_counts, n, rng)
        else:
            rows_classes = rng.choice(len(class_counts), size=n, p=class_counts / class_counts.sum())
    for j, sets in allowed.items():
        for i, s in enumerate(sets):
            options = np.array(sorted(s))
            weight = counts[rows_classes[i], j, options]
            if weight.sum() <= 0:
                m = layout.spans[layout.condition_spans[j]].column
                label = None if class_names is None else class_names[rows_classes[i]]
                label = label.item() if isinstance(label, np.generic) else label
                name = "" if class_names is None else f" of class {label!r}"
                raise ValueError(
                    f"The conditions contradict the label: no training row{name} has the asked value of "
                    f"column {labels[kept[m]]!r}."
                )
            fixed[i, j] = options[0] if len(options) == 1 else rng.choice(options, p=weight / weight.sum())
    exact = {}
    for j in allowed:
        m = layout.spans[layout.condition_spans[j]].column
        col = synth.encoder.columns_[m]
        table = np.array([*col.categories, *([None] if col.rare is not None else []), np.nan], dtype=object)
        chosen = table[np.where(fixed[:, j] < len(col.categories), fixed[:, j], len(table) - 1)]
        # the shared rare slot: the asked value itself when one was given, else a rare category
        rare = fixed[:, j] == len(col.categories)
        if col.rare is not None and rare.any():
            chosen[rare] = _rare_values(values, labels, kept[m], rare, col, rng)
        exact[m] = chosen
    return ConditionPlan(rows_classes, fixed, exact, position_ranges)


def _classes_given(
    allowed: dict[int, list[set[int]]], counts: np.ndarray, class_counts: np.ndarray, n: int, rng: Any
) -> np.ndarray:
    """Each row's class drawn from P(class | its conditions), the conditions independent given the class.

    A class that never took one of a row's asked values has probability 0.
    """
    share = np.asarray(class_counts, dtype=float)
    weight = np.tile(share / share.sum(), (n, 1))
    for j, sets in allowed.items():
        keys = [frozenset(x) for x in sets]
        for key in set(keys):
            rows = np.array([k == key for k in keys])
            weight[rows] *= counts[:, j, sorted(key)].sum(axis=1) / np.maximum(share, 1)
    total = weight.sum(axis=1)
    if (total <= 0).any():
        raise ValueError("The conditions contradict each other: no class took all the asked values.")
    cumulative = np.cumsum(weight / total[:, None], axis=1)
    drawn = (cumulative < rng.random_sample(n)[:, None]).sum(axis=1)
    return np.minimum(drawn, len(share) - 1).astype(np.int64)


def _rare_values(
    values: dict, labels: list, position: int, rare: np.ndarray, col: Any, rng: Any
) -> np.ndarray:
    """Values of rows conditioned on the shared rare slot: the asked category, else one at its rate."""
    asked = next((v for c, v in values.items() if labels.index(c) == position), None)
    if asked is not None:
        return asked[rare]
    return rng.choice(col.rare, size=int(rare.sum()), p=col.rare_probs)


def _key(value: Any) -> Any:
    return "<missing>" if np.ndim(value) == 0 and pd.isna(value) else value


def _short(values: list, limit: int = 20) -> str:
    return repr(list(values[:limit])) + ("" if len(values) <= limit else f" and {len(values) - limit} more")


def _draw_group(synth: Any, draw: Callable, classes: np.ndarray, fixed: np.ndarray, seed: int) -> np.ndarray:
    """Encoded rows of a group of equal conditions: natural draws that meet them, then conditioned ones.

    Up to :data:`REJECT_FIRST` unconditioned draws per row are tried first, and
    a row takes the first one whose categories are those asked: the model's
    own joint distribution, which follows the real rows of a value more
    closely than the condition input does (``bench_conditions.py``: column
    shapes of ``sex = Female`` rows). The rows left (rare values) are drawn
    with the condition given to the generator, and so meet it exactly.
    """
    asked = np.flatnonzero(fixed >= 0)
    n = len(classes)
    if not len(asked) or REJECT_FIRST < 1:
        return draw(classes, fixed, seed)
    owner = np.repeat(np.arange(n), REJECT_FIRST)
    trial = draw(classes[owner], np.full_like(fixed, -1), seed + 104_729)
    codes = synth.encoder.layout_.condition_codes(trial)[:, asked]
    hit = np.flatnonzero((codes == fixed[asked]).all(axis=1))
    first = hit[np.unique(owner[hit], return_index=True)[1]]  # each row's first matching draw
    encoded = np.empty((n, trial.shape[1]), dtype=trial.dtype)
    covered = np.zeros(n, dtype=bool)
    encoded[owner[first]] = trial[first]
    covered[owner[first]] = True
    if not covered.all():
        encoded[~covered] = draw(classes[~covered], fixed, seed)
    return encoded


def sample_planned(
    synth: Any,
    conditions_plan: ConditionPlan,
    draw: Callable[[np.ndarray, np.ndarray, int], np.ndarray],
    seed: int,
) -> pd.DataFrame:
    """Rows of the plan as a positional frame: drawn per group of equal conditions, ranges by rejection.

    ``draw(codes, fixed, seed)`` returns encoded rows for class ``codes``
    under the condition codes ``fixed`` (one row of codes for the group).
    """
    p = conditions_plan
    n = len(p.classes)
    found: list[pd.DataFrame] = []
    todo = np.arange(n)
    drawn_total = accepted_total = 0
    for round_ in range(MAX_ROUNDS):
        # rows short of a range are drawn several times over, as often as the acceptance so far asks
        factor = 1 if not accepted_total else int(np.clip(np.ceil(1.2 * drawn_total / accepted_total), 1, 50))
        factor = factor if accepted_total or not round_ else 50
        factor = max(1, min(factor, (MAX_DRAWS_PER_ROW * n - drawn_total) // len(todo)))
        if drawn_total >= MAX_DRAWS_PER_ROW * n:
            break
        wanted = np.repeat(todo, factor)
        parts = []
        J = p.fixed.shape[1]
        groups = (
            pd.DataFrame(p.fixed[wanted]).groupby(list(range(J)), sort=False).indices if J else {(): None}
        )
        for g, members in enumerate(groups.values()):
            rows = wanted if members is None else wanted[members]
            encoded = _draw_group(synth, draw, p.classes[rows], p.fixed[rows[0]], seed + 7919 * round_ + g)
            frame = synth.decode_frame(encoded, seed + round_, {m: v[rows] for m, v in p.exact.items()})
            frame.index = rows
            parts.append(frame)
        drawn = pd.concat(parts)
        ok = np.ones(len(drawn), dtype=bool)
        for position, (low, high) in p.ranges.items():
            number = pd.to_numeric(drawn[position], errors="coerce").to_numpy(dtype=float)
            ok &= (number >= low) & (number <= high)
        drawn_total += len(drawn)
        accepted_total += int(ok.sum())
        good = drawn[ok]
        good = good[~good.index.duplicated()]
        found.append(good)
        todo = np.setdiff1d(todo, good.index.to_numpy())
        if not len(todo):
            return pd.concat(found).sort_index()
    labels = _labels(synth)
    asked = {labels[position]: bounds for position, bounds in p.ranges.items()}
    raise ValueError(
        f"Found {n - len(todo)} of {n} rows meeting the range conditions {asked} in {drawn_total} draws; "
        "the model rarely generates such rows. Widen the ranges or sample fewer rows."
    )
