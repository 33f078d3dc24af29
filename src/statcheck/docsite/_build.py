"""Build the site: read the reports, look the figures up in their drops, render the pages.

Everything from a report, a drop or a suite reaches the page through Jinja2 with
autoescaping on, so an id or a note that holds markup shows as text. Each page also
carries a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statcheck.docsite._collect import (
    group_by_suite,
    load_reports,
)
from statcheck.docsite._common import (
    STATUS_MEANING,
    breakable_id,
    csv_cell,
    findings_csv,
    num,
    signed,
    write,
)
from statcheck.docsite._drop import write_drop
from statcheck.docsite._index import suite_view, totals
from statcheck.report import STATUSES

__all__ = ["SiteBuild", "build_site", "csv_cell", "findings_csv"]

DATA_DOCS = Path("gx") / "data_docs" / "local_site"  # inside the site, if built


@dataclass(frozen=True)
class SiteBuild:
    """What ``build_site`` wrote."""

    out: Path
    index: Path
    pages: tuple[Path, ...]
    suites: int
    reports: int


def build_site(
    reports: str | Path = Path("build") / "reports",
    out: str | Path = Path("build") / "site",
    root: str | Path | None = None,
) -> SiteBuild:
    """Build the static site from the JSON reports under ``reports`` into ``out``.

    ``root`` is where the reports' relative drop and suite paths start (default: the
    current folder, then the folder two levels above ``reports``, i.e. the project that
    wrote ``build/reports``). A drop or suite that is gone leaves its page built from the
    report alone.
    """
    reports_dir, out_dir = Path(reports), Path(out)
    histories = group_by_suite(load_reports(reports_dir))
    roots = [Path(root)] if root is not None else [Path.cwd(), reports_dir.resolve().parent.parent]
    env = _environment()
    out_dir.mkdir(parents=True, exist_ok=True)
    pages: list[Path] = []
    for hist in histories:
        folder = out_dir / hist.slug
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for entry in hist.drops:
            pages.append(write_drop(env, hist, entry, folder, roots))
        pages.append(write(folder / "index.html", env.get_template("suite.html").render(
            page_title=f"Suite {hist.suite_id}", up="../", suite=suite_view(hist),
        )))  # fmt: skip
    data_docs = (out_dir / DATA_DOCS).is_dir()
    index = write(out_dir / "index.html", env.get_template("index.html").render(
        page_title="statcheck results", up="", suites=[suite_view(h) for h in histories],
        data_docs=f"{DATA_DOCS.as_posix()}/index.html" if data_docs else None,
        totals=totals(histories),
    ))  # fmt: skip
    pages.append(index)
    return SiteBuild(
        out_dir, index, tuple(pages), len(histories), sum(len(h.drops) for h in histories)
    )


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("statcheck.docsite", "templates"),
        autoescape=True,  # every value from a report, a drop or a suite is data, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = num
    env.filters["signed"] = signed
    env.filters["id"] = breakable_id
    env.globals.update(STATUS_MEANING=STATUS_MEANING, STATUSES=STATUSES)
    return env
