"""A small Chrome DevTools Protocol client over a pipe, for the browser tests (Python 3 stdlib).

Chromium runs headless with --remote-debugging-pipe: it reads commands from its file
descriptor 3 and writes replies and events to its descriptor 4, each message one JSON object
followed by a NUL byte. One browser per Browser(), with a fresh profile in a temporary folder,
in a process group of its own so that close() can end every process it started (renderers,
zygotes, the GPU process) and none outlives a test.

Every wait has a deadline: a browser that hangs or dies fails the test with a message that
says what was awaited, and the tail of chromium's own stderr; it never hangs CI.

    with cdp.Browser() as b:
        page = b.new_page()
        page.navigate("file:///tmp/map.html")
        page.evaluate("document.title")
        page.screenshot("/tmp/map.png")
        page.console, page.exceptions, page.requests, page.dialogs   # what happened
        page.wait_js("document.readyState === 'complete'")           # poll a condition
        page.mouse_click(x, y); page.press_key("Escape", key_code=27); page.insert_text("hi")

Chromium is $CHROMIUM, else /usr/bin/chromium (Debian's package `chromium`).

SPDX-License-Identifier: MIT
"""

import base64
import fcntl
import json
import math
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time

DEFAULT_CHROMIUM = "/usr/bin/chromium"
COMMAND_TIMEOUT = 30.0  # seconds for one command's reply
LOAD_TIMEOUT = 30.0  # seconds for a page's load event
MAX_SCREENSHOT_PX = 16384  # tallest full-page screenshot; Chromium's texture limit is near this


class CDPError(Exception):
    """A protocol error, a timeout, or a browser that went away."""


def find_chromium():
    """The chromium executable: $CHROMIUM or /usr/bin/chromium; raises CDPError when absent."""
    exe = os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM
    path = shutil.which(exe)
    if not path:
        raise CDPError(
            "chromium not found at '%s': install Debian's chromium package "
            "(scripts/install-deps.sh does) or point $CHROMIUM at a Chromium or Chrome binary" % exe
        )
    return path


class Browser:
    """One headless Chromium driven over the DevTools pipe. Use as a context manager."""

    def __init__(self, chromium=None, window=(1600, 1000), timeout=COMMAND_TIMEOUT, args=()):
        self.timeout = timeout
        self._next_id = 0
        self._replies = {}
        self._pages = {}  # sessionId -> Page
        self._closed = False
        self._inbox = queue.Queue()
        self.exe = chromium or find_chromium()
        self.profile = tempfile.mkdtemp(prefix="jm-chromium-")
        self._stderr = open(os.path.join(self.profile, "chromium.stderr"), "w+b")
        cmd = [
            self.exe,
            "--headless=new",
            "--no-sandbox",  # CI runs as root, where the sandbox cannot start
            "--disable-gpu",
            "--disable-crash-reporter",  # crashpad would start in a session of its own
            "--disable-breakpad",
            "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
            "--remote-debugging-pipe",
            "--user-data-dir=" + self.profile,
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--mute-audio",
            "--window-size=%d,%d" % window,
        ]
        cmd += list(args)
        cmd.append("about:blank")
        # Our ends: we write commands into `to_w` and read from `from_r`. Chromium's ends are
        # copied to high numbers first so that moving them onto 3 and 4 in the child cannot
        # clobber one with the other.
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        hi_r = fcntl.fcntl(to_r, fcntl.F_DUPFD_CLOEXEC, 10)
        hi_w = fcntl.fcntl(from_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_r)
        os.close(from_w)

        def child_fds():
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        try:
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=self._stderr,
                stderr=self._stderr,
                pass_fds=(3, 4),
                preexec_fn=child_fds,
                start_new_session=True,  # its own process group: close() kills them all
            )
        except OSError as e:
            os.close(self._to_w)
            os.close(self._from_r)
            self._cleanup_files()
            raise CDPError("cannot start %s: %s" % (self.exe, e))
        finally:
            os.close(hi_r)
            os.close(hi_w)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        try:
            self.version = self.send("Browser.getVersion")
        except CDPError:
            self.close()
            raise

    # ------------------------------------------------------------ plumbing

    def _read_loop(self):
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_r, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                self._inbox.put(None)  # the browser closed its end: it is gone
                return
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                try:
                    self._inbox.put(json.loads(msg.decode("utf-8")))
                except ValueError:
                    self._inbox.put({"_bad": msg[:200].decode("utf-8", "replace")})

    def stderr_tail(self, n=2000):
        """The last `n` bytes of chromium's stdout and stderr, for error messages."""
        try:
            self._stderr.flush()
            with open(self._stderr.name, "rb") as f:
                data = f.read()
            return data[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def _fail(self, what):
        code = self.proc.poll()
        state = "exited with %s" % code if code is not None else "still running"
        raise CDPError("%s (chromium %s); its output ends with:\n%s" % (what, state,
                                                                       self.stderr_tail()))

    def pump(self, timeout):
        """Handles messages for up to `timeout` seconds (at least one wait). Returns False when
        the deadline passed with nothing to handle."""
        try:
            msg = self._inbox.get(timeout=max(timeout, 0))
        except queue.Empty:
            return False
        if msg is None:
            self._inbox.put(None)  # keep saying so to every later waiter
            self._fail("chromium closed the DevTools pipe")
        if "_bad" in msg:
            self._fail("chromium sent a message that is not JSON: %r" % msg["_bad"])
        if "id" in msg:
            self._replies[msg["id"]] = msg
        elif "method" in msg:
            page = self._pages.get(msg.get("sessionId"))
            if page:
                page._event(msg["method"], msg.get("params", {}))
        return True

    def post(self, method, params=None, session=None):
        """Sends a command without waiting for its reply; returns its id."""
        if self._closed:
            raise CDPError("the browser is closed")
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode("utf-8") + b"\0"
        try:
            while data:
                n = os.write(self._to_w, data)
                data = data[n:]
        except OSError as e:
            self._fail("cannot send %s: %s" % (method, e))
        return self._next_id

    def send(self, method, params=None, session=None, timeout=None):
        """Sends a command and returns its result; raises CDPError on an error or a timeout."""
        cid = self.post(method, params, session)
        deadline = time.monotonic() + (timeout or self.timeout)
        while cid not in self._replies:
            left = deadline - time.monotonic()
            if left <= 0:
                self._fail("no reply to %s within %.0f s" % (method, timeout or self.timeout))
            self.pump(left)
        reply = self._replies.pop(cid)
        if "error" in reply:
            raise CDPError("%s failed: %s" % (method, reply["error"].get("message", reply["error"])))
        return reply.get("result", {})

    def wait_for(self, condition, timeout, what):
        """Handles messages until condition() is true; raises CDPError after `timeout` s."""
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                self._fail("timed out after %.0f s waiting for %s" % (timeout, what))
            self.pump(min(left, 0.5))

    def settle(self, seconds):
        """Handles whatever arrives during `seconds` (late console messages, requests)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.pump(deadline - time.monotonic())

    # ------------------------------------------------------------ pages

    def new_page(self, bypass_csp=False):
        """Opens a blank tab, attaches to it (flat session) and enables Runtime, Log, Network
        and Page events. With `bypass_csp`, the page's Content-Security-Policy is ignored
        (Page.setBypassCSP), so a test sees what escaping alone does."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = Page(self, target, session)
        self._pages[session] = page
        for domain in ("Runtime", "Log", "Network", "Page"):
            page.send(domain + ".enable")
        if bypass_csp:
            page.send("Page.setBypassCSP", {"enabled": True})
        return page

    # ------------------------------------------------------------ the end

    def close(self):
        """Ends the browser and every process it started, and removes its profile."""
        if self._closed:
            return
        try:
            if self.proc.poll() is None:
                self.post("Browser.close")
                self.proc.wait(timeout=5)
        except (CDPError, subprocess.TimeoutExpired):
            pass
        self._closed = True
        # Chromium's helpers (zygote, renderers) share its process group: end them all, asking
        # first, then not.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
        for fd in (self._to_w, self._from_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self._cleanup_files()

    def _cleanup_files(self):
        try:
            self._stderr.close()
        except OSError:
            pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    """One tab. Records every console message, exception, request and dialog it sees."""

    def __init__(self, browser, target, session):
        self.browser = browser
        self.target = target
        self.session = session
        self.console = []  # (level, text, where)
        self.exceptions = []  # text
        self.requests = []  # (url, resource type)
        self.dialogs = []  # (type, message)
        self.loaded = 0  # load events seen

    def send(self, method, params=None, timeout=None):
        return self.browser.send(method, params, self.session, timeout)

    def _event(self, method, p):
        if method == "Runtime.consoleAPICalled":
            text = " ".join(_remote_text(a) for a in p.get("args", []))
            self.console.append((p.get("type", "log"), text, _where(p.get("stackTrace"))))
        elif method == "Log.entryAdded":
            e = p.get("entry", {})
            self.console.append((e.get("level", "info"), e.get("text", ""), e.get("url", "")))
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            exc = d.get("exception", {})
            self.exceptions.append(exc.get("description") or d.get("text", "exception"))
        elif method == "Network.requestWillBeSent":
            r = p.get("request", {})
            self.requests.append((r.get("url", ""), p.get("type", "")))
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append((p.get("type", ""), p.get("message", "")))
            # Dismiss without waiting for the reply: we are inside the message loop.
            self.browser.post("Page.handleJavaScriptDialog", {"accept": False}, self.session)
        elif method == "Page.loadEventFired":
            self.loaded += 1

    def navigate(self, url, timeout=LOAD_TIMEOUT, settle=0.3):
        """Loads `url` and waits for its load event, then `settle` seconds more for late
        messages. Raises CDPError when the navigation fails or does not finish in time."""
        before = self.loaded
        r = self.send("Page.navigate", {"url": url}, timeout=timeout)
        if r.get("errorText"):
            raise CDPError("cannot load %s: %s" % (url, r["errorText"]))
        self.browser.wait_for(lambda: self.loaded > before, timeout, "the load event of " + url)
        self.browser.settle(settle)

    def reload(self, timeout=LOAD_TIMEOUT, settle=0.3):
        """Reloads the page (bypassing the cache) and waits for its load event; a hash-only
        navigate() would not load the document again."""
        before = self.loaded
        self.send("Page.reload", {"ignoreCache": True}, timeout=timeout)
        self.browser.wait_for(lambda: self.loaded > before, timeout, "the load event of a reload")
        self.browser.settle(settle)

    def evaluate(self, expression, timeout=None):
        """The value of a JavaScript expression (promises awaited), as JSON-able Python."""
        r = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout=timeout,
        )
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise CDPError(
                "evaluating %r threw: %s"
                % (expression[:80], d.get("exception", {}).get("description") or d.get("text"))
            )
        return r.get("result", {}).get("value")

    def wait_js(self, expression, timeout=LOAD_TIMEOUT, what=None, interval=0.05):
        """Evaluates `expression` until it is truthy and returns its value; raises CDPError
        after `timeout` seconds, naming `what` (default: the expression)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                self.browser._fail("timed out after %.0f s waiting for %s"
                                   % (timeout, what or expression[:120]))
            self.browser.settle(min(interval, left))

    def mouse_click(self, x, y):
        """A real left click (press and release) at viewport coordinates x, y."""
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent",
                      {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def press_key(self, key, code=None, key_code=0):
        """Presses and releases one key, e.g. press_key("Escape", key_code=27)."""
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent",
                      {"type": kind, "key": key, "code": code or key,
                       "windowsVirtualKeyCode": key_code, "nativeVirtualKeyCode": key_code})

    def insert_text(self, text):
        """Types `text` into the focused element, as an input method would."""
        self.send("Input.insertText", {"text": text})

    def add_init_script(self, source):
        """Runs `source` in every new document of the page before its own scripts (the
        DevTools protocol's scripts are not subject to the page's Content-Security-Policy)."""
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": source})

    def screenshot(self, path, full_page=True):
        """Writes a PNG of the page to `path`: the whole page (up to MAX_SCREENSHOT_PX tall),
        by sizing the viewport to the content first, or only the viewport."""
        params = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            m = self.send("Page.getLayoutMetrics")
            size = m.get("cssContentSize") or m.get("contentSize")
            view = m.get("cssLayoutViewport") or m.get("layoutViewport")
            width = max(int(math.ceil(size["width"])), int(view["clientWidth"]))
            height = min(int(math.ceil(size["height"])), MAX_SCREENSHOT_PX)
            self.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            )
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        try:
            data = self.send("Page.captureScreenshot", params, timeout=60)["data"]
        finally:
            if full_page:
                self.send("Emulation.clearDeviceMetricsOverride")
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path


def _remote_text(obj):
    """The text of a console argument (a Runtime.RemoteObject)."""
    if "value" in obj:
        v = obj["value"]
        return v if isinstance(v, str) else json.dumps(v)
    return obj.get("description") or obj.get("unserializableValue") or obj.get("type", "")


def _where(stack):
    if not stack or not stack.get("callFrames"):
        return ""
    f = stack["callFrames"][0]
    return "%s:%s" % (f.get("url", ""), f.get("lineNumber", 0) + 1)
