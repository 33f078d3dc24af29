"""A static site of the results under ``build/``: ``statcheck docs`` and ``nox -s docs``.

An index of suites and their drops (counts per status and how they changed from one drop
to the next), and a page per suite and per drop with every rule's result, its plain
explanation, the figures involved and the arithmetic, drawn where a picture helps: an
interval chart for a failing numeric finding, a timeline of the periods of a period
mismatch, one chart of the gap over time for many findings of one form, a small graph of
each citation chain. Beside each page, its findings as CSV (the JSON report is not copied:
a large one would be most of the site).

Pages are plain HTML with inline CSS and SVG: they open from disk, render offline and run
no script (a Content-Security-Policy forbids it). Every value from a report, a drop or a
suite is escaped (Jinja2 autoescaping). Jinja2 is imported only when a site is built.
"""

from __future__ import annotations

from statcheck.docsite._build import SiteBuild, build_site, findings_csv

__all__ = ["SiteBuild", "build_site", "findings_csv"]
