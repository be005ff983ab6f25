"""The public face: load a benchmark set once, then list, show and assess items.

A :class:`Library` is immutable after loading; its caches (views per region and
day, resolved items per view) only ever add entries computed deterministically,
so one instance is safe to share between threads.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from .engine import Case, assess_item, fmt_range
from .errors import DiscretionError, FactError, InputError, UnknownItem
from .expr import Value
from .facts import parse_fact_value, parse_subject
from .layers import Resolved, View, documents_in_force
from .model import Assessment, CitedLine, Document, Fact, Range, Step
from .regions import NATIONAL, ancestry, check_region

DEFAULT_REGION = "430381"


def bundled_path() -> Path:
    """The bundled ``benchmarks/`` folder: inside the installed package, or the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "benchmarks", here.parent / "benchmarks"):
        if candidate.is_dir():
            return candidate
    raise DiscretionError(f"找不到随程序发布的基准数据目录（{here / 'benchmarks'}）")


def load(
    *paths: str | os.PathLike[str], bundled: bool = True, cache: bool | None = None
) -> Library:
    """Load the bundled set (unless ``bundled=False``) plus the folders in ``paths``.

    ``cache``: keep the loaded set in the compiled cache (see :mod:`discretion.cache`);
    None (the default) uses it unless ``DISCRETION_NO_CACHE`` is set.
    """
    folders: list[Path] = [bundled_path()] if bundled else []
    folders += [Path(p) for p in paths]
    if not folders:
        raise InputError("没有要加载的基准数据（bundled=False 且未给出路径）")
    from . import cache as compiled

    if compiled.enabled(cache):
        documents = compiled.load_documents(folders)
    else:
        from .load import load_documents

        documents = load_documents(folders)
    return Library(documents, folders)


class Library:
    """A loaded benchmark set."""

    def __init__(self, documents: Sequence[Document], folders: Sequence[Path] = ()) -> None:
        self.documents = tuple(documents)
        self.folders = tuple(folders)
        self._by_id: dict[str, list[Document]] = {}
        self._region_ids: dict[str, list[str]] = {}
        for doc in self.documents:
            self._by_id.setdefault(doc.id, []).append(doc)
        for versions in self._by_id.values():
            versions.sort(key=lambda d: d.effective)
            self._region_ids.setdefault(versions[0].region, []).append(versions[0].id)
        self.facts: dict[str, Fact] = {}
        for doc in self.documents:
            for fact in doc.facts:
                self.facts.setdefault(fact.name, fact)
        self._views: dict[tuple[str, tuple[str, ...]], View] = {}
        self._day_views: dict[tuple[str, dt.date], View] = {}
        self._bounds: dict[str, tuple[dt.date, ...]] = {}  # per region: the days its view changes
        self._interval_views: dict[tuple[str, int], View] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ documents
    def document(self, doc_id: str, day: dt.date | None = None) -> Document | None:
        versions = self._by_id.get(doc_id)
        if not versions:
            return None
        if day is None:
            return versions[-1]
        from .layers import in_force

        return in_force(versions, day)

    def view(self, region: str, day: dt.date) -> View:
        """The documents in force for ``region`` on ``day`` (cached).

        Which documents are in force changes only on the days a document of the region's
        ancestry takes effect or expires: between two such days the view is the same, so
        it is cached per interval and a new day costs a binary search.
        """
        key = (region, day)
        view = self._day_views.get(key)
        if view is not None:
            return view
        bounds = self._bounds.get(region)
        if bounds is None:
            days = set()
            for code in ancestry(region):
                for doc_id in self._region_ids.get(code, ()):
                    for doc in self._by_id[doc_id]:
                        days.add(doc.effective)
                        if doc.expires is not None:
                            days.add(doc.expires)
            bounds = self._bounds[region] = tuple(sorted(days))
        interval = (region, bisect.bisect_right(bounds, day))
        view = self._interval_views.get(interval)
        if view is None:
            docs = documents_in_force(self._by_id, self._region_ids, region, day)
            versions = tuple(sorted(d.version for d in docs))
            with self._lock:
                view = self._views.get((region, versions))
                if view is None:
                    view = View(region, docs)
                    self._views[(region, versions)] = view
                self._interval_views[interval] = view
        if len(self._day_views) > 65536:
            self._day_views.clear()
        self._day_views[key] = view
        return view

    def regions(self) -> list[str]:
        return sorted(self._region_ids)

    # ------------------------------------------------------------------ items
    def items(self, region: str = DEFAULT_REGION, on: dt.date | None = None) -> list[Resolved]:
        """Items in force for ``region`` on ``on`` (today by default), by code."""
        check_region(region)
        view = self.view(region, on or dt.date.today())
        out = []
        for code in view.codes():
            resolved = view.resolve(code)
            if resolved is not None:
                out.append(resolved)
        return out

    def item(self, code: str, region: str = DEFAULT_REGION, on: dt.date | None = None) -> Resolved:
        check_region(region)
        view = self.view(region, on or dt.date.today())
        resolved = view.resolve(code)
        if resolved is None:
            raise UnknownItem(code, self.suggest(code, view))
        return resolved

    def suggest(self, text: str, view: View | None = None) -> list[str]:
        """Codes close to ``text``: the sub-items of a stem, spelling, name words, articles."""
        from .search import suggest

        if view is None:
            view = self.view(NATIONAL, dt.date.today())
        items = [r for r in (view.resolve(c) for c in view.codes()) if r is not None]
        return suggest(items, text)

    # ------------------------------------------------------------------ facts
    def parse_facts(self, facts: Mapping[str, Any] | None) -> dict[str, Value]:
        """Check supplied facts against their declarations (FactError names the culprit)."""
        out: dict[str, Value] = {}
        if not facts:
            return out
        declared = self.facts
        for name, raw in facts.items():
            # the common cases first: a bool for a bool fact, a declared key for an enum
            decl = declared.get(name)
            if decl is not None and name != "subject":
                kind = decl.type
                if kind == "bool":
                    if raw is True or raw is False:
                        out[name] = raw
                        continue
                elif kind == "enum" and type(raw) is str and raw in decl.values:
                    out[name] = raw
                    continue
            if name == "subject":
                raise FactError("subject 不是事实：请用 --subject 指明当事人类型", name)
            decl = self.facts.get(name)
            if decl is None:
                import difflib

                close = difflib.get_close_matches(name, list(self.facts), n=1)
                hint = f"（是否为 {close[0]}？）" if close else ""
                raise FactError(f"未知的事实名称 {name!r}{hint}", name)
            if raw is None:
                continue
            out[name] = parse_fact_value(decl, raw)
        return out

    # ------------------------------------------------------------------ assess
    def assess(
        self,
        code: str | Sequence[str],
        subject: str,
        facts: Mapping[str, Any] | None = None,
        region: str = DEFAULT_REGION,
        occurred: dt.date | None = None,
        ended: dt.date | None = None,
        discovered: dt.date | None = None,
        decided: dt.date | None = None,
        today: dt.date | None = None,
    ) -> Assessment:
        """Assess one act under one or several item codes (several: 第二十九条)."""
        codes = [code] if isinstance(code, str) else list(code)
        if not codes:
            raise InputError("至少需要一个违法行为编号")
        if region not in _REGIONS_SEEN:
            check_region(region)
            if len(_REGIONS_SEEN) < 4096:
                _REGIONS_SEEN.add(region)
        subject = (_SUBJECTS.get(subject) if type(subject) is str else None) or parse_subject(subject)
        _check_dates(occurred, ended, discovered, decided)
        checked = self.parse_facts(facts)
        case = Case(subject, checked, region, occurred, ended, discovered, decided)
        act_day = ended or occurred
        assumed_day = act_day is None
        if act_day is None or decided is None:
            today = today or dt.date.today()
            act_day = act_day or today
            decided_day = decided or today
        else:
            decided_day = decided
        if len(codes) == 1:
            return self._assess_one(codes[0], case, act_day, decided_day, assumed_day)[0]
        return _several([self._assess_one(c, case, act_day, decided_day, assumed_day) for c in codes])

    def _assess_one(
        self, code: str, case: Case, act_day: dt.date, decided_day: dt.date, assumed_day: bool
    ) -> tuple[Assessment, Resolved]:
        view = self.view(case.region, act_day)
        resolved = view.resolve(code)
        if resolved is None:
            later = self.view(case.region, decided_day).resolve(code) if decided_day != act_day else None
            if later is None:
                raise UnknownItem(code, self.suggest(code, view))
            resolved = later
        result = assess_item(resolved, case, self.facts, act_day)
        if assumed_day:
            result = _add_assumption(result, "act_date", act_day.isoformat())
        if decided_day > act_day:
            later_view = self.view(case.region, decided_day)
            later = later_view.resolve(code)
            if later is not None and later.signature != resolved.signature:
                new = assess_item(later, case, self.facts, decided_day)
                result = _later_law(result, new, decided_day, resolved)
        return result, resolved


#: Region codes already checked, and the subjects' canonical spellings (fast paths of assess).
_REGIONS_SEEN: set[str] = set()
_SUBJECTS = {"person": "person", "organization": "organization"}


def _check_dates(*dates: dt.date | None) -> None:
    """Dates are dates (not datetimes) and in order: occurred ≤ ended ≤ discovered ≤ decided."""
    last = None
    for d in dates:
        if d is None:
            continue
        if type(d) is not dt.date or (last is not None and last > d):
            break
        last = d
    else:
        return
    names = ("occurred", "ended", "discovered", "decided")
    labels = ("发生日", "终了日", "发现日", "决定日")
    given = [(n, lab, d) for n, lab, d in zip(names, labels, dates, strict=True) if d is not None]
    for n, _, d in given:
        if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
            raise InputError(f"日期 {n} 应为日期（YYYY-MM-DD），而不是 {d!r}")
    for (n1, l1, d1), (n2, l2, d2) in itertools.pairwise(given):
        if d1 > d2:
            raise InputError(f"日期顺序错误：{l1}（--{n1} {d1}）晚于{l2}（--{n2} {d2}）")


def _statutory_max(a: Assessment) -> Decimal | None:
    return a.statutory_fine.max if a.statutory_fine is not None else None


def _several(pairs: list[tuple[Assessment, Resolved]]) -> Assessment:
    """第二十九条: one act, several provisions → the one with the highest maximum fine."""
    results = [a for a, _ in pairs]
    best, best_resolved = pairs[0]
    for r, res in pairs[1:]:
        bm, rm = _statutory_max(best), _statutory_max(r)
        if rm is not None and (bm is None or rm > bm):
            best, best_resolved = r, res
    considered = tuple((r.code, r.statutory_fine) for r in results)
    others = "、".join(f"{r.code}（{fmt_range(r.statutory_fine) if r.statutory_fine else '数额不明'}）"
                      for r in results if r is not best)
    cites = _general_cites(best_resolved, "one_fine")
    text = (
        f"同一违法行为违反多个法律规范应当给予罚款处罚的，按照罚款数额高的规定处罚：适用 {best.code}"
        f"（法定最高 {fmt_range(best.statutory_fine) if best.statutory_fine else '数额不明'}），"
        f"不适用 {others}；不得给予两次以上罚款。"
    )
    return _with(best, "general", text, cites, considered=considered)


def _later_law(old: Assessment, new: Assessment, decided: dt.date, resolved: Resolved) -> Assessment:
    """第三十七条: the law at the act's date, unless the law at decision is lighter."""
    new_lighter = False
    if new.outcome in ("no_penalty",) and old.outcome not in ("no_penalty", "time_barred"):
        new_lighter = True
    elif (
        new.statutory_fine is not None
        and old.statutory_fine is not None
        and new.statutory_fine.max < old.statutory_fine.max
    ):
        new_lighter = True
    cites = _general_cites(resolved, "later_law")
    if new_lighter:
        text = (
            f"作出处罚决定时（{decided}）适用的规定处罚较轻，依法适用新的规定"
            f"（法定幅度由 {fmt_range(old.statutory_fine)} 变为 {fmt_range(new.statutory_fine)}）。"
        )
        return _with(new, "general", text, cites)
    text = f"违法行为发生后规定有变化，但新的规定（{decided}）并不较轻，适用违法行为发生时的规定。"
    return _with(old, "general", text, cites)


def _general_cites(resolved: Resolved, key: str) -> tuple[CitedLine, ...]:
    """The citations a rules document gives for a general principle (``[general]``)."""
    from .cite import citation_text

    found = resolved.general_basis(key)
    if found is None:
        return ()
    return tuple(
        CitedLine("general", c, citation_text(c.title or c.law, c.article, c.paragraph, c.item))
        for c in found[0]
    )


def _with(
    a: Assessment, step: str, text: str, cites: Iterable[CitedLine], **changes: Any
) -> Assessment:
    import attrs

    cites = tuple(cites)
    return attrs.evolve(
        a,
        citations=a.citations + tuple(c for c in cites if c not in a.citations),
        steps=a.steps + (Step(step, text, tuple(c.text for c in cites)),),
        **changes,
    )


def _add_assumption(a: Assessment, name: str, value: Any) -> Assessment:
    import attrs

    return attrs.evolve(a, assumptions=a.assumptions + ((name, value),))


__all__ = ["DEFAULT_REGION", "Library", "Range", "bundled_path", "load"]
