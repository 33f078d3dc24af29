"""The built site in a real browser: headless Chromium (Debian's ``chromium``; ``.ci/run``
installs it), driven over the DevTools protocol on a pipe, with no network and nothing
downloaded. Skipped, with the reason printed, where Chromium is missing.

Checks: the seed drop's page shows the FT period-mismatch explanation with its three
figures and a visible interval chart; the hostile drop's page runs no script (its title is
unchanged and no element came from the data). Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from statcheck.docsite import SiteBuild
from tests.conftest import REPO

SHOTS = REPO / "build" / "screenshots"
SEED_PAGE = "kyivpost-desertion/2025-01-06-kyivpost-desertion.html"
TIMEOUT = 60.0


def _chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        reason = (
            "Chromium not found (/usr/bin/chromium): browser tests skipped; "
            "install it with `apt-get install -y --no-install-recommends chromium` (.ci/run does)"
        )
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return found


def _wire(commands: int, replies: int) -> None:
    """In the child: the pipe ends where Chromium looks for them (fds 3 and 4)."""
    os.dup2(commands, 3)
    os.dup2(replies, 4)


class Browser:
    """Just enough of the DevTools protocol: open a page, evaluate, take a screenshot."""

    def __init__(self, exe: str, profile: Path) -> None:
        to_browser_r, self._w = os.pipe()
        self._r, from_browser_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4.
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "--window-size=1280,1600",
             "about:blank"],
            pass_fds=(3, 4),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=lambda: _wire(to_browser_r, from_browser_w),
        )  # fmt: skip
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)[
            "sessionId"
        ]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buf += chunk
        msg, _, self._buf = self._buf.partition(b"\0")
        return dict(json.loads(msg))

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._read(deadline))

    def eval(self, expression: str) -> Any:
        out = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        return out["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        data = self.call(
            "Page.captureScreenshot", session=True, format="png", captureBeyondViewport=True
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._r)
        os.close(self._w)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    b = Browser(_chromium(), tmp_path / "profile")
    try:
        yield b
    finally:
        b.close()


def test_seed_page_in_chromium(browser: Browser, seed_site: SiteBuild) -> None:
    browser.open((seed_site.out / SEED_PAGE).as_uri())
    text = browser.eval("document.body.innerText")
    assert "period-mismatch" in text
    assert "kp-odb-awol-2024 covers 2024 while the total covers Jan–Oct 2024" in text
    for fid in ("kp-ft-abandoning-cases", "kp-odb-desertion-jan-oct", "kp-odb-awol-2024"):
        assert fid in text
    # The interval chart is laid out, has a size, and is what the browser shows at its centre.
    box = browser.eval(
        """(() => {
          const svg = document.querySelector('#rule-ft-60000-is-desertion-plus-awol svg.interval-chart');
          if (!svg) return null;
          svg.scrollIntoView();
          const r = svg.getBoundingClientRect();
          const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
          return {w: r.width, h: r.height, shown: !!hit && svg.contains(hit),
                  visible: getComputedStyle(svg).visibility === 'visible'};
        })()"""
    )
    assert box is not None, "no interval chart on the seed page"
    assert box["w"] > 300 and box["h"] > 50 and box["shown"] and box["visible"], box
    browser.eval("window.scrollTo(0, 0)")
    shot = browser.screenshot(SHOTS / "seed-drop.png")
    assert shot.stat().st_size > 10_000
    browser.open(seed_site.index.as_uri())
    assert "kyivpost-desertion" in browser.eval("document.body.innerText")
    browser.screenshot(SHOTS / "index.png")


def test_hostile_page_runs_no_script(browser: Browser, hostile_site: SiteBuild) -> None:
    page = hostile_site.out / "hostile" / "hostile-drop.html"
    browser.open(page.as_uri())
    title = browser.eval("document.title")
    assert "PWNED" not in title and title.startswith("hostile-drop")
    # nothing from the data became an element
    assert (
        browser.eval("document.querySelectorAll('script, img, iframe, object, embed').length") == 0
    )
    assert browser.eval("document.querySelectorAll('[onerror], [onload], [onclick]').length") == 0
    text = browser.eval("document.body.innerText")
    assert "<script>document.title='PWNED'</script>" in text  # shown, as text
    assert "<img src=x onerror=\"document.title='PWNED'\">" in text
    assert '=HYPERLINK("http://evil.example/","click me")' in text
    browser.screenshot(SHOTS / "hostile-drop.png")


def test_the_harness_would_see_a_script_run(browser: Browser, tmp_path: Path) -> None:
    """A control: the same payload, unescaped and without the page's policy, does run, so
    an unchanged title above means no script ran, not that the check is blind."""
    page = tmp_path / "control.html"
    page.write_text("<title>control</title><script>document.title='PWNED'</script>")
    browser.open(page.as_uri())
    assert browser.eval("document.title") == "PWNED"
