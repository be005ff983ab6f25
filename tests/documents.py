"""Small benchmark documents for tests that build their own sets in a temporary folder.

Only the ``[document]`` header repeats from test to test; :func:`header` writes it,
each test adds the tables it is about.
"""

from __future__ import annotations


def header(
    doc_id: str,
    title: str,
    kind: str,
    *,
    short: str | None = None,
    level: str = "national",
    region: str = "000000",
    effective: str = "2020-01-01",
    status: str = "official",
    blank_lines: bool = True,
) -> str:
    """``format = 1`` and a ``[document]`` table; ``blank_lines`` separates the tables."""
    gap = "\n" if blank_lines else ""
    lines = [f'id = "{doc_id}"', f'title = "{title}"']
    if short is not None:
        lines.append(f'short = "{short}"')
    lines += [f'kind = "{kind}"', f'level = "{level}"', f'region = "{region}"',
              f"effective = {effective}", f'status = "{status}"']
    return f"format = 1\n{gap}[document]\n" + "\n".join(lines) + "\n" + gap
