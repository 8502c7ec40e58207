"""Images in, images out: shape conventions, dtype and range, padding to a square power of two.

Accepted inputs (numpy arrays, or lists of equally shaped arrays):

- ``(n, H, W)``: grayscale images;
- ``(n, C, H, W)``: channels first (torch's convention);
- ``(n, H, W, C)``: channels last (Keras' and PIL's), recognised when the last
  axis is 1, 3 or 4 and the second is not; when both are (``(n, 3, 8, 3)``),
  channels first wins unless ``channels="last"``;
- ``(n, D)`` flattened rows with ``image_shape=(H, W)`` or ``(C, H, W)``
  (``(H, W, C)`` with ``channels="last"``), as in ``load_digits().data``.

Values: ``uint8`` images live in [0, 255]; other integer and float images in
the range seen at fit (digits' floats in [0, 16]). The model sees float32
``(n, C, S, S)`` in [-1, 1], where ``S`` is the smallest power of two (at least
8) that holds ``H`` and ``W``; images are padded at their edges to ``S`` and
cropped back on the way out. Decoding returns the input's convention, dtype
and range (integers rounded, everything clipped to the range).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

_CHANNELS = (1, 3, 4)


@dataclass(frozen=True)
class ImageFormat:
    """How a set of images was given: layout, sizes and dtype.

    ``layout`` is one of ``"nhw"``, ``"nchw"``, ``"nhwc"``, ``"flat-chw"``
    (flattened rows of ``(C, H, W)`` or ``(H, W)``) and ``"flat-hwc"``.
    """

    layout: str
    channels: int
    height: int
    width: int
    dtype: np.dtype
    columns: Any = None  # the column labels of a DataFrame of flattened images

    def wrap(self, rows: np.ndarray, index: Any = None) -> Any:
        """Images in this layout, as a DataFrame when they came as one."""
        if self.columns is None:
            return rows
        import pandas as pd

        return pd.DataFrame(rows, columns=self.columns, index=index)

    @property
    def n_features(self) -> int:
        return self.channels * self.height * self.width

    def to_nchw(self, X: np.ndarray) -> np.ndarray:
        """The images of ``X`` (in this layout) as an ``(n, C, H, W)`` view or copy."""
        n = X.shape[0]
        if self.layout == "nhw":
            return X[:, None]
        if self.layout == "nchw":
            return X
        if self.layout == "nhwc":
            return X.transpose(0, 3, 1, 2)
        if self.layout == "flat-chw":
            return X.reshape(n, self.channels, self.height, self.width)
        return X.reshape(n, self.height, self.width, self.channels).transpose(0, 3, 1, 2)

    def from_nchw(self, images: np.ndarray) -> np.ndarray:
        """``(n, C, H, W)`` images back in this layout (a contiguous array)."""
        n = images.shape[0]
        if self.layout == "nhw":
            out = images[:, 0]
        elif self.layout == "nchw":
            out = images
        elif self.layout == "nhwc":
            out = images.transpose(0, 2, 3, 1)
        elif self.layout == "flat-chw":
            out = images.reshape(n, -1)
        else:
            out = images.transpose(0, 2, 3, 1).reshape(n, -1)
        return np.ascontiguousarray(out)


def _as_array(X: Any) -> np.ndarray:
    if hasattr(X, "toarray"):
        raise TypeError("Sparse matrices are not supported for images; pass a dense array.")
    if isinstance(X, list | tuple):
        shapes = {np.shape(x) for x in X}
        if len(shapes) > 1:
            listed = sorted(shapes, key=str)[:4]
            raise ValueError(f"Images of mixed sizes: {listed}; resize them to one size first.")
        dtypes = {np.asarray(x).dtype for x in X}
        if len(dtypes) > 1:  # one array would put uint8 [0, 255] and float [0, 1] images on one scale
            listed = sorted(str(d) for d in dtypes)
            raise ValueError(
                f"Images of mixed dtypes: {listed}. Their values may be on different scales (uint8 in "
                "[0, 255], floats often in [0, 1]); convert every image to one dtype and scale first, "
                "e.g. [np.asarray(x, dtype=np.uint8) for x in images]."
            )
    if hasattr(X, "to_numpy"):  # a DataFrame of flattened pixels
        X = X.to_numpy()
    array = np.asarray(X)
    if array.dtype == object or array.dtype.kind not in "uif":
        raise ValueError(
            f"Images must be numeric arrays (uint8, int or float); got dtype {array.dtype}. "
            "Convert them first, e.g. X.astype(np.float32)."
        )
    return array


def _channel_axis(first: int, last: int, channels: str, what: str) -> str:
    """``"first"`` or ``"last"``: where the channels of a 3-axis image shape are."""
    if channels != "auto":
        return channels
    if first in _CHANNELS:
        return "first"
    if last in _CHANNELS:
        return "last"
    raise ValueError(
        f"Cannot tell the channel axis of {what}: expected (C, H, W) or (H, W, C) with C in 1, 3, 4. "
        "Pass channels='first' or channels='last'."
    )


def image_format(X: Any, image_shape: Any = None, channels: str = "auto") -> tuple[np.ndarray, ImageFormat]:
    """The array of ``X`` and its :class:`ImageFormat`, or a ValueError saying what is wrong."""
    columns = X.columns if hasattr(X, "columns") and hasattr(X, "to_numpy") else None
    array = _as_array(X)
    if image_shape is not None:
        shape = tuple(int(s) for s in np.ravel(image_shape))
        if len(shape) not in (2, 3) or min(shape) < 1:
            raise ValueError(f"image_shape={image_shape!r} must be (H, W) or (C, H, W) of positive ints.")
        if array.ndim != 2:
            raise ValueError(
                f"image_shape={shape} is for flattened images of shape (n_samples, n_pixels); "
                f"X has shape {array.shape}. Pass image arrays without image_shape."
            )
        if array.shape[1] != int(np.prod(shape)):
            raise ValueError(
                f"image_shape={shape} needs rows of {int(np.prod(shape))} values, but X has "
                f"{array.shape[1]} columns."
            )
        if len(shape) == 2:
            fmt = ImageFormat("flat-chw", 1, shape[0], shape[1], array.dtype, columns)
        elif _channel_axis(shape[0], shape[2], channels, f"image_shape={shape}") == "last":
            fmt = ImageFormat("flat-hwc", shape[2], shape[0], shape[1], array.dtype, columns)
        else:
            fmt = ImageFormat("flat-chw", shape[0], shape[1], shape[2], array.dtype, columns)
    elif array.ndim == 3:
        fmt = ImageFormat("nhw", 1, array.shape[1], array.shape[2], array.dtype)
    elif array.ndim == 4:
        axis = _channel_axis(array.shape[1], array.shape[3], channels, f"images of shape {array.shape}")
        layout = "nchw" if axis == "first" else "nhwc"
        if layout == "nchw":
            fmt = ImageFormat(layout, array.shape[1], array.shape[2], array.shape[3], array.dtype)
        else:
            fmt = ImageFormat(layout, array.shape[3], array.shape[1], array.shape[2], array.dtype)
    else:
        raise ValueError(
            f"Expected images of shape (n, H, W), (n, C, H, W) or (n, H, W, C), or flattened rows with "
            f"image_shape=; got shape {array.shape}."
        )
    if array.shape[0] == 0:
        raise ValueError(f"Found 0 images (shape={array.shape}) while a minimum of 1 is required.")
    if fmt.height * fmt.width < 2:
        raise ValueError(
            f"Images of {fmt.height}x{fmt.width} pixel are too small; at least 2 pixels are needed."
        )
    if array.dtype.kind == "f" and np.isinf(array).any():
        raise ValueError("Images contain infinite values; replace them first.")
    return array, fmt


def padded_size(height: int, width: int) -> int:
    """The side of the square the model works on: a power of two, at least 8."""
    return max(8, 1 << int(np.ceil(np.log2(max(height, width)))))


@dataclass
class Images:
    """Checked images: the caller's object, its ``(n, C, H, W)`` float view and its format."""

    original: Any
    array: np.ndarray
    format: ImageFormat

    @property
    def pixels(self) -> np.ndarray:
        """``(n, C, H, W)`` float64 values (NaN where missing)."""
        return self.format.to_nchw(self.array).astype(np.float64, copy=False)

    @property
    def flat(self) -> np.ndarray:
        """The images as rows, for scikit-learn's feature bookkeeping (a view where possible)."""
        return self.array.reshape(self.array.shape[0], -1)

    def __len__(self) -> int:
        return self.array.shape[0]

    def join(self, *parts: Any) -> Any:
        """The original images, unchanged and first, then the images of each of ``parts`` (in this format).

        A DataFrame of flattened images keeps its index and dtypes; new rows continue the index.
        """
        X = self.original
        parts = tuple(part for part in parts if len(part))
        if self.format.columns is not None:
            import pandas as pd

            if not parts:
                return X.copy()
            new = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            start = X.index.max() + 1 if pd.api.types.is_integer_dtype(X.index) and len(X) else len(X)
            new = new.set_axis(pd.RangeIndex(start, start + len(new)))
            return pd.concat([X, new.astype(X.dtypes.to_dict())])
        if not parts:
            return self.array.copy()
        return np.concatenate([self.array, *(np.asarray(part, dtype=self.array.dtype) for part in parts)])

    def take(self, rows: np.ndarray) -> Any:
        """Copies of original images ``rows``, in this format (as :meth:`join` takes new ones)."""
        if self.format.columns is not None:
            return self.original.iloc[rows].copy()
        return self.array[rows].copy()


def check_images(X: Any, image_shape: Any = None, channels: str = "auto") -> Images:
    """Check images and convert them once (see the module docstring for what is accepted)."""
    array, fmt = image_format(X, image_shape, channels)
    return Images(X, array, fmt)


class ImageEncoder:
    """Reversible map between images in any accepted format and ``(n, C, S, S)`` float32 in [-1, 1].

    Attributes (after :meth:`fit`)
    ------------------------------
    format_ : ImageFormat
        Layout, channels, height, width and dtype seen at fit.
    low_, high_ : float
        Value range: [0, 255] for ``uint8``, the observed range otherwise.
    size_ : int
        Side of the padded square.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).integers(0, 256, (5, 28, 28)).astype(np.uint8)
    >>> enc = ImageEncoder().fit(check_images(X))
    >>> Z = enc.transform(check_images(X))
    >>> Z.shape, Z.dtype, float(Z.min()) >= -1, float(Z.max()) <= 1
    ((5, 1, 32, 32), dtype('float32'), True, True)
    >>> bool((enc.inverse_transform(Z) == X).all())
    True
    """

    def fit(self, images: Images) -> ImageEncoder:
        self.format_ = images.format
        values = images.array
        if self.format_.dtype == np.uint8:  # also after a placeholder turned the array into floats
            self.low_, self.high_ = 0.0, 255.0
        else:
            observed = values[~np.isnan(values)] if values.dtype.kind == "f" else values
            if observed.size == 0:
                raise ValueError("Every pixel is missing; at least one observed pixel is needed.")
            self.low_, self.high_ = float(observed.min()), float(observed.max())
        self.size_ = padded_size(self.format_.height, self.format_.width)
        return self

    @property
    def shape_(self) -> tuple[int, int, int]:
        """``(C, S, S)``: one encoded image."""
        return (self.format_.channels, self.size_, self.size_)

    def _check_format(self, images: Images) -> None:
        fmt, fit = images.format, self.format_
        if (fmt.layout, fmt.channels, fmt.height, fmt.width) != (
            fit.layout,
            fit.channels,
            fit.height,
            fit.width,
        ):
            raise ValueError(
                f"Images of shape {images.array.shape[1:]} ({fmt.layout}) do not match the "
                f"{fit.channels}x{fit.height}x{fit.width} images ({fit.layout}) seen at fit."
            )

    def _pad(self) -> tuple[tuple[int, int], tuple[int, int]]:
        h, w, s = self.format_.height, self.format_.width, self.size_
        return ((s - h) // 2, s - h - (s - h) // 2), ((s - w) // 2, s - w - (s - w) // 2)

    def transform(self, images: Images) -> np.ndarray:
        """Float32 ``(n, C, S, S)`` in [-1, 1]; NaN pixels stay NaN (padding copies the edge)."""
        self._check_format(images)
        scale = self.high_ - self.low_ if self.high_ > self.low_ else 1.0
        x = (images.pixels - self.low_) / scale * 2.0 - 1.0
        (top, bottom), (left, right) = self._pad()
        x = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), mode="edge")
        return x.astype(np.float32)

    def observed(self, images: Images) -> np.ndarray:
        """Boolean ``(n, C, S, S)``: known pixels; padding is known where the edge it copies is."""
        self._check_format(images)
        known = ~np.isnan(images.pixels)
        (top, bottom), (left, right) = self._pad()
        return np.pad(known, ((0, 0), (0, 0), (top, bottom), (left, right)), mode="edge")

    def inverse_transform(self, Z: np.ndarray) -> Any:
        """Model images back to the fit format, dtype and range (a DataFrame if fitted on one)."""
        return self.format_.wrap(self.decode(Z))

    def decode(self, Z: np.ndarray) -> np.ndarray:
        """Model images back to the fit layout, dtype and range, as an array."""
        (top, _), (left, _) = self._pad()
        h, w = self.format_.height, self.format_.width
        x = np.asarray(Z, dtype=np.float64)[:, :, top : top + h, left : left + w]
        scale = self.high_ - self.low_ if self.high_ > self.low_ else 1.0
        x = np.clip((x + 1.0) / 2.0 * scale + self.low_, self.low_, self.high_)
        dtype = self.format_.dtype
        if dtype.kind in "ui":
            x = np.round(x)
        return self.format_.from_nchw(x.astype(dtype))
