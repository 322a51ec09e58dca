"""Front-end budget and provenance: small CSS, htmx served by us, nothing from a CDN."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_css_stays_under_60_kilobytes():
    total = sum(path.stat().st_size for path in (ROOT / "static").rglob("*.css"))
    assert total < 60 * 1024, f"{total} bytes of CSS"


def test_htmx_is_served_from_our_static_files():
    htmx = ROOT / "static" / "vendor" / "htmx.min.js"
    assert htmx.exists()
    assert "htmx" in htmx.read_text(encoding="utf-8")[:5000]


def test_no_template_loads_anything_from_another_origin():
    remote = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if remote.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_templates_have_no_inline_script_or_event_handlers():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
