"""
Real and synthetic marginals
============================

Train an unconditional :class:`~ganaug.GANAugmenter` on the bundled Adult
sample, draw as many synthetic rows as there are real ones, and compare the
two tables column by column with :func:`ganaug.plotting.plot_marginals`,
pair by pair with a scatter plot, and as a whole with the scores of
:mod:`ganaug.metrics`.
"""

# %%
import matplotlib.pyplot as plt

from ganaug import GANAugmenter
from ganaug.datasets import load_adult_sample
from ganaug.metrics import column_shapes, quality_score
from ganaug.plotting import plot_marginals

X, _ = load_adult_sample()
columns = [
    "age",
    "education-num",
    "hours-per-week",
    "capital-gain",
    "workclass",
    "marital-status",
    "relationship",
    "sex",
]
real = X[columns]

# %%
# ``fit(X)`` without a target trains an unconditional model; ``sample(n)``
# draws from it. 600 steps keep the example short (the default trains for
# at least 2,000).
augmenter = GANAugmenter(max_steps=600, random_state=0).fit(real)
synthetic, _ = augmenter.sample(len(real))
synthetic.head()

# %%
# One panel per column
# --------------------
# Numbers as overlaid histograms on the real data's bins, categories as the
# shares of the real data's most frequent ones. ``capital-gain`` is 0 in 92%
# of the rows: that value is its own mode and comes back exactly.
fig = plot_marginals(real, synthetic)

# %%
# Scores
# ------
# :func:`~ganaug.metrics.column_shapes` is 1 minus the Kolmogorov-Smirnov
# statistic (numbers) or the total variation distance (categories);
# :func:`~ganaug.metrics.quality_score` adds the pair trends, as SDMetrics'
# quality report does. 1 is a perfect match.
print(column_shapes(real, synthetic).round(3))
print({k: round(v, 3) for k, v in quality_score(real, synthetic).items()})

# %%
# A pair plot
# -----------
# Marginals can match while the joint distribution does not: age against
# years of education, and age against hours per week.
fig, axes = plt.subplots(2, 2, figsize=(8, 6), sharex="col", sharey="col")
pairs = [("age", "education-num"), ("age", "hours-per-week")]
for col, (a, b) in enumerate(pairs):
    for row, (name, table) in enumerate([("real", real), ("synthetic", synthetic)]):
        ax = axes[row, col]
        ax.scatter(table[a], table[b], s=3, alpha=0.15, color=f"C{row}")
        ax.set_title(f"{name}: {a} vs {b}", fontsize=9)
        ax.set_xlabel(a)
        ax.set_ylabel(b)
fig.tight_layout()
