"""
Imputing a DataFrame in a pipeline
==================================

Remove 20% of the entries of the bundled Adult sample at random, then fit
two scikit-learn pipelines that differ only in their imputer:
:class:`~ganaug.GANImputer`, which fills numeric and categorical columns
and returns a DataFrame, and the usual :class:`~sklearn.impute.SimpleImputer`
pair (mean for numbers, most frequent for categories) inside the
:class:`~sklearn.compose.ColumnTransformer`. The imputer learns in ``fit``
only; ``transform`` on the test rows does not retrain.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ganaug import GANImputer
from ganaug.datasets import load_adult_sample

X, y = load_adult_sample()
X, y = X.iloc[:3000], y.iloc[:3000]
rng = np.random.default_rng(0)
X_missing = X.mask(rng.random(X.shape) < 0.2)  # 20% of the entries, completely at random
X_train, X_test, y_train, y_test = train_test_split(X_missing, y, test_size=0.3, random_state=0)
X_missing.head()

# %%
# Two pipelines
# -------------
# The ColumnTransformer picks columns by dtype, so the imputer in front of
# it must hand on a DataFrame with the original dtypes: GANImputer does (a
# DataFrame in gives a DataFrame out, integer columns stay integers).
numbers = make_column_selector(dtype_include="number")
categories = make_column_selector(dtype_exclude="number")


def encoder(numeric_imputer=None, categorical_imputer=None):
    steps_num = [s for s in (numeric_imputer, StandardScaler()) if s is not None]
    steps_cat = [s for s in (categorical_imputer, OneHotEncoder(handle_unknown="ignore")) if s is not None]
    return ColumnTransformer(
        [("num", make_pipeline(*steps_num), numbers), ("cat", make_pipeline(*steps_cat), categories)]
    )


gan = make_pipeline(
    GANImputer(epochs=40, random_state=0),  # ~650 steps; the default makes 3,000
    encoder(),
    LogisticRegression(max_iter=2000),
)
simple = make_pipeline(
    encoder(SimpleImputer(strategy="mean"), SimpleImputer(strategy="most_frequent")),
    LogisticRegression(max_iter=2000),
)
accuracy = {}
for name, pipe in {"GANImputer": gan, "SimpleImputer": simple}.items():
    accuracy[name] = pipe.fit(X_train, y_train).score(X_test, y_test)
    print(f"{name}: test accuracy {accuracy[name]:.3f}")

# %%
# The imputed values
# ------------------
# The fitted imputer is the pipeline's first step. Its output keeps every
# observed entry exactly; only the missing ones are filled.
imputer = gan[0]
filled = imputer.transform(X_test)
hidden = X_test["age"].isna().to_numpy()
truth = X.loc[X_test.index, "age"].to_numpy()
print(
    "observed entries unchanged:",
    bool((filled.where(X_test.notna()) == X_test).sum().sum() == X_test.notna().sum().sum()),
)

fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
axes[0].bar(list(accuracy), list(accuracy.values()), color=["C0", "C1"])
axes[0].set_ylim(0.7, 0.9)
axes[0].set_title("test accuracy, 20% of entries missing")
axes[1].scatter(truth[hidden], filled["age"].to_numpy()[hidden], s=8, alpha=0.5)
axes[1].plot([17, 90], [17, 90], color="gray", lw=1)
axes[1].set_xlabel("true age")
axes[1].set_ylabel("imputed age")
axes[1].set_title("age, hidden entries of the test rows")
hidden_c = X_test["relationship"].isna().to_numpy()
true_c = X.loc[X_test.index, "relationship"].to_numpy()[hidden_c]
share = (filled["relationship"].to_numpy()[hidden_c] == true_c).mean()
mode = X_train["relationship"].mode()[0]
axes[2].bar(["GANImputer", "most frequent"], [share, (true_c == mode).mean()], color=["C0", "C1"])
axes[2].set_ylim(0, 1)
axes[2].set_title("relationship: imputed category correct")
fig.tight_layout()
