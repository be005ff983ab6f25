"""The exported 公示 page in a real browser: headless Chromium, typed search, a screenshot.

Chromium is driven over the Chrome DevTools Protocol on a pipe (``--remote-debugging-pipe``:
JSON messages ending in NUL on file descriptors 3 and 4), with a client of a few lines and no
dependency beyond the standard library. Without ``/usr/bin/chromium`` the tests are skipped,
except in CI (``CI=true``), where ``.ci/run`` installs it and a missing browser is a failure.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from discretion.cli import cli

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--remote-debugging-pipe",
]
TIMEOUT = 30.0
WIRE = (
    "import os, sys\n"
    "r, w = int(sys.argv[1]), int(sys.argv[2])\n"
    "os.dup2(r, 3)\n"
    "os.dup2(w, 4)\n"
    "os.close(r)\n"
    "os.close(w)\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)


class CDPError(RuntimeError):
    pass


def _above(fd: int, lowest: int) -> int:
    """``fd`` moved to a number >= ``lowest`` (the old number is closed)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, lowest)
    os.close(fd)
    return moved


class Browser:
    """Headless Chromium with one page, spoken to over the DevTools pipe."""

    def __init__(self, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # The child's ends must not already be fd 3 or 4, or the redirections below would clash.
        to_chrome_r, from_chrome_w = (_above(fd, 10) for fd in (to_chrome_r, from_chrome_w))

        # Chromium reads the protocol on fd 3 and writes on fd 4: a tiny Python launcher puts the
        # pipes there and execs it (no preexec_fn, which is unsafe in a threaded parent).
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WIRE, str(to_chrome_r), str(from_chrome_w),
             CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            pass_fds=(to_chrome_r, from_chrome_w),
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime"):
            self.page(f"{domain}.enable")
        self.page("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1,
                  mobile=False)

    # -------------------------------------------------------------- protocol
    def _send(self, method: str, params: dict[str, Any], session: str | None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self._to_chrome, data):]
        return self._next_id

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("no answer from Chromium in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise CDPError("Chromium closed the DevTools pipe: " + self._stderr())
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)  # type: ignore[no-any-return]

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        wanted = self._send(method, params, session)
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise CDPError(f"{method}: {message['error']}")
                return message.get("result", {})  # type: ignore[no-any-return]
            if "method" in message:
                self.events.append(message)

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        return self.call(method, self.session, **params)

    def wait_event(self, method: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            for i, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(i)
            message = self._receive(deadline)
            if "method" in message:
                self.events.append(message)

    # -------------------------------------------------------------- page
    def open(self, url: str) -> None:
        self.events.clear()
        self.page("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise CDPError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def type_keys(self, text: str) -> None:
        """Type as a person at a keyboard: one key down/up per character."""
        for ch in text:
            self.page("Input.dispatchKeyEvent", type="keyDown", text=ch, unmodifiedText=ch, key=ch)
            self.page("Input.dispatchKeyEvent", type="keyUp", key=ch)

    def type_ime(self, text: str) -> None:
        """Type Chinese as an input method commits it."""
        self.page("Input.insertText", text=text)

    def screenshot(self, path: Path, max_height: int = 2400) -> None:
        """The whole page (up to ``max_height`` CSS pixels), as a PNG."""
        height = min(int(self.js("document.documentElement.scrollHeight")), max_height)
        width = int(self.js("document.documentElement.scrollWidth"))
        data = self.page("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def _stderr(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return ""
        return self.proc.stderr.read().decode("utf-8", "replace")[-2000:]

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.call("Browser.close")
                self.proc.wait(timeout=10)
        except (CDPError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self._to_chrome)
            os.close(self._from_chrome)
            if self.proc.stderr is not None:
                self.proc.stderr.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: Chromium is required for the browser tests but {CHROMIUM} is missing "
                        "(.ci/run installs it)")
        pytest.skip(f"headless Chromium not installed ({CHROMIUM})")
    with tempfile.TemporaryDirectory(prefix="discretion-chromium-") as profile:
        b = Browser(Path(profile))
        try:
            yield b
        finally:
            b.close()


def export_html(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "gongshi.html"
    res = CliRunner().invoke(cli, ["export", "--format", "html", "-o", str(out), *args])
    assert res.exit_code == 0, res.output
    return out


def visible_rows(b: Browser) -> list[str]:
    rows = b.js("""Array.from(document.querySelectorAll('#benchmarks tbody tr'))
                   .filter(r => r.offsetParent !== null).map(r => r.innerText)""")
    assert isinstance(rows, list)
    return [str(r) for r in rows]


def test_search_box_filters_rows_as_you_type(browser: Browser, tmp_path: Path) -> None:
    page = export_html(tmp_path, "--region", "430381", "--on", "2025-06-01")
    browser.open(page.as_uri())
    assert browser.js("document.documentElement.lang") == "zh-CN"
    assert browser.js("document.title").startswith("行政处罚裁量基准公示表")
    total = browser.js("document.querySelectorAll('#benchmarks tbody tr').length")
    assert total > 100
    assert len(visible_rows(browser)) == total
    header = browser.js("Array.from(document.querySelectorAll('#benchmarks thead th')).map(t => t.innerText)")
    assert header == ["序号", "违法行为", "违法依据", "处罚依据", "裁量阶次", "适用情形", "处罚标准"]
    assert "示例数据" in browser.js("document.querySelector('.notice').innerText")

    # An item code typed on the keyboard, lower case: only that item's rows (and its sub-items).
    browser.js("document.getElementById('q').focus()")
    browser.type_keys("dqwr-118-k3")
    rows = visible_rows(browser)
    assert rows and all("DQWR-118-K3" in r for r in rows)
    assert browser.js("document.getElementById('count').textContent") == f"显示 {len(rows)} / {total} 条"

    # Chinese, as an input method commits it: 烧烤 finds the barbecue items and nothing else.
    browser.js("const q = document.getElementById('q'); q.value = ''; q.dispatchEvent(new Event('input'))")
    assert len(visible_rows(browser)) == total
    browser.type_ime("烧烤")
    rows = visible_rows(browser)
    assert rows and all("烧烤" in r for r in rows)
    expected = browser.js("""Array.from(document.querySelectorAll('#benchmarks tbody tr'))
                             .filter(r => r.textContent.includes('烧烤')).length""")
    assert len(rows) == expected < total

    # Two words narrow further (both must match); the page keeps its layout for the screenshot.
    browser.type_keys(" 示例")
    narrowed = visible_rows(browser)
    assert narrowed and all("烧烤" in r and "示例" in r for r in narrowed)
    assert len(narrowed) <= len(rows)
    browser.js("window.scrollTo(0, 0)")
    browser.screenshot(ARTIFACTS / "export-search.png")
    assert (ARTIFACTS / "export-search.png").stat().st_size > 10_000

    # Nothing matches: the table empties and says so.
    browser.type_keys("zzzz-no-such-thing")
    assert visible_rows(browser) == []
    assert browser.js("document.getElementById('empty').hidden") is False


XSS = "<script>alert(1)</script>"

XSS_BENCHMARK = (Path(__file__).parent / "fixtures" / "xss" / "xss.toml").read_text(encoding="utf-8")


def test_benchmark_text_with_script_is_shown_not_run(browser: Browser, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "xss.toml").write_text(XSS_BENCHMARK, encoding="utf-8")
    page = export_html(tmp_path, "--data", str(data), "--region", "120000", "--on", "2025-06-01")
    browser.open(page.as_uri())
    assert browser.js("document.scripts.length") == 1  # only the page's own search script
    assert browser.js("document.images.length") == 0
    dialogs = [e for e in browser.events if e["method"] == "Page.javascriptDialogOpening"]
    assert dialogs == []
    cells = browser.js("Array.from(document.querySelectorAll('td')).map(td => td.textContent)")
    assert any(XSS in c and c.startswith("较轻") for c in cells)
    assert any("备注 " + XSS + " & | 管道" in c for c in cells)
    assert any(c == "测试裁量基准" + XSS for c in cells)
    browser.js("document.getElementById('q').focus()")
    browser.type_keys("<script>")
    rows = visible_rows(browser)
    assert len(rows) == 2 and all("JZLJ-26" in r for r in rows)  # both tiers use the fact label
