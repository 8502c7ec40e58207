"""
Multiple imputation
===================

By default :class:`~ganaug.GANImputer` fills each missing entry with its
best guess. With ``sample_posterior=True``, each ``transform`` draws one
plausible completion from the learned conditional distribution instead,
and a different ``random_state`` gives a different draw: *multiple
imputation*. Analyses run on each completed table and pooled with Rubin's
rules carry the uncertainty that a single imputation hides.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes

from ganaug import GANImputer

X = load_diabetes(as_frame=True, scaled=False).data
rng = np.random.default_rng(0)
X_missing = X.mask(rng.random(X.shape) < 0.3)  # 30% of the entries, at random

imputer = GANImputer(sample_posterior=True, epochs=150, random_state=0).fit(X_missing)

# %%
# Five completions
# ----------------
# The model is trained once; only the draw changes with ``random_state``.
completions = [imputer.set_params(random_state=m).transform(X_missing) for m in range(5)]
rows = np.flatnonzero(X_missing["bmi"].isna())[:12]
draws = np.stack([c["bmi"].to_numpy()[rows] for c in completions])
print(draws.round(1))

# %%
# Pooling an estimate with Rubin's rules
# --------------------------------------
# The mean BMI, its within-imputation variance (the squared standard error
# of each completed table's mean) and its between-imputation variance.
means = np.array([c["bmi"].mean() for c in completions])
within = np.mean([c["bmi"].var() / len(c) for c in completions])
between = means.var(ddof=1)
total = within + (1 + 1 / len(completions)) * between
print(f"pooled mean BMI {means.mean():.2f} ± {np.sqrt(total):.2f} (true: {X['bmi'].mean():.2f})")

# %%
# The draws beside the truth
# --------------------------
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
ax = axes[0]
for m, d in enumerate(draws):
    ax.scatter(
        np.arange(len(rows)) + (m - 2) * 0.08,
        d,
        s=14,
        color="C0",
        alpha=0.6,
        label="draws (5 random_state values)" if m == 0 else None,
    )
ax.scatter(np.arange(len(rows)), X["bmi"].to_numpy()[rows], marker="x", color="C3", label="true value")
ax.set_xlabel("missing bmi entry")
ax.set_ylabel("bmi")
ax.set_title("sample_posterior=True: one draw per random_state")
ax.legend(fontsize=8)
ax = axes[1]
hidden = X_missing["bmi"].isna().to_numpy()
edges = np.histogram_bin_edges(X["bmi"], bins=25)
ax.hist(X["bmi"][hidden], bins=edges, density=True, alpha=0.5, label="true hidden values")
ax.hist(
    np.concatenate([c["bmi"][hidden] for c in completions]),
    bins=edges,
    density=True,
    alpha=0.5,
    label="imputed (5 draws)",
)
ax.set_title("distribution of the hidden bmi values")
ax.legend(fontsize=8)
fig.tight_layout()
