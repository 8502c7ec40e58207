"""Images: conditional fidelity, low-data augmentation, inpainting, speed on MNIST; anchors in the same run.

Data: ``../shared/data/mnist_5k_labelled.npz`` (5,000 labelled 28x28 digits, 500
per class), split once (seed 0) into pool A (250 per class: what the GANs and
classifiers train on) and pool B (250 per class: the reference classifier's
training set and the test set). Exits cleanly when the data is absent.

- ``fidelity``: GANAugmenter (defaults) on pool A; a reference CNN trained on
  pool B (images the GAN never saw) labels 100 generated digits per class:
  per-class agreement, and the Frechet distance between generated and pool-A
  digits in the CNN's 128-d feature space, beside the real-vs-real floor
  (pool B vs pool A). Inception-based FID needs weights that cannot be
  downloaded here.
- ``lowdata``: 20 / 50 / 100 labelled digits per class from pool A; a small
  CNN and LogisticRegression trained on real only, real + classic
  augmentation (random shifts of up to 2 pixels and rotations of up to 15
  degrees), real + GANAugmenter (defaults), 4 extra images per real one in
  both augmented settings; accuracy on pool B.
- ``semisup``: issue 25's protocol, 10 and 20 labelled digits per class from
  pool A (``--semisup-sizes``) plus, for the GAN marked ``+ unlabelled``, the
  10,000 unlabelled digits of ``../shared/data/mnist_images_10k.npz`` as
  ``y = -1`` rows. Training sets: real only, real + classic augmentation
  (4 per real digit), real + GAN (4 per real digit), real + classic + GAN
  (the generated digits on top of the shifted and rotated ones, as a
  practitioner would use them), each GAN with and without the unlabelled
  digits. Both GANs train for the same number of steps (``--semisup-steps``,
  default 2,000, two thirds of the 3,000 that ``epochs="auto"`` gives the
  labelled-only fit, to fit in a session on 2 cores; the unlabelled fit
  would get 20,000), so the unlabelled digits add variety, not training
  time. Accuracy of the CNN and LogisticRegression on
  pool B.
- ``inpaint``: 1,000 digits of pool A with 20% of pixels missing at random and
  one 10x10 block per image; RMSE (pixels in [0, 255]) of GANImputer
  (defaults) vs mean, KNNImputer and IterativeImputer (BayesianRidge on the 100
  nearest features: all 784 take too long on 2 cores) on the
  missing pixels; writes ``results/inpainting_mnist.png``.
- ``speed``: training and sampling images/s of GANAugmenter on the device,
  beside a plain eager conditional DCGAN built from the seed's layers (dense
  -> transposed convolutions -> tanh; strided-conv discriminator with
  LeakyReLU, BCE loss) at the same batch; and GANImputer's inpainting (pool A
  with 20% of the pixels missing): training images/s and images imputed/s.

    python benchmarks/bench_images.py --parts fidelity lowdata inpaint speed --seeds 3
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
import torch
from _common import RESULTS, SHARED_DATA, mean_std, seconds_per_step, write_markdown
from scipy import ndimage
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from torch import nn
from torch.nn import functional as F

from ganaug import GANAugmenter, GANImputer
from ganaug.metrics import frechet_distance

warnings.filterwarnings("ignore", message="The generator may have collapsed")


def load_pools():
    path = SHARED_DATA / "mnist_5k_labelled.npz"
    if not path.exists():
        print(f"skipped: {path} not found")
        raise SystemExit(0)
    data = np.load(path)
    X, y = data["images"], data["labels"]
    rng = np.random.default_rng(0)
    a = np.concatenate([rng.permutation(np.flatnonzero(y == k))[:250] for k in range(10)])
    b = np.setdiff1d(np.arange(len(y)), a)
    return X[a], y[a], X[b], y[b]


# ------------------------------------------------------------------ reference / downstream CNN
class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc = nn.Linear(64 * 7 * 7, 128)
        self.out = nn.Linear(128, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.relu(self.fc(x.flatten(1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(F.dropout(self.features(x), 0.3, self.training))


def _tensor(X: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.asarray(X, dtype=np.float32) / 255.0).unsqueeze(1)


def train_cnn(X: np.ndarray, y: np.ndarray, seed: int, steps: int = 600) -> SmallCNN:
    torch.manual_seed(seed)
    model = SmallCNN()
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x, t = _tensor(X), torch.as_tensor(y, dtype=torch.long)
    g = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(steps):
        idx = torch.randint(len(x), (min(64, len(x)),), generator=g)
        loss = F.cross_entropy(model(x[idx]), t[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.eval()


@torch.no_grad()
def cnn_predict(model: SmallCNN, X: np.ndarray) -> np.ndarray:
    return torch.cat([model(c).argmax(1) for c in _tensor(X).split(1000)]).numpy()


@torch.no_grad()
def cnn_features(model: SmallCNN, X: np.ndarray) -> np.ndarray:
    return torch.cat([model.features(c) for c in _tensor(X).split(1000)]).numpy().astype(np.float64)


# ------------------------------------------------------------------ parts
def fidelity(XA, yA, XB, yB, seeds: int) -> pd.DataFrame:
    rows = []
    for seed in range(seeds):
        judge = train_cnn(XB, yB, seed, steps=1500)
        start = time.perf_counter()
        aug = GANAugmenter(random_state=seed).fit(XA, yA)
        seconds = time.perf_counter() - start
        codes = np.repeat(np.arange(10), 100)
        X_new, _ = aug.sample(len(codes), y=codes)
        read = cnn_predict(judge, X_new)
        feats_a = cnn_features(judge, XA)
        row = {
            "seed": seed,
            "fit (s)": seconds,
            "steps": aug.n_iter_,
            "agreement": float(np.mean(read == codes)),
            "worst class agreement": float(min(np.mean(read[codes == k] == k) for k in range(10))),
            "FD generated vs pool A": frechet_distance(cnn_features(judge, X_new), feats_a),
            "FD real pool B vs pool A (floor)": frechet_distance(cnn_features(judge, XB), feats_a),
            "judge accuracy on pool A": float(np.mean(cnn_predict(judge, XA) == yA)),
            "mean diversity ratio": float(np.mean(list(aug.model_.diversity.values()))),
        }
        rows.append(row)
        print(row, flush=True)
        if seed == 0:
            from ganaug.plotting import plot_images

            shown = np.concatenate([X_new[codes == k][:10] for k in range(10)])
            fig = plot_images(shown, np.repeat(np.arange(10), 10), title="GANAugmenter on 2,500 MNIST digits")
            fig.savefig(RESULTS / "generated_mnist.png", dpi=90)
    return pd.DataFrame(rows)


def classic_augment(X: np.ndarray, copies: int, rng: np.random.Generator) -> np.ndarray:
    out = []
    for image in X:
        for _ in range(copies):
            shifted = ndimage.shift(image.astype(float), rng.integers(-2, 3, 2), order=0)
            rotated = ndimage.rotate(shifted, rng.uniform(-15, 15), reshape=False, order=1)
            out.append(np.clip(rotated, 0, 255))
    return np.asarray(out).astype(np.uint8)


def lowdata(XA, yA, XB, yB, seeds: int, sizes=(20, 50, 100)) -> pd.DataFrame:
    rows = []
    extra = 4
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        for n in sizes:
            pick = np.concatenate([rng.choice(np.flatnonzero(yA == k), n, replace=False) for k in range(10)])
            X, y = XA[pick], yA[pick]
            start = time.perf_counter()
            aug = GANAugmenter(sampling_strategy={k: n * (1 + extra) for k in range(10)}, random_state=seed)
            X_gan, y_gan = aug.fit_resample(X, y)
            gan_s = time.perf_counter() - start
            X_cls = np.concatenate([X, classic_augment(X, extra, rng)])
            y_cls = np.concatenate([y, np.repeat(y, extra)])
            settings = {
                "real only": (X, y),
                "real + classic aug": (X_cls, y_cls),
                "real + GANAugmenter": (X_gan, y_gan),
            }
            for name, (Xt, yt) in settings.items():
                cnn = train_cnn(Xt, yt, seed)
                logreg = LogisticRegression(max_iter=300).fit(Xt.reshape(len(Xt), -1) / 255.0, yt)
                rows.append(
                    {
                        "per class": n,
                        "training set": name,
                        "seed": seed,
                        "CNN accuracy": float(np.mean(cnn_predict(cnn, XB) == yB)),
                        "LogisticRegression accuracy": logreg.score(XB.reshape(len(XB), -1) / 255.0, yB),
                        "GAN fit (s)": gan_s if name == "real + GANAugmenter" else np.nan,
                    }
                )
                print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def semisup(XA, yA, XB, yB, seeds: int, sizes=(10, 20), steps: int = 2000) -> pd.DataFrame:
    """Low-data augmentation with and without 10,000 unlabelled digits (``y = -1``) in the GAN's fit."""
    path = SHARED_DATA / "mnist_images_10k.npz"
    if not path.exists():
        print(f"skipped the semisup part: {path} not found")
        return pd.DataFrame()
    unlabelled = np.load(path)["data"]
    rows = []
    extra = 4
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        for n in sizes:
            pick = np.concatenate([rng.choice(np.flatnonzero(yA == k), n, replace=False) for k in range(10)])
            X, y = XA[pick], yA[pick]
            X_cls = np.concatenate([X, classic_augment(X, extra, rng)])
            y_cls = np.concatenate([y, np.repeat(y, extra)])
            settings = {"real only": (X, y), "real + classic aug": (X_cls, y_cls)}
            seconds = {}
            for tag, (X_fit, y_fit) in {
                "GAN": (X, y),
                "GAN + unlabelled": (
                    np.concatenate([X, unlabelled]),
                    np.concatenate([y, np.full(len(unlabelled), -1)]),
                ),
            }.items():
                start = time.perf_counter()
                target = {k: n * (1 + extra) for k in range(10)}
                aug = GANAugmenter(sampling_strategy=target, max_steps=steps, random_state=seed)
                X_res, y_res = aug.fit_resample(X_fit, y_fit)
                seconds[tag] = time.perf_counter() - start
                new = slice(len(X_fit), None)  # the generated digits follow the originals
                X_new, y_new = X_res[new], y_res[new]
                settings[f"real + {tag}"] = (np.concatenate([X, X_new]), np.concatenate([y, y_new]))
                settings[f"real + classic aug + {tag}"] = (
                    np.concatenate([X_cls, X_new]),
                    np.concatenate([y_cls, y_new]),
                )
            for name, (Xt, yt) in settings.items():
                cnn = train_cnn(Xt, yt, seed)
                logreg = LogisticRegression(max_iter=300).fit(Xt.reshape(len(Xt), -1) / 255.0, yt)
                tag = "GAN + unlabelled" if name.endswith("unlabelled") else "GAN" if "GAN" in name else None
                rows.append(
                    {
                        "per class": n,
                        "training set": name,
                        "seed": seed,
                        "CNN accuracy": float(np.mean(cnn_predict(cnn, XB) == yB)),
                        "LogisticRegression accuracy": logreg.score(XB.reshape(len(XB), -1) / 255.0, yB),
                        "GAN fit (s)": seconds[tag] if tag else np.nan,
                    }
                )
                print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def inpaint(XA, seeds: int, n: int = 1000) -> pd.DataFrame:
    rows = []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        images = XA[rng.choice(len(XA), n, replace=False)].astype(np.float64)
        holes = rng.random(images.shape) < 0.2
        top, left = rng.integers(0, 19, (2, n))
        for i in range(n):
            holes[i, top[i] : top[i] + 10, left[i] : left[i] + 10] = True
        holed = np.where(holes, np.nan, images)
        flat = holed.reshape(n, -1)
        methods = {
            "mean": SimpleImputer(keep_empty_features=True),
            "KNNImputer": KNNImputer(keep_empty_features=True),
            "IterativeImputer(BayesianRidge)": IterativeImputer(
                max_iter=5, n_nearest_features=100, random_state=seed, keep_empty_features=True
            ),
        }
        outputs = {}
        for name, method in methods.items():
            start = time.perf_counter()
            outputs[name] = method.fit_transform(flat).reshape(images.shape)
            rows.append({"method": name, "seed": seed, "seconds": time.perf_counter() - start})
        start = time.perf_counter()
        imputer = GANImputer(random_state=seed)
        outputs["GANImputer"] = imputer.fit_transform(holed)
        rows.append({"method": "GANImputer", "seed": seed, "seconds": time.perf_counter() - start})
        for row in rows[-4:]:
            out = outputs[row["method"]]
            block = np.zeros_like(holes)
            for i in range(n):
                block[i, top[i] : top[i] + 10, left[i] : left[i] + 10] = True
            row["RMSE (all missing)"] = float(np.sqrt(((out - images)[holes] ** 2).mean()))
            row["RMSE (10x10 blocks)"] = float(np.sqrt(((out - images)[block] ** 2).mean()))
            print(row, flush=True)
        if seed == 0:
            from ganaug.plotting import plot_images

            k = 8
            shown = np.concatenate(
                [
                    images[:k],
                    np.where(holes[:k], 128.0, images[:k]),
                    outputs["KNNImputer"][:k],
                    outputs["GANImputer"][:k],
                ]
            )
            names = np.repeat(["1 original", "2 with holes (grey)", "3 KNNImputer", "4 GANImputer"], k)
            fig = plot_images(
                shown, names, per_row=k, title="Inpainting MNIST: 20% pixels + one 10x10 block missing"
            )
            fig.savefig(RESULTS / "inpainting_mnist.png", dpi=90)
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ speed
class SeedGenerator(nn.Module):
    """The seed's DCGAN generator, conditioned by a label embedding."""

    def __init__(self, noise: int = 100) -> None:
        super().__init__()
        self.embed = nn.Embedding(10, noise)
        self.fc = nn.Sequential(
            nn.Linear(2 * noise, 7 * 7 * 256, bias=False), nn.BatchNorm1d(7 * 7 * 256), nn.LeakyReLU()
        )
        self.net = nn.Sequential(
            nn.ConvTranspose2d(256, 128, 5, 1, 2, bias=False),
            nn.BatchNorm2d(128),
            nn.LeakyReLU(),
            nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False),
            nn.BatchNorm2d(64),
            nn.LeakyReLU(),
            nn.ConvTranspose2d(64, 1, 5, 2, 2, output_padding=1, bias=False),
            nn.Tanh(),
        )

    def forward(self, z, y):
        return self.net(self.fc(torch.cat([z, self.embed(y)], 1)).view(-1, 256, 7, 7))


class SeedDiscriminator(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(10, 28 * 28)
        self.net = nn.Sequential(
            nn.Conv2d(2, 64, 5, 2, 2),
            nn.LeakyReLU(),
            nn.Dropout(0.3),
            nn.Conv2d(64, 128, 5, 2, 2),
            nn.LeakyReLU(),
            nn.Dropout(0.3),
            nn.Flatten(),
            nn.Linear(128 * 7 * 7, 1),
        )

    def forward(self, x, y):
        return self.net(torch.cat([x, self.embed(y).view(-1, 1, 28, 28)], 1))


def seed_dcgan_speed(X, y, device: str, steps: int, batch: int = 64) -> dict:
    torch.manual_seed(0)
    G, D = SeedGenerator().to(device), SeedDiscriminator().to(device)
    opt_g, opt_d = torch.optim.Adam(G.parameters(), 1e-4), torch.optim.Adam(D.parameters(), 1e-4)
    x = (_tensor(X) * 2 - 1).to(device)
    t = torch.as_tensor(y, dtype=torch.long, device=device)
    bce = nn.BCEWithLogitsLoss()

    def step():
        idx = torch.randint(len(x), (batch,), device=device)
        real, labels = x[idx], t[idx]
        fake = G(torch.randn(batch, 100, device=device), labels)
        loss_d = bce(D(real, labels), torch.ones(batch, 1, device=device)) + bce(
            D(fake.detach(), labels), torch.zeros(batch, 1, device=device)
        )
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = bce(D(fake, labels), torch.ones(batch, 1, device=device))
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()

    for _ in range(5):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    train = steps * batch / (time.perf_counter() - start)
    G.eval()
    with torch.no_grad():
        labels = torch.arange(10, device=device).repeat(1000)
        start = time.perf_counter()
        G(torch.randn(len(labels), 100, device=device), labels)
        if device == "cuda":
            torch.cuda.synchronize()
        sample = len(labels) / (time.perf_counter() - start)
    return {"method": "seed DCGAN (plain eager)", "training images / s": train, "sampled images / s": sample}


def speed(XA, yA, device: str, steps: int) -> pd.DataFrame:
    rows = [seed_dcgan_speed(XA, yA, device, steps)]
    for precision in ["float32"] + (["bfloat16"] if device == "cuda" else []):
        aug = GANAugmenter(max_steps=steps, device=device, precision=precision, random_state=0).fit(XA, yA)
        per_step = seconds_per_step(aug.history_)
        start = time.perf_counter()
        aug.sample(10000)
        sample_s = time.perf_counter() - start
        rows.append(
            {
                "method": f"GANAugmenter ({precision})",
                "training images / s": aug.batch_size_ / float(np.median(per_step[1:] or per_step)),
                "sampled images / s": 10000 / sample_s,
            }
        )
        print(rows[-1], flush=True)
    rows.append(_inpainting_speed(XA, device, steps))
    print(rows[-1], flush=True)
    return pd.DataFrame(rows).set_index("method")


def _inpainting_speed(XA: np.ndarray, device: str, steps: int) -> dict:
    """GANImputer on pool A with 20% of the pixels missing: training images/s, imputed images/s."""
    rng = np.random.default_rng(0)
    holed = np.where(rng.random(XA.shape) < 0.2, np.nan, XA.astype(np.float64))
    epochs = max(1, round(steps * 128 / len(holed)))
    imputer = GANImputer(epochs=epochs, device=device, random_state=0).fit(holed)
    per_step = seconds_per_step(imputer.history_)
    start = time.perf_counter()
    imputer.transform(holed)
    impute_s = time.perf_counter() - start
    return {
        "method": "GANImputer (inpainting, float32)",
        "training images / s": imputer.batch_size / float(np.median(per_step[1:] or per_step)),
        "sampled images / s": len(holed) / impute_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=["fidelity", "lowdata", "inpaint", "speed"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--inpaint-seeds", type=int, default=None, help="seeds of the inpainting part")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 50, 100])
    parser.add_argument("--semisup-sizes", type=int, nargs="+", default=[10, 20])
    parser.add_argument("--semisup-steps", type=int, default=2000, help="GAN steps of both semisup fits")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--speed-steps", type=int, default=50)
    args = parser.parse_args()
    XA, yA, XB, yB = load_pools()
    tables = {}
    if "fidelity" in args.parts:
        frame = fidelity(XA, yA, XB, yB, args.seeds)
        tables["Conditional fidelity (pool A: 2,500 digits; judge trained on pool B)"] = mean_std(
            frame.assign(run="GANAugmenter"), ["run"]
        )
    if "lowdata" in args.parts:
        frame = lowdata(XA, yA, XB, yB, args.seeds, tuple(args.sizes))
        tables["Low-data augmentation: accuracy on pool B (2,500 digits)"] = mean_std(
            frame, ["per class", "training set"]
        )
    if "semisup" in args.parts:
        frame = semisup(XA, yA, XB, yB, args.seeds, tuple(args.semisup_sizes), args.semisup_steps)
        if len(frame):
            tables["Labelled digits + 10,000 unlabelled ones: accuracy on pool B (2,500 digits)"] = mean_std(
                frame, ["per class", "training set"]
            )
    if "inpaint" in args.parts:
        frame = inpaint(XA, args.inpaint_seeds or args.seeds)
        tables["Inpainting 1,000 digits: RMSE on missing pixels (0-255)"] = mean_std(frame, ["method"])
    if "speed" in args.parts:
        tables[f"Speed on {args.device}, batch 64, 28x28"] = speed(XA, yA, args.device, args.speed_steps)
    name = "images_" + "_".join(args.parts) + f"_{args.device}"
    write_markdown(name, "Images: GANAugmenter and GANImputer on MNIST", __doc__.split("\n\n")[1], tables)


if __name__ == "__main__":
    main()
