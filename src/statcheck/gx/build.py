"""Validate drops through Great Expectations and build GE's Data Docs.

One GE project (a file data context) per output folder::

    OUT/gx/                      the GE project: great_expectations.yml, the expectation
                                 suites, validation definitions, checkpoints and the
                                 stored validation results (gx/uncommitted/validations)
    OUT/data_docs/local_site/    GE's Data Docs; index.html lists every validation run

For each suite and drop: the suite becomes a GE expectation suite
(:func:`statcheck.gx.expectations.expectation_suite`), the drop's figure table is read by
statcheck's checking layer (pandas engine) and handed to GE as a dataframe batch, and a checkpoint
validates it with an ``UpdateDataDocsAction``, so the pages are the ones GE builds itself.
The run is named after the drop.

Nothing reaches the network while building: GE 1.24 carries no usage statistics (and
``GX_ANALYTICS_ENABLED`` is set to False and analytics disabled in the project anyway).
Nor while viewing: GE's pages load their scripts, stylesheets and fonts from CDNs, so once
GE has written them :func:`statcheck.gx.offline.make_offline` points them at copies that
statcheck ships, under ``OUT/data_docs/local_site/static/vendor``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # before GE is imported: no telemetry

from statcheck import checking
from statcheck.contract.suite import Suite, load_suite
from statcheck.errors import MISSING_EXTRA, StatcheckError
from statcheck.inert import inert

__all__ = ["SITE", "GxOutcome", "build_all", "build_data_docs", "index_path", "main"]

SITE = "local_site"
DATASOURCE = "statcheck"
BATCH_DEFINITION = "figure table"
_SITE_DIR = Path("data_docs") / SITE  # under the output folder


def index_path(project_dir: str | Path) -> Path:
    """Where the Data Docs' index page is, for an output folder."""
    return Path(project_dir) / _SITE_DIR / "index.html"


def build_data_docs(
    suite: Suite | str | Path,
    drop_folder: str | Path,
    project_dir: str | Path,
    earlier: Sequence[str | Path] = (),
) -> Path:
    """Validate one drop against one suite through GE; return the Data Docs' index.html.

    ``earlier``: earlier drops of the suite, oldest first, for its revision rules (as for
    :func:`statcheck.checking.validate_drop`). A drop that cannot be read raises its
    :class:`~statcheck.errors.StatcheckError`: GE has no batch to validate then."""
    suite = suite if isinstance(suite, Suite) else load_suite(suite)
    context = _project(Path(project_dir))
    _validate(context, suite, Path(drop_folder), earlier)
    _offline(Path(project_dir))
    return index_path(project_dir)


@dataclass(frozen=True)
class GxOutcome:
    """One suite on one drop, as GE saw it."""

    suite: str
    drop: str
    success: bool | None  # None: not validated (see problem)
    statuses: tuple[tuple[str, str], ...] = ()  # (statcheck rule id, outcome word)
    problem: str | None = None


def build_all(
    expectations: str | Path,
    out_dir: str | Path,
    drops_dir: str | Path | None = None,
    fresh: bool = True,
) -> tuple[Path, list[GxOutcome]]:
    """Every suite in ``expectations`` against each drop it targets (as ``statcheck run``
    finds them), in one GE project under ``out_dir``. ``fresh``: start from an empty
    project, so the Data Docs list this build's runs only."""
    from statcheck.runner import drops_for, find_suites

    out = Path(out_dir)
    if fresh:
        for owned in (out / "gx", out / _SITE_DIR.parent):
            shutil.rmtree(owned, ignore_errors=True)
    context = _project(out)
    cache = checking.DropCache()  # each drop hashed and read once
    outcomes: list[GxOutcome] = []
    for path in find_suites(Path(expectations)):
        try:
            suite = load_suite(path)
        except StatcheckError as exc:
            outcomes.append(GxOutcome(path.stem, "-", None, problem=f"[{exc.slug}] {exc}"))
            continue
        folders = drops_for(suite, Path(drops_dir) if drops_dir is not None else None)
        ordered: list[tuple[Path, Any]] = []
        for folder in folders:
            try:
                ordered.append((folder, cache.drop(folder)))
            except StatcheckError as exc:
                outcomes.append(
                    GxOutcome(suite.id, folder.name, None, problem=f"[{exc.slug}] {exc}")
                )
        revision = checking.has_revision_rules(suite)
        if revision:  # as `statcheck run`: by publication date, then id; undated last
            ordered.sort(
                key=lambda fd: (fd[1].published_at is None, fd[1].published_at or "", fd[1].id)
            )
        done: list[Path] = []
        for folder, drop in ordered:
            try:
                result = _validate(context, suite, folder, done if revision else (), cache)
            except StatcheckError as exc:
                outcomes.append(GxOutcome(suite.id, drop.id, None, problem=f"[{exc.slug}] {exc}"))
                continue
            done.append(folder)
            outcomes.append(GxOutcome(suite.id, drop.id, bool(result.success), _statuses(result)))
        cache.release_tables()
    _offline(out)
    return index_path(out), outcomes


# ---------------------------------------------------------------- GE project and runs


def _project(project_dir: Path) -> Any:
    """The GE file context under ``project_dir``: analytics off, no progress bars, and the
    Data Docs site written to ``project_dir/data_docs/local_site``."""
    try:
        import great_expectations as gx
    except ImportError as exc:  # the optional extra is not installed: the user's to fix
        raise MISSING_EXTRA(
            f"Great Expectations is not installed ({exc})",
            hint="pip install 'statcheck-contracts[gx]'",
        ) from None
    from great_expectations.data_context.types.base import ProgressBarsConfig

    project_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(project_dir))
    context.variables.analytics_enabled = False
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            # relative to the GE project (OUT/gx), so the folder can move
            "base_directory": f"../{_SITE_DIR.as_posix()}/",
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    context.variables.data_docs_sites = {SITE: site}
    context.variables.save()
    return context


def _offline(project_dir: Path) -> None:
    """Point the pages GE wrote at the assets statcheck ships; warn about any reference
    left on the network (a CDN URL a newer GE uses that statcheck does not know)."""
    from statcheck.gx.offline import make_offline

    site = make_offline(index_path(project_dir).parent)
    if site.online:
        urls = sorted({url for _, url in site.online})
        warnings.warn(
            f"{len(site.online)} references in {len({p for p, _ in site.online})} Data Docs "
            f"pages still load from the network, so those pages need it: {', '.join(urls)}",
            stacklevel=3,
        )


def _validate(
    context: Any,
    suite: Suite,
    folder: Path,
    earlier: Sequence[str | Path],
    cache: checking.DropCache | None = None,
) -> Any:
    """Run the checkpoint for one suite and drop; GE stores the result and updates the
    Data Docs. Returns GE's validation result."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.core.run_identifier import RunIdentifier

    from statcheck.gx.expectations import DROP_PARAMETER, expectation_suite

    cache = cache or checking.DropCache()
    drop = cache.drop(folder)
    inputs = cache.inputs(drop, suite.table, "pandas", values=suite.values)
    figures, sources = inputs.figures, inputs.sources
    gx_suite = context.suites.add_or_update(expectation_suite(suite))
    datasource = context.data_sources.add_or_update_pandas(name=DATASOURCE)
    try:
        asset = datasource.get_asset(drop.id)
    except LookupError:
        asset = datasource.add_dataframe_asset(name=drop.id)
    try:
        batch = asset.get_batch_definition(BATCH_DEFINITION)
    except KeyError:
        batch = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=f"{suite.id} on {drop.id}", data=batch, suite=gx_suite)
    )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=f"statcheck {suite.id} on {drop.id}",
            validation_definitions=[validation],
            actions=[UpdateDataDocsAction(name="update data docs", site_names=[SITE])],
            result_format={"result_format": "COMPLETE"},
        )
    )
    drop_context = {
        "id": drop.id,
        "dimensions": list(figures.dimensions),
        "sources": _records(sources),
        "earlier": [str(Path(p)) for p in earlier],
    }
    result = checkpoint.run(
        batch_parameters={"dataframe": figures.frame.to_native()},
        expectation_parameters={DROP_PARAMETER: drop_context},
        run_id=RunIdentifier(run_name=drop.id),
    )
    return next(iter(result.run_results.values()))


def _records(sources: Any) -> list[dict[str, str | None]] | None:
    """The source table as JSON records (text cells, empty as None)."""
    if sources is None:
        return None
    from statcheck.prepare import SOURCE_OPTIONAL, SOURCE_REQUIRED

    columns = [c for c in (*SOURCE_REQUIRED, *SOURCE_OPTIONAL) if c in sources.columns]
    return [
        {c: (None if _is_null(v) else str(v)) for c, v in row.items()}
        for row in sources.select(columns).rows(named=True)
    ]


def _is_null(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or str(v) in ("<NA>", "nan")


def _statuses(result: Any) -> tuple[tuple[str, str], ...]:
    """(statcheck rule id, outcome word) per rule, in the suite's order; the column-level
    schema's built-in expectations together make one rule, ``schema``."""
    from statcheck.gx.expectations import rule_outcomes

    return tuple(rule_outcomes(result.to_json_dict()).items())


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """``python -m statcheck.gx``: Data Docs for every suite and drop.

    Exit 0 when every drop was validated (failing rules are findings, as for
    ``nox -s validate``), 2 when a suite or drop could not be read."""
    p = argparse.ArgumentParser(
        prog="python -m statcheck.gx",
        description="Validate every suite's drops through Great Expectations and build its Data Docs.",
    )
    p.add_argument("--expectations", type=Path, default=Path("expectations"))
    p.add_argument("--drops", type=Path, default=None, help="look for drops in this folder")
    p.add_argument("--out", type=Path, default=Path("build/site/gx"))
    args = p.parse_args(argv)
    try:
        index, outcomes = build_all(args.expectations, args.out, args.drops)
    except StatcheckError as exc:
        print(f"error [{exc.slug}] {inert(str(exc))}", file=sys.stderr)
        return int(exc.exit_code)
    for o in outcomes:
        if o.problem:
            print(f"  NOT VALIDATED {o.suite} / {o.drop}: {o.problem}")
            continue
        counts: dict[str, int] = {}
        for _, word in o.statuses:
            counts[word] = counts.get(word, 0) + 1
        summary = ", ".join(f"{n} {w}" for w, n in sorted(counts.items()))
        print(f"  {'SUCCESS' if o.success else 'FAILED '} {o.suite} / {o.drop}: {summary}")
    print(f"Data Docs: {index}")
    return 2 if any(o.problem for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
