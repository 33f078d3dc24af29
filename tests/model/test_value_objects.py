"""The value objects whose ``__init__`` is written out by hand (for speed) still take
exactly their dataclass fields, in order and with the same defaults, and stay frozen."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import date

import pytest

from statcheck.model.figure import Figure
from statcheck.model.interval import Interval
from statcheck.model.period import Period
from statcheck.model.value import ReportedValue
from statcheck.report import Finding

HAND_WRITTEN = [Figure, Interval, ReportedValue, Finding]


@pytest.mark.parametrize("cls", HAND_WRITTEN, ids=lambda c: c.__name__)
def test_init_takes_exactly_the_fields_with_their_defaults(cls: type) -> None:
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]  # without self
    fields = dataclasses.fields(cls)
    assert [p.name for p in params] == [f.name for f in fields]
    for p, f in zip(params, fields, strict=True):
        expected = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        assert p.default == expected, f.name


def _examples() -> list[object]:
    value = ReportedValue(41950.0, precision=1.0)
    return [
        Interval(1.0, 2.0),
        value,
        Figure("f", "cases", value, "cases", Period(date(2024, 1, 1), date(2024, 12, 31)), "s"),
        Finding("sum-mismatch", ("f",), "f is off.", gap=1.0),
    ]


@pytest.mark.parametrize("obj", _examples(), ids=lambda o: type(o).__name__)
def test_every_field_is_set_and_frozen(obj: object) -> None:
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        assert hasattr(obj, f.name)
    with pytest.raises(dataclasses.FrozenInstanceError):
        obj.__setattr__(dataclasses.fields(obj)[0].name, None)  # type: ignore[arg-type]
    assert dataclasses.replace(obj) == obj  # type: ignore[type-var]
