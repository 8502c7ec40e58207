"""
Generating and inpainting digits
================================

Both estimators take images. :class:`~ganaug.GANAugmenter` trains a
conditional convolutional GAN on scikit-learn's 8x8 digits and generates
digits of the class asked for; :class:`~ganaug.GANImputer` fills the
missing pixels of damaged digits with a small convolutional network. The
output keeps the input's layout, dtype and value range (here floats in
[0, 16]).
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from ganaug import GANAugmenter, GANImputer
from ganaug.plotting import plot_images

X, y = load_digits(return_X_y=True)  # 1,797 flattened 8x8 images
images = X.reshape(-1, 8, 8)  # (n, H, W) arrays are taken as images as they are

# %%
# Digits per class
# ----------------
# ``sample(n, y=labels)`` generates one image per label. 2,000 steps keep the
# example under a minute on two cores; the default for images is at least 3,000.
augmenter = GANAugmenter(max_steps=2000, random_state=0).fit(images, y)
labels = np.repeat(np.arange(10), 8)
generated, generated_y = augmenter.sample(len(labels), y=labels)
print(generated.shape, generated.dtype, float(generated.min()), float(generated.max()))
fig = plot_images(generated, generated_y, per_row=8, title="generated, one row per class asked for")

# %%
# Inpainting
# ----------
# Hide a 4x4 block (a quarter of the pixels) of each test digit and let the
# imputer fill it. Observed pixels come back exactly.
rng = np.random.default_rng(0)
order = rng.permutation(len(images))
train, test = images[order[:1500]], images[order[1500:1510]]
imputer = GANImputer(epochs=20, random_state=0).fit(train)
damaged = test.copy()
for k, (r, c) in enumerate(rng.integers(0, 5, size=(len(test), 2))):
    damaged[k, r : r + 4, c : c + 4] = np.nan
filled = imputer.transform(damaged)
observed = ~np.isnan(damaged)
print("observed pixels unchanged:", bool(np.array_equal(filled[observed], test[observed])))

fig, axes = plt.subplots(3, len(test), figsize=(len(test) * 0.9, 3.2))
for k in range(len(test)):
    for row, (name, picture) in enumerate([("original", test), ("damaged", damaged), ("inpainted", filled)]):
        ax = axes[row, k]
        ax.imshow(np.ma.masked_invalid(picture[k]), cmap="gray_r", vmin=0, vmax=16)
        ax.set_facecolor("#f4a6a6")  # missing pixels show in red
        ax.set_xticks([])
        ax.set_yticks([])
        if k == 0:
            ax.set_ylabel(name, rotation=0, ha="right", va="center")
fig.suptitle("GANImputer on 8x8 digits: a 4x4 block hidden per image")
fig.tight_layout()
