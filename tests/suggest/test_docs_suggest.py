"""docs/suggest.md shows the real output of `statcheck suggest` on the bundled BLS table."""

from __future__ import annotations

import re

from statcheck.suggest import suggest
from tests.conftest import REPO

DOC = REPO / "docs" / "suggest.md"


def test_the_page_shows_what_suggest_writes_for_the_bls_table() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks[0] == suggest(REPO / "fixtures" / "drops" / "bls-cps-aat1-2025").to_yaml()


def test_the_page_is_in_the_navigation_and_the_cli_page_links_it() -> None:
    assert "Suggest a suite: suggest.md" in (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "(suggest.md)" in (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
