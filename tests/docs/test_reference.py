"""The docs' reference tables are generated from the declarations in the code."""

from __future__ import annotations

from pathlib import Path

from statcheck.contract.rules import RULE_KINDS, SKIP_REASONS
from statcheck.errors import CATALOGUE
from statcheck.reference import error_tables, render, stale_pages

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_no_generated_table_in_the_docs_is_out_of_date() -> None:
    assert stale_pages(DOCS) == [], "run: python -m statcheck.reference"


def test_the_error_reference_lists_every_declared_slug_once() -> None:
    page = (DOCS / "errors.md").read_text(encoding="utf-8")
    for slug in CATALOGUE:
        assert page.count(f"| `{slug}` |") == 1, slug


def test_a_stale_block_is_found_and_made_anew(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("x\n<!-- generated: errors -->\nold\n<!-- end generated: errors -->\ny\n")
    assert stale_pages(tmp_path) == [page]
    assert render(page.read_text()) == (
        f"x\n<!-- generated: errors -->\n{error_tables()}\n<!-- end generated: errors -->\ny\n"
    )


def test_the_report_page_lists_every_skip_reason_and_what_each_kind_counts() -> None:
    page = (DOCS / "report.md").read_text(encoding="utf-8")
    block = page.split("<!-- generated: counts -->", 1)[1].split("<!-- end generated: counts -->")[
        0
    ]
    for reason in SKIP_REASONS:
        assert block.count(f"| `{reason}` |") == 1, reason
    for kind, cls in RULE_KINDS.items():
        assert cls.ITEM, kind
        assert f"| `{kind}` | {cls.ITEM} |" in block, kind
    assert "`counts`" in page and "skipped: report" in page
