"""Raster files (JPEG, PNG, multi-page TIFF) → upright BGR arrays, with a hard pixel cap."""
from __future__ import annotations

import io
import os
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# An A4 page at 600 dpi is ~35 MP; anything far beyond is a decompression bomb or a mistake.
MAX_PIXELS = int(os.environ.get("DOSSIER_MAX_PIXELS", 80_000_000))
MAX_FRAMES = 500


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


def load_images(data: bytes, name: str = "image", max_pixels: int | None = None) -> list[np.ndarray]:
    """Every frame of an image file as BGR, EXIF orientation applied.

    The size is checked from the header before any pixel is decoded, and Pillow's own bomb
    warning is turned into an error, so a 50 000 × 50 000 PNG costs nothing.
    """
    max_pixels = max_pixels or MAX_PIXELS
    frames: list[np.ndarray] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as img:
                n = getattr(img, "n_frames", 1)
                if n > MAX_FRAMES:
                    raise ImageError(f"{name}: {n} frames, more than the limit of {MAX_FRAMES}")
                for i in range(n):
                    img.seek(i)
                    _check_size(img, name, max_pixels)
                    frame = ImageOps.exif_transpose(img) or img
                    frames.append(to_bgr(frame))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageError(f"{name}: image too large, possible decompression bomb ({exc})") from exc
        except UnidentifiedImageError as exc:
            raise ImageError(f"{name}: not a readable image") from exc
        except (OSError, SyntaxError, ValueError) as exc:
            if isinstance(exc, ImageError):
                raise
            raise ImageError(f"{name}: damaged or truncated image ({exc})") from exc
    return frames
