"""Hypothesis strategies and a one-line consistency check for a bureau's own tests.

A bureau keeps its benchmark files in its own repository; its CI can run the same
properties ``discretion check`` runs, and its own, on those files::

    import discretion
    from hypothesis import given
    from discretion.testing import cases, check_library

    LIB = discretion.load("benchmarks/")          # our files, with the bundled laws

    def test_benchmarks_are_consistent():
        check_library(LIB)                         # raises CheckFailed with the findings

    @given(cases(LIB, regions=["430381"]))
    def test_never_above_the_statutory_maximum(case):
        a = case.assess(LIB)
        if a.fine is not None and a.statutory_fine is not None:
            assert a.fine.max <= a.statutory_fine.max

Generated facts favour the values the conditions compare with (and just beside
them), so a shrunk failure is usually a threshold of the benchmark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from .check import Finding, Report, fact_strategy, fact_values, item_expressions
from .check import check_library as _check_library
from .expr import Value
from .library import DEFAULT_REGION, Library
from .model import SUBJECTS, Assessment

__all__ = ["CheckFailed", "GeneratedCase", "cases", "check_library", "facts_for"]


class CheckFailed(AssertionError):
    """``check_library`` found errors (or warnings, when strict); ``findings`` lists them."""

    def __init__(self, report: Report, strict: bool = False) -> None:
        self.report = report
        self.findings: tuple[Finding, ...] = report.findings if strict else report.errors
        lines = [str(f) for f in self.findings]
        super().__init__(f"基准检查发现 {len(self.findings)} 个问题：\n" + "\n".join(lines))


def check_library(
    library: Library, *, examples: int = 100, seed: int | None = None, strict: bool = False,
    documents: Iterable[str] | None = None,
) -> Report:
    """Run every check of ``discretion check`` on a loaded library and return the
    report; raise :class:`CheckFailed` if it has errors (or warnings, with ``strict``).
    ``documents`` (ids) limits the findings to those documents."""
    targets = None
    if documents is not None:
        wanted = set(documents)
        targets = [d.version for d in library.documents if d.id in wanted]
    report = _check_library(library, targets=targets, examples=examples, seed=seed)
    if report.failed(strict):
        raise CheckFailed(report, strict)
    return report


def facts_for(
    library: Library, code: str, *, region: str = DEFAULT_REGION, on: dt.date | None = None,
    partial: bool = False,
) -> st.SearchStrategy[dict[str, Value]]:
    """Facts for item ``code`` in ``region`` on ``on`` (default today): every fact its
    brackets, tiers, circumstances and exemptions use, each within its declaration.
    With ``partial``, any fact may be left out (unknown)."""
    resolved = library.item(code, region=region, on=on)
    points: dict[str, set[Decimal]] = {}
    for e in item_expressions(resolved):
        for name, values in e.thresholds().items():
            points.setdefault(name, set()).update(values)
    names = sorted({n for e in item_expressions(resolved) for n in e.names if n in library.facts})
    strategies = {
        n: fact_strategy(library.facts[n], fact_values(library.facts[n], points.get(n, ())))
        for n in names
    }
    if partial:
        return st.fixed_dictionaries({}, optional=strategies)
    return st.fixed_dictionaries(strategies)


@attrs.frozen(slots=True)
class GeneratedCase:
    """One generated case: an item, a subject, its facts, a region and a day."""

    code: str
    subject: str
    facts: dict[str, Value] = attrs.field(hash=False)
    region: str
    on: dt.date

    def assess(self, library: Library, **kwargs: Any) -> Assessment:
        """The assessment of this case (``kwargs`` go to :meth:`Library.assess`)."""
        options: dict[str, Any] = {"occurred": self.on, **kwargs}
        return library.assess(self.code, self.subject, self.facts, region=self.region, **options)


def cases(
    library: Library, *, regions: Sequence[str] | None = None, on: dt.date | None = None,
    codes: Sequence[str] | None = None, partial: bool = False,
) -> st.SearchStrategy[GeneratedCase]:
    """Cases over the items in force in ``regions`` (default: every region that has a
    document) on ``on`` (default today), optionally only ``codes``."""
    day = on or dt.date.today()
    pairs: list[tuple[str, str]] = []
    for region in regions if regions is not None else library.regions():
        for code in library.view(region, day).codes():
            if codes is None or code in codes:
                pairs.append((region, code))
    if not pairs:
        return st.nothing()
    cache: dict[tuple[str, str], st.SearchStrategy[dict[str, Value]]] = {}

    def case_for(pair: tuple[str, str]) -> st.SearchStrategy[GeneratedCase]:
        if pair not in cache:
            cache[pair] = facts_for(library, pair[1], region=pair[0], on=day, partial=partial)
        return st.builds(GeneratedCase, code=st.just(pair[1]), subject=st.sampled_from(SUBJECTS),
                         facts=cache[pair], region=st.just(pair[0]), on=st.just(day))

    return st.sampled_from(pairs).flatmap(case_for)
