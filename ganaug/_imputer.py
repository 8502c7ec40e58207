"""GANImputer: a scikit-learn imputer backed by a GAIN-style adversarial network."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, MissingValues, StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

from ganaug._base import GAN_PARAMETER_CONSTRAINTS, FittedModelMixin, imputation_config
from ganaug._docstrings import substitute
from ganaug._modality import for_input
from ganaug.core import Seeds, resolve_device, steps_trained


@substitute
class GANImputer(FittedModelMixin, TransformerMixin, BaseEstimator):
    """Impute missing values with a generative adversarial network (GAIN, extended).

    ``fit`` learns from the observed entries only; ``transform`` only infers,
    so new rows with any missingness pattern are imputed without retraining.
    Observed values are never changed, bit for bit: only missing entries are
    filled. Numeric and categorical columns (object, string, ``category``,
    bool) are both imputed: numbers through a standardised linear head,
    categories through a softmax head, so imputed categories are training
    categories and imputed numbers stay within the training range (integers
    stay integers). DataFrame in, DataFrame out (same columns, index, dtypes).

    The method starts from GAIN [1]_: the generator sees each row with noise
    where values are missing plus the mask, the discriminator sees the
    completed row plus a hint and guesses which entries were observed. On top
    of it, each training step hides a further ``drop_rate`` of the observed
    entries, and the generator is also graded by a reconstruction loss on
    them (squared error / cross-entropy), which is the imputation error
    itself.

    Parameters
    ----------
    missing_values : int, float, str, np.nan or None, default=np.nan
        The placeholder for missing values; ``pd.NA`` and ``None`` also count
        as missing in object columns.
    categorical_features : "auto", None, array-like of str or int, or bool mask, default="auto"
        Categorical columns; ``"auto"`` uses dtypes (object, string,
        ``category``, bool).
    %(max_categories)s
    add_indicator : bool, default=False
        Append the :class:`~sklearn.impute.MissingIndicator` columns of the
        features that had missing values at fit.
    handle_unknown : {"keep", "error"}, default="keep"
        What ``transform`` does with a category never seen at fit (it is an
        observed value, so it is never changed): ``"keep"`` leaves it in the
        output and hides it from the network, which then imputes that row's
        other missing entries without it; ``"error"`` raises a ValueError
        naming it.
    keep_empty_features : bool, default=False
        Keep features with no observed value at fit (numeric ones filled with
        0, others left missing) instead of dropping them, as scikit-learn's
        imputers do.
    sample_posterior : bool, default=False
        ``False``: the deterministic best guess (tables: no input noise, most
        likely category; images: the mean of 8 completions drawn with the
        fitted seed, which filled large holes with a lower error than the
        noise-free guess). ``True``: one random draw per call from the learned
        conditional distribution; different ``random_state`` values give
        different plausible completions (multiple imputation).
    refine : bool, default=True
        Tables only. After training, fit one ExtraTrees regressor (10 trees)
        per numeric column on the rows the GAN completes, predicting the
        column from the others, and fill each missing numeric entry with the
        average of the GAN's value and the trees' (one MissForest sweep
        started from the GAN's fill; categorical entries keep the GAN's
        category). On the benchmark tables the average had a lower RMSE than
        the GAN alone, ``KNNImputer`` and ``IterativeImputer`` with
        ExtraTrees (``benchmarks/results/impute_cpu.md``), for a few seconds
        more per fit. Each column's trees learn from at most
        ``200,000 / n_numeric_columns`` rows (500 to 5,000), which bounds the
        fitted model's size. ``False``: the GAN's fill alone.
    epochs : int or "auto", default="auto"
        Passes over the rows. ``"auto"`` follows the data: tables train
        ``0.002 x rows x numeric columns²`` generator steps, within [150,
        3,000] steps (at least 600 for tables under 20 encoded values, which
        get the small generator) and [10, 2,000] epochs (150 steps for 1,000
        Adult rows, 780 for 10,000, about 1,000 for breast cancer, 3,000 for
        digits, 600 for wine);
        images train 3,000 steps within [10, 2,000] epochs. Early stopping may
        end sooner. On Adult this is faster than the ExtraTrees
        ``IterativeImputer`` at 1,000-20,000 rows with a lower RMSE; tables
        with many related numeric columns get the long fits they need to beat
        it (``benchmarks/results/impute_steps_grid_cpu.md`` has the grid the
        rule was read from, ``impute_auto_steps_cpu.md`` the rule against the
        previous fixed 3,000 steps).
    max_steps : int or None, default=None
        Training length in generator steps; overrides ``epochs`` when given.
    batch_size : int, default=128
        Rows per step (GAIN's default); smaller tables use all their rows.
    hint_rate : float, default=0.9
        Probability that the hint reveals an entry's mask to the discriminator.
    alpha : float, default=100.0
        Weight of the reconstruction loss against the adversarial loss (GAIN's
        reference value; 10 gave clearly worse RMSE on wine and diabetes).
    drop_rate : float, default=0.2
        Share of observed entries hidden from the generator at each step.
    generator_dim : tuple of int or "auto", default="auto"
        Hidden layer widths of the generator. ``"auto"``: ``(512, 512, 512)``
        when the encoded table is at least 20 values wide (a numeric column
        counts one, a categorical one its number of categories),
        ``(256, 256)`` for narrower tables: the wider, deeper generator
        imputed the wide tables of the benchmarks (digits, Adult, breast
        cancer) better and the narrow ones (diabetes, wine) worse, at about
        twice the fit time (``benchmarks/results/impute_cpu.md``).
    discriminator_dim : tuple of int, default=(256, 256)
        Hidden layer widths of the hint discriminator.
    learning_rate : float, default=1e-3
        Adam learning rate of both networks.
    %(device)s
    precision : {"float32", "bfloat16"}, default="float32"
        ``"bfloat16"`` trains and imputes under bf16 autocast (losses and
        output heads in float32): faster on recent GPUs and on CPUs with bf16
        matrix units (AVX-512 BF16, AMX). Observed values are kept exactly
        either way.
    %(compile)s
    random_state : int, RandomState instance or None, default=None
        Seeds training and, with ``sample_posterior=True``, the draws.
    %(verbose)s
    early_stopping : "auto" or bool, default=False
        Hide ``validation_fraction`` of the observed entries (at most 2,500,
        in at most 10,000 rows) from training, and stop when the generator's
        error on them has not improved by ``tol`` in ``n_iter_no_change``
        logging intervals; the best generator is kept. The entries are hidden
        within the training rows because completing those rows is what
        ``transform`` is asked to do (a score on whole held-out rows rose
        while the training rows' holes were still being filled better).
        ``"auto"``: on for tables of at least 1,000 rows. Off by default:
        measured against the fixed 3,000 steps that ``epochs="auto"`` then
        trained, on Adult at 1,000 and 2,000 rows it stopped after 855 and
        1,425 steps (means of 2 seeds) with an RMSE 0.001-0.002 higher; on breast
        cancer, digits and wine it cost 0.004-0.008 RMSE, on diabetes it
        gained 0.003 (``benchmarks/results/impute_stopping_cpu.md``).
    validation_fraction : float, default=0.1
        Share of the observed entries hidden from training when early
        stopping.
    n_iter_no_change : int, default=10
        Patience of early stopping, in logging intervals (at most 100 per fit).
    tol : float, default=1e-4
        Minimum improvement of the validation error.
    image_shape : tuple of int or None, default=None
        ``(H, W)``, ``(C, H, W)`` or ``(H, W, C)`` (see ``channels``): ``X``
        holds flattened images, one per row; missing pixels (NaN) are
        inpainted by a convolutional network (a U-Net trained GAIN-style on
        hidden random pixels and blocks) and the output is flattened back.
        Arrays of shape ``(n, H, W)``, ``(n, C, H, W)`` and ``(n, H, W, C)``
        are taken as images without it. For images, ``add_indicator`` and
        ``early_stopping`` are refused and ``keep_empty_features`` and
        ``handle_unknown`` do not apply: every pixel is filled, from its
        neighbourhood, even one never observed at fit. The convolutional
        route is built for images of MNIST's size and larger; for tiny
        images, pass the flattened rows without ``image_shape``: on
        scikit-learn's 8x8 digits the table route (with its tree refinement)
        had a lower RMSE than ``KNNImputer`` and ExtraTrees'
        ``IterativeImputer``, and this route a higher one than both
        (``benchmarks/results/impute_cpu.md``).
    channels : {"auto", "first", "last"}, default="auto"
        Where a 4-D array (or ``image_shape``) keeps its channels (see
        ``GANAugmenter``).

    Attributes
    ----------
    %(encoder_)s
    model_ : TabularImputation or ImageImputation
        The fitted imputation model: the encoder and the trained generator
        (for tables also its output heads, the indicator and the empty
        features).
    %(modality_)s
    history_ : list of dict
        Losses (``loss_d``, ``loss_g``, ``loss_rec``) averaged over each
        logging interval, with ``step``, ``epoch`` and ``seconds``.
    indicator_ : MissingIndicator or None
        Fitted indicator when ``add_indicator=True``.
    empty_features_ : ndarray of bool, shape (``n_features_in_``,)
        Features with no observed value at fit.
    %(device_)s
    seed_ : int
        Seed drawn from ``random_state`` at fit; the deterministic
        ``transform`` (``sample_posterior=False``) uses it.
    n_iter_ : int
        Generator steps trained.
    %(n_features_in_)s
    %(feature_names_in_)s

    See Also
    --------
    sklearn.impute.IterativeImputer : Round-robin regression imputation.
    sklearn.impute.KNNImputer : Nearest-neighbour imputation.

    Notes
    -----
    A category never seen at fit is an observed value the model cannot
    represent; it is kept as it is (or refused, see ``handle_unknown``), never
    altered. With an int ``random_state``, CPU fits are bit-identical.

    References
    ----------
    .. [1] J. Yoon, J. Jordon, M. van der Schaar, "GAIN: Missing Data
       Imputation using Generative Adversarial Nets", ICML 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug import GANImputer
    >>> X = np.array([[1.0, 2.0], [np.nan, 4.0], [5.0, np.nan], [7.0, 8.0]])
    >>> imputer = GANImputer(epochs=5, random_state=0).fit(X)
    >>> Xt = imputer.transform(X)
    >>> Xt.shape, bool(np.isnan(Xt).any())
    ((4, 2), False)
    >>> bool((Xt[[0, 3]] == X[[0, 3]]).all())
    True
    """

    _parameter_constraints: dict = {
        **{
            k: GAN_PARAMETER_CONSTRAINTS[k]
            for k in (
                "categorical_features",
                "max_categories",
                "discriminator_dim",
                "device",
                "precision",
                "compile",
                "random_state",
                "verbose",
                "epochs",
                "max_steps",
                "validation_fraction",
                "n_iter_no_change",
                "tol",
                "image_shape",
                "channels",
            )
        },
        # the imputer's own: no "auto" batch, an "auto" generator width and early stopping
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "generator_dim": ["array-like", StrOptions({"auto"})],
        "missing_values": [MissingValues()],
        "add_indicator": ["boolean"],
        "handle_unknown": [StrOptions({"keep", "error"})],
        "keep_empty_features": ["boolean"],
        "sample_posterior": ["boolean"],
        "refine": ["boolean"],
        "hint_rate": [Interval(Real, 0, 1, closed="both")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "drop_rate": [Interval(Real, 0, 1, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "early_stopping": [StrOptions({"auto"}), "boolean"],
    }

    def __init__(
        self,
        *,
        missing_values: Any = np.nan,
        categorical_features: Any = "auto",
        max_categories: int | None = 200,
        add_indicator: bool = False,
        handle_unknown: str = "keep",
        keep_empty_features: bool = False,
        sample_posterior: bool = False,
        refine: bool = True,
        epochs: Any = "auto",
        max_steps: int | None = None,
        batch_size: int = 128,
        hint_rate: float = 0.9,
        alpha: float = 100.0,
        drop_rate: float = 0.2,
        generator_dim: Any = "auto",
        discriminator_dim: Any = (256, 256),
        learning_rate: float = 1e-3,
        device: Any = "auto",
        precision: str = "float32",
        compile: bool | str = "auto",
        random_state: Any = None,
        verbose: Any = False,
        early_stopping: Any = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        image_shape: Any = None,
        channels: str = "auto",
    ) -> None:
        self.missing_values = missing_values
        self.categorical_features = categorical_features
        self.max_categories = max_categories
        self.add_indicator = add_indicator
        self.handle_unknown = handle_unknown
        self.keep_empty_features = keep_empty_features
        self.sample_posterior = sample_posterior
        self.refine = refine
        self.epochs = epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.hint_rate = hint_rate
        self.alpha = alpha
        self.drop_rate = drop_rate
        self.generator_dim = generator_dim
        self.discriminator_dim = discriminator_dim
        self.learning_rate = learning_rate
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

    # ------------------------------------------------------------- helpers
    def _check(self, X: Any, reset: bool) -> Any:
        """Check and convert ``X`` once (modality picked at fit), with placeholders turned into NaN."""
        if reset:
            self.modality_ = for_input(X, self.get_params())
        data = self.modality_.check(X)
        validate_data(self, self.modality_.features(data), skip_check_array=True, reset=reset)
        if not _is_nan(self.missing_values):
            data = self.modality_.mask_placeholder(data, self.missing_values)
        return data

    # ---------------------------------------------------------- public API
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> GANImputer:
        """Learn the columns and train the imputation network on the observed entries.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Data with missing values.
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : GANImputer
            The fitted imputer.
        """
        with self._all_or_nothing():
            data = self._check(X, reset=True)
            config = imputation_config(self)
            seeds = Seeds.from_random_state(self.random_state)
            self.device_ = resolve_device(self.device)
            self.model_ = self.modality_.imputation(config, self.get_params()).fit(data, self.device_, seeds)
            self.encoder_ = self.model_.encoder
            self.history_ = self.model_.history
            self.indicator_ = self.model_.indicator
            self.empty_features_ = self.model_.empty_features
            self.n_iter_ = steps_trained(self.history_)
            self.seed_ = seeds.seed("transform")
        return self

    def transform(self, X: Any) -> Any:
        """Fill the missing entries of ``X``; observed entries are returned unchanged.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Data with missing values, same columns as at fit.

        Returns
        -------
        X_imputed : same container as X, shape (n_samples, n_features_out)
            ``X`` with its missing entries filled (features empty at fit
            dropped unless ``keep_empty_features``), followed by indicator
            columns when ``add_indicator``.
        """
        check_is_fitted(self, "model_")
        data = self._check(X, reset=False)
        if self.sample_posterior:  # a fresh draw per call unless random_state is an int
            seed = Seeds.from_random_state(self.random_state).seed("posterior draw")
        else:
            seed = self.seed_
        return self.model_.transform(data, seed, self.sample_posterior)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns: kept input features, then indicator columns."""
        check_is_fitted(self, "model_")
        return self.model_.feature_names_out(_check_feature_names_in(self, input_features))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags


def _is_nan(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
