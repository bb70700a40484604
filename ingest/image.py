"""Raster files (JPEG, PNG, multi-page TIFF) → upright BGR arrays, with a hard pixel cap."""
from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Iterator

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ingest.limits import limit

# An A4 page at 600 dpi is ~35 MP; anything far beyond is a decompression bomb or a mistake.
# Limits (ingest.limits): DOSSIER_MAX_PIXELS per frame, DOSSIER_MAX_FRAMES, and
# DOSSIER_MAX_TOTAL_PIXELS for all frames of one file.


class OverBudget(ValueError):
    """Frames past the file's total pixel budget: those read so far stand, the rest are not decoded."""


class ImageError(ValueError):
    pass


def _check_size(img: Image.Image, name: str, max_pixels: int) -> None:
    w, h = img.size
    if w * h > max_pixels:
        raise ImageError(
            f"{name}: image of {w}x{h} = {w * h / 1e6:.0f} megapixels exceeds the limit of "
            f"{max_pixels / 1e6:.0f} MP (possible decompression bomb); not decoded"
        )


def to_bgr(img: Image.Image) -> np.ndarray:
    """BGR array; transparent areas become white paper, not the black they often hide."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(paper, rgba)
    arr = np.asarray(img.convert("RGB"))
    return np.ascontiguousarray(arr[:, :, ::-1])


def iter_frames(source: bytes | Path, name: str = "image", max_pixels: int | None = None) -> Iterator[np.ndarray]:
    """Every frame of an image (its bytes, or its file: read frame by frame) as BGR, EXIF
    orientation applied, one at a time: a 50-frame TIFF holds one decoded frame in memory, not 50.

    Each frame's size is checked from its header before any pixel is decoded, and Pillow's
    own bomb warning is turned into an error, so a 50 000 × 50 000 PNG costs nothing. Past
    the total budget, OverBudget is raised before the frame is decoded.
    """
    max_pixels = max_pixels or limit("image_pixels")
    total_budget = limit("image_total_pixels")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as img:
                n = getattr(img, "n_frames", 1)
                if n > limit("image_frames"):
                    raise ImageError(f"{name}: {n} frames, more than the limit of {limit('image_frames')} (DOSSIER_MAX_FRAMES)")
                total = 0
                for i in range(n):
                    img.seek(i)
                    _check_size(img, name, max_pixels)
                    total += img.size[0] * img.size[1]
                    if total > total_budget:
                        raise OverBudget(
                            f"{name}: frames {i + 1}–{n} of {n} not read: over the budget of {total_budget / 1e6:.0f} MP "
                            "for one file (DOSSIER_MAX_TOTAL_PIXELS)"
                        )
                    frame = ImageOps.exif_transpose(img) or img
                    yield to_bgr(frame)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageError(f"{name}: image too large, possible decompression bomb ({exc})") from exc
        except UnidentifiedImageError as exc:
            raise ImageError(f"{name}: not a readable image") from exc
        except (OSError, SyntaxError, ValueError) as exc:
            if isinstance(exc, (ImageError, OverBudget)):
                raise
            raise ImageError(f"{name}: damaged or truncated image ({exc})") from exc


def load_images(data: bytes, name: str = "image", max_pixels: int | None = None) -> list[np.ndarray]:
    return list(iter_frames(data, name, max_pixels))
