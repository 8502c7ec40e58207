"""GANAugmenter: an imbalanced-learn over-sampler backed by a conditional GAN."""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from sklearn.base import _fit_context
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_consistent_length
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ganaug._base import GAN_PARAMETER_CONSTRAINTS, FittedModelMixin, synthesis_config
from ganaug._class_filter import OVERSAMPLE, FilteredSynthesizer
from ganaug._docstrings import substitute
from ganaug._modality import for_input
from ganaug.core import Seeds, resolve_device
from ganaug.exceptions import ClassFilterWarning
from ganaug.tabular import plan_conditions, sample_planned


@substitute
class GANAugmenter(FittedModelMixin, BaseOverSampler):
    """Over-sample classes, or synthesise tables or images, with a conditional GAN.

    ``fit_resample(X, y)`` trains one GAN conditioned on the class label and
    returns every original row (or image), unchanged and first, followed by
    new ones of the classes that ``sampling_strategy`` asks for, in the
    input's container and format (DataFrame in, DataFrame out; ``(n, H, W)``
    uint8 in, ``(n, H, W)`` uint8 out). The label is an input of the
    generator, so every sample is generated *for* its class and carries
    that label; whether its features look like the class is what the class
    filter checks. By default, for tables, the generator draws three times
    the samples asked for and keeps those that a classifier of the real rows
    places in their class (``class_filter="auto"``), and half of each class's
    new samples are generated, half copies of real ones
    (``synthetic_fraction``). ``fit(X)`` without a target trains an unconditional
    model, and :meth:`sample` draws new samples from either.

    Tables (2-D arrays, lists of rows, DataFrames) get CTGAN's model
    (mode-specific normalisation, here of each column's quantile-normal
    scores, residual generator, PacGAN critic, WGAN-GP, training-by-sampling)
    with a vectorised encoder. Images (``(n, H, W)``,
    ``(n, C, H, W)``, ``(n, H, W, C)``, or flattened rows with
    ``image_shape``) get a conditional convolutional GAN: label embedding in
    the generator, a spectrally normalised projection critic, the hinge loss,
    DiffAugment on real and fake images, a mode-seeking term and a moving
    average of the generator's weights. Both keep the data and every random
    draw on the device.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default='auto'
        Which classes to over-sample and to what count, exactly as in
        imbalanced-learn's over-samplers (``SMOTE``, ``RandomOverSampler``):
        a float (binary only: minority/majority ratio after resampling),
        ``'minority'``, ``'not minority'``, ``'not majority'``, ``'all'``,
        ``'auto'`` (= ``'not majority'``), a dict ``{class: n_samples}`` or a
        callable ``y -> dict``.
    class_filter : float in (0, 1), "auto" or None, default="auto"
        Keep generated samples that a model of the real data places in their
        class. A class-balanced gradient-boosting classifier is fitted on the
        real training samples at ``fit`` (a table's numbers and category
        codes as they are; an image's pixels); for each class the generator
        draws three times the samples asked for, keeps those whose
        probability of their own class is at least ``class_filter``, and,
        where fewer pass, the highest-scoring of the others. ``"auto"``:
        0.5 for tables (measured to help downstream models, see
        ``synthetic_fraction``), off for images (not measured there) and for
        ``engine="ctgan"``; ``None``: off. The threshold is read at
        generation, so ``set_params`` can change it after fit (``None`` then
        turns the filter off); ``fit_resample`` records each class's share of
        draws that passed in ``filter_acceptance_``, and a
        :class:`~ganaug.exceptions.ClassFilterWarning` names every class of
        which under a third passed (some of its samples then scored below the
        threshold). Ignored without ``y``.
    synthetic_fraction : float in (0, 1], default=0.5
        Share of each class's new samples in ``fit_resample`` that the GAN
        generates; the rest are copies of the class's real samples drawn at
        random with replacement (what ``RandomOverSampler`` adds), placed
        after the synthetic ones. ``1.0``: every new sample is synthetic.
        The default, half and half (the generated half through the class
        filter), over 9 benchmark tasks x 2 classifiers
        (``benchmarks/results/rebalance_cpu.md``) beats ``RandomOverSampler``
        on balanced accuracy, minority F1 and average precision in most
        cells; all-synthetic (filtered) is within noise of it (the counts
        and margins are in that file). Synthetic samples add
        variety that helps tree models most, while the real copies keep
        linear models' boundaries where the real minority is. ``sample``
        always generates.
    categorical_features : "auto", None, array-like of str or int, or bool mask, default="auto"
        Categorical columns. ``"auto"``: object, string, ``category`` and bool
        columns (and non-numeric columns of a numpy object array).
    %(max_categories)s
    epochs : int or "auto", default="auto"
        Training length. An int counts passes over the data. ``"auto"``
        counts generator steps and follows the data. Tables: 300 epochs
        (CTGAN's default; Adult: 19,500 steps), but never fewer than 2,000
        steps (counted in epochs a 242-row table would get 300) nor more than
        20,000 (a million rows: about 10 epochs). ``fit_resample`` on a
        table with the class filter on and ``synthetic_fraction <= 0.5``
        trains a fifth of that (60 epochs within [400, 4,000] steps): its
        rows pass the filter and half of each quota are real copies, and on
        the rebalancing benchmark the shorter fit kept balanced accuracy and
        minority F1 at a fifth of the time, while for ``fit(X).sample(n)``
        the same cut cost pair trends and TSTR accuracy
        (``benchmarks/results/fit_budget_cpu.md``). Images: 100 epochs within
        [3,000, 20,000] steps.
    max_steps : int or None, default=None
        Training length in generator steps; overrides ``epochs`` when given.
    batch_size : int or "auto", default="auto"
        Samples per step: ``"auto"`` is 500 rows for tables, 64 images for
        images. Smaller data sets train on all their samples at each step.
    pac : int or "auto", default="auto"
        Rows the critic sees together (PacGAN). An int must divide
        ``batch_size``. ``"auto"``: 10 when a batch holds at least 50 groups
        of 10 rows, smaller otherwise (so the critic always compares about 50
        groups; with 24 groups of 10 the class conditioning of a 242-row table
        barely trains). Tables only (images must keep ``"auto"``).
    embedding_dim : int or "auto", default="auto"
        Size of the generator's noise input: 128 for tables, 32 for images.
    generator_dim : tuple of int, default=(256, 256)
        Widths of the generator's residual blocks (tables; image networks
        take their widths from the image size).
    discriminator_dim : tuple of int, default=(256, 256)
        Widths of the critic's hidden layers (tables).
    generator_lr, discriminator_lr : float or "auto", default="auto"
        Adam learning rates: 2e-4 and 2e-4 for tables (CTGAN's), 1e-4 and
        4e-4 for images (a two time-scale update rule: with equal rates the
        conditional digits generator collapsed to one image per class).
    discriminator_steps : int, default=1
        Critic updates per generator update (tables; images take 1).
    %(device)s
    precision : {"float32", "bfloat16"}, default="float32"
        ``"bfloat16"`` trains and samples under bf16 autocast (the output heads
        stay float32): faster on recent GPUs and on CPUs with bf16 matrix
        units (AVX-512 BF16, AMX); samples are float32 numbers either way.
    %(compile)s
    random_state : int, RandomState instance or None, default=None
        Seeds the encoder, weight initialisation and every random draw.
    %(verbose)s
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of each class, score the generator
        on it at each logging interval (sliced Wasserstein distance between
        held-out and generated rows of the same classes, computed on the
        device) and stop when the score has not improved by ``tol`` in
        ``n_iter_no_change`` intervals; the best generator is kept. Tables
        only.
    validation_fraction : float, default=0.1
        Share of each class held out when ``early_stopping``.
    n_iter_no_change : int, default=10
        Patience of early stopping, in logging intervals.
    tol : float, default=1e-4
        Minimum improvement of the validation score.
    image_shape : tuple of int or None, default=None
        ``(H, W)`` or ``(C, H, W)`` (``(H, W, C)`` with ``channels="last"``):
        ``X`` holds flattened images, one per row (``load_digits().data``),
        and the output is flattened back. Arrays of shape ``(n, H, W)``,
        ``(n, C, H, W)`` and ``(n, H, W, C)`` are taken as images without it.
    channels : {"auto", "first", "last"}, default="auto"
        Where a 4-D array (or ``image_shape``) keeps its channels. ``"auto"``:
        ``(n, C, H, W)`` when axis 1 is 1, 3 or 4, else ``(n, H, W, C)`` when
        the last axis is; channels first when both are.
    engine : {"ganaug", "ctgan"}, default="ganaug"
        ``"ctgan"`` trains ``ctgan.CTGAN`` (optional dependency) with the same
        parameters, for comparison; its rows of a class are obtained by
        rejection sampling.
    detect_dependencies : bool, default=True
        Tables: find at fit the columns that a categorical column determines
        exactly (every value of the determinant goes with one value of the
        dependent in every row, as Adult's ``education`` fixes
        ``education-num``) and derive the dependent column of every generated
        row from the fitted mapping, so every row keeps the relation. The GAN
        still models the column: on Adult that keeps column shapes and TSTR
        and raises pair trends, where leaving it out of the GAN lowered both
        (``benchmarks/ablate_dependencies.py``). A relation broken by one row
        is not enforced; a determinant needs at least 5 rows per value on
        average; a missing value counts as a value of its own. Found
        dependencies are in ``dependencies_``. No effect on images or with
        ``engine="ctgan"``.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to generate for each class, set by ``fit_resample``
        (and by ``fit`` with a target).
    classes_ : ndarray of shape (n_classes,)
        Class labels seen at fit (``None`` after an unsupervised fit).
    class_counts_ : ndarray of shape (n_classes,)
        Rows of each class at fit.
    n_unlabelled_ : int
        Rows whose label was ``-1`` (no label) at fit: trained on as a class
        of their own, never generated, not counted by ``sampling_strategy``.
    %(encoder_)s
    model_ : TabularSynthesizer, CTGANSynthesizer or ImageSynthesizer
        The fitted synthesizer: the encoder plus the trained generator (for
        tables its output heads and condition sampler). Absent, with
        ``n_iter_ = 0``, after a ``fit_resample`` whose ``sampling_strategy_``
        asked for no sample (a balanced fold): no GAN is trained then. For images,
        ``model_.diversity`` holds, per class code, how varied 256 generated
        images are against the class's real ones (mean pairwise distance
        ratio, 1 = as varied); under 0.35 a warning reports a collapse. Class
        codes index ``classes_``; with unlabelled rows, code ``len(classes_)``
        is theirs.
    %(modality_)s
    dependencies_ : list of tuple
        ``(determinant, dependent)`` column labels (positions for arrays) of
        the exact dependencies kept by ``detect_dependencies``; empty when
        none was found, for images and for ``engine="ctgan"``.
    history_ : list of dict
        Losses averaged over each logging interval (``loss_d``, ``loss_g``,
        and ``loss_cond`` for tables, ``loss_ms`` (mode seeking) for images;
        with pair conditions ``loss_cond`` sums two cross-entropies, so it
        reads about twice a single-condition fit's),
        with ``step``, ``epoch``, ``seconds`` and, with early stopping,
        ``val_score``; empty for ``engine="ctgan"``.
    %(device_)s
    batch_size_, pac_ : int
        Batch size and PacGAN group actually used (adapted to small tables;
        ``pac_`` is 1 for images).
    n_iter_ : int
        Generator steps trained (fewer than asked when early stopping or a
        non-finite loss stopped training).
    seed_ : int
        Seed drawn from ``random_state`` at fit; the synthetic rows of
        ``fit_resample`` are drawn from it.
    n_synthetic_ : int
        Generated samples among the new ones of the last ``fit_resample``
        (the rest are copies of real samples, see ``synthetic_fraction``).
    class_filter_ : ClassFilter or None
        The class filter's classifier, fitted when the filter was on at fit
        (with ``y``).
    filter_acceptance_ : dict
        Per class filtered in the last ``fit_resample``: the share of its
        draws that met the ``class_filter`` threshold (empty without the
        filter). Under a third, some of the returned samples scored below it.
    class_fidelity_ : dict
        Per class generated in the last ``fit_resample`` through the class
        filter: the share of the generator's draws, before filtering, that
        the filter's classifier reads as their class (the highest
        probability). This is :func:`ganaug.metrics.class_fidelity` with the
        filter's classifier as the judge, at no extra cost; that classifier
        was fitted on all the real samples, so there is no cross-validated
        ceiling to divide by: call ``class_fidelity`` for the ratio. Empty
        without the filter. A low share says the generator alone does not
        yet produce samples of that class reliably, and the filter and the
        real copies are doing the work
        (``benchmarks/results/class_fidelity_ablation_levers_cpu.md``).
    %(n_features_in_)s
    %(feature_names_in_)s

    See Also
    --------
    imblearn.over_sampling.SMOTENC : Interpolating over-sampler for mixed data.
    imblearn.over_sampling.RandomOverSampler : Duplicates minority rows.

    Notes
    -----
    With an int ``random_state``, fits on the CPU are bit-identical from run to
    run; on CUDA they are identical in distribution only. Training leaves the
    global torch RNG state untouched. ``sample`` with an int ``random_state``
    returns the same rows on every call, as ``GaussianMixture.sample`` does.

    References
    ----------
    .. [1] L. Xu, M. Skoularidou, A. Cuesta-Infante, K. Veeramachaneni,
       "Modeling Tabular data using Conditional GAN", NeurIPS 2019.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from ganaug import GANAugmenter
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> aug = GANAugmenter(epochs=2, random_state=0)
    >>> X_res, y_res = aug.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 269), (1, 269)]
    >>> X_new, y_new = aug.sample(5, y=1)
    >>> X_new.shape, y_new.tolist()
    ((5, 20), [1, 1, 1, 1, 1])
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        **GAN_PARAMETER_CONSTRAINTS,
        "engine": [StrOptions({"ganaug", "ctgan"})],
        "class_filter": [Interval(Real, 0, 1, closed="neither"), StrOptions({"auto"}), None],
        "synthetic_fraction": [Interval(Real, 0, 1, closed="right")],
        "detect_dependencies": ["boolean"],
    }

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        class_filter: float | str | None = "auto",
        synthetic_fraction: float = 0.5,
        categorical_features: Any = "auto",
        max_categories: int | None = 200,
        epochs: Any = "auto",
        max_steps: int | None = None,
        batch_size: Any = "auto",
        pac: Any = "auto",
        embedding_dim: Any = "auto",
        generator_dim: Any = (256, 256),
        discriminator_dim: Any = (256, 256),
        generator_lr: Any = "auto",
        discriminator_lr: Any = "auto",
        discriminator_steps: int = 1,
        device: Any = "auto",
        precision: str = "float32",
        compile: bool | str = "auto",
        random_state: Any = None,
        verbose: Any = False,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        image_shape: Any = None,
        channels: str = "auto",
        engine: str = "ganaug",
        detect_dependencies: bool = True,
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.class_filter = class_filter
        self.synthetic_fraction = synthetic_fraction
        self.categorical_features = categorical_features
        self.max_categories = max_categories
        self.epochs = epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.pac = pac
        self.embedding_dim = embedding_dim
        self.generator_dim = generator_dim
        self.discriminator_dim = discriminator_dim
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.discriminator_steps = discriminator_steps
        self.device = device
        self.precision = precision
        self.compile = compile
        self.random_state = random_state
        self.verbose = verbose
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.image_shape = image_shape
        self.channels = channels
        self.engine = engine
        self.detect_dependencies = detect_dependencies

    # ------------------------------------------------------------- helpers
    def _check_inputs(self, X: Any, y: Any) -> tuple[Any, np.ndarray | None, bool]:
        """The one validation of ``fit`` and ``fit_resample``.

        Picks the modality and converts ``X`` once, sets the feature
        bookkeeping, checks ``y`` and learns ``classes_`` /
        ``class_counts_``. Returns the checked data, ``y`` as an array (or
        None) and whether ``y`` was a one-vs-all indicator matrix.
        """
        self.modality_ = for_input(X, self.get_params())
        data = self.modality_.check(X)
        features = self.modality_.features(data)
        if y is None:
            validate_data(self, features, skip_check_array=True, reset=True)
            self.classes_ = self.class_counts_ = None
            self.n_unlabelled_ = 0
            return data, None, False
        n_missing = int(pd.isna(np.asarray(y, dtype=object)).sum())
        if n_missing:
            raise ValueError(
                f"y has {n_missing} missing label(s) (None or NaN); drop those rows or give them a class, "
                "or mark rows without a label with -1 (numeric labels)."
            )
        unlabelled = unlabelled_rows(y)
        check_classification_targets(y)
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        y = np.asarray(y)
        check_consistent_length(features, y)
        validate_data(self, features, skip_check_array=True, reset=True)
        self.n_unlabelled_ = int(unlabelled.sum()) if unlabelled is not None else 0
        labelled = y if unlabelled is None else y[~unlabelled]
        self.classes_, self.class_counts_ = np.unique(labelled, return_counts=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"y has one class only ({self.classes_.tolist()}); over-sampling needs at least 2 classes."
            )
        small = self.class_counts_ < 2
        if small.any():
            label = self.classes_[np.argmax(small)].tolist()
            raise ValueError(
                f"class {label!r} has {int(self.class_counts_[np.argmax(small)])} row; "
                "at least 2 are needed to learn a class."
            )
        return data, y, binarize_y

    def _synthesizer(self, rebalancing: bool = False) -> tuple[Any, Any]:
        """The modality's untrained synthesizer and the training device: every setting checked."""
        if self._filter_threshold() is not None and self.engine == "ctgan":
            raise ValueError('class_filter is for engine="ganaug" (ctgan\'s rows are not encoded alike).')
        device = resolve_device(self.device)
        return self.modality_.synthesizer(synthesis_config(self, rebalancing), self.get_params()), device

    def _fit_model(self, data: Any, y: np.ndarray | None, rebalancing: bool = False) -> None:
        """Train the modality's synthesizer on checked ``data``, conditioned on ``y`` when given.

        ``rebalancing``: the fit serves :meth:`fit_resample` (see :meth:`_rebalancing_budget`).
        """
        synthesizer, self.device_ = self._synthesizer(rebalancing)
        seeds = Seeds.from_random_state(self.random_state)
        codes = None if y is None else np.searchsorted(self.classes_, y)
        n_classes = 1 if y is None else len(self.classes_)
        unlabelled = None
        if y is not None and self.n_unlabelled_:
            # rows without a label train as a class of their own, which is never generated
            unlabelled = n_classes
            codes = np.where(self._unlabelled(y), unlabelled, codes)
            n_classes += 1
        threshold = self._filter_threshold()
        if threshold is not None and codes is not None:
            synthesizer = FilteredSynthesizer(synthesizer, threshold, unlabelled_code=unlabelled)
        fitted = synthesizer.fit(data, codes, n_classes, self.device_, seeds)  # down once, back once
        filtered = isinstance(fitted, FilteredSynthesizer)
        self.model_ = fitted.synthesizer if filtered else fitted
        self.class_filter_ = fitted.class_filter if filtered else None
        self.encoder_ = self.model_.encoder
        names = getattr(self.model_, "dependency_names", None)
        self.dependencies_ = names() if names is not None else []
        self.history_ = self.model_.history
        self.batch_size_, self.pac_ = self.model_.batch_size, self.model_.pac
        self.n_iter_ = self.model_.n_steps
        self.seed_ = seeds.seed("sample")

    def _unlabelled(self, y: np.ndarray) -> np.ndarray:
        """Which entries of a checked ``y`` mark a row without a label (all False when none do)."""
        mask = unlabelled_rows(y)
        return np.zeros(len(y), dtype=bool) if mask is None else mask

    def _labelled(self, y: np.ndarray) -> np.ndarray:
        """The labels of the labelled rows: what ``sampling_strategy`` counts."""
        return y[~self._unlabelled(y)] if self.n_unlabelled_ else y

    def _rebalancing_budget(self) -> bool:
        """Whether ``fit_resample`` trains on the shorter rebalancing budget of ``epochs="auto"``.

        Only where it was measured to keep the rebalancing metrics
        (``benchmarks/bench_fit_budget.py``): the class filter on and at most
        half of each quota generated, the rest real copies.
        """
        return self._filter_threshold() is not None and self.synthetic_fraction <= 0.5

    def _filter_threshold(self) -> float | None:
        """The class filter's threshold: ``class_filter`` with ``"auto"`` resolved (None: off)."""
        if self.class_filter != "auto":
            return self.class_filter
        modality = getattr(self, "modality_", None)
        return modality.auto_class_filter if modality is not None and self.engine == "ganaug" else None

    def _sampler(self) -> Any:
        """The fitted synthesizer, wrapped in the class filter when the filter is on."""
        threshold = self._filter_threshold()
        if threshold is None or self.classes_ is None:
            return self.model_
        if getattr(self, "class_filter_", None) is None:
            raise ValueError(
                "class_filter was set after this GANAugmenter was fitted without it; fit again to train "
                "the filter's classifier."
            )
        return FilteredSynthesizer(self.model_, threshold, self.class_filter_)

    def _generate(self, codes: np.ndarray, seed: int) -> tuple[Any, dict[int, float], dict[int, float]]:
        """Samples for the class ``codes``, through the class filter when it is on.

        Also returns, per class code filtered, the share of draws that passed
        and the share the filter's classifier reads as their class.
        """
        sampler = self._sampler()
        samples = sampler.generate(codes, seed)
        if not isinstance(sampler, FilteredSynthesizer):
            return samples, {}, {}
        threshold, acceptance = sampler.threshold, sampler.acceptance
        short = {_python(self.classes_[k]): rate for k, rate in acceptance.items() if rate < 1 / OVERSAMPLE}
        if short:
            warnings.warn(
                f"The class filter passed under 1/{OVERSAMPLE} of the {OVERSAMPLE}x draws of class(es) "
                f"{ {k: round(v, 2) for k, v in short.items()} }, so some returned samples of those "
                f"classes scored below class_filter={threshold} (the best-scoring draws fill the quota). "
                "The generator does not yet produce rows of those classes reliably: train longer (epochs, "
                "max_steps), or lower synthetic_fraction to add more copies of real rows.",
                ClassFilterWarning,
                stacklevel=3,
            )
        return samples, acceptance, sampler.fidelity

    # ---------------------------------------------------------- public API
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> GANAugmenter:
        """Train the GAN on ``X``, conditioned on ``y`` when given.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Training table; may hold missing values, which are modelled.
        y : array-like of shape (n_samples,), default=None
            Class labels. Without them the model is unconditional. ``-1``
            marks a row without a label (numeric labels only): the GAN
            trains on it, and it is never generated.

        Returns
        -------
        self : GANAugmenter
            The fitted estimator.
        """
        with self._all_or_nothing():
            data, y, _ = self._check_inputs(X, y)
            if y is not None:
                self.sampling_strategy_ = check_sampling_strategy(
                    self.sampling_strategy, self._labelled(y), self._sampling_type
                )
            self._fit_model(data, y)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        """Train the GAN and return the original rows plus synthetic ones.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Training table (numeric, categorical, boolean, datetime columns;
            missing values allowed).
        y : array-like of shape (n_samples,)
            Class labels. ``-1`` marks a row without a label (numeric
            labels only, as scikit-learn's semi-supervised estimators take
            them): the GAN trains on it as a class of its own, it is not
            counted by ``sampling_strategy``, never generated, and returned
            unchanged among the originals.

        Returns
        -------
        X_resampled : same container as X, shape (n_samples_new, n_features)
            Every original row first, unchanged, then the synthetic rows. A
            DataFrame keeps its index; new rows continue it.
        y_resampled : same container as y, shape (n_samples_new,)
            Labels of ``X_resampled``.

        Notes
        -----
        When ``sampling_strategy`` asks for no new sample (every class is
        already at its target count, as in a balanced cross-validation fold),
        the originals come back unchanged and no GAN is trained.
        """
        # imbalanced-learn's template: the bookkeeping here, the algorithm in
        # _fit_resample. Done by hand (not BaseSampler.fit_resample) because
        # imblearn's ArraysTransformer drops the DataFrame index and mixed dtypes.
        y_in = y
        with self._all_or_nothing():
            data, y, binarize_y = self._check_inputs(X, y)
            self.sampling_strategy_ = check_sampling_strategy(
                self.sampling_strategy, self._labelled(y), self._sampling_type
            )
            X_res, y_res = self._fit_resample(data, y)
        return X_res, self._target_like(y_in, y_res, binarize_y, X_res)

    def _fit_resample(self, X: Any, y: np.ndarray) -> tuple[Any, np.ndarray]:
        """Train one GAN conditioned on the label and generate every class's quota in one call.

        ``X`` is the checked data of :meth:`_check_inputs`; returns the
        resampled ``X`` in the input's container (originals first,
        unchanged) and the resampled labels as an array.
        """
        if not any(self.sampling_strategy_.values()):
            return self._nothing_to_add(X, y)
        self._fit_model(X, y, rebalancing=self._rebalancing_budget())
        class_index = {label: code for code, label in enumerate(self.classes_)}
        quotas = {
            label: (round(n * self.synthetic_fraction), n) for label, n in self.sampling_strategy_.items()
        }
        new_codes = np.concatenate(
            [np.full(k, class_index[label], dtype=np.int64) for label, (k, _) in quotas.items()]
            or [np.zeros(0, dtype=np.int64)]
        )
        X_new, acceptance, fidelity = self._generate(new_codes, self.seed_)
        self.filter_acceptance_ = {_python(self.classes_[k]): rate for k, rate in acceptance.items()}
        self.class_fidelity_ = {_python(self.classes_[k]): rate for k, rate in fidelity.items()}
        # the rest of each quota: real rows, drawn as RandomOverSampler does
        pick = np.random.default_rng(self.seed_)
        copies = np.concatenate(
            [pick.choice(np.flatnonzero(y == label), n - k) for label, (k, n) in quotas.items() if n > k]
            or [np.zeros(0, dtype=np.int64)]
        ).astype(np.int64)
        y_new = np.concatenate([self.classes_[new_codes], y[copies]])
        self.n_synthetic_ = len(new_codes)
        return X.join(X_new, X.take(copies)), (np.concatenate([y, y_new]) if len(y_new) else y)

    def _nothing_to_add(self, X: Any, y: np.ndarray) -> tuple[Any, np.ndarray]:
        """The originals, unchanged, when ``sampling_strategy_`` asks for no sample: no GAN is trained.

        A balanced cross-validation fold costs nothing. The settings are
        still checked, as a fit checks them (the data only as far as
        :meth:`_check_inputs` goes: nothing is encoded). The model of an
        earlier fit is dropped (it knew other data); :meth:`sample` then
        says to call :meth:`fit`.
        """
        self._synthesizer()
        for name in (
            "model_",
            "encoder_",
            "dependencies_",
            "batch_size_",
            "pac_",
            "seed_",
            "device_",
            "class_filter_",
        ):
            self.__dict__.pop(name, None)
        self.history_, self.n_iter_, self.n_synthetic_ = [], 0, 0
        self.filter_acceptance_, self.class_fidelity_ = {}, {}
        return X.join(X.take(np.zeros(0, dtype=np.int64))), y

    def _target_like(self, y_in: Any, y_all: np.ndarray, binarize_y: bool, X_res: Any) -> Any:
        """Resampled labels in the container ``y`` came in (indicator matrix, Series, list, array)."""
        if binarize_y:
            y_res: Any = label_binarize(y_all, classes=self.classes_)
        elif isinstance(y_in, pd.Series):
            y_res = pd.Series(y_all, name=y_in.name, dtype=y_in.dtype)
        elif isinstance(y_in, pd.DataFrame):
            y_res = pd.DataFrame(y_all, columns=y_in.columns).astype(y_in.dtypes.to_dict())
        elif isinstance(y_in, list):
            y_res = y_all.tolist()
        else:
            y_res = y_all.astype(np.asarray(y_in).dtype, copy=False)
        if isinstance(y_res, pd.Series | pd.DataFrame) and isinstance(X_res, pd.DataFrame):
            y_res.index = X_res.index
        return y_res

    def sample(
        self, n_samples: int, y: Any = None, random_state: Any = None, *, conditions: Any = None
    ) -> tuple[Any, Any]:
        """Draw synthetic rows from the fitted model.

        Parameters
        ----------
        n_samples : int
            Number of rows, at least 1.
        y : label, array-like of shape (n_samples,) or None, default=None
            A single class label (all rows of that class), one label per row,
            or ``None`` to follow the training class frequencies (with
            ``conditions``: the class frequencies among the training rows
            that meet them). Must be ``None`` after an unsupervised ``fit(X)``.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws. ``None`` uses the estimator's ``random_state``:
            with an int there, every call returns the same rows (as
            ``GaussianMixture.sample`` does), so draw batches with different
            seeds here (or a ``RandomState``) to get different rows.
        conditions : dict, DataFrame or None, default=None
            Tables only. A dict maps a column (its name, or its position for
            arrays) to a value, or to a range ``(low, high)`` for a numeric
            column; a DataFrame gives one value per row and column
            (``n_samples`` rows). A value of a categorical column is exact by
            construction: the generator is conditioned on it (as in training)
            and no row is rejected. A column derived from an exact dependency
            (``dependencies_``) conditions its determinant. A range is met by
            rejection, within a budget; a ``ValueError`` says how many rows
            were found when it runs out. Unknown columns, values never seen
            in training and values the asked class never took raise a
            ``ValueError``.

        Returns
        -------
        X : same container as the training X, shape (n_samples, n_features)
            Synthetic rows.
        y : ndarray of shape (n_samples,) or None
            Their labels (``None`` for an unsupervised model).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from ganaug import GANAugmenter
        >>> rng = np.random.default_rng(0)
        >>> X = pd.DataFrame({"sex": rng.choice(["F", "M"], 200), "age": rng.integers(18, 80, 200)})
        >>> aug = GANAugmenter(max_steps=20, random_state=0).fit(X)
        >>> rows, _ = aug.sample(50, conditions={"sex": "F", "age": (18, 79)})
        >>> rows["sex"].unique().tolist(), bool(rows["age"].between(18, 79).all())
        (['F'], True)
        """
        if not hasattr(self, "model_") and hasattr(self, "sampling_strategy_"):
            raise NotFittedError(
                f"This {type(self).__name__} trained no GAN: its fit_resample had no class to over-sample "
                f"(sampling_strategy_={self.sampling_strategy_}). Call fit(X, y) to train one for sample()."
            )
        check_is_fitted(self, "model_")
        if not isinstance(n_samples, Integral) or isinstance(n_samples, bool) or n_samples <= 0:
            raise ValueError(f"n_samples={n_samples!r} must be a positive int.")
        seeds = Seeds.from_random_state(self.random_state if random_state is None else random_state)
        seed = seeds.seed("generate")
        if self.classes_ is None and y is not None:
            raise ValueError("This GANAugmenter was fitted without y; sample(n_samples) takes no y.")
        if conditions is not None:
            return self._sample_conditioned(n_samples, y, conditions, seeds)
        if self.classes_ is None:
            return self.model_.generate(np.zeros(n_samples, dtype=np.int64), seed), None
        if y is None:
            codes = seeds.rng("classes").choice(
                len(self.classes_), size=n_samples, p=self.class_counts_ / self.class_counts_.sum()
            )
        else:
            codes = self._label_codes(y, n_samples)
        return self._generate(codes, seed)[0], self.classes_[codes]

    def _label_codes(self, y: Any, n_samples: int) -> np.ndarray:
        """Class codes of ``y`` (one label or ``n_samples`` labels), refusing unknown labels."""
        labels = np.asarray(y)
        labels = np.full(n_samples, labels[()], dtype=labels.dtype) if labels.ndim == 0 else labels
        if labels.shape != (n_samples,):
            raise ValueError(f"y must be one label or {n_samples} labels; got shape {labels.shape}.")
        codes = pd.Index(self.classes_).get_indexer(labels)
        unknown = codes < 0
        if unknown.any():
            marked = any(_is_minus_one(v) for v in labels[unknown].tolist())
            raise ValueError(
                f"Unknown label(s) {pd.unique(labels[unknown])[:5].tolist()}; "
                f"the classes seen at fit are {self.classes_.tolist()}."
                + (" -1 marks rows without a label, which are never generated." if marked else "")
            )
        return codes

    def _sample_conditioned(self, n_samples: int, y: Any, conditions: Any, seeds: Seeds) -> tuple[Any, Any]:
        """``sample`` with ``conditions`` (see ``ganaug/tabular/_conditions.py``)."""
        model = self.model_
        if not hasattr(model, "decode_frame"):
            raise ValueError(
                'conditions are for tables fitted with engine="ganaug" (not for images or engine="ctgan").'
            )
        supervised = self.classes_ is not None
        codes = self._label_codes(y, n_samples) if supervised and y is not None else None
        counts = self.class_counts_ if supervised else np.ones(1)
        if supervised and getattr(self, "n_unlabelled_", 0):
            counts = np.append(counts, 0)  # the class of the unlabelled rows is never drawn
        planned = plan_conditions(
            model, conditions, n_samples, codes, counts, seeds.rng("conditions"), self.classes_
        )
        sampler = self._sampler()

        def draw(classes: np.ndarray, fixed: np.ndarray, seed: int) -> np.ndarray:
            return sampler.generate_encoded(classes, seed, fixed)

        frame = sample_planned(model, planned, draw, seeds.seed("generate"))
        frame.index = pd.RangeIndex(n_samples)
        X = model.wrap(frame)
        return X, (self.classes_[planned.classes] if supervised else None)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.non_deterministic = False
        return tags


def _python(value: Any) -> Any:
    """A numpy scalar as the Python value (labels as dictionary keys print plainly)."""
    return value.item() if isinstance(value, np.generic) else value


def unlabelled_rows(y: Any) -> np.ndarray | None:
    """Which rows of ``y`` are marked -1, scikit-learn's mark of a row without a label (None: none are).

    Only numeric labels can carry the mark (as in ``SelfTrainingClassifier``
    and ``LabelSpreading``); a ``y`` that mixes -1 with strings, and one in
    which every label is -1, raise a ``ValueError``.
    """
    values = np.asarray(y)
    if values.ndim != 1:
        return None
    if values.dtype.kind in "iuf":
        mask = values == -1
    elif values.dtype.kind == "O":
        mask = np.fromiter(map(_is_minus_one, values.tolist()), dtype=bool, count=len(values))
        if mask.any() and any(isinstance(v, str) for v in values.tolist()):
            raise ValueError(
                "y mixes -1, the mark of a row without a label, with string labels. Encode the labels as "
                "integers (sklearn.preprocessing.LabelEncoder on the labelled rows) and mark the unlabelled "
                "rows with -1, or drop them."
            )
    else:
        return None
    if not mask.any():
        return None
    if mask.all():
        raise ValueError(
            "Every label in y is -1 (no row has a label). Give at least 2 classes labelled rows, or call "
            "fit(X) without y to train an unconditional model."
        )
    return mask


def _is_minus_one(value: Any) -> bool:
    """Whether a label is the number -1 (not True, not the string "-1")."""
    return isinstance(value, Real) and not isinstance(value, bool) and value == -1
