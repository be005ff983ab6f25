"""Audit of past decisions (执法监督, 案卷评查): each decision is assessed again and
compared with what the benchmarks permit.

Input is CSV (a header row) or JSON Lines, one decision per row; see README
"Auditing past decisions" for the columns and the ``decision`` vocabulary. A row
with bad data is reported with its line number and skipped; it never stops the
run. The per-row work is parse + :meth:`Library.assess`, so a large file is split
into chunks checked by worker processes (each with the library loaded once), and
results come back in line order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from .errors import DiscretionError, FactError, InputError
from .facts import parse_fact_value, parse_subject
from .model import Assessment, Fact, Range

__all__ = [
    "DECISIONS",
    "KINDS",
    "KIND_SHORT",
    "SCHEMA",
    "AuditReport",
    "Finding",
    "RowError",
    "audit_file",
    "audit_rows",
    "audit_source",
    "check_decision",
    "open_source",
    "parse_decision",
]

SCHEMA = "discretion.audit/1"

#: Finding kinds: a stable id and what it means.
KINDS: dict[str, str] = {
    "fine-above-max": "罚款高于允许的上限",
    "fine-below-min": "罚款低于允许的下限",
    "fine-not-permitted": "该情形不得处以罚款",
    "penalty-despite-no-penalty": "依法应当不予处罚，却作出了处罚",
    "exemption-not-applied": "符合免罚清单应当不予处罚的情形，却作出了处罚",
    "penalty-time-barred": "超过处罚时效，却作出了处罚",
    "not-penalised": "依法应当处罚，却未处罚",
}

#: Short names for the summary table.
KIND_SHORT: dict[str, str] = {
    "fine-above-max": "高于上限",
    "fine-below-min": "低于下限",
    "fine-not-permitted": "不得罚款而罚款",
    "penalty-despite-no-penalty": "应不罚而罚",
    "exemption-not-applied": "免罚未适用",
    "penalty-time-barred": "超时效处罚",
    "not-penalised": "应罚未罚",
}

#: The ``decision`` column: what the agency decided.
DECISIONS: dict[str, str] = {
    "penalty": "给予行政处罚（罚款数额见 fine 列，空或 0 表示未罚款）",
    "no_penalty": "不予行政处罚（认为有法定不予处罚情形）",
    "waived": "可以不予处罚的情形下，决定不予处罚（首违免罚等）",
}
_DECISION_ALIASES = {
    "penalty": "penalty", "penalised": "penalty", "penalized": "penalty", "处罚": "penalty",
    "给予处罚": "penalty", "予以处罚": "penalty", "行政处罚": "penalty", "给予行政处罚": "penalty",
    "no_penalty": "no_penalty", "不予处罚": "no_penalty", "不予行政处罚": "no_penalty",
    "waived": "waived", "may_waive": "waived", "免予处罚": "waived", "免于处罚": "waived",
    "免罚": "waived", "可以不予处罚": "waived", "首违不罚": "waived", "首违免罚": "waived",
}

COLUMNS = ("id", "code", "subject", "facts", "occurred", "ended", "discovered", "decided",
           "region", "fine", "decision", "note")
#: Chinese headers accepted for the columns (a bureau's spreadsheet).
COLUMN_ALIASES = {
    "案号": "id", "编号": "code", "事项编号": "code", "违法行为编号": "code", "当事人": "subject",
    "当事人类型": "subject", "事实": "facts", "发生日期": "occurred", "违法行为发生日": "occurred",
    "终了日期": "ended", "发现日期": "discovered", "立案日期": "discovered", "决定日期": "decided",
    "地区": "region", "地区代码": "region", "罚款": "fine", "罚款金额": "fine", "罚款数额": "fine",
    "决定": "decision", "处理结果": "decision", "备注": "note", "codes": "code",
}
_DATES = ("occurred", "ended", "discovered", "decided")

CHUNK = 500
PARALLEL_MIN_ROWS = 2000


# --------------------------------------------------------------------------- results


@attrs.frozen(slots=True)
class Decision:
    """One past decision, checked and converted."""

    line: int
    id: str
    codes: tuple[str, ...]
    subject: str
    facts: Mapping[str, Any]
    region: str
    dates: Mapping[str, dt.date | None]
    fine: Decimal | None
    decision: str


@attrs.frozen(slots=True)
class Finding:
    """A decision that the benchmarks do not permit."""

    line: int
    id: str
    code: str
    kind: str
    message: str
    decision: str
    fine: Decimal | None
    permitted: Range | None
    outcome: str
    basis: str  # "range" | "envelope" (facts missing: the union of the candidate ranges)
    missing_facts: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line, "id": self.id, "code": self.code, "kind": self.kind,
            "message": self.message, "decision": self.decision,
            "fine": None if self.fine is None else f"{self.fine:.2f}",
            "permitted": None if self.permitted is None else self.permitted.to_dict(),
            "outcome": self.outcome, "basis": self.basis,
            "missing_facts": list(self.missing_facts), "citations": list(self.citations),
        }


@attrs.frozen(slots=True)
class RowError:
    """A row that could not be checked (bad data): its line and why."""

    line: int
    id: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "id": self.id, "message": self.message}


@attrs.frozen(slots=True)
class RowResult:
    line: int
    id: str = ""
    code: str = ""
    name: str = ""
    findings: tuple[Finding, ...] = ()
    error: RowError | None = None
    unchecked: str = ""  # why the decision could not be verified, if so


@attrs.define
class ItemSummary:
    code: str
    name: str
    decisions: int = 0
    with_findings: int = 0
    unchecked: int = 0
    kinds: dict[str, int] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "decisions": self.decisions,
                "with_findings": self.with_findings, "findings": sum(self.kinds.values()),
                "by_kind": dict(sorted(self.kinds.items())), "unchecked": self.unchecked}


@attrs.define
class AuditReport:
    """Everything the audit found, in line order."""

    file: str
    format: str
    region: str
    rows: int = 0
    checked: int = 0
    findings: list[Finding] = attrs.field(factory=list)
    errors: list[RowError] = attrs.field(factory=list)
    unchecked: list[tuple[int, str, str, str]] = attrs.field(factory=list)  # line, id, code, why
    items: dict[str, ItemSummary] = attrs.field(factory=dict)

    def add(self, result: RowResult, row_id: str = "") -> None:
        self.rows += 1
        if result.error is not None:
            self.errors.append(result.error)
            return
        self.checked += 1
        summary = self.items.get(result.code)
        if summary is None:
            summary = self.items[result.code] = ItemSummary(result.code, result.name)
        summary.decisions += 1
        if result.findings:
            summary.with_findings += 1
            for f in result.findings:
                summary.kinds[f.kind] = summary.kinds.get(f.kind, 0) + 1
            self.findings.extend(result.findings)
        if result.unchecked:
            summary.unchecked += 1
            self.unchecked.append((result.line, row_id, result.code, result.unchecked))

    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.kind] = counts.get(f.kind, 0) + 1
        return dict(sorted(counts.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "file": self.file,
            "format": self.format,
            "region": self.region,
            "summary": {
                "rows": self.rows, "checked": self.checked, "skipped": len(self.errors),
                "findings": len(self.findings),
                "decisions_with_findings": len({f.line for f in self.findings}),
                "unchecked": len(self.unchecked), "by_kind": self.by_kind(),
            },
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
            "unchecked": [{"line": ln, "id": i, "code": c, "reason": why} for ln, i, c, why in self.unchecked],
            "items": [s.to_dict() for s in sorted(self.items.values(), key=lambda s: s.code)],
        }


# --------------------------------------------------------------------------- one row


_FINE = Fact(name="fine", type="money", label="罚款")


def _money(value: Any) -> Decimal | None:
    """The imposed fine, read like any money fact (元/万元, thousands separators)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = parse_fact_value(_FINE, value)
    except FactError as exc:
        raise InputError(str(exc)) from None
    assert isinstance(amount, Decimal)
    return amount


def _date(name: str, value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(f"{name} 的日期 {value!r} 无效，应为 YYYY-MM-DD")


def _facts_column(value: Any) -> dict[str, Any]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value, parse_float=Decimal, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            raise InputError(f"facts 列不是有效的 JSON：{exc.msg}") from None
    if not isinstance(value, dict):
        raise InputError("facts 应为 JSON 对象（{\"事实名\": 值}）")
    return value


def _no_constant(name: str) -> Any:
    raise InputError(f"不允许 {name}（须为有限数值）")


def parse_decision(line: int, values: Mapping[str, Any], region: str, facts: Mapping[str, Any]) -> Decision:
    """A row (column → value) as a :class:`Decision`; InputError/FactError name the culprit.

    ``facts`` are the declared facts: a column that is not a known column must be one.
    """
    known: dict[str, Any] = {}
    supplied: dict[str, Any] = {}
    for key, value in values.items():
        col = COLUMN_ALIASES.get(key, key)
        if col in COLUMNS:
            known[col] = value
        elif key in facts:
            if value is not None and not (isinstance(value, str) and not value.strip()):
                supplied[key] = value
        else:
            raise InputError(f"未知的列 {key!r}（既不是审查文件的列，也不是已声明的事实）")
    row_id = str(known.get("id") or "").strip()
    raw_codes = known.get("code")
    if isinstance(raw_codes, list):
        codes = tuple(str(c).strip() for c in raw_codes if str(c).strip())
    else:
        text = str(raw_codes or "").replace("；", ";")
        codes = tuple(c.strip() for c in text.split(";") if c.strip())
    if not codes:
        raise InputError("缺少违法行为编号 code")
    subject_raw = known.get("subject")
    if subject_raw is None or (isinstance(subject_raw, str) and not subject_raw.strip()):
        raise InputError("缺少当事人类型 subject")
    subject = parse_subject(subject_raw)
    merged = _facts_column(known.get("facts"))
    merged.update(supplied)
    dates = {name: _date(name, known.get(name)) for name in _DATES}
    fine = _money(known.get("fine"))
    raw_decision = str(known.get("decision") or "").strip()
    if raw_decision:
        decision = _DECISION_ALIASES.get(raw_decision) or _DECISION_ALIASES.get(raw_decision.lower())
        if decision is None:
            raise InputError(f"决定 decision 无效：{raw_decision!r}（应为 penalty、no_penalty 或 waived）")
    elif fine is not None and fine > 0:
        decision = "penalty"
    else:
        raise InputError("缺少决定 decision（penalty、no_penalty 或 waived）")
    if decision != "penalty" and fine is not None and fine > 0:
        raise InputError(f"决定为 {decision}，却有罚款 {fine}")
    row_region = str(known.get("region") or "").strip() or region
    return Decision(line, row_id, codes, subject, merged, row_region, dates, fine, decision)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f} 元"


def _range(r: Range) -> str:
    return _yuan(r.min) if r.min == r.max else f"{_yuan(r.min)} 至 {_yuan(r.max)}"


def _labels(names: Sequence[str], facts: Mapping[str, Any]) -> str:
    return "、".join(getattr(facts.get(n), "label", n) or n for n in names)


def check_decision(library: Any, d: Decision) -> RowResult:
    """Assess the case again and compare the decision with what is permitted."""
    a: Assessment = library.assess(
        list(d.codes), subject=d.subject, facts=d.facts, region=d.region, **d.dates
    )
    findings: list[Finding] = []
    unchecked = ""
    imposed = d.fine if d.fine is not None else Decimal(0)

    def finding(kind: str, message: str, permitted: Range | None = None, basis: str = "range",
                roles: tuple[str, ...] = ()) -> None:
        cites = tuple(c.text for c in a.citations if c.role in roles)
        missing = a.missing_facts if basis == "envelope" else ()
        findings.append(Finding(d.line, d.id, a.code, kind, message, d.decision, d.fine, permitted,
                                a.outcome, basis, missing, cites))

    if d.decision == "penalty":
        if a.outcome == "time_barred":
            why = next((s.text for s in a.steps if s.step == "limitation"), "")
            finding("penalty-time-barred", f"超过处罚时效仍作出处罚：{why}", roles=("limitation",))
        elif a.outcome == "no_penalty":
            exempt = [e for e in a.exemptions if e.effect == "no_penalty"]
            if exempt:
                names = "；".join(e.name or e.note or e.id for e in exempt)
                finding("exemption-not-applied",
                        f"符合免罚清单“{names}”，应当不予处罚，却作出处罚", roles=("exemption",))
            else:
                grounds = "；".join(c.name for c in a.circumstances if c.effect == "no_penalty") or "不予处罚情形"
                finding("penalty-despite-no-penalty",
                        f"依法应当不予处罚（{grounds}），却作出处罚", roles=("circumstance", "tier"))
        else:
            unchecked = _check_fine(a, imposed, d, finding, library.facts)
    else:
        if a.outcome == "penalty" and not a.missing_facts:
            legal = f"（法定 {_range(a.statutory_fine)}）" if a.statutory_fine is not None else ""
            shown = "不予处罚" if d.decision == "no_penalty" else "免予处罚"
            finding("not-penalised", f"依法应当给予处罚{legal}，却决定{shown}，且不符合不予处罚的条件",
                    roles=("punishes",))
        elif a.outcome == "undetermined":
            unchecked = f"结论待定（缺少：{_labels(a.missing_facts, library.facts)}），无法核对不予处罚是否有据"
    return RowResult(d.line, d.id, a.code, a.name, tuple(findings), None, unchecked)


def _check_fine(a: Assessment, imposed: Decimal, d: Decision,
                finding: Callable[..., None], facts: Mapping[str, Any]) -> str:
    """The fine against the permitted range (or the envelope when facts are missing)."""
    envelope = a.outcome == "undetermined" or bool(a.missing_facts)
    basis = "envelope" if envelope else "range"
    note = ""
    if envelope:
        missing = _labels(a.missing_facts, facts)
        if a.outcome == "undetermined":
            note = f"（结论待定，缺少：{missing}；按各可能幅度的合集比较）"
        else:
            note = f"（缺少：{missing}；按各可能幅度的合集比较）"
    unknown = any(w.code in ("delegated-amount", "missing-amount") for w in a.warnings)
    fine_line = next((p for p in a.penalties if p.id == "fine"), None)
    if a.fine is None:
        if unknown:
            return "罚款数额由地方规定或取决于未提供的事实，无法核对罚款" if imposed > 0 else ""
        if imposed > 0:
            finding("fine-not-permitted", f"处以罚款 {_yuan(imposed)}，但该情形不得罚款{note}",
                    None, basis, ("punishes", "tier"))
        return ""
    if imposed > a.fine.max:
        finding("fine-above-max",
                f"罚款 {_yuan(imposed)}，高于允许的上限 {_yuan(a.fine.max)}（允许 {_range(a.fine)}）{note}",
                a.fine, basis, ("punishes", "tier"))
    elif imposed < a.fine.min:
        optional = fine_line is None or fine_line.may
        if not (imposed == 0 and optional):
            finding("fine-below-min",
                    f"罚款 {_yuan(imposed)}，低于允许的下限 {_yuan(a.fine.min)}（允许 {_range(a.fine)}）{note}",
                    a.fine, basis, ("punishes", "tier"))
    return ""


def check_row(library: Any, line: int, values: Mapping[str, Any], region: str) -> RowResult:
    """Parse and check one row; bad data becomes a :class:`RowError`, never an exception."""
    row_id = str(values.get("id") or values.get("案号") or "").strip()
    try:
        d = parse_decision(line, values, region, library.facts)
        return check_decision(library, d)
    except DiscretionError as exc:
        message = exc.one_line() if hasattr(exc, "one_line") else str(exc).splitlines()[0]
        return RowResult(line, row_id, error=RowError(line, row_id, message))
    except RecursionError:
        return RowResult(line, row_id, error=RowError(line, row_id, "数据嵌套过深"))
    except Exception as exc:  # a bug must not cost the other 99,999 rows; it is reported
        return RowResult(line, row_id, error=RowError(
            line, row_id, f"内部错误（请报告此行）：{type(exc).__name__}: {exc}"))


# --------------------------------------------------------------------------- reading files


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取审查文件 {path}：{exc.strerror or exc}") from None
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"审查文件 {path} 不是 UTF-8 或 GB18030 文本")


def detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    return "jsonl" if text.lstrip().startswith("{") else "csv"


Row = tuple[int, Any]  # (line, list of CSV values | JSON text)


def _csv_rows(text: str, facts: Mapping[str, Any]) -> tuple[list[str], Iterator[Row]]:
    """The header (checked: every column known or a declared fact) and the data rows."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("审查文件为空（CSV 需要表头行）") from None
    except csv.Error as exc:
        raise InputError(f"第 1 行：CSV 格式错误：{exc}") from None
    header = [h.strip() for h in header]
    unknown = [h for h in header if COLUMN_ALIASES.get(h, h) not in COLUMNS and h not in facts]
    if unknown:
        raise InputError(
            "表头有未知的列：" + "、".join(repr(h) for h in unknown)
            + "（应为 code、subject、fine、decision、日期列、facts 或已声明的事实名称）"
        )
    if len(set(header)) != len(header):
        raise InputError("表头有重复的列")
    if "code" not in {COLUMN_ALIASES.get(h, h) for h in header}:
        raise InputError("表头缺少 code 列")

    def rows() -> Iterator[Row]:
        last = reader.line_num
        while True:
            start = last + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                last = reader.line_num
                yield start, exc
                continue
            last = reader.line_num
            if not values or all(not v.strip() for v in values):
                continue
            yield start, values

    return header, rows()


def _jsonl_rows(text: str) -> Iterator[Row]:
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield n, line


def _decode(header: list[str] | None, row: Row) -> tuple[int, dict[str, Any] | None, str]:
    """A raw row → (line, values, error)."""
    line, raw = row
    if isinstance(raw, Exception):
        return line, None, f"CSV 格式错误：{raw}"
    if header is not None:
        if len(raw) != len(header):
            return line, None, f"有 {len(raw)} 个字段，表头有 {len(header)} 列"
        return line, dict(zip(header, raw, strict=True)), ""
    try:
        value = json.loads(raw, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return line, None, f"不是有效的 JSON：{exc.msg}（第 {exc.colno} 列）"
    except (InputError, RecursionError) as exc:
        return line, None, str(exc) or "JSON 嵌套过深"
    if not isinstance(value, dict):
        return line, None, "每行应为一个 JSON 对象"
    return line, value, ""


# --------------------------------------------------------------------------- running


_WORKER: dict[str, Any] = {}


def _check_chunk(payload: tuple[list[str] | None, list[Row]]) -> list[RowResult]:
    header, rows = payload
    library = _WORKER["library"]
    region = _WORKER["region"]
    out = []
    for row in rows:
        line, values, error = _decode(header, row)
        if values is None:
            out.append(RowResult(line, error=RowError(line, "", error)))
        else:
            out.append(check_row(library, line, values, region))
    return out


def _init_worker(folders: tuple[str, ...], region: str) -> None:
    """A spawned worker loads the library once (a forked one inherits it)."""
    if "library" not in _WORKER:
        from .library import load

        _WORKER["library"] = load(*folders, bundled=False)
    _WORKER["region"] = region


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def audit_rows(
    library: Any,
    rows: Iterator[Row],
    header: list[str] | None,
    region: str,
    report: AuditReport,
    jobs: int = 1,
    estimated: int = 0,
    progress: Callable[[int], None] | None = None,
) -> AuditReport:
    """Check raw rows (CSV values under ``header``, or JSON Lines text) into ``report``."""
    _WORKER["library"] = library
    _WORKER["region"] = region
    chunks = _chunks(rows, CHUNK)
    jobs = max(1, jobs)
    pool = None
    if jobs > 1 and estimated >= PARALLEL_MIN_ROWS:
        methods = multiprocessing.get_all_start_methods()
        # fork shares the loaded library for free, but forking a multi-threaded process
        # can deadlock the child: then each worker loads the library itself
        if "fork" in methods and threading.active_count() == 1:
            pool = multiprocessing.get_context("fork").Pool(jobs, _init_worker, ((), region))
        elif library.folders:
            pool = multiprocessing.get_context("spawn").Pool(
                jobs, _init_worker, (tuple(str(f) for f in library.folders), region))
    try:
        if pool is not None:
            results: Iterator[list[RowResult]] = pool.imap(_check_chunk, ((header, c) for c in chunks))
        else:
            results = (_check_chunk((header, c)) for c in chunks)
        done = 0
        for chunk_results in results:
            for r in chunk_results:
                report.add(r, r.id)
            if progress is not None and chunk_results:
                last = chunk_results[-1].line
                progress(last - done)
                done = last
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    report.findings.sort(key=lambda f: f.line)
    report.errors.sort(key=lambda e: e.line)
    return report


@attrs.frozen
class Source:
    """An opened audit file: its format, the CSV header, and the rows still to read."""

    path: str
    format: str
    header: list[str] | None
    rows: Iterator[Row]
    lines: int
    estimated: int  # rows, roughly (for the progress bar and the choice to go parallel)


def open_source(library: Any, path: str | os.PathLike[str]) -> Source:
    """Read and check the file as a whole; unreadable, empty or a bad header → InputError."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"审查文件 {p} 是一个目录")
    text = _read_text(p)
    fmt = detect_format(p, text)
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if fmt == "csv":
        header, rows = _csv_rows(text, library.facts)
        return Source(str(p), fmt, header, rows, lines, max(0, lines - 1))
    return Source(str(p), fmt, None, _jsonl_rows(text), lines, lines)


def audit_source(library: Any, source: Source, region: str, jobs: int | None = None,
                 progress: Callable[[int], None] | None = None) -> AuditReport:
    report = AuditReport(source.path, source.format, region)
    return audit_rows(library, source.rows, source.header, region, report,
                      jobs=default_jobs() if jobs is None else jobs, estimated=source.estimated,
                      progress=progress)


def audit_file(library: Any, path: str | os.PathLike[str], region: str,
               jobs: int | None = None) -> AuditReport:
    """Audit the decisions in ``path`` (CSV or JSON Lines); an unreadable file → InputError."""
    return audit_source(library, open_source(library, path), region, jobs)


# --------------------------------------------------------------------------- human report


def render(report: AuditReport, lang: str = "zh") -> str:
    """The report for people: findings by line, skipped rows, then counts per item."""
    from .render import pad, width

    out: list[str] = []
    s = report.to_dict()["summary"]
    out.append(
        f"审查 {report.file}（{'CSV' if report.format == 'csv' else 'JSON Lines'}）："
        f"{s['rows']:,} 条决定，已核对 {s['checked']:,} 条，跳过 {s['skipped']:,} 条（数据有误），"
        f"发现问题 {s['findings']:,} 项（涉及 {s['decisions_with_findings']:,} 条决定）。"
    )
    if report.findings:
        out.append("")
        out.append("问题")
        for f in report.findings:
            case = f"［{f.id}］" if f.id else ""
            out.append(f"  第 {f.line} 行{case}  {f.code}  {f.message}")
    if report.errors:
        out.append("")
        out.append("跳过的行（数据有误）")
        for e in report.errors:
            case = f"［{e.id}］" if e.id else ""
            out.append(f"  第 {e.line} 行{case}  {e.message}")
    if report.unchecked:
        out.append("")
        out.append(f"无法核对 {len(report.unchecked):,} 条（见 --json 的 unchecked），例如：")
        for line, row_id, code, why in report.unchecked[:5]:
            case = f"［{row_id}］" if row_id else ""
            out.append(f"  第 {line} 行{case}  {code}  {why}")
    if report.items:
        out.append("")
        out.append("按事项汇总")
        items = sorted(report.items.values(), key=lambda i: (-sum(i.kinds.values()), i.code))
        heads = ("编号", "决定数", "有问题", "无法核对", "问题类型")
        code_w = max(width(heads[0]), *(width(i.code) for i in items)) + 2
        out.append("  " + pad(heads[0], code_w) + "".join(pad(h, 10) for h in heads[1:4]) + heads[4])
        for i in items:
            kinds = "、".join(f"{KIND_SHORT[k]} {n}" for k, n in sorted(i.kinds.items())) or "—"
            out.append("  " + pad(i.code, code_w) + pad(str(i.decisions), 10) + pad(str(i.with_findings), 10)
                       + pad(str(i.unchecked), 10) + kinds)
    return "\n".join(out)
