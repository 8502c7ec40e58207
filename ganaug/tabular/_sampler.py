"""Conditional vectors and training-by-sampling, drawn on the device.

A conditional vector is ``[one-hot class | one-hot (column j, category v)]``,
held as the indices of its ones, shape (B, k) with k = 0 to 3 (the
networks look them up, see ``CondLinear``).
The class part is the label of a supervised fit (empty when unsupervised); it
is *given* to the generator and the critic, so a row generated for class k is
class k by construction. The second part is CTGAN's training-by-sampling over
the categorical feature columns: the generator is told "column j is v" and
penalised by a cross-entropy when it does not comply.

Everything per batch is a handful of tensor ops. Once per fit the rows are
sorted, for every categorical column j, by the key ``class * V + category``;
a batch then draws ``rows = order[j, start[j, key] + floor(u * count[j, key])]``
with no Python loop, no host sync and no host/device copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ganaug.core import class_groups, rows_of_classes


@dataclass
class ConditionBatch:
    """One batch of training conditions."""

    rows: torch.Tensor  # (B,) row indices into the training tensor
    cond: torch.Tensor  # (B, k) long: positions of the ones of the conditional vector
    column: torch.Tensor  # (B,) categorical column j the condition names
    category: torch.Tensor  # (B,) category v of that column
    column2: torch.Tensor | None = None  # (B,) a second column, with pair conditions
    category2: torch.Tensor | None = None  # (B,) the matching row's category there


class ConditionSampler:
    """Draws conditional vectors and matching training rows.

    Parameters
    ----------
    class_codes : ndarray of int, shape (n_rows,)
        Class of every training row, in ``[0, n_classes)``; all zeros when
        unsupervised.
    n_classes : int
        Number of classes.
    supervised : bool
        Whether the class is part of the conditional vector.
    feature_codes : ndarray of int, shape (n_rows, n_columns)
        Category of every row in each categorical feature column.
    n_categories : list of int
        Width of each categorical column.
    device : torch.device
        Where the index tensors live.
    frequencies : (class_codes, feature_codes), optional
        The rows whose category frequencies generation follows; by default
        the training rows. A data-parallel rank trains on its shard of the
        rows but generates like the whole table.
    """

    def __init__(
        self,
        class_codes: np.ndarray,
        n_classes: int,
        supervised: bool,
        feature_codes: np.ndarray,
        n_categories: list[int],
        device: torch.device,
        frequencies: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.n_classes = n_classes
        self.supervised = supervised
        self.n_columns = len(n_categories)
        self.width_max = max(n_categories, default=1)
        self.feature_width = int(sum(n_categories))
        self.cond_width = (n_classes if supervised else 0) + self.feature_width
        groups = class_groups(class_codes, n_classes)
        class_counts = groups["count"]
        tensors = {
            "class_probs": groups["probs"],
            "class_order": groups["order"],
            "class_start": groups["start"],
            "class_count": class_counts,
            "column_offset": np.cumsum([0, *n_categories[:-1]]) if n_categories else np.zeros(0),
        }
        if self.n_columns:
            keys = self._keys(class_codes, feature_codes)  # (n, J)
            counts = self._key_counts(keys, n_classes)
            counts3 = counts.reshape(self.n_columns, n_classes, -1).transpose(1, 0, 2)  # (C, J, V)
            train = np.log1p(counts3)
            if frequencies is not None:
                counts3 = self._key_counts(self._keys(*frequencies), n_classes)
                counts3 = counts3.reshape(self.n_columns, n_classes, -1).transpose(1, 0, 2)
            tensors.update(
                order=np.argsort(keys, axis=0, kind="stable").T,  # (J, n)
                key_start=np.cumsum(counts, axis=1) - counts,
                key_count=counts,
                train_probs=train / np.maximum(train.sum(axis=2, keepdims=True), 1e-12),
                sample_probs=counts3 / np.maximum(counts3.sum(axis=2, keepdims=True), 1),
            )
        self._numpy = tensors
        self.to(device)

    def _keys(self, class_codes: np.ndarray, feature_codes: np.ndarray) -> np.ndarray:
        """``class * V + category`` per row and categorical column."""
        return class_codes[:, None] * self.width_max + feature_codes

    def _key_counts(self, keys: np.ndarray, n_classes: int) -> np.ndarray:
        """Rows per key, shape (J, n_classes * V)."""
        V = self.width_max
        return np.stack([np.bincount(keys[:, j], minlength=n_classes * V) for j in range(self.n_columns)])

    def balance_class_draws(self) -> None:
        """Draw training classes uniformly over the classes present, not by log-frequency."""
        present = (np.asarray(self._numpy["class_count"]) > 0).astype(np.float64)
        self._numpy["class_probs"] = present / present.sum()
        self.to(self.device)

    #: Pair conditions (:meth:`condition_on_pairs`): every condition also names a second
    #: categorical column with the value of a real row that holds the first.
    pairs: bool = False

    def condition_on_pairs(self, feature_codes: np.ndarray) -> None:
        """Add a second (column, category) to every condition, read from a real row.

        Training: after the row that matches the first condition is drawn,
        another categorical column (uniform over the rest) and that row's
        category in it join the condition. Generation: a random row of the
        class is drawn and two of its columns are revealed (the first one's
        distribution is then the class's empirical one, as without pairs).
        The rows' category codes are kept for this (``n_rows x n_columns``).
        """
        if self.n_columns < 2:
            return
        self.pairs = True
        self._numpy["codes"] = np.asarray(feature_codes, dtype=np.int32)  # int64 on the device
        self.to(self.device)

    def to(self, device: torch.device | str) -> ConditionSampler:
        """Move the index tensors to ``device``; returns self."""
        self.device = torch.device(device)
        for name, value in self._numpy.items():
            dtype = torch.float32 if np.asarray(value).dtype.kind == "f" else torch.long
            setattr(self, name, torch.as_tensor(np.asarray(value), dtype=dtype, device=self.device))
        return self

    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if not isinstance(v, torch.Tensor)}
        state["device"] = "cpu"
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.to("cpu")

    # ----------------------------------------------------------------- draws
    def _cond_index(
        self,
        classes: torch.Tensor,
        column: torch.Tensor,
        category: torch.Tensor,
        second: tuple[torch.Tensor, torch.Tensor] | None = None,
    ) -> torch.Tensor:
        parts = []
        if self.supervised:
            parts.append(classes)
        if self.n_columns:
            shift = self.n_classes if self.supervised else 0
            parts.append(shift + self.column_offset[column] + category)
            if second is not None:
                parts.append(shift + self.column_offset[second[0]] + second[1])
        if not parts:
            return torch.zeros(classes.shape[0], 0, dtype=torch.long, device=self.device)
        return torch.stack(parts, dim=1)

    def _column_and_category(
        self, classes: torch.Tensor, probs: torch.Tensor, rng: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        B = classes.shape[0]
        if not self.n_columns:
            zero = torch.zeros(B, dtype=torch.long, device=self.device)
            return zero, zero
        column = torch.randint(self.n_columns, (B,), generator=rng, device=self.device)
        category = torch.multinomial(probs[classes, column], 1, generator=rng).squeeze(1)
        return column, category

    def second_condition(
        self, rows: torch.Tensor, column: torch.Tensor, rng: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Another column than ``column`` (uniform) and the category ``rows`` hold there."""
        step = torch.randint(1, self.n_columns, column.shape, generator=rng, device=self.device)
        column2 = (column + step) % self.n_columns
        return column2, self.codes[rows, column2]

    def rows_with(
        self,
        classes: torch.Tensor,
        column: torch.Tensor,
        category: torch.Tensor,
        u: torch.Tensor,
        fallback: bool = False,
    ) -> torch.Tensor:
        """A training row of each class holding ``category`` in ``column``, picked by uniforms ``u``.

        ``fallback``: where a class has no such row, any row of the class
        (generation asks for such keys; training draws only keys with rows).
        """
        key = classes * self.width_max + category
        count = self.key_count[column, key]
        pos = self.key_start[column, key] + (u * count).long().clamp_max(count - 1).clamp_min(0)
        rows = self.order[column, pos.clamp_max(self.order.shape[1] - 1)]
        if fallback:
            anywhere = rows_of_classes(self.class_order, self.class_start, self.class_count, classes, u)
            rows = torch.where(count > 0, rows, anywhere)
        return rows

    def sample_train(self, batch_size: int, rng: torch.Generator) -> ConditionBatch:
        """Training-by-sampling: classes and categories by log-frequency, then a matching row."""
        classes = torch.multinomial(self.class_probs, batch_size, replacement=True, generator=rng)
        u = torch.rand(batch_size, generator=rng, device=self.device)
        if self.n_columns:
            column, category = self._column_and_category(classes, self.train_probs, rng)
            rows = self.rows_with(classes, column, category, u)
        else:
            column = category = torch.zeros(batch_size, dtype=torch.long, device=self.device)
            rows = rows_of_classes(self.class_order, self.class_start, self.class_count, classes, u)
        if self.pairs:
            column2, category2 = self.second_condition(rows, column, rng)
            cond = self._cond_index(classes, column, category, (column2, category2))
            return ConditionBatch(rows, cond, column, category, column2, category2)
        return ConditionBatch(rows, self._cond_index(classes, column, category), column, category)

    def sample_condition(self, classes: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
        """Conditions (indices, shape (B, k)) for generating rows of the given classes.

        The categorical part follows the empirical frequencies inside each
        class, so generated rows follow the class's own distribution.
        """
        if self.pairs:
            u = torch.rand(classes.shape, generator=rng, device=self.device)
            rows = rows_of_classes(self.class_order, self.class_start, self.class_count, classes, u)
            column = torch.randint(self.n_columns, classes.shape, generator=rng, device=self.device)
            second = self.second_condition(rows, column, rng)
            return self._cond_index(classes, column, self.codes[rows, column], second)
        column, category = (
            self._column_and_category(classes, self.sample_probs, rng) if self.n_columns else (None, None)
        )
        return self._cond_index(classes, column, category)
