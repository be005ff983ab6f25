"""The command line: a thin layer over :mod:`discretion.library`.

Global options (``--data``, ``--region``, ``--lang``, ``--json``, ``--no-bundled``)
are accepted anywhere on the line. Every error the user can cause becomes a
short message on stderr and exit status 2 — never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from .errors import DiscretionError, FactError, InputError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_BAD_INPUT = 2


# --------------------------------------------------------------------------- global options


def _settings(ctx: click.Context) -> dict[str, Any]:
    root = ctx.find_root()
    if not isinstance(root.obj, dict):
        root.obj = {}
    return root.obj


def _store(name: str, multiple: bool = False) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        settings = _settings(ctx)
        if multiple:
            settings.setdefault(name, []).extend(value or ())
        elif value is not None and value is not False:
            settings[name] = value

    return callback


def global_options(f: F) -> F:
    """Options that may stand before or after the command; the last one given wins."""
    options = [
        click.option("--data", "data", multiple=True, type=click.Path(path_type=Path),
                     expose_value=False, callback=_store("data", multiple=True),
                     help="加入本单位的基准文件夹（可重复；环境变量 DISCRETION_DATA）。"),
        click.option("--no-bundled", is_flag=True, default=False, expose_value=False,
                     callback=_store("no_bundled"), help="不加载随程序发布的基准数据。"),
        click.option("--region", default=None, expose_value=False, callback=_store("region"),
                     help="地区代码（GB/T 2260，默认 430381 湘乡市；环境变量 DISCRETION_REGION）。"),
        click.option("--lang", type=click.Choice(["zh", "en"]), default=None, expose_value=False,
                     callback=_store("lang"), help="输出语言（默认 zh）。"),
        click.option("--json", "as_json", is_flag=True, default=False, expose_value=False,
                     callback=_store("json"), help="以 JSON 输出。"),
        click.option("--no-cache", is_flag=True, default=False, expose_value=False,
                     callback=_store("no_cache"), help="不使用编译缓存。"),
    ]
    for option in reversed(options):
        f = option(f)
    return f


class _Env:
    """What the global options resolve to for one invocation."""

    def __init__(self, ctx: click.Context) -> None:
        s = _settings(ctx)
        self.settings = s
        data = list(s.get("data", []))
        env_data = os.environ.get("DISCRETION_DATA")
        if env_data and not data:
            data = [Path(p) for p in env_data.split(os.pathsep) if p]
        self.data = data
        self.bundled = not s.get("no_bundled", False)
        from .library import DEFAULT_REGION

        self.region = s.get("region") or os.environ.get("DISCRETION_REGION") or DEFAULT_REGION
        self.lang = s.get("lang") or "zh"
        self.json = bool(s.get("json"))
        self.cache = not s.get("no_cache") and not os.environ.get("DISCRETION_NO_CACHE")
        self.color = (sys.stdout.isatty() and not self.json and not os.environ.get("NO_COLOR")
                      and os.environ.get("TERM") != "dumb")
        # wrap human output to the terminal's width; never when piped
        self.columns: int | None = _terminal_columns()
        self._library: Any = None

    def library(self) -> Any:
        if self._library is None:
            from .library import load

            self._library = load(*self.data, bundled=self.bundled, cache=self.cache)
        return self._library

    def region_code(self) -> str:
        from .regions import check_region

        return check_region(self.region)


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# --------------------------------------------------------------------------- commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@global_options
@click.version_option(package_name="discretion", prog_name="discretion")
def cli() -> None:
    """行政处罚裁量基准计算器：法定幅度、裁量阶次、免罚情形、依据与程序提示。"""


@cli.command("list")
@global_options
@click.option("--category", default=None, help="只列出该类别的事项。")
@click.option("--search", default=None, help="按名称、编号或条文查找（如 烧烤、第六十四条、CXGH）。")
@click.option("--on", "on", default=None, help="在该日期有效的事项（YYYY-MM-DD，默认今天）。")
@click.pass_context
def list_cmd(ctx: click.Context, category: str | None, search: str | None, on: str | None) -> None:
    """列出某地区现行有效的违法行为事项。"""
    env = _Env(ctx)
    lib = env.library()
    region = env.region_code()
    day = _date("--on", on) or dt.date.today()
    items = lib.items(region=region, on=day)
    if category:
        items = [r for r in items if r.category == category]
    if search:
        from .search import rank

        items = rank(items, search)
    if env.json:
        _emit_json({
            "region": region,
            "items": [
                {"code": r.code, "name": r.name, "category": r.category,
                 "documents": sorted({d.id for d in r.statute_documents}
                                     | ({r.tier_document.id} if r.tier_document else set())
                                     | {d.id for _, d in r.exemptions})}
                for r in items
            ],
        })
        return
    if not items:
        click.echo("没有符合条件的事项。" if env.lang == "zh" else "No matching items.")
        return
    from .render import item_list

    for line in item_list(items, env.lang, env.color, env.columns):
        click.echo(line)
    click.echo(f"\n共 {len(items)} 项（地区 {region}，{day}）" if env.lang == "zh"
               else f"\n{len(items)} items (region {region}, {day})")


@cli.command("show")
@global_options
@click.argument("code")
@click.option("--on", "on", default=None, help="在该日期有效的规定（YYYY-MM-DD，默认今天）。")
@click.pass_context
def show_cmd(ctx: click.Context, code: str, on: str | None) -> None:
    """显示一个事项：法定处罚、裁量阶次、免罚条件、依据和来源文件。"""
    env = _Env(ctx)
    lib = env.library()
    day = _date("--on", on) or dt.date.today()
    from .errors import UnknownItem

    try:
        resolved = lib.item(code, region=env.region_code(), on=day)
    except UnknownItem as exc:
        raise _unknown_code(lib, exc, env.region_code()) from None
    if env.json:
        from .publish import item_dict

        _emit_json(item_dict(resolved, env.region_code(), day))
        return
    from .render import item

    click.echo(item(resolved, env.lang, env.color, env.columns))


@cli.command("assess")
@global_options
@click.argument("codes", nargs=-1, required=True)
@click.option("--subject", "-s", default=None,
              help="当事人：person/个人/公民 或 organization/单位/法人。")
@click.option("--fact", "-f", "facts", multiple=True, metavar="NAME=VALUE",
              help="案件事实（可重复），如 -f area_m2=8 -f corrected=是。")
@click.option("--facts", "facts_file", default=None, metavar="FILE|-",
              help="从 JSON 文件（或 - 表示标准输入）读取事实。")
@click.option("--occurred", default=None, help="违法行为发生日（YYYY-MM-DD）。")
@click.option("--ended", default=None, help="连续或者继续状态的终了日。")
@click.option("--discovered", default=None, help="发现（立案）日。")
@click.option("--decided", default=None, help="作出处罚决定日（默认今天）。")
@click.option("--explain", is_flag=True, default=False, help="逐步列出裁量过程与依据。")
@click.option("--interactive", "-i", is_flag=True, default=False, help="逐项询问尚缺的事实。")
@click.pass_context
def assess_cmd(
    ctx: click.Context,
    codes: tuple[str, ...],
    subject: str | None,
    facts: tuple[str, ...],
    facts_file: str | None,
    occurred: str | None,
    ended: str | None,
    discovered: str | None,
    decided: str | None,
    explain: bool,
    interactive: bool,
) -> None:
    """裁量：给出罚款幅度、处罚种类、免罚情形、依据与程序提示。"""
    env = _Env(ctx)
    supplied: dict[str, Any] = {}
    if facts_file is not None:
        supplied.update(_read_facts_file(facts_file))
    for entry in facts:
        name, sep, value = entry.partition("=")
        if not sep or not name.strip():
            raise FactError(f"事实应写成 NAME=VALUE，而不是 {entry!r}", entry)
        supplied[name.strip()] = value.strip()
    dates = {
        "occurred": _date("--occurred", occurred),
        "ended": _date("--ended", ended),
        "discovered": _date("--discovered", discovered),
        "decided": _date("--decided", decided),
    }
    region = env.region_code()
    lib = env.library()
    if subject is None:
        if interactive:
            from .interview import ask_subject

            subject = ask_subject()
        else:
            raise InputError("缺少 --subject（person/个人 或 organization/单位）")
    chosen = list(codes)

    def run() -> Any:
        return lib.assess(chosen, subject=subject, facts=supplied, region=region, **dates)

    result = _assess_or_suggest(lib, run, chosen, region, interactive)
    if not interactive and result.outcome == "undetermined" and _is_terminal() and not env.json:
        from .interview import offer

        interactive = offer(result, lib.facts)
    if interactive:
        from .interview import interview

        result = interview(lib, result, supplied, run)
    if env.json:
        _emit_json(result.to_dict())
        return
    from .render import assessment

    click.echo(assessment(result, env.lang, env.color, explain, lib.facts, env.columns))


def _assess_or_suggest(lib: Any, run: Callable[[], Any], codes: list[str], region: str,
                       interactive: bool) -> Any:
    """Run the assessment; an unknown or ambiguous code names the closest items
    (and, in an interview at a terminal, lets the case handler pick one)."""
    from .errors import UnknownItem

    while True:
        try:
            return run()
        except UnknownItem as exc:
            from .search import unknown_message

            named = _named(lib, exc.suggestions, region)
            if interactive and _is_terminal() and named and exc.code in codes:
                from .interview import choose_item

                codes[codes.index(exc.code)] = choose_item(exc.code, named)
                continue
            raise InputError(unknown_message(exc.code, named)) from None


def _named(lib: Any, codes: list[str], region: str) -> list[tuple[str, str]]:
    named = []
    for code in codes:
        try:
            named.append((code, lib.item(code, region=region).name))
        except DiscretionError:
            named.append((code, ""))
    return named


def _unknown_code(lib: Any, exc: Any, region: str) -> InputError:
    """An unknown or ambiguous code, with the closest items and the start of their names."""
    from .search import unknown_message

    return InputError(unknown_message(exc.code, _named(lib, exc.suggestions, region)))


# ------------------------------------------------------------------ check (issue 5)


@cli.command("check")
@global_options
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--examples", type=click.IntRange(min=1), default=100, show_default=True,
              help="需要抽样时，每项检查由 Hypothesis 生成的案例数。")
@click.option("--seed", type=int, default=None, help="抽样的随机种子（给出时结果可重现）。")
@click.option("--strict", is_flag=True, default=False, help="有警告也以状态 1 退出。")
@click.pass_context
def check_cmd(ctx: click.Context, paths: tuple[Path, ...], examples: int, seed: int | None,
              strict: bool) -> None:
    """检查基准文件：加载错误、阶次重叠与缺口、超出法定或上级幅度、轻重倒置等，并给出最小反例。

    给出 PATH 时只报告这些文件中的问题，其余已加载的文件（随程序发布的数据和 --data）作为上下文。
    """
    env = _Env(ctx)
    from .check import check_paths
    from .library import bundled_path

    context = ([bundled_path()] if env.bundled else []) + list(env.data)
    report = check_paths(list(paths) or None, context, examples=examples, seed=seed)
    if env.json:
        _emit_json(report.to_dict())
    else:
        click.echo(report.render(env.lang))
    ctx.exit(report.exit_status(strict))

# ------------------------------------------------------------------ audit (issue 6)


@cli.command("audit")
@global_options
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="并行的进程数（默认：CPU 核数）。")
@click.pass_context
def audit_cmd(ctx: click.Context, file: Path, jobs: int | None) -> None:
    """执法监督：用基准审查过去的处罚决定（CSV 或 JSON Lines），列出超出幅度、应不罚而罚等问题。

    退出状态：0 未发现问题；1 发现问题；2 文件无法读取。数据有误的行列出行号后跳过。
    """
    from .audit import audit_source, open_source, render

    env = _Env(ctx)
    lib = env.library()
    region = env.region_code()
    source = open_source(lib, file)
    if sys.stderr.isatty() and source.estimated >= 1000:
        with click.progressbar(length=source.lines, file=sys.stderr, label="审查中",
                               show_pos=True) as bar:
            report = audit_source(lib, source, region, jobs, bar.update)
    else:
        report = audit_source(lib, source, region, jobs)
    if env.json:
        _emit_json(report.to_dict())
    else:
        click.echo(render(report, env.lang))
    if report.findings or report.errors:
        ctx.exit(1)  # a row that could not be checked leaves the audit incomplete

# ------------------------------------------------------------------ export (issue 6)


@cli.command("export")
@global_options
@click.option("--format", "fmt", type=click.Choice(["html", "csv", "md", "json"], case_sensitive=False),
              default=None, help="html（单个自含网页，可检索）、csv（Excel）、md 或 json；默认按 -o 的扩展名。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              default=None, help="写入该文件（整体写入，出错时不留下半个文件）；默认标准输出。")
@click.option("--on", "on", default=None, help="在该日期有效的规定（YYYY-MM-DD，默认今天）。")
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str | None, output: Path | None, on: str | None) -> None:
    """公示：导出本地区现行有效的裁量基准表（行政处罚法第三十四条）。"""
    from .publish import export, format_for, write_atomic

    env = _Env(ctx)
    day = _date("--on", on) or dt.date.today()
    to_file = output is not None and str(output) != "-"
    if fmt is None and to_file:
        assert output is not None
        fmt = format_for(output)
        if fmt not in ("html", "csv", "md", "json"):
            raise InputError(f"无法从文件名 {output} 判断格式：请用 --format html|csv|md 指明")
    if fmt is None:
        fmt = "json" if env.json else None
    if fmt is None:
        raise InputError("请用 --format 指明导出格式：html、csv 或 md")
    data, table = export(env.library(), env.region_code(), day, fmt)
    if not to_file:
        stream = click.get_binary_stream("stdout")
        stream.write(data)
        stream.flush()
        return
    assert output is not None
    write_atomic(output, data)
    click.echo(f"已导出 {len(table.rows)} 条（{table.items} 项违法行为，地区 {table.region}，{day}）到 {output}"
               + ("；含示例数据" if table.sample else ""), err=True)

# ------------------------------------------------------------------ schema (issue 8)


@cli.command("schema")
@global_options
@click.argument("name", type=click.Choice(["assessment", "format"]))
@click.pass_context
def schema_cmd(ctx: click.Context, name: str) -> None:
    """打印 JSON Schema：assessment（assess --json 的输出）或 format（TOML 基准文件，供编辑器使用）。"""
    from .schema import dumps

    click.echo(dumps(name))


def _is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _terminal_columns() -> int | None:
    if not sys.stdout.isatty():
        return None
    import shutil

    return max(40, shutil.get_terminal_size().columns)


def _read_facts_file(name: str) -> dict[str, Any]:
    from decimal import Decimal

    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"无法读取事实文件 {name}：{exc}") from None
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"事实文件 {name} 不是有效的 JSON：第 {exc.lineno} 行：{exc.msg}") from None
    if not isinstance(data, dict):
        raise InputError(f"事实文件 {name} 应为 JSON 对象（{{\"事实名\": 值}}）")
    return data


def _reject_constant(name: str) -> NoReturn:
    raise InputError(f"事实文件中不允许 {name}（须为有限数值）")


def _date(option: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option} 的日期 {value!r} 无效，应为 YYYY-MM-DD") from None


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; map errors to exit statuses (2 = bad input) without tracebacks."""
    try:
        status = cli.main(args=argv, prog_name="discretion", standalone_mode=False)
        if isinstance(status, int) and status:  # ctx.exit(N) returns N without standalone mode
            sys.exit(status)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("已中止。", err=True)
        sys.exit(130)
    except DiscretionError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        click.echo("已中止。", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(0)
