"""HTML to tagged PDF with WeasyPrint: the one module that renders PDFs (decision packs,
follow-up reports, workshop outputs).

WeasyPrint fetches whatever a document links to (stylesheets, images, fonts) through its
URL fetcher. Ours serves only the app's own fonts and stylesheet, under the `vp-static:`
scheme the pack's stylesheet uses, and refuses every other URL: `http(s)://` (no
request may leave the server, and an answer must not make it call anywhere), `file://`
(no reading the server's files) and `data:` (no embedded payloads). Residents' text is
escaped by the templates anyway, so no such URL should reach WeasyPrint; the fetcher is the
second wall.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_SCHEME = "vp-static:"
# The only static files a document may load: fonts and the print stylesheet.
SERVED_DIRECTORIES = ("fonts/", "css/")
PDF_VARIANT = "pdf/ua-1"


class RefusedURL(ValueError):
    """A URL the fetcher does not fetch (WeasyPrint logs it and leaves the resource out)."""


class StaticOnlyFetcher(URLFetcher):
    """Serves `vp-static:fonts/...` and `vp-static:css/...` from the repository's static
    directory; refuses everything else and remembers what it refused."""

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols=set(), allow_redirects=False)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith(STATIC_SCHEME):
            relative = url[len(STATIC_SCHEME) :].lstrip("/")
            path = _static_file(relative)
            if path is not None:
                self.served.append(relative)
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                if path.suffix == ".ttf":
                    content_type = "font/ttf"
                return URLFetcherResponse(
                    url, path.read_bytes(), headers={"Content-Type": content_type}
                )
        self.refused.append(url)
        raise RefusedURL(f"Refused to fetch {url[:200]!r}")


def _static_file(relative: str) -> Path | None:
    if not relative.startswith(SERVED_DIRECTORIES) or ".." in relative or "\\" in relative:
        return None
    root = (Path(settings.BASE_DIR) / "static").resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def render_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None, on_layout=None):
    """(pdf bytes, page count) of `html`, tagged (PDF/UA-1). `on_layout()` is called between
    laying out the pages and writing the file, so a caller can report progress."""
    fetcher = fetcher or StaticOnlyFetcher()
    document = HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=fetcher).render(
        pdf_variant=PDF_VARIANT
    )
    if on_layout is not None:
        on_layout(len(document.pages))
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf, len(document.pages)
