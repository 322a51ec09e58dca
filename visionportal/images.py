"""Uploaded images made safe (no ORM), for every upload: a municipality's logo
(visionportal.logos), workshop photo prompts and participants' photos
(consultations.workshops), budget proposals' photos and sketches (consultations.budget).

An upload is decoded by Pillow to learn its real type (never trusting the file name),
refused when too large, too many pixels (a decompression bomb), corrupt, SVG or not
PNG/JPEG/WebP, then re-encoded from its pixels alone: EXIF (GPS positions, camera serials),
ICC profiles, comments and any other metadata are left behind, because only the pixels are
copied into a new image.

SVG is refused: it is a document that can carry scripts and external references, and
making it safe would need a sanitiser of its own.
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext_lazy
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

FORMATS = ("PNG", "JPEG", "WEBP")

# Residents' and staff's photos (workshops, budget proposals): a phone's photo is a few
# megabytes; 40 megapixels covers any phone camera.
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000

# What each ImageError code tells the person who uploaded a photo.
PHOTO_ERRORS = {
    "too_large": gettext_lazy(
        "The file is larger than 10 MB. Save the photo smaller and try again."
    ),
    "svg": gettext_lazy("SVG images cannot be used. Upload the photo as JPEG, PNG or WebP."),
    "wrong_type": gettext_lazy(
        "The file is not a JPEG, PNG or WebP image. Upload the photo in one of them."
    ),
    "bomb": gettext_lazy(
        "The image has too many pixels (more than 40 million). Save it smaller and try again."
    ),
    "corrupt": gettext_lazy(
        "The image could not be read; the file may be damaged. Save it again and retry."
    ),
}

# WeasyPrint sets Pillow's process-wide ImageFile.LOAD_TRUNCATED_IMAGES to True on import,
# which would let a truncated upload "decode" with missing rows. An upload's pixels are
# decoded with it False; the lock keeps two uploads in one process from restoring each
# other's value. (PDFs are rendered by Celery workers, not in web requests.)
_strict_decoding = threading.Lock()


class ImageError(ValueError):
    """Why an upload was refused: `code` is one of "too_large", "svg", "wrong_type",
    "bomb", "corrupt" (the caller turns it into a translated message)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    width: int
    height: int
    # "PNG" or "JPEG": what `data` is.
    format: str

    @property
    def digest(self) -> str:
        """Names the stored file (content-addressed): a new image is a new name."""
        return hashlib.sha256(self.data).hexdigest()[:16]

    @property
    def content_type(self) -> str:
        return "image/png" if self.format == "PNG" else "image/jpeg"

    @property
    def extension(self) -> str:
        return "png" if self.format == "PNG" else "jpg"


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and (b"<svg" in data[:4096].lower() or head.startswith(b"<?xml"))


def _decode(data: bytes, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """The upload's pixels, upright, in RGB or RGBA; ImageError when refused."""
    if len(data) > max_bytes:
        raise ImageError("too_large")
    if _looks_like_svg(data):
        raise ImageError("svg")
    with warnings.catch_warnings():
        # Pillow warns (and above twice its own limit refuses) on huge canvases; our limit
        # is lower still and checked before any pixel is decoded.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError("bomb") from None
        except UnidentifiedImageError:
            raise ImageError("wrong_type") from None
        except (OSError, SyntaxError, ValueError):
            raise ImageError("corrupt") from None
        width, height = image.size
        if width < 1 or height < 1:
            raise ImageError("corrupt")
        if width * height > max_pixels:
            raise ImageError("bomb")
        try:
            with _strict_decoding:
                previous = ImageFile.LOAD_TRUNCATED_IMAGES
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                try:
                    image.load()
                finally:
                    ImageFile.LOAD_TRUNCATED_IMAGES = previous
            # Turn a photo the way the camera meant it before the EXIF goes.
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "PA") or (
                image.mode == "P" and "transparency" in image.info
            )
            return image.convert("RGBA" if has_alpha else "RGB")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError("bomb") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ImageError("corrupt") from None


def clean_image(
    data: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    box: tuple[int, int],
    photo: bool = False,
) -> CleanImage:
    """The upload's pixels re-encoded, at most `box` in size, or ImageError.

    A logo stays PNG (sharp edges, transparency); a `photo` becomes a JPEG (a PNG of a
    photo is several times larger), its transparency flattened onto white."""
    image = _decode(data, max_bytes=max_bytes, max_pixels=max_pixels)
    try:
        image.thumbnail(box, Image.Resampling.LANCZOS)
    except (OSError, ValueError) as error:
        raise ImageError("corrupt") from error
    if photo and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    # A new image from the raw pixels: nothing of the upload's info dict comes along.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if photo:
        clean.save(out, format="JPEG", quality=85, optimize=True)
        fmt = "JPEG"
    else:
        clean.save(out, format="PNG", optimize=True)
        fmt = "PNG"
    return CleanImage(data=out.getvalue(), width=clean.width, height=clean.height, format=fmt)
