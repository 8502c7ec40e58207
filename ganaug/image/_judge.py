"""A small CNN classifier of images, trained on the user's own images: the judge of image metrics.

``ganaug.metrics.ImageJudge`` wraps it as a scikit-learn classifier; its
penultimate layer gives the features of the Fréchet distance. Nothing is
downloaded: the network starts from a seeded random initialisation and
learns from the images it is given.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ganaug.core import seeded


class JudgeCNN(nn.Module):
    """Two 3x3 convolutions with pooling, a 128-unit feature layer, a linear class head."""

    FEATURES = 128

    def __init__(self, channels: int, n_classes: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(4)  # any padded size (8 and up) ends as 4x4
        self.fc = nn.Linear(64 * 4 * 4, self.FEATURES)
        self.out = nn.Linear(self.FEATURES, n_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = self.pool(F.relu(self.conv2(x)))
        return F.relu(self.fc(x.flatten(1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(F.dropout(self.features(x), 0.3, self.training))


def train_judge(
    images: np.ndarray, codes: np.ndarray, n_classes: int, steps: int, batch_size: int, lr: float, seed: int
) -> JudgeCNN:
    """Train a :class:`JudgeCNN` on encoded images ``(n, C, S, S)`` and class codes, on the CPU."""
    x = torch.as_tensor(images, dtype=torch.float32)
    t = torch.as_tensor(codes, dtype=torch.long)
    with seeded(torch.device("cpu"), seed) as rng:
        model = JudgeCNN(x.shape[1], n_classes)
        opt = torch.optim.Adam(model.parameters(), lr)
        model.train()
        for _ in range(steps):
            rows = torch.randint(len(x), (min(batch_size, len(x)),), generator=rng)
            loss = F.cross_entropy(model(x[rows]), t[rows])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return model.eval()


@torch.inference_mode()
def judge_outputs(model: JudgeCNN, images: np.ndarray, features: bool) -> np.ndarray:
    """Class probabilities (or the 128 features) of encoded images, in chunks of 1,000."""
    x = torch.as_tensor(images, dtype=torch.float32)
    head = model.features if features else (lambda c: torch.softmax(model(c), dim=1))
    return torch.cat([head(c) for c in x.split(1000)]).numpy().astype(np.float64)


__all__ = ["JudgeCNN", "judge_outputs", "train_judge"]
