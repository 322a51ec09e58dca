"""A municipality's uploaded logo, made safe by visionportal.images (decoded, refused when
too large, a decompression bomb, corrupt, SVG or not PNG/JPEG/WebP, re-encoded from its
pixels alone to a small PNG without any metadata). Only the logo's limits live here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import images

# The upload as sent: a logo needs far less.
MAX_BYTES = 1024 * 1024
# Width × height of the decoded image. A 1 MB file can claim a huge canvas (a decompression
# bomb); 4000 × 4000 is far more than a logo needs and decodes in well under a second.
MAX_PIXELS = 16_000_000
# The stored logo fits in this box (the header shows it at most 48 px high; twice that and
# more for sharp screens).
BOX = (400, 160)
FORMATS = images.FORMATS

# The shared refusal, under the name the logo's callers know.
LogoError = images.ImageError


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


def clean_logo(data: bytes) -> CleanLogo:
    """The upload's pixels as a PNG at most BOX in size, or LogoError."""
    clean = images.clean_image(data, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS, box=BOX)
    return CleanLogo(png=clean.data, width=clean.width, height=clean.height)
