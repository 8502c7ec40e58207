"""
Rebalancing an imbalanced table
===============================

Cut the high-income class of the bundled UCI Adult sample to 5% of the
training rows, then compare a classifier trained on it as it is, after
:class:`~imblearn.over_sampling.RandomOverSampler`, and after
:class:`~ganaug.GANAugmenter`, on a test set that keeps the natural class
rates. The resampler sits inside an imbalanced-learn pipeline, so
resampling happens in ``fit`` only; the test rows are never resampled.
"""

# %%
# The data: 8,000 rows of Adult, minority class cut to 5%
# ---------------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.metrics import average_precision_score, balanced_accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from ganaug import GANAugmenter
from ganaug.datasets import load_adult_sample, make_rare
from ganaug.metrics import make_classifier

X, y = load_adult_sample()
minority = " >50K"
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
X_train, y_train = make_rare(X_train, y_train, minority, 0.05, random_state=0)
print(y_train.value_counts())

# %%
# Three pipelines, one classifier
# -------------------------------
# :func:`ganaug.metrics.make_classifier` builds a HistGradientBoosting
# pipeline suited to the columns. ``max_steps=400`` keeps this example
# short; the default (``epochs="auto"``) trains for at least 2,000 steps.
resamplers = {
    "no resampling": None,
    "RandomOverSampler": RandomOverSampler(random_state=0),
    "GANAugmenter": GANAugmenter(max_steps=400, random_state=0),
}
scores = {}
for name, resampler in resamplers.items():  # the GAN's pipeline comes last
    classifier = make_classifier(X_train, "gbm", random_state=0)
    pipe = classifier if resampler is None else make_pipeline(resampler, classifier)
    pipe.fit(X_train, y_train)
    pred = pipe.predict(X_test)
    proba = pipe.predict_proba(X_test)[:, list(pipe.classes_).index(minority)]
    scores[name] = {
        "balanced accuracy": balanced_accuracy_score(y_test, pred),
        "minority F1": f1_score(y_test == minority, pred == minority),
        "average precision": average_precision_score(y_test == minority, proba),
    }
scores = pd.DataFrame(scores).T
print(scores.round(3))

# %%
# What the GAN added
# ------------------
# The pipeline keeps the fitted augmenter as its first step. Inside ``fit``
# its ``fit_resample`` returned every original row first, unchanged, then
# synthetic rows of the classes ``sampling_strategy`` asks for (here the
# minority, raised to the majority's count). ``sample`` draws more rows of
# a chosen class from the same model; each one is of that class by
# construction, since the label is an input of the generator.
augmenter = pipe[0]
counts = zip(augmenter.classes_, augmenter.class_counts_, strict=True)
print("rows per class at fit:", {str(k): int(v) for k, v in counts})
print("rows generated:", {str(k): int(v) for k, v in augmenter.sampling_strategy_.items()})
X_new, y_new = augmenter.sample(5, y=minority)
X_new.head()

# %%
# Scores before and after
# -----------------------
fig, ax = plt.subplots(figsize=(7, 3.5))
x = np.arange(len(scores.columns))
for i, (name, row) in enumerate(scores.iterrows()):
    bars = ax.bar(x + (i - 1) * 0.27, row.to_numpy(), width=0.27, label=name)
    ax.bar_label(bars, fmt="%.2f", fontsize=7)
ax.set_xticks(x, scores.columns)
ax.set_ylim(0, 1)
ax.set_ylabel("score on the natural-rate test set")
ax.set_title("HistGradientBoosting, minority cut to 5% of the training rows")
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()

# %%
# With 400 training steps the GAN is far from converged; the
# :doc:`rebalancing benchmark </benchmarks/index>` trains with the defaults
# (``epochs="auto"``) on 9 tasks over 3 seeds, and puts SMOTE(NC), ADASYN and
# ctgan beside it. By default half of the new rows are generated and half are
# copies of real minority rows (``synthetic_fraction=0.5``).
