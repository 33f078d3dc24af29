"""Findings whose sentences are written when first read.

A table-wide rule finds its failing rows with column arithmetic; explaining each one in a
plain sentence is Python work per finding (figures rebuilt from their cells, numbers
formatted), and on a table with tens of thousands of failures it would cost many times the
check itself. So a rule that knows exactly which rows fail (its vectorized test is the
same test, to the last bit, as the one its explanations make) hands back one
:class:`DeferredFinding` per row: slug and figures at once, the rest (explanation,
intervals, gap, tolerance) made for the whole batch the first time any of them is read.
A report that is only asked whether it passed, or how many failed, never writes them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from statcheck.collector import collector_paused
from statcheck.errors import INTERNAL_ERROR
from statcheck.report import Finding, finding_lines, sentence_lines

_LATER = ("explanation", "reported", "expected", "gap", "tolerance", "details")
# A batch's sentences, row by row: a list, or a polars Series where they were written
# column by column (the report's JSON lines are written from it as it is).
Sentences = Sequence[str | None]
# A finding's fields made later but its sentence, when it has none of them: a plain
# finding's own defaults.
_NO_NUMBERS = {k: getattr(Finding("", (), ""), k) for k in _LATER if k != "explanation"}


class FindingBatch:
    """The findings of one rule's failing rows, made together on first use."""

    def __init__(self, build: Callable[[], Sequence[Any]], size: int) -> None:
        self._build: Callable[[], Sequence[Any]] | None = build
        self._size = size
        self._made: Sequence[Any] = ()
        self._lock = threading.Lock()
        self._batch_lines: list[str] | None = None
        self._lines_to_write = True
        self._lines_lock = threading.Lock()  # (``_lock`` is held while ``build`` runs)

    def _all(self) -> Sequence[Any]:
        """What ``build`` made, row by row."""
        # Read again under the lock: another thread may be making them.
        if self._build is not None:
            with self._lock:
                if self._build is not None:
                    with collector_paused():
                        self._made = self._build()
                    self._build = None  # frees what the builder held (the collected rows)
        return self._made

    def _ready(self, index: int) -> Any:
        """What ``build`` made for row ``index``."""
        made = self._all()
        found = made[index] if len(made) == self._size else None
        if found is None:
            # The vectorized test and the explanation disagree on a row: a statcheck bug.
            raise INTERNAL_ERROR(f"finding {index} of a batch of {self._size} could not be made")
        return found

    def made(self, index: int, slug: str, figures: tuple[str, ...]) -> Finding:
        found: Finding = self._ready(index)
        return found

    def later(self, index: int, slug: str, figures: tuple[str, ...]) -> dict[str, Any]:
        """The fields of finding ``index`` made later (``_LATER``)."""
        made = self.made(index, slug, figures)
        return {k: getattr(made, k) for k in _LATER}

    def to_dict(self, index: int, slug: str, figures: tuple[str, ...]) -> dict[str, Any]:
        return self.made(index, slug, figures).to_dict()

    def json_line(self, index: int, slug: str, figures: tuple[str, ...]) -> str:
        """Finding ``index``'s JSON line: the batch's lines are written together, the
        first time one is asked for (``report.finding_lines``), where they can be."""
        if self._lines_to_write:
            with self._lines_lock:
                if self._lines_to_write:
                    made = self._all()
                    whole = len(made) == self._size and all(f is not None for f in made)
                    self._batch_lines = finding_lines(made) if whole else None
                    self._lines_to_write = False
        if self._batch_lines is None:
            return self.made(index, slug, figures).json_line()
        return self._batch_lines[index]


class SentenceBatch(FindingBatch):
    """Findings that are a slug, figures and a sentence, nothing more (no numbers): the
    sentences written for the whole batch at once, often column by column, and a finding
    made only where one is read by itself (a report takes their data straight away, and
    their JSON lines are written for the whole batch at once too)."""

    def __init__(
        self,
        rows: Sequence[tuple[str, tuple[str, ...]]],
        sentences: Callable[[], Sentences],
    ) -> None:
        super().__init__(self._listed, len(rows))
        self._write: Callable[[], Sentences] | None = sentences
        self._written: Sentences = ()
        self._rows: Sequence[tuple[str, tuple[str, ...]]] | None = rows
        self._lines: list[str] | None = None
        # A lock of its own: FindingBatch's is held while _listed runs (not reentrant).
        self._own_lock = threading.Lock()

    def _sentences(self) -> Sentences:
        """The sentences as ``sentences`` wrote them (a polars Series or a list), once."""
        if self._write is not None:
            with self._own_lock:
                if self._write is not None:
                    with collector_paused():
                        self._written = self._write()
                    self._write = None
        return self._written

    def _listed(self) -> list[str | None]:
        written: Any = self._sentences()
        return written.to_list() if hasattr(written, "to_list") else list(written)

    def json_line(self, index: int, slug: str, figures: tuple[str, ...]) -> str:
        if self._rows is not None:
            sentences = self._sentences()
            with self._own_lock:
                if self._rows is not None:
                    self._lines = sentence_lines(self._rows, sentences)
                    self._rows = None
        if self._lines is None:  # a control character (JSON's own escapes): one by one
            return self.made(index, slug, figures).json_line()
        return self._lines[index]

    def made(self, index: int, slug: str, figures: tuple[str, ...]) -> Finding:
        return Finding(slug, figures, self._ready(index))

    def later(self, index: int, slug: str, figures: tuple[str, ...]) -> dict[str, Any]:
        return {**_NO_NUMBERS, "explanation": self._ready(index)}


class DeferredFinding(Finding):
    """A finding whose slug and figures are known, and the rest made when first read."""

    def __init__(self, slug: str, figures: tuple[str, ...], batch: FindingBatch, index: int):
        self.__dict__.update(slug=slug, figures=figures, _batch=batch, _index=index)

    def _later(self, name: str) -> Any:
        if name not in self.__dict__:
            mine = self.__dict__
            mine.update(mine["_batch"].later(mine["_index"], mine["slug"], mine["figures"]))
        return self.__dict__[name]

    def _fields(self) -> tuple[Any, ...]:
        return (self.slug, self.figures, *(self._later(k) for k in _LATER))

    def __eq__(self, other: object) -> bool:  # equal to the plain finding it stands for
        if not isinstance(other, Finding):
            return NotImplemented
        return self._fields() == (other.slug, other.figures, *(getattr(other, k) for k in _LATER))

    def __hash__(self) -> int:
        return hash(self._fields())

    def __reduce__(self) -> tuple[Any, ...]:  # pickled as the plain finding it stands for
        return (Finding, self._fields())

    def to_dict(self) -> dict[str, Any]:
        # The plain finding's own: read field by field through the properties, a report of
        # a hundred thousand findings took several times as long.
        mine = self.__dict__
        batch: FindingBatch = mine["_batch"]
        return batch.to_dict(mine["_index"], mine["slug"], mine["figures"])

    def json_line(self) -> str:
        mine = self.__dict__
        batch: FindingBatch = mine["_batch"]
        return batch.json_line(mine["_index"], mine["slug"], mine["figures"])


# The fields made later are properties: a class attribute (the dataclass defaults) would
# otherwise answer before the instance is asked.
def _made_later(name: str) -> property:
    def read(self: DeferredFinding) -> Any:
        return self._later(name)

    return property(read)


for _name in _LATER:
    setattr(DeferredFinding, _name, _made_later(_name))


def deferred(
    rows: Sequence[tuple[str, tuple[str, ...]]], build: Callable[[], Sequence[Finding | None]]
) -> list[Finding]:
    """One finding per failing row (``rows``: each row's slug and figure ids), their
    sentences made by ``build`` (the same rows, in the same order) when one is first read."""
    return _each(rows, FindingBatch(build, len(rows)))


def deferred_sentences(
    rows: Sequence[tuple[str, tuple[str, ...]]], sentences: Callable[[], Sentences]
) -> list[Finding]:
    """As ``deferred``, for findings that are a sentence and nothing more: ``sentences``
    writes each row's (the same rows, in the same order)."""
    return _each(rows, SentenceBatch(rows, sentences))


def _each(rows: Sequence[tuple[str, tuple[str, ...]]], batch: FindingBatch) -> list[Finding]:
    return [DeferredFinding(slug, ids, batch, i) for i, (slug, ids) in enumerate(rows)]
