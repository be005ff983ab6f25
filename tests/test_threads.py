"""One shared Library, 8 threads each assessing the same 10,000 mixed cases: every
thread gets exactly the answers of a single thread.

The library fills its caches (views per region and day, resolved items) lazily, so the
threads race to build them; a fresh Library for each run makes the race real.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from discretion import DiscretionError
from discretion.expr import Expression
from discretion.library import Library
from discretion.model import Document

THREADS = 8
CASES = 10_000
TODAY = dt.date(2026, 3, 1)

Case = dict[str, Any]


def _expressions(doc: Document) -> Iterator[Expression]:
    tiersets = [i.tiers for i in doc.items if i.tiers is not None]
    if doc.template is not None:
        tiersets.append(doc.template.tiers)
    for item in doc.items:
        yield from (b.when for b in item.statutory if b.when is not None)
    for ts in tiersets:
        yield from (t.when for t in ts.tiers if t.when is not None)
    yield from (c.when for c in doc.circumstances)
    yield from (e.when for e in doc.exemptions)


def _thresholds(library: Library) -> dict[str, list[Decimal]]:
    found: dict[str, set[Decimal]] = {}
    for doc in library.documents:
        for e in _expressions(doc):
            for name, values in e.thresholds().items():
                found.setdefault(name, set()).update(values)
    return {k: sorted(v) for k, v in found.items()}


def make_cases(library: Library, n: int, seed: int) -> list[Case]:
    """``n`` varied cases: every region with documents, items in force there, facts near
    the thresholds the benchmarks compare them with (some left unknown), dates that
    sometimes bar the act, a few bad values and a few several-item acts."""
    rng = random.Random(seed)
    regions = library.regions()
    codes = {r: [x.code for x in library.items(region=r, on=TODAY)] for r in regions}
    thresholds = _thresholds(library)
    facts = list(library.facts.values())
    out: list[Case] = []
    for _ in range(n):
        region = rng.choice(regions)
        items = [rng.choice(codes[region])]
        if rng.random() < 0.05:
            items.append(rng.choice(codes[region]))
        supplied: dict[str, Any] = {}
        for fact in rng.sample(facts, rng.randint(0, len(facts))):
            if fact.type == "bool":
                supplied[fact.name] = rng.choice([True, False, "是", "否"])
            elif fact.type == "enum":
                supplied[fact.name] = rng.choice(fact.values)
            else:
                marks = thresholds.get(fact.name) or [Decimal(0), Decimal(10), Decimal(1000)]
                base = rng.choice(marks)
                value = base + rng.choice([Decimal(0), Decimal("0.01"), Decimal("-0.01"), Decimal(1)])
                if fact.max is not None:
                    value = min(value, fact.max)
                supplied[fact.name] = str(max(value, fact.min or Decimal(0)))
        if rng.random() < 0.01:
            supplied["construction_cost"] = "-1"  # bad input: the same error in every thread
        dates: dict[str, dt.date] = {}
        if rng.random() < 0.6:
            occurred = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2500))
            dates["occurred"] = occurred
            if rng.random() < 0.8:
                dates["discovered"] = min(occurred + dt.timedelta(days=rng.randrange(2500)), TODAY)
            if occurred > TODAY:
                dates = {}
        out.append({"items": items, "subject": rng.choice(["person", "organization"]),
                    "region": region, "facts": supplied, **dates})
    return out


def run_case(library: Library, case: Case) -> str:
    """The assessment as canonical JSON, or the error it raised."""
    try:
        result = library.assess(case["items"], subject=case["subject"], facts=case["facts"],
                                region=case["region"], occurred=case.get("occurred"),
                                discovered=case.get("discovered"), decided=TODAY, today=TODAY)
    except DiscretionError as exc:
        return f"error:{type(exc).__name__}:{exc}"
    return json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True)


@pytest.mark.slow
def test_eight_threads_agree_with_one(library: Library) -> None:
    cases = make_cases(library, CASES, seed=20260301)
    single = Library(library.documents, library.folders)
    expected = [run_case(single, c) for c in cases]
    assert sum(r.startswith("error:") for r in expected) < CASES // 10

    shared = Library(library.documents, library.folders)
    got: list[str | None] = [None] * CASES
    failures: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker(k: int) -> None:
        # the 10,000 cases are shared out in interleaved slices, so that the threads race
        # to fill the same caches with different views and items at the same time
        try:
            barrier.wait()
            for i in range(k, CASES, THREADS):
                got[i] = run_case(shared, cases[i])
        except BaseException as exc:  # a crash in a thread must fail the test, not vanish
            failures.append(exc)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often: races show up sooner
    try:
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert failures == []
    mismatched = [i for i in range(CASES) if got[i] != expected[i]]
    assert mismatched == [], (cases[mismatched[0]], got[mismatched[0]], expected[mismatched[0]])
