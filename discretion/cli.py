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
        self.color = sys.stdout.isatty() and not self.json and not os.environ.get("NO_COLOR")
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
    from .render import pad, width

    code_w = max(width(r.code) for r in items) + 2
    cat_w = max(width(r.category) for r in items) + 2
    for r in items:
        marks = ""
        if r.tier_document is not None:
            marks += " [阶次]" + ("[示例]" if r.tier_document.status == "sample" else "")
        if r.exemptions and any(d.kind == "exemptions" for _, d in r.exemptions):
            marks += " [免罚清单]"
        click.echo(f"{pad(r.code, code_w)}{pad(r.category, cat_w)}{r.name}{marks}")
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
    resolved = lib.item(code, region=env.region_code(), on=day)
    if env.json:
        from .publish import item_dict

        _emit_json(item_dict(resolved, env.region_code(), day))
        return
    from .render import item

    click.echo(item(resolved, env.lang, env.color))


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
            subject = _ask_subject()
        else:
            raise InputError("缺少 --subject（person/个人 或 organization/单位）")

    def run() -> Any:
        return lib.assess(list(codes), subject=subject, facts=supplied, region=region, **dates)

    result = run()
    if not interactive and result.outcome == "undetermined" and _is_terminal() and not env.json:
        from .interview import offer

        interactive = offer(result)
    if interactive:
        from .interview import interview

        result = interview(lib, result, supplied, run)
    if env.json:
        _emit_json(result.to_dict())
        return
    from .render import assessment

    click.echo(assessment(result, env.lang, env.color, explain))


# ------------------------------------------------------------------ check (issue 5)
# (the `check` command goes here)

# ------------------------------------------------------------------ audit (issue 6)
# (the `audit` command goes here)

# ------------------------------------------------------------------ export (issue 6)
# (the `export` command goes here)

# ------------------------------------------------------------------ schema (issue 8)
# (the `schema` command goes here)


def _is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _ask_subject() -> str:
    from .facts import parse_subject

    while True:
        raw = click.prompt("当事人（个人/单位）")
        try:
            return parse_subject(raw)
        except FactError as exc:
            click.echo(f"  {exc}", err=True)


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
        cli.main(args=argv, prog_name="discretion", standalone_mode=False)
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
