"""GANAugmenter: an imbalanced-learn over-sampler backed by a conditional GAN."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from sklearn.base import _fit_context
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_consistent_length, check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ganaug._base import GAN_PARAMETER_CONSTRAINTS, check_layer_sizes, check_table, training_config
from ganaug._ctgan_engine import CTGANModel
from ganaug._device import resolve_device
from ganaug._model import TabularGAN
from ganaug.encoding import TabularEncoder
from ganaug.encoding._container import Container

_SEED_MAX = 2**31 - 1


class GANAugmenter(BaseOverSampler):
    """Over-sample classes, or synthesise tables, with a conditional tabular GAN.

    ``fit_resample(X, y)`` trains one GAN conditioned on the class label and
    returns every original row, unchanged and first, followed by synthetic
    rows of the classes that ``sampling_strategy`` asks for, in the input's
    container (DataFrame in, DataFrame out). The label is an input of the
    generator, so a row generated for class ``k`` *is* class ``k``; nothing is
    filtered. ``fit(X)`` without a target trains an unconditional model, and
    :meth:`sample` draws new rows from either.

    The model is CTGAN's (mode-specific normalisation, residual generator,
    PacGAN critic, WGAN-GP, training-by-sampling), with a vectorised encoder
    and a training loop that keeps the data and every random draw on the
    device.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default='auto'
        Which classes to over-sample and to what count, exactly as in
        imbalanced-learn's over-samplers (``SMOTE``, ``RandomOverSampler``):
        a float (binary only: minority/majority ratio after resampling),
        ``'minority'``, ``'not minority'``, ``'not majority'``, ``'all'``,
        ``'auto'`` (= ``'not majority'``), a dict ``{class: n_samples}`` or a
        callable ``y -> dict``.
    categorical_features : "auto", None, array-like of str or int, or bool mask, default="auto"
        Categorical columns. ``"auto"``: object, string, ``category`` and bool
        columns (and non-numeric columns of a numpy object array).
    epochs : int, default=300
        Passes over the training table.
    batch_size : int, default=500
        Rows per step; a multiple of ``pac``. Tables smaller than one batch
        train on all their rows at each step.
    pac : int, default=10
        Rows the critic sees together (PacGAN).
    embedding_dim : int, default=128
        Size of the generator's noise input.
    generator_dim : tuple of int, default=(256, 256)
        Widths of the generator's residual blocks.
    discriminator_dim : tuple of int, default=(256, 256)
        Widths of the critic's hidden layers.
    generator_lr, discriminator_lr : float, default=2e-4
        Adam learning rates.
    discriminator_steps : int, default=1
        Critic updates per generator update.
    device : str or torch.device, default="auto"
        ``"auto"`` picks CUDA when available, else the CPU.
    precision : {"float32", "bfloat16"}, default="float32"
        ``"bfloat16"`` trains under bf16 autocast (useful on recent GPUs).
    random_state : int, RandomState instance or None, default=None
        Seeds the encoder, weight initialisation and every random draw.
    verbose : bool or int, default=False
        Show a progress bar with the losses during training.
    engine : {"ganaug", "ctgan"}, default="ganaug"
        ``"ctgan"`` trains ``ctgan.CTGAN`` (optional dependency) with the same
        parameters, for comparison; its rows of a class are obtained by
        rejection sampling.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to generate for each class, set by ``fit_resample``
        (and by ``fit`` with a target).
    classes_ : ndarray of shape (n_classes,)
        Class labels seen at fit (``None`` after an unsupervised fit).
    class_counts_ : ndarray of shape (n_classes,)
        Rows of each class at fit.
    encoder_ : TabularEncoder
        Fitted encoder of the feature table.
    model_ : object
        The trained generator with its output heads and condition sampler.
    history_ : list of dict
        Per-epoch losses (``loss_d``, ``loss_g``, ``loss_cond``) and seconds;
        empty for ``engine="ctgan"``.
    device_ : torch.device
        Device the model was trained on.
    batch_size_, pac_ : int
        Batch size and PacGAN group actually used (adapted to small tables).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` had string column names.

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
    }

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        categorical_features: Any = "auto",
        epochs: int = 300,
        batch_size: int = 500,
        pac: int = 10,
        embedding_dim: int = 128,
        generator_dim: Any = (256, 256),
        discriminator_dim: Any = (256, 256),
        generator_lr: float = 2e-4,
        discriminator_lr: float = 2e-4,
        discriminator_steps: int = 1,
        device: Any = "auto",
        precision: str = "float32",
        random_state: Any = None,
        verbose: Any = False,
        engine: str = "ganaug",
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.categorical_features = categorical_features
        self.epochs = epochs
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
        self.random_state = random_state
        self.verbose = verbose
        self.engine = engine

    # ------------------------------------------------------------- helpers
    def _check_target(self, y: Any) -> tuple[np.ndarray, bool]:
        check_classification_targets(y)
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        y = np.asarray(y)
        if len(np.unique(y)) < 2:
            raise ValueError(
                f"y has one class only ({np.unique(y).tolist()}); over-sampling needs at least 2 classes."
            )
        return y, binarize_y

    def _check_classes(self, y: np.ndarray) -> np.ndarray:
        """Learn ``classes_`` and return class codes; reject classes too small to learn."""
        self.classes_, codes, self.class_counts_ = np.unique(y, return_inverse=True, return_counts=True)
        small = self.class_counts_ < 2
        if small.any():
            label = self.classes_[np.argmax(small)].tolist()
            raise ValueError(
                f"class {label!r} has {int(self.class_counts_[np.argmax(small)])} row; "
                "at least 2 are needed to learn a class."
            )
        return codes

    def _fit_model(self, X: Any, codes: np.ndarray | None) -> pd.DataFrame:
        """Encode X and train the GAN; returns X as a DataFrame."""
        check_table(X)
        validate_data(self, X, skip_check_array=True, reset=True)
        generator_dim = check_layer_sizes("generator_dim", self.generator_dim)
        discriminator_dim = check_layer_sizes("discriminator_dim", self.discriminator_dim)
        rng = check_random_state(self.random_state)
        self.device_ = resolve_device(self.device)
        frame, _ = Container.of(X)
        self.encoder_ = TabularEncoder(self.categorical_features, random_state=rng.randint(_SEED_MAX))
        self.encoder_.fit(frame if isinstance(X, pd.DataFrame) else X)
        config = training_config(self, len(frame))
        self.batch_size_, self.pac_ = config.batch_size, config.pac
        seed = rng.randint(_SEED_MAX)
        if self.engine == "ctgan":
            categorical = self.encoder_.categorical_mask_
            self.model_ = CTGANModel.train(
                frame,
                categorical,
                codes,
                config,
                generator_dim,
                discriminator_dim,
                self.device_.type == "cuda",
                seed,
                bool(self.verbose),
            )
            self.history_ = []
        else:
            encoded = self.encoder_.transform(frame)
            supervised = codes is not None
            class_codes = codes if supervised else np.zeros(len(frame), dtype=np.int64)
            self.model_, self.history_ = TabularGAN.train(
                encoded,
                self.encoder_.layout_,
                class_codes,
                len(self.classes_) if supervised else 1,
                supervised,
                config,
                generator_dim,
                discriminator_dim,
                self.device_,
                seed,
                verbose=bool(self.verbose),
            )
        self._generation_seed = rng.randint(_SEED_MAX)
        return frame

    def _generate(self, codes: np.ndarray, seed: int) -> Any:
        """Rows for the given class codes, in the fit container."""
        if self.engine == "ctgan":
            return self.encoder_.container_.wrap(self.model_.generate(codes, seed))
        return self.encoder_.inverse_transform(self.model_.generate(codes, seed))

    # ---------------------------------------------------------- public API
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> GANAugmenter:
        """Train the GAN on ``X``, conditioned on ``y`` when given.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Training table; may hold missing values, which are modelled.
        y : array-like of shape (n_samples,), default=None
            Class labels. Without them the model is unconditional.

        Returns
        -------
        self : GANAugmenter
            The fitted estimator.
        """
        if y is None:
            self.classes_ = self.class_counts_ = None
            self._fit_model(X, None)
            return self
        check_table(X)
        y, _ = self._check_target(y)
        check_consistent_length(X, y)
        codes = self._check_classes(y)
        self.sampling_strategy_ = check_sampling_strategy(self.sampling_strategy, y, self._sampling_type)
        self._fit_model(X, codes)
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
            Class labels.

        Returns
        -------
        X_resampled : same container as X, shape (n_samples_new, n_features)
            Every original row first, unchanged, then the synthetic rows. A
            DataFrame keeps its index; new rows continue it.
        y_resampled : same container as y, shape (n_samples_new,)
            Labels of ``X_resampled``.
        """
        y_in = y
        check_table(X)
        y, binarize_y = self._check_target(y)
        check_consistent_length(X, y)
        codes = self._check_classes(y)
        self.sampling_strategy_ = check_sampling_strategy(self.sampling_strategy, y, self._sampling_type)
        self._fit_model(X, codes)
        return self._resample_output(X, y_in, y, binarize_y)

    def _fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        # imbalanced-learn's template method; fit_resample above does the
        # bookkeeping itself so that DataFrames keep their dtypes and index.
        return self.fit_resample(X, y)

    def _resample_output(self, X: Any, y_in: Any, y: np.ndarray, binarize_y: bool) -> tuple[Any, Any]:
        class_index = {label: code for code, label in enumerate(self.classes_)}
        new_codes = np.concatenate(
            [np.full(n, class_index[label], dtype=np.int64) for label, n in self.sampling_strategy_.items()]
            or [np.zeros(0, dtype=np.int64)]
        )
        X_new = self._generate(new_codes, self._generation_seed)
        y_new = self.classes_[new_codes]
        y_all = np.concatenate([y, y_new]) if len(y_new) else y
        if isinstance(X, pd.DataFrame):
            start = X.index.max() + 1 if pd.api.types.is_integer_dtype(X.index) and len(X) else len(X)
            X_new.index = pd.RangeIndex(start, start + len(X_new))
            X_res = pd.concat([X, X_new]) if len(X_new) else X.copy()
        elif isinstance(X, list):
            X_res = list(X) + X_new
        else:
            X = np.asarray(X)
            X_res = np.concatenate([X, np.asarray(X_new, dtype=X.dtype)]) if len(X_new) else X.copy()
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
        return X_res, y_res

    def sample(self, n_samples: int, y: Any = None) -> tuple[Any, Any]:
        """Draw synthetic rows from the fitted model.

        Parameters
        ----------
        n_samples : int
            Number of rows, at least 1.
        y : label, array-like of shape (n_samples,) or None, default=None
            A single class label (all rows of that class), one label per row,
            or ``None`` to follow the training class frequencies. Must be
            ``None`` after an unsupervised ``fit(X)``.

        Returns
        -------
        X : same container as the training X, shape (n_samples, n_features)
            Synthetic rows.
        y : ndarray of shape (n_samples,) or None
            Their labels (``None`` for an unsupervised model).
        """
        check_is_fitted(self, "model_")
        if not isinstance(n_samples, Integral) or isinstance(n_samples, bool) or n_samples <= 0:
            raise ValueError(f"n_samples={n_samples!r} must be a positive int.")
        rng = check_random_state(self.random_state)
        seed = rng.randint(_SEED_MAX)
        if self.classes_ is None:
            if y is not None:
                raise ValueError("This GANAugmenter was fitted without y; sample(n_samples) takes no y.")
            return self._generate(np.zeros(n_samples, dtype=np.int64), seed), None
        if y is None:
            codes = rng.choice(
                len(self.classes_), size=n_samples, p=self.class_counts_ / self.class_counts_.sum()
            )
        else:
            labels = np.asarray(y)
            labels = np.full(n_samples, labels[()], dtype=labels.dtype) if labels.ndim == 0 else labels
            if labels.shape != (n_samples,):
                raise ValueError(f"y must be one label or {n_samples} labels; got shape {labels.shape}.")
            codes = pd.Index(self.classes_).get_indexer(labels)
            unknown = codes < 0
            if unknown.any():
                raise ValueError(
                    f"Unknown label(s) {pd.unique(labels[unknown])[:5].tolist()}; "
                    f"the classes seen at fit are {self.classes_.tolist()}."
                )
        return self._generate(codes, seed), self.classes_[codes]

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        model = state.get("model_")
        if isinstance(model, TabularGAN):
            self.device_ = model.device  # may have fallen back to the CPU

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.non_deterministic = False
        return tags
