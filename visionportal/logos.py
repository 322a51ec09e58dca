"""A municipality's uploaded logo, made safe (no ORM): decoded by Pillow to learn its real
type (never trusting the file name), refused when too large, too many pixels (a
decompression bomb), corrupt or not PNG/JPEG/WebP, then re-encoded from its pixels alone to
a small PNG: EXIF (GPS positions, camera serials), ICC profiles, comments and any other
metadata are left behind, because only the pixels are copied.

SVG is refused: it is a document that can carry scripts and external references, and
making it safe would need a sanitiser of its own.
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# The upload as sent: a logo needs far less.
MAX_BYTES = 1024 * 1024
# Width × height of the decoded image. A 1 MB file can claim a huge canvas (a decompression
# bomb); 4000 × 4000 is far more than a logo needs and decodes in well under a second.
MAX_PIXELS = 16_000_000
# The stored logo fits in this box (the header shows it at most 48 px high; twice that and
# more for sharp screens).
BOX = (400, 160)
FORMATS = ("PNG", "JPEG", "WEBP")


# WeasyPrint sets Pillow's process-wide ImageFile.LOAD_TRUNCATED_IMAGES to True on import,
# which would let a truncated upload "decode" with missing rows. A logo's pixels are decoded
# with it False; the lock keeps two uploads in one process from restoring each other's value.
# (PDFs are rendered by Celery workers, not in web requests, so no render sees it False.)
_strict_decoding = threading.Lock()


class LogoError(ValueError):
    """Why an upload was refused: `code` is one of "too_large", "svg", "wrong_type",
    "bomb", "corrupt" (the service turns it into a translated message)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CleanLogo:
    png: bytes
    width: int
    height: int

    @property
    def digest(self) -> str:
        """Names the stored file and its public URL: a new logo is a new URL, so the old
        one can be cached for good."""
        return hashlib.sha256(self.png).hexdigest()[:16]


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and (b"<svg" in data[:4096].lower() or head.startswith(b"<?xml"))


def clean_logo(data: bytes) -> CleanLogo:
    """The upload's pixels as a PNG at most BOX in size, or LogoError."""
    if len(data) > MAX_BYTES:
        raise LogoError("too_large")
    if _looks_like_svg(data):
        raise LogoError("svg")
    with warnings.catch_warnings():
        # Pillow warns (and above twice its own limit refuses) on huge canvases; our limit
        # is lower still and checked before any pixel is decoded.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise LogoError("bomb") from None
        except UnidentifiedImageError:
            raise LogoError("wrong_type") from None
        except (OSError, SyntaxError, ValueError):
            raise LogoError("corrupt") from None
        width, height = image.size
        if width < 1 or height < 1:
            raise LogoError("corrupt")
        if width * height > MAX_PIXELS:
            raise LogoError("bomb")
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
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail(BOX, Image.Resampling.LANCZOS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise LogoError("bomb") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise LogoError("corrupt") from None
    # A new image from the raw pixels: nothing of the upload's info dict comes along.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return CleanLogo(png=out.getvalue(), width=clean.width, height=clean.height)
