"""GB/T 2260 region codes: validation and ancestry (county → city → province → nation)."""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import InputError

NATIONAL = "000000"

# The 34 provincial-level prefixes of GB/T 2260.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

_CODE = re.compile(r"^\d{6}$")


def region_problem(code: object) -> str | None:
    """Why ``code`` is not a usable region code, or ``None`` when it is."""
    if not isinstance(code, str) or not _CODE.match(code):
        return f"地区代码须为六位数字（GB/T 2260），而不是 {code!r}"
    if code == NATIONAL:
        return None
    if code[:2] not in PROVINCE_PREFIXES:
        return f"地区代码 {code} 的前两位 {code[:2]} 不是省级行政区代码"
    return None


def check_region(code: str) -> str:
    """Return ``code`` if valid, else raise :class:`InputError`."""
    problem = region_problem(code)
    if problem:
        raise InputError(problem)
    return code


def depth(code: str) -> int:
    """0 national, 1 province, 2 city (地级), 3 county (县级)."""
    if code == NATIONAL:
        return 0
    if code[2:] == "0000":
        return 1
    if code[4:] == "00":
        return 2
    return 3


@lru_cache(maxsize=4096)
def ancestry(code: str) -> tuple[str, ...]:
    """The code and its ancestors, nearest first: 430381 → 430381, 430300, 430000, 000000."""
    chain = [code]
    if depth(code) >= 3:
        chain.append(code[:4] + "00")
    if depth(code) >= 2:
        chain.append(code[:2] + "0000")
    if code != NATIONAL:
        chain.append(NATIONAL)
    return tuple(dict.fromkeys(chain))
