"""scikit-learn's and imbalanced-learn's estimator checks on both estimators (tiny epochs)."""

from imblearn.utils.estimator_checks import parametrize_with_checks as imblearn_checks
from sklearn.utils.estimator_checks import parametrize_with_checks as sklearn_checks

from ganaug import GANAugmenter, GANImputer

_SINGLETON = (
    "the check's y has a class with a single row; GANAugmenter refuses to learn a class "
    "from one row (a GAN cannot learn a distribution from one point, and SMOTE refuses too)"
)
SKLEARN_EXPECTED_FAILED = {
    "check_dont_overwrite_parameters": _SINGLETON,
    "check_methods_sample_order_invariance": _SINGLETON,
    "check_methods_subset_invariance": _SINGLETON,
    "check_dict_unchanged": _SINGLETON,
    "check_fit2d_predict1d": _SINGLETON,
    "check_f_contiguous_array_estimator": _SINGLETON,
}


def _augmenter() -> GANAugmenter:
    return GANAugmenter(epochs=1, batch_size=100, random_state=0)


@imblearn_checks([_augmenter()])
def test_imblearn_compatible(estimator, check):
    check(estimator)


@sklearn_checks([_augmenter()], expected_failed_checks=lambda est: SKLEARN_EXPECTED_FAILED)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@sklearn_checks([GANImputer(epochs=2, random_state=0)])
def test_imputer_sklearn_compatible(estimator, check):
    check(estimator)
