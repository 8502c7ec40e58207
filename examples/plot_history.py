"""
Loss curves and early stopping
==============================

Every fitted estimator records its losses in ``history_``: one dict per
logging interval, averaged over the steps of that interval.
:func:`ganaug.plotting.plot_history` draws them. With
``early_stopping=True`` a :class:`~ganaug.GANAugmenter` also scores the
generator on held-out rows at each interval (``val_score``, a sliced
Wasserstein distance between held-out and generated rows of the same
classes: lower is better), stops when it has not improved for
``n_iter_no_change`` intervals, and keeps the best generator it saw.
"""

# %%
import pandas as pd

from ganaug import GANAugmenter
from ganaug.datasets import load_adult_sample
from ganaug.plotting import plot_history

X, y = load_adult_sample()
X, y = X.iloc[:2000], y.iloc[:2000]
augmenter = GANAugmenter(max_steps=400, early_stopping=True, n_iter_no_change=30, random_state=0)
augmenter.fit(X, y)
print(f"trained {augmenter.n_iter_} steps, batch {augmenter.batch_size_}, pac {augmenter.pac_}")

# %%
# ``history_`` as a table
# -----------------------
# ``step``, ``epoch`` and ``seconds`` say where each record was taken.
history = pd.DataFrame(augmenter.history_)
history.tail()

# %%
# The curves
# ----------
# ``loss_d`` is the critic's Wasserstein loss with its gradient penalty,
# ``loss_g`` the generator's, and ``loss_cond`` the cross-entropy that makes
# the generator honour the category it is asked for (CTGAN's
# training-by-sampling). A GAN's losses do not fall steadily as a
# classifier's do: the two networks chase each other. ``val_score`` is the
# curve to read for progress.
fig = plot_history(augmenter, title="GANAugmenter on 2,000 rows of Adult")
