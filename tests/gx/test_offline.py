"""GE's Data Docs work offline: every page loads its scripts, stylesheets and fonts from
the site itself, so Chromium with the network cut shows the index's runs and every
validation page's status icons.

One site is built per module (GE is slow to start): the seed drop and the World Bank
vintages, as ``statcheck docs --gx`` builds them, between them every outcome GE's pages show
(pass, fail, undetermined). The browser tests drive headless Chromium over the DevTools
protocol (tests/docsite/test_browser.py), with the network emulated offline and every
request the page makes recorded; they are skipped where Chromium is missing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from statcheck.gx import build_all
from statcheck.gx.expectations import rule_outcomes
from statcheck.gx.offline import ASSETS, VENDOR, make_offline
from tests.conftest import REPO
from tests.docsite.test_browser import Browser, _chromium

SUITES = ("kyivpost-desertion", "worldbank-population")
RUNS = {
    "2025-01-06-kyivpost-desertion",
    "worldbank-population-2020-04-14",
    "worldbank-population-2026-03-06",
}
ICONS = {  # statcheck outcome -> the Font Awesome icon GE's page shows
    "pass": "fa-check-circle",
    "fail": "fa-times",
    "undetermined": "fa-question-circle",
    "error": "fa-exclamation-triangle",
}
# The rows of the index's table of validation runs (its other tab lists the suites); GE
# ships the rows as data for bootstrap-table, which draws them.
RUN_ROWS = "#section-1-content-block-2-1-body-table tbody tr"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    expectations = tmp_path_factory.mktemp("expectations")
    for suite in SUITES:  # the bundled suites, their drops found in fixtures/drops
        shutil.copy(REPO / "expectations" / f"{suite}.yml", expectations)
    out = tmp_path_factory.mktemp("gx")
    _, outcomes = build_all(expectations, out, REPO / "fixtures" / "drops")
    assert {o.drop for o in outcomes} == RUNS and not any(o.problem for o in outcomes)
    return out


@pytest.fixture(scope="module")
def site(out: Path) -> Path:
    return out / "data_docs" / "local_site"


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "static" not in p.relative_to(site).parts)


def _validation_pages(site: Path) -> list[Path]:
    return sorted((site / "validations").rglob("*.html"))


class _Loads(HTMLParser):
    """What a page loads: script sources, stylesheets, images, and CSS url()s."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "img") and a.get("src"):
            self.urls.append(str(a["src"]))
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.urls.append(str(a["href"]))
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:  # @import and @font-face sources; background images are not loads
            for m in re.finditer(r"@import\s+(?:url\()?['\"]?([^'\")\s;]+)", data):
                self.urls.append(m[1])
            for face in re.findall(r"@font-face\s*{[^}]*}", data):
                self.urls += re.findall(r"url\(['\"]?([^'\")]+)", face)


def _loads(page: Path) -> list[str]:
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


# ---------------------------------------------------------------- the pages as files


def test_no_page_loads_a_script_stylesheet_font_or_image_from_the_network(site: Path) -> None:
    pages = _pages(site)
    assert len(pages) == 1 + len(SUITES) + len(RUNS)  # index, suite pages, one per run
    for page in pages:
        loads = _loads(page)
        assert len(loads) >= 13, page  # GE's scripts and stylesheets are all still there
        remote = [u for u in loads if re.match(r"(?i)https?:|//", u)]
        assert remote == [], f"{page.relative_to(site)} loads {remote}"
        for url in loads:  # and every one of them is a file of the site
            assert (page.parent / url.split("?")[0]).resolve().is_file(), (page, url)


def test_font_awesome_finds_its_webfont_in_the_site(site: Path) -> None:
    css = site / "static" / "vendor" / "fontawesome-free@6.6.0" / "css" / "all.min.css"
    solid = re.search(r"url\((\.\./webfonts/fa-solid-900\.woff2)\)", css.read_text())
    assert solid is not None and (css.parent / solid[1]).is_file()


def test_the_shipped_scripts_are_the_ones_ge_pins() -> None:
    """GE's templates pin Bootstrap's and Popper's scripts by SHA-384 (``integrity=``): the
    copies statcheck ships are byte for byte those files."""
    templates = Path(pytest.importorskip("great_expectations").__file__).parent
    imports = (templates / "render" / "view" / "templates" / "js_script_imports.j2").read_text()
    pinned = dict(re.findall(r'src="(https://[^"]+)" integrity="sha384-([^"]+)"', imports))
    by_url = {a.url: a.file for a in ASSETS}
    assert len(pinned) == 2
    for url, digest in pinned.items():
        shipped = hashlib.sha384((VENDOR / by_url[url]).read_bytes()).digest()
        assert base64.b64encode(shipped).decode() == digest, url


def test_every_cdn_url_in_ges_templates_has_a_shipped_copy() -> None:
    """A newer GE that loads something else fails here, not in an analyst's browser."""
    templates = Path(pytest.importorskip("great_expectations").__file__).parent
    text = "\n".join(
        p.read_text() for p in (templates / "render" / "view" / "templates").glob("*.j2")
    )
    loaded = set(re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="(https://[^"]+)"', text))
    vega = {u for u in loaded if u.startswith("https://cdn.jsdelivr.net/npm/vega")}
    assert len(vega) == 3  # dropped from pages that draw no chart (no statcheck page does)
    assert loaded - vega == {a.url for a in ASSETS}
    for asset in ASSETS:
        assert (VENDOR / asset.file).is_file(), asset.file


def test_the_shipped_assets_are_small_and_licensed() -> None:
    files = [p for p in VENDOR.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 1_200_000
    notice = (VENDOR / "NOTICE.md").read_text()
    for folder in {Path(a.file).parts[0] for a in ASSETS}:
        assert f"`{folder}`" in notice, folder
        has_licence = any((VENDOR / folder).glob("LICENSE*"))
        assert has_licence or folder == "popper.js@1.12.9", folder  # its terms are in NOTICE
    assert "MIT License" in notice


def test_making_a_site_offline_twice_changes_nothing(site: Path) -> None:
    before = {p: p.read_bytes() for p in _pages(site)}
    again = make_offline(site)
    assert again.rewritten == () and again.online == ()
    assert {p: p.read_bytes() for p in _pages(site)} == before


def test_what_cannot_be_made_offline_is_reported(tmp_path: Path) -> None:
    """A page that draws a Vega chart keeps Vega's CDN scripts, and a CDN URL statcheck
    ships no copy of (a newer GE's) stays; both are reported, and the build warns."""
    from statcheck.gx.build import _offline, index_path

    site = index_path(tmp_path).parent
    (site / "validations").mkdir(parents=True)
    jquery = '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>\n'
    vega = '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>\n'
    unknown = '<link rel="stylesheet" href="https://cdn.example/new.css">\n'
    (site / "index.html").write_text(jquery + vega + unknown)
    (site / "validations" / "chart.html").write_text(
        jquery + vega + "<script>vegaEmbed(x)</script>"
    )
    with pytest.warns(UserWarning, match=r"2 references in 2 Data Docs pages") as caught:
        _offline(tmp_path)
    assert "https://cdn.example/new.css" in str(caught[0].message)
    assert (site / "index.html").read_text() == (
        '<script src="static/vendor/jquery@3.7.1/dist/jquery.min.js"></script>\n' + unknown
    )
    chart = (site / "validations" / "chart.html").read_text()
    assert "../static/vendor/jquery@3.7.1/dist/jquery.min.js" in chart and vega in chart
    assert (site / "static" / "vendor" / "jquery@3.7.1" / "dist" / "jquery.min.js").is_file()


# ---------------------------------------------------------------- in Chromium, offline


@pytest.fixture
def offline_browser(tmp_path: Path) -> Iterator[Browser]:
    b = Browser(_chromium(), tmp_path / "profile")
    try:
        b.call("Network.enable", session=True)
        b.call(
            "Network.emulateNetworkConditions",
            session=True,
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        yield b
    finally:
        b.close()


def _show(browser: Browser, page: Path) -> list[str]:
    """Open the page, wait for its fonts; return every URL it requested."""
    browser.open(page.as_uri())
    browser.call(
        "Runtime.evaluate", session=True, expression="document.fonts.ready", awaitPromise=True
    )
    return [
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    ]


# Each status icon: its classes, whether Font Awesome drew a glyph for it, and the row's text.
_ICONS_JS = """(() => {
  const face = [...document.fonts].some(
    f => f.family.includes('Font Awesome') && f.weight === '900' && f.status === 'loaded');
  return [...document.querySelectorAll(SELECTOR)].map(i => {
    const glyph = getComputedStyle(i, '::before').content;
    return {classes: [...i.classList], width: i.getBoundingClientRect().width,
            drawn: face && glyph !== 'none' && glyph !== 'normal' && glyph !== '""',
            row: (i.closest('tr') || i.parentElement).innerText};
  });
})()"""


def _icons(browser: Browser, selector: str) -> list[dict[str, Any]]:
    return list(browser.eval(_ICONS_JS.replace("SELECTOR", json.dumps(selector))))


def test_index_lists_every_run_offline(offline_browser: Browser, site: Path) -> None:
    requested = _show(offline_browser, site / "index.html")
    assert [u for u in requested if not u.startswith(("file:", "data:"))] == []
    rows = offline_browser.eval(
        f"[...document.querySelectorAll({RUN_ROWS!r})].map(r => r.innerText)"
    )
    assert len(rows) == len(RUNS)
    assert {run for run in RUNS for row in rows if run in row} == RUNS
    # bootstrap-table's search box and column filters, the Run Time filter's date picker
    assert offline_browser.eval(
        "!!document.querySelector('.bootstrap-table .search input')"
        " && document.querySelectorAll('.filter-control select').length >= 2"
        " && typeof $.fn.datepicker === 'function'"
    )
    icons = _icons(offline_browser, f"{RUN_ROWS} i.fas")
    assert len(icons) == len(RUNS)
    for icon in icons:
        assert icon["drawn"] and icon["width"] > 5, icon
        assert "fa-times" in icon["classes"]  # every run has a rule that did not pass


def test_every_validation_page_shows_its_statuses_offline(
    offline_browser: Browser, site: Path, out: Path
) -> None:
    pages = _validation_pages(site)
    assert len(pages) == len(RUNS)
    shown: set[str] = set()
    for page in pages:
        requested = _show(offline_browser, page)
        assert [u for u in requested if not u.startswith(("file:", "data:"))] == [], page
        suite, run = page.relative_to(site / "validations").parts[:2]
        (stored,) = (out / "gx" / "uncommitted" / "validations" / suite / run).rglob("*.json")
        outcomes = rule_outcomes(json.loads(stored.read_text(encoding="utf-8")))
        icons = _icons(offline_browser, "td > div > i.fas, td i.fas")
        by_rule: dict[str, set[str]] = {}
        for icon in icons:
            assert icon["drawn"] and icon["width"] > 5, (page.name, icon)
            rule = re.search(r"statcheck rule ([^\s:]+)", icon["row"])
            if rule:
                shape = next(c for c in icon["classes"] if c in ICONS.values())
                by_rule.setdefault(rule[1], set()).add(shape)
        assert set(by_rule) == set(outcomes), page.name
        for rule, word in outcomes.items():
            if rule == "schema" and word == "fail":  # one row per built-in expectation
                assert ICONS["fail"] in by_rule[rule], page.name
            else:
                assert by_rule[rule] == {ICONS[word]}, (page.name, rule)
        shown |= set(outcomes.values())
    assert shown == {"pass", "fail", "undetermined"}


def _control(page: Path, local: str, cdn: str) -> Path:
    """A copy of ``page`` beside it that loads ``cdn`` where the page loads ``local``."""
    html = page.read_text(encoding="utf-8")
    assert local in html
    control = page.with_name("control.html")
    control.write_text(html.replace(local, cdn), encoding="utf-8")
    return control


def test_the_harness_would_see_the_cdn_pages_fail(offline_browser: Browser, site: Path) -> None:
    """A control: the pages as GE writes them, with bootstrap-table and Font Awesome from
    their CDNs, show no run and no status icon in the same browser, so the runs and icons
    above are the shipped copies' doing."""
    index = _control(
        site / "index.html",
        "static/vendor/bootstrap-table@1.19.1/dist/bootstrap-table.min.js",
        "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js",
    )
    page = _control(
        _validation_pages(site)[0],
        "../../../../static/vendor/fontawesome-free@6.6.0/css/all.min.css",
        "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css",
    )
    try:
        requested = _show(offline_browser, index)
        assert "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js" in requested
        assert offline_browser.eval(f"document.querySelectorAll({RUN_ROWS!r}).length") == 0
        _show(offline_browser, page)
        icons = _icons(offline_browser, "td i.fas")
        assert icons and not any(i["drawn"] or i["width"] for i in icons)
    finally:
        index.unlink()
        page.unlink()
