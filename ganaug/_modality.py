"""Pick the modality of an input once; the estimators do not branch on it afterwards.

A modality checks and converts the input once (``check``), names the 2-D view
scikit-learn's feature bookkeeping sees (``features``), and builds the
synthesizer (``GANAugmenter``) or imputation model (``GANImputer``) that
knows its data. A new modality is a new sibling package plus one branch in
:func:`for_input`.
"""

from __future__ import annotations

from typing import Any

from ganaug.core import ImputationConfig, SynthesisConfig
from ganaug.tabular import CTGANSynthesizer, Table, TabularImputation, TabularSynthesizer, check_table


class TabularModality:
    """Tables: numpy arrays, lists of rows, DataFrames of mixed dtypes."""

    name = "tabular"

    def check(self, X: Any) -> Table:
        return check_table(X)

    @staticmethod
    def features(data: Table) -> Any:
        return data.original

    @staticmethod
    def mask_placeholder(data: Table, missing_values: Any) -> Table:
        """``data`` with every ``missing_values`` entry turned into NaN."""
        frame = data.frame.mask(data.frame == missing_values)
        return Table(data.original, frame, data.container)

    def synthesizer(self, config: SynthesisConfig, params: dict) -> Any:
        kind = CTGANSynthesizer if params["engine"] == "ctgan" else TabularSynthesizer
        return kind(config, params["categorical_features"])

    def imputation(self, config: ImputationConfig, params: dict) -> TabularImputation:
        return TabularImputation(
            config,
            params["categorical_features"],
            add_indicator=params["add_indicator"],
            keep_empty_features=params["keep_empty_features"],
            handle_unknown=params["handle_unknown"],
        )


def for_input(X: Any, params: dict) -> TabularModality:
    """The modality of ``X`` given the estimator's parameters."""
    return TabularModality()
