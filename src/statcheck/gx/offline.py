"""GE's Data Docs without a network: every script, stylesheet and font a page loads is a
file of the site.

GE's page templates load jQuery, Popper, Bootstrap, bootstrap-table (with its filter
control and bootstrap-datepicker), a dark-mode stylesheet and Font Awesome from CDNs.
Offline, the index lists no runs (bootstrap-table builds its run list from data in a
script) and every status icon is blank (Font Awesome draws it). GE 1.x has no setting for
local assets, and a project's own views are consulted only after GE's templates, so they
cannot replace them. Instead, once GE has written its pages, :func:`make_offline` copies
the files statcheck ships (``vendor/``, provenance and licences in ``vendor/NOTICE.md``)
to ``SITE/static/vendor/`` and points each page at them with a relative path, so the site
folder can be moved or zipped whole.

The rewrite changes only the tags that name a known CDN URL and is idempotent: a page GE
writes again later is rewritten again, the others are left as they are.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ASSETS", "VENDOR", "Asset", "OfflineSite", "make_offline", "online_references"]

VENDOR = Path(__file__).parent / "vendor"
_SITE_VENDOR = Path("static") / "vendor"  # under the site folder


@dataclass(frozen=True)
class Asset:
    """A CDN URL as GE's templates write it, and the shipped copy that replaces it."""

    url: str
    file: str  # under VENDOR: NAME@VERSION/ and the file's path inside the npm package


_BT = "https://unpkg.com/bootstrap-table@1.19.1/dist/"
_BT_FILTER_CSS = (
    "bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.css"
)
ASSETS: tuple[Asset, ...] = (
    Asset("https://code.jquery.com/jquery-3.7.1.min.js", "jquery@3.7.1/dist/jquery.min.js"),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js",
        "popper.js@1.12.9/dist/umd/popper.min.js",
    ),
    Asset(
        "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css",
        "bootstrap@4.3.1/dist/css/bootstrap.min.css",
    ),
    Asset(
        "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js",
        "bootstrap@4.3.1/dist/js/bootstrap.min.js",
    ),
    Asset(_BT + "bootstrap-table.min.css", "bootstrap-table@1.19.1/dist/bootstrap-table.min.css"),
    Asset(_BT + "bootstrap-table.min.js", "bootstrap-table@1.19.1/dist/bootstrap-table.min.js"),
    Asset(
        _BT + "extensions/filter-control/bootstrap-table-filter-control.min.js",
        "bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    ),
    # GE asks for 1.19.0's filter-control CSS, minified on the index and not elsewhere;
    # 1.19.1's minified file differs from both only in its version comment.
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
        _BT_FILTER_CSS,
    ),
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css",
        _BT_FILTER_CSS,
    ),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css",
        "bootstrap-datepicker@1.9.0/dist/css/bootstrap-datepicker.min.css",
    ),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js",
        "bootstrap-datepicker@1.9.0/dist/js/bootstrap-datepicker.min.js",
    ),
    # the package's minified copy of the same stylesheet: 153 kB instead of 883 kB
    Asset(
        "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css",
        "bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.min.css",
    ),
    # its webfonts/ holds the solid face only: the pages' icons are all `fas`
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css",
        "fontawesome-free@6.6.0/css/all.min.css",
    ),
)
_BY_URL = {a.url: a for a in ASSETS}

# Vega draws the charts of GE's profiling pages; no page statcheck builds has one. Rather
# than ship 1 MB of Vega, its scripts are dropped from the pages that draw no chart.
_VEGA = re.compile(
    r'[ \t]*<script src="https://cdn\.jsdelivr\.net/npm/vega(?:-lite|-embed)?@\d+"></script>\n?'
)
_DRAWS_VEGA = "vegaEmbed("
# GE's logo comes from S3 with the project's data_context_id in the query; GE copies the
# same image into the site, so the page shows that one and tells S3 nothing.
_LOGO = re.compile(
    r"https://great-expectations-web-assets\.s3\.us-east-2\.amazonaws\.com/logo-long\.png[^\"']*"
)
_LOCAL_LOGO = Path("static") / "images" / "logo-long.png"
_TAG = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="(https?://[^"]+)"[^>]*>')
# Subresource integrity needs a CORS response, which a file:// page never gets; the two
# pinned files are the ones GE pins (tests/gx/test_offline.py compares the hashes).
_SRI = re.compile(r'\s+(?:integrity|crossorigin)="[^"]*"')
# What a page would still fetch from the network: scripts, stylesheets, images, fonts.
_ONLINE = re.compile(
    r'<(?:script|img)\b[^>]*?\bsrc="(https?://[^"]+)"'
    r'|<link\b[^>]*?\brel="stylesheet"[^>]*?\bhref="(https?://[^"]+)"'
    r'|<link\b[^>]*?\bhref="(https?://[^"]+)"[^>]*?\brel="stylesheet"'
    r"|@import\s+(?:url\()?[\"']?(https?://[^\"')]+)"
    r"|@font-face\s*{[^}]*?url\([\"']?(https?://[^\"')]+)"
)


@dataclass(frozen=True)
class OfflineSite:
    """What :func:`make_offline` did to a site."""

    site: Path
    rewritten: tuple[Path, ...]  # pages changed by this call
    online: tuple[tuple[Path, str], ...]  # (page, URL) still fetched from the network


def make_offline(site_dir: str | Path) -> OfflineSite:
    """Copy the shipped assets into ``site_dir/static/vendor`` and point every HTML page of
    the site at them. Returns the pages changed and any reference left on the network
    (a page that draws a Vega chart, or a CDN URL a newer GE uses and statcheck does not
    know; ``statcheck.gx.build`` warns about those)."""
    site = Path(site_dir)
    shutil.copytree(VENDOR, site / _SITE_VENDOR, dirs_exist_ok=True)
    rewritten: list[Path] = []
    online: list[tuple[Path, str]] = []
    for page in sorted(site.rglob("*.html")):
        if _SITE_VENDOR in page.relative_to(site).parents:
            continue
        html = page.read_text(encoding="utf-8")
        offline = _rewrite(html, site, page)
        if offline != html:
            page.write_text(offline, encoding="utf-8")
            rewritten.append(page)
        online += [(page, url) for url in online_references(offline)]
    return OfflineSite(site, tuple(rewritten), tuple(online))


def online_references(html: str) -> list[str]:
    """The http(s) URLs of the scripts, stylesheets, images and fonts a page loads."""
    return [next(g for g in m.groups() if g) for m in _ONLINE.finditer(html)]


def _rewrite(html: str, site: Path, page: Path) -> str:
    def local(path: Path) -> str:
        return Path(os.path.relpath(site / path, page.parent)).as_posix()

    def tag(m: re.Match[str]) -> str:
        asset = _BY_URL.get(m[1])
        if asset is None:
            return m[0]
        return _SRI.sub("", m[0].replace(m[1], local(_SITE_VENDOR / asset.file)))

    html = _TAG.sub(tag, html)
    if _DRAWS_VEGA not in html:
        html = _VEGA.sub("", html)
    return _LOGO.sub(local(_LOCAL_LOGO), html)
