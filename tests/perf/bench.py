#!/usr/bin/env python
"""Performance of discretion (issue 7): each figure is a median over repeated runs, and
the ones that matter are ratios measured side by side in one run (machines are shared
and noisy; absolute times drift, ratios much less).

    python tests/perf/bench.py            # the table (about 2–4 minutes)
    python tests/perf/bench.py --json     # the same as JSON
    python tests/perf/bench.py --quick    # fewer repetitions, smaller sets (a smoke run)

Figures and targets:

- cold CLI: wall time of ``discretion assess CXGH-64 … --json`` (a new process, the
  compiled cache and Python's bytecode caches warm, as after ``pip install``) over that of
  ``python -c "import click, attrs"``, the floor any click+attrs tool pays. Target ≤ 1.5.
- warm throughput: assessments per second over a seeded mix of 10,000 cases on the shipped
  set; and 10,000 seeded CXGH-64 cases (region 430000) against :func:`hand_cxgh64`, the
  same rule written by hand (its output checked equal to the engine's on every case).
  Targets: engine ≤ 10 × the hand-written function; ≤ 29 µs per assessment (OpenFisca takes
  about 290 µs for this rule on these machines: at least 10 × faster).
- scale: a generated set of 10,000 items in 50 documents across three levels: cold load,
  cached load, assessment latency with 10,000 items over that with 100 (target ≤ 1.3), and
  peak memory of a process that loads the set and assesses (target ≤ 200 MB).
- check: seconds for ``discretion check benchmarks`` (target ≤ 60).
- audit: rows per second of ``discretion audit`` on 100,000 generated decisions with
  ``--jobs 2`` (target ≥ 20,000/s).

Not part of the default test run: pytest collects ``test_*.py`` only, and ``tests/perf`` is
excluded in ``pyproject.toml``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 6, 1)


def _fact_value(rng: random.Random, fact: Any, edges: list[Decimal]) -> Any:
    if fact.type == "bool":
        return rng.random() < 0.5
    if fact.type == "enum":
        return rng.choice(fact.values)
    lo = fact.min if fact.min is not None else Decimal(0)
    hi = fact.max if fact.max is not None else Decimal(10_000_000)
    near = [v for e in edges for v in (e - 1, e, e + 1) if lo <= v <= hi]
    if near and rng.random() < 0.5:
        return rng.choice(near)
    if fact.type == "number" and hi <= 1000:
        return Decimal(rng.randint(int(lo), int(hi)))
    scale = rng.choice((100, 10_000, 1_000_000, 10_000_000))
    value = (Decimal(rng.randint(0, scale * 100)) / 100).quantize(Decimal("0.01"))
    return min(max(value, lo), hi)


def case_mix(lib: Any, n: int, seed: int, codes: list[str] | None = None,
             regions: list[str] | None = None, missing: float = 0.1) -> list[dict[str, Any]]:
    """``n`` seeded cases over the shipped set: region, item, subject, facts (some left
    unknown) and dates (some left out)."""
    rng = random.Random(seed)
    regions = regions or sorted(set(lib.regions()) | {"430381"})
    per_region: dict[str, list[Any]] = {}
    for region in regions:
        items = lib.items(region, TODAY)
        if codes is not None:
            items = [r for r in items if r.code in codes]
        if items:
            per_region[region] = items
    names_of: dict[tuple[str, str], tuple[list[str], dict[str, list[Decimal]]]] = {}
    regions = sorted(per_region)
    out: list[dict[str, Any]] = []
    for _ in range(n):
        region = rng.choice(regions)
        r = rng.choice(per_region[region])
        key = (region, r.code)
        if key not in names_of:
            exprs = r.expressions()
            names = sorted({nm for e in exprs for nm in e.names if nm in lib.facts})
            edges: dict[str, list[Decimal]] = {}
            for e in exprs:
                for nm, values in e.thresholds().items():
                    edges.setdefault(nm, []).extend(values)
            names_of[key] = (names, edges)
        names, edges = names_of[key]
        facts = {}
        for nm in names:
            if rng.random() < missing:
                continue
            facts[nm] = _fact_value(rng, lib.facts[nm], sorted(set(edges.get(nm, []))))
        case: dict[str, Any] = {"code": r.code, "subject": rng.choice(("person", "organization")),
                                "facts": facts, "region": region, "today": TODAY}
        if rng.random() > 0.1:
            occurred = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 850))
            discovered = occurred + dt.timedelta(days=rng.choice((0, 30, 400, 729, 730, 731, 1200)))
            case["occurred"] = occurred
            case["discovered"] = discovered
            case["decided"] = discovered + dt.timedelta(days=rng.randint(0, 90))
        out.append(case)
    return out


# --------------------------------------------------------------------------- the hand-written rule
# 城乡规划法第六十四条 with the 行政处罚法 general part, for region 430000 (湖南: its 较大数额
# hearing threshold), written out by hand as a programmer would without the engine: the
# floor the engine is compared with. Its output must equal the engine's (see ``_project``).

_D0 = Decimal(0)
_FEN = Decimal("0.01")
_LAW = "中华人民共和国行政处罚法"
_CX = "中华人民共和国城乡规划法"
_C_LIMIT = ("limitation", "行政处罚法", 36, None, None, f"《{_LAW}》第三十六条")
_C_VIOLATES = ("violates", "城乡规划法", 40, None, None, f"《{_CX}》第四十条")
_C_PUNISHES = ("punishes", "城乡规划法", 64, None, None, f"《{_CX}》第六十四条")
_C_GENERAL = ("general", "行政处罚法", 28, 1, None, f"《{_LAW}》第二十八条第一款")
_C_EDUCATION = ("general", "行政处罚法", 33, 3, None, f"《{_LAW}》第三十三条第三款")
_C_SUMMARY = ("procedure", "行政处罚法", 51, None, None, f"《{_LAW}》第五十一条")
_C_HEARING = ("procedure", "行政处罚法", 63, 1, 1, f"《{_LAW}》第六十三条第一款第（一）项")
_C_COLLECTIVE = ("procedure", "行政处罚法", 57, 2, None, f"《{_LAW}》第五十七条第二款")
_C_REVIEW = ("procedure", "行政处罚法", 58, None, None, f"《{_LAW}》第五十八条")


def _circ(article: int, paragraph: int | None, item: int | None, text: str) -> tuple[Any, ...]:
    return ("circumstance", "行政处罚法", article, paragraph, item, f"《{_LAW}》{text}")


_C30 = _circ(30, None, None, "第三十条")
_C31 = _circ(31, None, None, "第三十一条")
_C33_1 = _circ(33, 1, None, "第三十三条第一款")
_C33_2 = _circ(33, 2, None, "第三十三条第二款")
_C32 = [_circ(32, None, i, f"第三十二条第（{n}）项") for i, n in ((1, "一"), (2, "二"), (3, "三"), (4, "四"))]
_C49 = _circ(49, None, None, "第四十九条")
_NO_PENALTY = (  # id, name, citation, measures
    ("under-14", "不满十四周岁的未成年人有违法行为", _C30, ["责令监护人加以管教"]),
    ("mental-unable", "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为", _C31,
     ["责令其监护人严加看管和治疗"]),
    ("minor-corrected", "违法行为轻微并及时改正，没有造成危害后果", _C33_1, []),
    ("no-fault", "当事人有证据足以证明没有主观过错", _C33_2, []),
)
_HARM = {"none": 0, "minor": 1, "general": 2, "serious": 3}


def _anniversary(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def _round(low: Decimal, high: Decimal) -> dict[str, str]:
    lo = low.quantize(_FEN, rounding="ROUND_CEILING")
    hi = high.quantize(_FEN, rounding="ROUND_FLOOR")
    if lo > hi:
        lo = hi = low.quantize(_FEN, rounding="ROUND_HALF_UP")
    return {"min": f"{lo:.2f}", "max": f"{hi:.2f}"}


def hand_cxgh64(subject: str, facts: dict[str, Any], occurred: dt.date, discovered: dt.date) -> dict[str, Any]:
    """The assessment of CXGH-64 in region 430000, every fact known, dates given."""
    g = facts.get
    person = subject == "person"
    age = g("age", Decimal(18))
    mental = g("mental_state", "normal")
    harm = _HARM[facts["harm"]]
    corrected = facts["corrected"]
    gains = g("illegal_gains", _D0)
    cites: list[tuple[Any, ...]] = [_C_LIMIT]
    # 第三十六条: two years, five when life, health or financial safety is endangered with harm
    years = 5 if g("endangers_safety", False) and harm != 0 else 2
    barred = discovered > _anniversary(occurred, years)
    # the statutory bracket of 第六十四条
    cost = facts["construction_cost"]
    if facts["correctable"]:
        legal: tuple[Decimal, Decimal] | None = (cost * Decimal("0.05"), cost * Decimal("0.10"))
        penalties = [{"id": "fine", "name": "罚款", "may": False}]
        measures = ["责令停止建设", "限期改正"]
    elif facts["demolishable"]:
        legal, penalties, measures = None, [], ["责令停止建设", "限期拆除"]
    else:
        legal = (_D0, cost * Decimal("0.10"))
        penalties = [{"id": "confiscate_property", "name": "没收非法财物", "may": True},
                     {"id": "fine", "name": "罚款", "may": True}]
        measures = ["责令停止建设"]
    statutory = None if legal is None else _round(*legal)
    circumstances: list[dict[str, Any]] = []
    result: dict[str, Any] = {"statutory_fine": statutory, "reduced_permitted": False,
                              "exemptions": [], "possible": [], "missing_facts": []}
    if barred:
        result.update(outcome="time_barred", fine=None, penalties=[], measures=measures,
                      circumstances=[], procedure=_FLAGS_NONE)
        result["citations"] = _cite_dicts([_C_LIMIT, _C_VIOLATES, _C_PUNISHES])
        return result
    holds = (
        person and age < 14,
        person and mental == "unable",
        g("minor_violation") and corrected and harm == 0,
        g("no_fault", False),
    )
    if any(holds):
        out_measures = []
        for (cid, name, cite, extra), held in zip(_NO_PENALTY, holds, strict=True):
            if held:
                circumstances.append({"id": cid, "name": name, "effect": "no_penalty", "may": False,
                                      "document": "cn-xzcff"})
                cites.append(cite)
                out_measures += extra
        cites += [_C_VIOLATES, _C_PUNISHES, _C_EDUCATION, _C_GENERAL]
        out_measures = ["责令改正", *out_measures, "对当事人进行教育"]
        result.update(outcome="no_penalty", fine=None, penalties=[], measures=out_measures,
                      circumstances=circumstances, procedure=_FLAGS_NONE, citations=_cite_dicts(cites))
        return result
    outcome = "penalty"
    if g("first_offence") and harm <= 1 and corrected:
        outcome = "may_waive"
        circumstances.append({"id": "first-offence", "name": "初次违法且危害后果轻微并及时改正",
                              "effect": "may_waive", "may": False, "document": "cn-xzcff"})
        cites.append(_C33_1)
    cites += [_C_VIOLATES, _C_PUNISHES]
    # 第三十条、第三十二条 (应当从轻或者减轻), 第三十一条 (可以), 第四十九条 (从重)
    lighter = []
    if person and 14 <= age < 18:
        lighter.append(_C30)
    for name, cite in zip(("mitigated_harm", "coerced", "confessed", "meritorious"), _C32, strict=True):
        if g(name, False):
            lighter.append(cite)
    heavier = g("emergency", False)
    may_lighter = person and mental == "partial"
    reduced = False
    conflict = False
    fine: dict[str, str] | None = None
    low = high = _D0
    if legal is None:
        cites += lighter + ([_C49] if heavier else [])
        reduced = bool(lighter)
    else:
        low, high = legal
        mid = low + (high - low) / 2
        if lighter and heavier:
            conflict = True
        elif lighter:
            low, high, reduced = _D0, mid, True
            cites += lighter
        elif heavier:
            low, high = mid, high
            cites.append(_C49)
        if may_lighter:
            low, reduced = _D0, True
            cites.append(_C31)
        high = min(high, legal[1])
        low = max(low, _D0 if reduced or may_lighter else legal[0])
        low = min(low, high)
        fine = _round(low, high)
        low, high = Decimal(fine["min"]), Decimal(fine["max"])
    if gains > 0:
        penalties = [*penalties, {"id": "confiscate_gains", "name": "没收违法所得", "may": False,
                                  "amount": f"{gains:.2f}"}]
    cites.append(_C_GENERAL)
    # 第五十一条 当场处罚 (200 / 3,000 元以下), 第六十三条 听证 (湖南: 1,000 / 20,000 元以上)
    fine_imposed = bool(penalties) and penalties[0]["id"] == "fine" and not penalties[0]["may"]
    eff_min = low if fine_imposed and fine is not None else _D0
    if gains > 0:
        summary: bool | None = False
    elif fine is None or high <= (200 if person else 3000):
        summary = True
        cites.append(_C_SUMMARY)
    elif eff_min > (200 if person else 3000):
        summary = False
    else:
        summary = None
    threshold = 1000 if person else 20000
    if eff_min >= threshold or gains >= threshold:
        hearing: bool | None = True
    elif fine is None or high < threshold:
        hearing = False
    else:
        hearing = None
    if hearing is not False:
        cites.append(_C_HEARING)
    collective = True if (reduced or conflict or hearing) else (None if hearing is None else False)
    review = True if (hearing or collective) else (None if hearing is None else False)
    if collective:
        cites.append(_C_COLLECTIVE)
    if review:
        cites.append(_C_REVIEW)
    if not any("改正" in m for m in measures):
        measures = ["责令改正", *measures]
    result.update(outcome=outcome, fine=fine, penalties=penalties, measures=measures,
                  circumstances=circumstances, citations=_cite_dicts(cites), reduced_permitted=reduced,
                  procedure={"summary": summary, "hearing": hearing, "legal_review": review,
                             "collective_discussion": collective})
    return result


_FLAGS_NONE = {"summary": None, "hearing": None, "legal_review": None, "collective_discussion": None}


def _cite_dicts(cites: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    out, seen = [], set()
    for c in cites:
        if c not in seen:
            seen.add(c)
            out.append({"role": c[0], "law": c[1], "article": c[2], "paragraph": c[3], "item": c[4],
                        "text": c[5]})
    return out


_PROJECTION = ("outcome", "fine", "statutory_fine", "reduced_permitted", "penalties", "measures",
               "circumstances", "exemptions", "possible", "citations", "procedure", "missing_facts")


def _project(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d[k] for k in _PROJECTION}


def cxgh64_cases(n: int, seed: int) -> list[dict[str, Any]]:
    """Seeded CXGH-64 cases for region 430000: the facts that decide are known, the
    defaulted ones sometimes given."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        facts: dict[str, Any] = {
            "correctable": rng.random() < 0.6, "demolishable": rng.random() < 0.5,
            "construction_cost": Decimal(rng.choice((1, 100, 10_000, 1_000_000)) * rng.randint(1, 5000)) / 100,
            "harm": rng.choice(("none", "minor", "general", "serious")),
            "corrected": rng.random() < 0.4, "minor_violation": rng.random() < 0.2,
            "first_offence": rng.random() < 0.4,
        }
        for name, chance, values in (
            ("age", 0.3, [Decimal(a) for a in (12, 14, 16, 17, 18, 30, 60)]),
            ("mental_state", 0.1, ["normal", "partial", "unable"]),
            ("no_fault", 0.05, [True, False]),
            ("mitigated_harm", 0.15, [True, False]), ("coerced", 0.05, [True, False]),
            ("confessed", 0.1, [True, False]), ("meritorious", 0.05, [True, False]),
            ("emergency", 0.05, [True, False]), ("endangers_safety", 0.1, [True, False]),
            ("illegal_gains", 0.1, [Decimal(0), Decimal(500), Decimal(50_000)]),
        ):
            if rng.random() < chance:
                facts[name] = rng.choice(values)
        occurred = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 850))
        discovered = occurred + dt.timedelta(days=rng.choice((0, 10, 30, 90, 200, 400, 600, 730, 731, 1900)))
        out.append({"subject": rng.choice(("person", "organization")), "facts": facts,
                    "occurred": occurred, "discovered": discovered,
                    "decided": discovered + dt.timedelta(days=rng.randint(0, 60))})
    return out


# --------------------------------------------------------------------------- measuring


class Figure:
    """One line of the table: a value, its target, whether it holds."""

    def __init__(self, section: str, name: str, value: float | None, unit: str,
                 target: str = "", holds: bool | None = None, note: str = "") -> None:
        self.section, self.name, self.value, self.unit = section, name, value, unit
        self.target, self.holds, self.note = target, holds, note

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "name": self.name, "value": self.value, "unit": self.unit,
                "target": self.target or None, "holds": self.holds, "note": self.note or None}


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("×", "ratio"):
        return f"{value:.2f}"
    if unit == "µs":
        return f"{value:.1f} µs"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit.endswith("/s"):
        return f"{value:,.0f} {unit}"
    return f"{value:g} {unit}"


def _interleaved(funcs: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Run each function ``rounds`` times, alternating, and take each one's median: both
    sides of a ratio see the same machine load."""
    samples: dict[str, list[float]] = {k: [] for k in funcs}
    for _ in range(rounds):
        for k, f in funcs.items():
            samples[k].append(f())
    return {k: statistics.median(v) for k, v in samples.items()}


def _env(tmp: Path) -> dict[str, str]:
    """The environment of the subprocesses: bytecode caches written (to a private folder,
    as an installed package has them) and the compiled cache in a private folder."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("DISCRETION_NO_CACHE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    env["XDG_CACHE_HOME"] = str(tmp / "xdg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def _cli() -> list[str]:
    found = shutil.which("discretion")
    return [found] if found else [sys.executable, "-m", "discretion"]


def _wall(cmd: list[str], env: dict[str, str], stdin: Any = subprocess.DEVNULL) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdin=stdin, capture_output=True, check=False)
    return time.perf_counter() - start, done


# --------------------------------------------------------------------------- 1. cold CLI


def bench_cold(tmp: Path, rounds: int) -> list[Figure]:
    env = _env(tmp)
    floor = [sys.executable, "-c", "import click, attrs"]
    tool = [*_cli(), "assess", "CXGH-64", "--region", "000000", "--subject", "organization",
            "-f", "correctable=true", "-f", "construction_cost=1000000", "-f", "corrected=false", "--json"]
    help_cmd = [*_cli(), "--help"]
    no_cache = dict(env, DISCRETION_NO_CACHE="1")
    for cmd in (floor, tool, help_cmd):  # warm: bytecode caches, the compiled cache
        for _ in range(2):
            _, done = _wall(cmd, env)
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr.decode()}")

    def run(cmd: list[str], e: dict[str, str]) -> Callable[[], float]:
        return lambda: _wall(cmd, e)[0]

    m = _interleaved({"floor": run(floor, env), "tool": run(tool, env), "help": run(help_cmd, env),
                      "nocache": run(tool, no_cache)}, rounds)
    ratio = m["tool"] / m["floor"]
    return [
        Figure("cold CLI", "python -c 'import click, attrs' (the floor)", m["floor"] * 1000, "ms"),
        Figure("cold CLI", "discretion assess CXGH-64 … --json", m["tool"] * 1000, "ms"),
        Figure("cold CLI", "assess / floor", ratio, "×", "≤ 1.5", ratio <= 1.5),
        Figure("cold CLI", "assess / floor, --no-cache (DISCRETION_NO_CACHE=1)", m["nocache"] / m["floor"], "×",
               note="loads and checks every TOML file"),
        Figure("cold CLI", "discretion --help / floor", m["help"] / m["floor"], "×"),
    ]


# --------------------------------------------------------------------------- 2. warm throughput


def _prepared(cases: list[dict[str, Any]]) -> list[tuple[Any, dict[str, Any]]]:
    return [(c["code"], {k: v for k, v in c.items() if k != "code"}) for c in cases]


def bench_warm(n: int, rounds: int) -> list[Figure]:
    import discretion

    lib = discretion.load(cache=False)
    mix = _prepared(case_mix(lib, n, seed=7, missing=0.1))
    errors = 0
    for code, kw in mix:  # warm: views, resolved items, plans
        try:
            lib.assess(code, **kw)
        except discretion.DiscretionError:
            errors += 1

    def run_mix() -> float:
        start = time.perf_counter()
        for code, kw in mix:
            try:  # noqa: SIM105 - contextlib.suppress would be timed too
                lib.assess(code, **kw)
            except discretion.DiscretionError:
                pass
        return time.perf_counter() - start

    cx = cxgh64_cases(n, seed=42)
    unequal = 0
    for c in cx:
        a = lib.assess("CXGH-64", region="430000", today=TODAY, **c).to_dict()
        h = hand_cxgh64(c["subject"], c["facts"], c["occurred"], c["discovered"])
        if json.loads(json.dumps(_project(a))) != json.loads(json.dumps(h)):
            unequal += 1

    def run_engine() -> float:
        start = time.perf_counter()
        for c in cx:
            lib.assess("CXGH-64", region="430000", today=TODAY, **c)
        return time.perf_counter() - start

    def run_hand() -> float:
        start = time.perf_counter()
        for c in cx:
            hand_cxgh64(c["subject"], c["facts"], c["occurred"], c["discovered"])
        return time.perf_counter() - start

    m = _interleaved({"mix": run_mix, "engine": run_engine, "hand": run_hand}, rounds)
    per = m["engine"] / len(cx) * 1e6
    ratio = m["engine"] / m["hand"]
    return [
        Figure("warm", f"mix of {len(mix):,} seeded cases on the shipped set", len(mix) / m["mix"], "assessments/s",
               note=f"{errors} of them bad input (reported errors)" if errors else ""),
        Figure("warm", "CXGH-64: engine (Library.assess)", per, "µs", "≤ 29 µs (OpenFisca ≈ 290 µs ÷ 10)", per <= 29),
        Figure("warm", "CXGH-64: hand-written function", m["hand"] / len(cx) * 1e6, "µs"),
        Figure("warm", "CXGH-64: engine / hand-written", ratio, "×", "≤ 10", ratio <= 10),
        Figure("warm", f"CXGH-64: hand-written output equal to the engine's ({len(cx):,} cases)",
               len(cx) - unequal, "cases", f"= {len(cx):,}", unequal == 0),
    ]


# --------------------------------------------------------------------------- 3. scale

_XZCFF = ROOT / "benchmarks" / "national" / "xzcff.toml"


def generate_set(folder: Path, items_per_law: int, laws: int = 25) -> int:
    """A synthetic benchmark set of ``laws * items_per_law`` items in 50 documents across
    three levels: the 行政处罚法 rules and ``laws`` statutes (national), 12 provincial
    benchmarks (430000), 6 municipal benchmarks and 6 exemption lists (430100)."""
    rng = random.Random(2026)
    folder.mkdir(parents=True, exist_ok=True)
    national = folder / "national"
    national.mkdir(exist_ok=True)
    shutil.copy(_XZCFF, national / "xzcff.toml")
    codes: list[tuple[int, str]] = []
    for law in range(laws):
        out = [textwrap.dedent(f"""\
            format = 1

            [document]
            id = "gen-law-{law:02d}"
            title = "生成的法律第{law:02d}号"
            short = "生成法{law:02d}"
            kind = "statute"
            level = "national"
            region = "000000"
            effective = 2020-01-01
            status = "official"
            source = "generated"

            [facts.g{law:02d}_area]
            type = "number"
            label = "面积{law:02d}"
            min = 0

            [facts.g{law:02d}_cost]
            type = "money"
            label = "造价{law:02d}"
            min = 0
            """)]
        for k in range(items_per_law):
            code = f"G{law:02d}-{k:04d}"
            codes.append((law, code))
            low = rng.choice((0, 100, 1000, 5000))
            high = low + rng.choice((1000, 5000, 20000, 100000))
            fine = f"[{low}, {high}]" if k % 3 else f'["0.01 * g{law:02d}_cost", "0.05 * g{law:02d}_cost"]'
            out.append(textwrap.dedent(f"""\
                [[item]]
                code = "{code}"
                name = "生成的违法行为{law:02d}-{k:04d}"
                category = "生成类{law % 5}"
                violates = [{{ article = {k + 1} }}]
                punishes = [{{ article = {k + 2} }}]
                confidence = "verified"

                [[item.statutory]]
                when = "not refused_correction"
                measures = ["责令限期改正"]

                [[item.statutory]]
                when = "refused_correction"
                penalties = ["fine"]
                measures = ["责令限期改正"]
                fine = {fine}
                """))
        (national / f"law-{law:02d}.toml").write_text("\n".join(out), encoding="utf-8")
    chunks = [codes[i::12] for i in range(12)]
    for level, region, start in (("provincial", "430000", 0), ("municipal", "430100", 12)):
        sub = folder / level
        sub.mkdir(exist_ok=True)
        for i, chunk in enumerate(chunks):
            n = start + i
            if level == "municipal" and i % 2:
                out = [_header(f"gen-list-{n:02d}", "exemptions", level, region), ""]
                for j, (law, code) in enumerate(chunk[: max(1, len(chunk) // 4)]):
                    out.append(textwrap.dedent(f"""\
                        [[exemption]]
                        id = "E{n:02d}-{j:04d}"
                        name = "首次轻微违法{j}"
                        items = ["{code}"]
                        kind = "first"
                        effect = "no_penalty"
                        when = "first_offence and corrected and harm == 'none' and g{law:02d}_area <= 5"
                        basis = [{{ law = "行政处罚法", article = 33, paragraph = 1 }}]
                        """))
            else:
                out = [_header(f"gen-bench-{n:02d}", "benchmark", level, region), ""]
                part = chunk if level == "provincial" else chunk[: max(1, len(chunk) // 2)]
                for law, code in part:
                    a = f"g{law:02d}_area"
                    out.append(textwrap.dedent(f"""\
                        [[item]]
                        code = "{code}"

                        [[item.tier]]
                        id = "L"
                        name = "较轻"
                        when = "{a} < 10"
                        fine = ["legal_min", "legal_min + (legal_max - legal_min) / 3"]

                        [[item.tier]]
                        id = "M"
                        name = "一般"
                        when = "10 <= {a} < 50"
                        fine = ["legal_min + (legal_max - legal_min) / 3", "legal_min + (legal_max - legal_min) * 2 / 3"]

                        [[item.tier]]
                        id = "H"
                        name = "严重"
                        when = "{a} >= 50"
                        fine = ["legal_min + (legal_max - legal_min) * 2 / 3", "legal_max"]
                        """))
            (sub / f"doc-{n:02d}.toml").write_text("\n".join(out), encoding="utf-8")
    return len(codes)


def _header(doc_id: str, kind: str, level: str, region: str) -> str:
    return textwrap.dedent(f"""\
        format = 1

        [document]
        id = "{doc_id}"
        title = "生成的文件 {doc_id}"
        kind = "{kind}"
        level = "{level}"
        region = "{region}"
        effective = 2020-01-01
        status = "official"
        source = "generated"
        """)


_SCALE_CHILD = r"""
import json, random, resource, sys, time, datetime as dt
from decimal import Decimal
import discretion
mode, folders, n = sys.argv[1], sys.argv[2:-1], int(sys.argv[-1])
if mode == "load":
    start = time.perf_counter()
    lib = discretion.load(*folders, bundled=False, cache=None)
    print(json.dumps({"load": time.perf_counter() - start}))
    sys.exit()
libs = [discretion.load(f, bundled=False, cache=False) for f in folders]
rng = random.Random(5)
day = dt.date(2026, 6, 1)
def cases(lib):
    items = lib.items("430100", day)
    out = []
    for _ in range(n):
        r = rng.choice(items)
        law = r.code[1:3]
        facts = {"refused_correction": rng.random() < 0.7, f"g{law}_area": Decimal(rng.randint(0, 80)),
                 f"g{law}_cost": Decimal(rng.randint(0, 10**6)), "corrected": rng.random() < 0.5,
                 "first_offence": rng.random() < 0.5, "harm": rng.choice(["none", "minor"])}
        out.append((r.code, facts))
    return out
work = [cases(lib) for lib in libs]
def run(lib, cs):
    start = time.perf_counter()
    for code, facts in cs:
        lib.assess(code, subject="organization", facts=facts, region="430100", occurred=day, discovered=day, decided=day)
    return (time.perf_counter() - start) / len(cs)
for lib, cs in zip(libs, work):
    run(lib, cs)  # warm: each item resolved once
samples = [[] for _ in libs]
for _ in range(5):
    for i, (lib, cs) in enumerate(zip(libs, work)):
        samples[i].append(run(lib, cs))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"latency": [sorted(s)[len(s) // 2] for s in samples], "maxrss_kb": peak,
                  "items": [len(lib.items("430100", day)) for lib in libs]}))
"""


def _child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    _, done = _wall([sys.executable, "-c", _SCALE_CHILD, *args], env)
    if done.returncode != 0:
        raise SystemExit(f"scale child failed:\n{done.stderr.decode()[-3000:]}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_scale(tmp: Path, per_law: int, rounds: int, latency_cases: int) -> list[Figure]:
    big, small = tmp / "set-10000", tmp / "set-100"
    n_big = generate_set(big, per_law)
    n_small = generate_set(small, max(1, per_law // 100))
    env = _env(tmp)
    cold = statistics.median(
        _child(["load", str(big), "0"], dict(env, DISCRETION_NO_CACHE="1"))["load"] for _ in range(rounds))
    _child(["load", str(big), "0"], env)  # writes the compiled cache
    cached = statistics.median(_child(["load", str(big), "0"], env)["load"] for _ in range(rounds))
    both = _child(["latency", str(big), str(small), str(latency_cases)], env)
    big_lat, small_lat = both["latency"]
    alone = _child(["latency", str(big), str(latency_cases)], env)
    peak_mb = alone["maxrss_kb"] / 1024 if sys.platform != "darwin" else alone["maxrss_kb"] / 1024 / 1024
    ratio = big_lat / small_lat
    return [
        Figure("scale", f"cold load of {n_big:,} items in 50 documents (no cache)", cold, "s"),
        Figure("scale", "cached load of the same set", cached, "s"),
        Figure("scale", f"assess latency, {n_big:,} items", big_lat * 1e6, "µs"),
        Figure("scale", f"assess latency, {n_small:,} items", small_lat * 1e6, "µs"),
        Figure("scale", f"latency {n_big:,} / {n_small:,} items", ratio, "×", "≤ 1.3", ratio <= 1.3),
        Figure("scale", f"peak memory: load {n_big:,} items and assess {latency_cases:,} cases", peak_mb, "MB",
               "≤ 200 MB", peak_mb <= 200),
    ]


# --------------------------------------------------------------------------- 4. check, 5. audit


def _missing_command(done: subprocess.CompletedProcess[bytes]) -> bool:
    return done.returncode == 2 and b"No such command" in done.stderr


def bench_check(tmp: Path, rounds: int) -> list[Figure]:
    env = _env(tmp)
    cmd = [*_cli(), "check", str(ROOT / "benchmarks")]
    first, done = _wall(cmd, env)
    if _missing_command(done):
        return [Figure("check", "discretion check benchmarks", None, "s", "≤ 60 s", None,
                       "not measurable yet: the check command is not there")]
    times = [first] + [_wall(cmd, env)[0] for _ in range(rounds - 1 if first < 20 else 0)]
    value = statistics.median(times)
    note = f"exit status {done.returncode}" + (" (findings)" if done.returncode == 1 else "")
    return [Figure("check", "discretion check benchmarks", value, "s", "≤ 60 s", value <= 60, note)]


def generate_decisions(lib: Any, path: Path, rows: int) -> None:
    """``rows`` past decisions as CSV, from 2,000 seeded cases of the mix (repeated): what
    an agency decides is mostly what the benchmarks permit — a fine inside the permitted
    range, 不予处罚 where it applies — and about one decision in ten is not."""
    import csv

    rng = random.Random(11)
    base = []
    for c in case_mix(lib, 2000, seed=3, missing=0.0):
        kw = {k: v for k, v in c.items() if k != "code"}
        try:
            a = lib.assess(c["code"], **kw)
        except Exception:
            a = None
        base.append((c, a))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "code", "subject", "region", "occurred", "discovered", "decided", "facts", "fine",
                    "decision"])
        for i in range(rows):
            c, a = base[i % len(base)]
            facts = json.dumps({k: (str(v) if isinstance(v, Decimal) else v) for k, v in c["facts"].items()},
                               ensure_ascii=False)
            wrong = rng.random() < 0.1
            decision, fine = "penalty", ""
            if a is None or a.outcome in ("no_penalty", "time_barred"):
                decision = "penalty" if wrong else "no_penalty"
                fine = "1000" if wrong else ""
            elif a.outcome == "may_waive" and rng.random() < 0.5:
                decision = "waived"
            elif a.fine is not None:
                low, high = a.fine.min, a.fine.max
                amount = high * 2 + 100 if wrong else low + (high - low) * Decimal(rng.randint(0, 100)) / 100
                fine = f"{amount:.2f}"
            w.writerow([f"R{i}", c["code"], c["subject"], c["region"], c.get("occurred", ""),
                        c.get("discovered", ""), c.get("decided", ""), facts, fine, decision])


def bench_audit(tmp: Path, rows: int, rounds: int) -> list[Figure]:
    import discretion

    env = _env(tmp)
    path = tmp / "decisions.csv"
    generate_decisions(discretion.load(cache=False), path, rows)
    cmd = [*_cli(), "audit", str(path), "--jobs", "2", "--json"]
    first, done = _wall(cmd, env)
    if _missing_command(done):
        return [Figure("audit", f"discretion audit, {rows:,} rows, --jobs 2", None, "rows/s", "≥ 20,000/s",
                       None, "not measurable yet: the audit command is not there")]
    if done.returncode not in (0, 1):
        return [Figure("audit", f"discretion audit, {rows:,} rows, --jobs 2", None, "rows/s", "≥ 20,000/s",
                       None, f"failed: {done.stderr.decode()[-300:]}")]
    times = [first] + [_wall(cmd, env)[0] for _ in range(rounds - 1)]
    rate = rows / statistics.median(times)
    summary = json.loads(done.stdout)["summary"]
    return [Figure("audit", f"discretion audit, {rows:,} rows, --jobs 2", rate, "rows/s", "≥ 20,000/s",
                   rate >= 20_000, f"{summary['checked']:,} checked, {summary['findings']:,} findings")]


# --------------------------------------------------------------------------- the table


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {"date": dt.date.today().isoformat(), "cpus": os.cpu_count(), "cpu": model,
            "python": platform.python_version(), "platform": platform.platform(), "load_average": load}


def table(figures: list[Figure], info: dict[str, Any]) -> str:
    lines = [f"discretion performance — {info['date']}, {info['cpus']} × {info['cpu']}, "
             f"Python {info['python']}" + (f", load average {info['load_average']:.1f}"
                                             if info.get("load_average") is not None else ""),
             "", "| figure | value | target | holds |", "|---|---|---|---|"]
    for f in figures:
        holds = "—" if f.holds is None else ("yes" if f.holds else "**no**")
        note = f" ({f.note})" if f.note else ""
        lines.append(f"| {f.section}: {f.name}{note} | {_fmt(f.value, f.unit)} | {f.target or ''} | {holds} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller sets")
    parser.add_argument("--only", nargs="*", choices=["cold", "warm", "scale", "check", "audit"],
                        help="run these sections only")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DISCRETION_NO_CACHE", "1")  # this process loads fresh; children set their own
    quick = args.quick
    sections = args.only or ["cold", "warm", "scale", "check", "audit"]
    started = time.perf_counter()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="discretion-bench-") as name:
        tmp = Path(name)
        for section in sections:
            t = time.perf_counter()
            if section == "cold":
                figures += bench_cold(tmp, rounds=5 if quick else 15)
            elif section == "warm":
                figures += bench_warm(n=1000 if quick else 10_000, rounds=3 if quick else 5)
            elif section == "scale":
                figures += bench_scale(tmp, per_law=40 if quick else 400, rounds=1 if quick else 3,
                                       latency_cases=500 if quick else 2000)
            elif section == "check":
                figures += bench_check(tmp, rounds=1 if quick else 3)
            elif section == "audit":
                figures += bench_audit(tmp, rows=10_000 if quick else 100_000, rounds=1 if quick else 2)
            print(f"[{section}: {time.perf_counter() - t:.0f} s]", file=sys.stderr)
    info = machine()
    info["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps({"machine": info, "figures": [f.to_dict() for f in figures]}, ensure_ascii=False, indent=2))
    else:
        print(table(figures, info))
        print(f"\n(whole run: {info['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
