#!/usr/bin/env python3
"""Drives the journeymap web app in headless Chromium against a running `journeymap serve`.

    check_app.py BASE_URL (--signin-url URL | --key KEY) [--viewer-key KEY]
                 [--expect-stages k1,k2,...] [--artifacts DIR] [--ready-bound MS]
                 [--timeout SECONDS]

What it does, at 1280x800, failing on the first step that does not work:
  1. signs in (the one-time link, else the key form) and waits for the map frame;
  2. the frame shows every expected stage ([data-stage] stage headers);
  3. switches the language to Vietnamese (the app's own texts and the map's) and the team view
     to sales; the URL's hash keeps both, and a reload shows the same;
  4. clicks a stage with stalled accounts, opens the "stalled" tab, clicks an account: its
     timeline shows; Esc closes the panel;
  5. edits the stage's pain points (adds a line), saves with a message: the history panel lists
     a new version with that message, the map shows the new line, and the diff between the
     two newest versions shows it as added;
  6. measures, three times, how long the map page takes to be ready on a fresh load
     (navigation start to the frame's load event) and prints it; fails above --ready-bound;
  7. with --viewer-key: a viewer sees the map but is offered no editing;
and, all along: no console error or warning (a CSP violation is one), no uncaught exception,
no dialog, no securitypolicyviolation event, no request to any other origin.

Screenshots go to --artifacts. Exit status: 0 passed, 1 a check failed, 2 the browser could
not be driven.

SPDX-License-Identifier: MIT
"""

import argparse
import json
import os
import signal
import statistics
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

WINDOW = (1280, 800)
EDIT_MESSAGE = "browser test: a pain point"

# Counts CSP violations in the app's own document (the map frame runs no script, so its
# violations show as console errors instead, which check_quiet catches too).
CSP_LISTENER = r"""
window.__jm_csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__jm_csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""

FRAME = "document.getElementById('map-frame')"
FDOC = FRAME + ".contentDocument"


class Failed(Exception):
    pass


class AppCheck:
    def __init__(self, page, base, artifacts):
        self.page = page
        self.base = base.rstrip("/")
        self.origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(self.base))
        self.artifacts = artifacts
        self.failures = []
        self.shots = 0

    # ------------------------------------------------------------ reporting

    def ok(self, msg):
        print("ok: " + msg, flush=True)

    def fail(self, msg):
        self.failures.append(msg)
        print("FAIL: " + msg, flush=True)

    def require(self, cond, msg):
        if not cond:
            raise Failed(msg)

    def shot(self, name):
        if not self.artifacts:
            return
        self.shots += 1
        path = os.path.join(self.artifacts, "app-%02d-%s.png" % (self.shots, name))
        self.page.screenshot(path, full_page=False)
        print("artifact: " + path, flush=True)

    def js(self, expr):
        return self.page.evaluate(expr)

    def wait(self, expr, what, timeout=30):
        """Polls `expr` (its truth: an element found counts) until true; Failed after timeout."""
        deadline = time.monotonic() + timeout
        while not self.js("!!(%s)" % expr):
            if time.monotonic() > deadline:
                raise Failed("timed out after %.0f s waiting for %s" % (timeout, what))
            self.page.browser.settle(0.05)

    # ------------------------------------------------------------ helpers

    def map_loads(self):
        return int(self.js("Number(document.documentElement.dataset.mapLoads || 0)"))

    def wait_map(self, after, what):
        """Waits for a map load newer than `after` to be ready."""
        self.wait("document.documentElement.dataset.map === 'ready' && "
                  "Number(document.documentElement.dataset.mapLoads || 0) > %d" % after, what)

    def select(self, sel_id, value):
        """Chooses `value` in the toolbar's <select id=sel_id> as a user would (change event)."""
        self.js("(() => { const s = document.getElementById(%s); s.value = %s; "
                "s.dispatchEvent(new Event('change', {bubbles: true})); })()"
                % (json.dumps(sel_id), json.dumps(value)))

    def frame_click(self, selector, what):
        """A real mouse click in the middle of the first element matching `selector` inside the
        map frame (scrolled into view first)."""
        r = self.js(
            "(() => { const f = %s; const e = f.contentDocument.querySelector(%s); if (!e) return null;"
            " e.scrollIntoView({block: 'center', inline: 'center'});"
            " const a = f.getBoundingClientRect(), b = e.getBoundingClientRect();"
            " return {x: a.left + b.left + Math.min(b.width / 2, 40), y: a.top + b.top + Math.min(b.height / 2, 20)}; })()"
            % (FRAME, json.dumps(selector)))
        self.require(r, "no %s (%s) in the map frame" % (what, selector))
        self.page.mouse_click(r["x"], r["y"])

    def click(self, selector, what):
        """A real mouse click on an element of the app's own page."""
        r = self.js(
            "(() => { const e = document.querySelector(%s); if (!e) return null;"
            " e.scrollIntoView({block: 'center'}); const b = e.getBoundingClientRect();"
            " return {x: b.left + b.width / 2, y: b.top + b.height / 2}; })()" % json.dumps(selector))
        self.require(r, "no %s (%s) in the app" % (what, selector))
        self.page.mouse_click(r["x"], r["y"])

    # ------------------------------------------------------------ the steps

    def sign_in(self, signin_url, key):
        if signin_url:
            self.page.navigate(signin_url)
        else:
            self.page.navigate(self.base + "/")
            self.wait("document.documentElement.dataset.view === 'signin'", "the sign-in form")
            self.shot("signin")
            self.js("document.getElementById('signin-key').focus()")
            self.page.insert_text(key)
            self.click("#signin-form button[type=submit]", "the sign-in button")
        self.wait("document.documentElement.dataset.view === 'app'", "the app after signing in")
        self.wait_map(0, "the first map")
        self.ok("signed in as %s (%s)" % (
            self.js("document.documentElement.dataset.role"),
            "one-time link" if signin_url else "key form"))

    def check_stages(self, stages):
        got = self.js("Array.from(%s.querySelectorAll('.jm-stage[data-stage]')).map((e) => e.dataset.stage)" % FDOC)
        self.require(got, "the map frame shows no stage")
        if stages:
            missing = [s for s in stages if s not in got]
            self.require(not missing, "the map frame lacks stage(s) %s (has %s)" % (missing, got))
        self.ok("the map frame shows every stage: %s" % ", ".join(got))
        return got

    def switch_language_and_view(self):
        n = self.map_loads()
        self.select("tb-lang", "vi")
        self.wait_map(n, "the map in Vietnamese")
        self.require(self.js("%s.querySelector('main#jm-map').dataset.lang" % FDOC) == "vi",
                     "the map frame is not in Vietnamese after switching the language")
        ui = self.js("document.getElementById('btn-history').textContent")
        self.require(ui == "Lịch sử", "the app's own texts are not Vietnamese ('History' reads %r)" % ui)
        self.require(self.js("document.documentElement.lang") == "vi", "<html lang> is not vi")
        text = self.js("%s.body.innerText" % FDOC)
        self.require("Nhận biết" in text, "the Vietnamese map has no 'Nhận biết'")
        n = self.map_loads()
        self.select("tb-view", "sales")
        self.wait_map(n, "the sales view")
        view = self.js("%s.querySelector('main#jm-map').dataset.view" % FDOC)
        self.require(view == "sales", "the map frame's view is %r, not sales" % view)
        h = self.js("location.hash")
        self.require("lang=vi" in h and "view=sales" in h, "the URL hash does not keep the switches: %r" % h)
        self.shot("vi-sales")
        # A reload (or a shared link) shows the same map.
        self.page.reload()
        self.wait_map(0, "the map after a reload")
        same = self.js("[%s.querySelector('main#jm-map').dataset.lang, %s.querySelector('main#jm-map').dataset.view,"
                       " document.getElementById('tb-view').value]" % (FDOC, FDOC))
        self.require(same == ["vi", "sales", "sales"], "after a reload the map is %r, not vi/sales" % same)
        self.ok("language vi (app and map) and view sales; the hash %s survives a reload" % h)

    def drill_down(self):
        """Clicks stage after stage until one's "stalled" tab lists an account."""
        stages = self.js("Array.from(%s.querySelectorAll('.jm-stage[data-stage]')).map((e) => e.dataset.stage)" % FDOC)
        stage = None
        for key in stages:
            self.frame_click('.jm-stage[data-stage="%s"]' % key, "the stage header of " + key)
            self.wait("!document.getElementById('panel').hidden && document.getElementById('panel').dataset.kind === 'stage'"
                      " && document.querySelector('#panel .tabs')", "the stage panel of " + key)
            self.require(self.js("document.activeElement && document.activeElement.id") == "panel-title",
                         "the panel's title does not take the focus")
            self.click('#panel .tabs button[data-tab="stalled"]', "the stalled tab")
            self.wait("document.querySelector('#panel .tab-body .accounts, #panel .tab-body .error')",
                      "the stalled accounts of " + key)
            err = self.js("(document.querySelector('#panel .tab-body .error') || {}).textContent || ''")
            self.require(not err, "the stalled tab of %s shows an error: %s" % (key, err))
            if self.js("!!document.querySelector('#panel .list button.item')"):
                stage = key
                break
        self.require(stage, "no stage lists a stalled account (stages: %s)" % stages)
        name = self.js("document.querySelector('#panel .list button.item .name').textContent")
        self.shot("stage-stalled")
        self.click("#panel .list button.item", "the first stalled account")
        self.wait("document.getElementById('panel').dataset.kind === 'account' && "
                  "(document.querySelector('#panel .timeline .ev') || document.querySelector('#panel .error'))",
                  "the account's timeline")
        err = self.js("(document.querySelector('#panel .error') || {}).textContent || ''")
        self.require(not err, "the account panel shows an error: %s" % err)
        n_ev = self.js("document.querySelectorAll('#panel .timeline .ev').length")
        n_days = self.js("document.querySelectorAll('#panel .timeline .day').length")
        moves = self.js("document.querySelectorAll('#panel .timeline .ev.move').length")
        self.require(moves > 0, "the timeline of %r shows no stage move" % name)
        self.shot("account-timeline")
        self.page.press_key("Escape", key_code=27)
        self.wait("document.getElementById('panel').hidden", "Esc to close the panel", timeout=5)
        self.ok("stage %s → stalled tab → %r: timeline with %d entries over %d days (%d moves); Esc closes"
                % (stage, name, n_ev, n_days, moves))
        return stage

    def edit_pain_point(self, stage):
        # The pain points lane is in the full view, not in the sales one.
        n = self.map_loads()
        self.select("tb-view", "full")
        self.wait_map(n, "the full view")
        sel = '.jm-cell[data-kind="text"][data-lane="pain_points"][data-stage="%s"]' % stage
        if not self.js("!!%s.querySelector(%s)" % (FDOC, json.dumps(sel))):
            sel = '.jm-cell[data-kind="text"][data-lane="pain_points"]'
        before = self.js("document.querySelectorAll('#panel .versions li').length")
        line = "Kiểm thử trình duyệt <b>&amp;</b> %d" % int(time.time())
        self.frame_click(sel, "a pain points cell")
        self.wait("document.getElementById('panel').dataset.kind === 'edit' && document.getElementById('edit-items')",
                  "the lane editor")
        self.js("(() => { const t = document.getElementById('edit-items'); t.focus();"
                " t.setSelectionRange(t.value.length, t.value.length); })()")
        self.page.insert_text(("\n" if self.js("document.getElementById('edit-items').value") else "") + line)
        self.js("document.getElementById('edit-message').focus()")
        self.page.insert_text(EDIT_MESSAGE)
        self.shot("edit")
        n = self.map_loads()
        self.click("#panel form.editor button[type=submit]", "the save button")
        self.wait("document.querySelector('#panel .msg-ok') || document.querySelector('#panel form.editor .error')",
                  "the answer to saving")
        err = self.js("(document.querySelector('#panel form.editor .error') || {}).textContent || ''")
        self.require(not err, "saving the lane failed: %s" % err)
        saved = self.js("document.querySelector('#panel .msg-ok').textContent")
        self.wait_map(n, "the map after saving")
        shown = self.js("%s.body.innerText.includes(%s)" % (FDOC, json.dumps(line)))
        self.require(shown, "the map does not show the edited pain point %r" % line)
        self.ok("edited the pain points of %s: %r; the map shows the new line" % (stage, saved))
        del before
        # The history lists the new version with its message; the diff shows the line.
        self.page.press_key("Escape", key_code=27)
        self.click("#btn-history", "the history button")
        self.wait("document.querySelector('#panel .versions li') || document.querySelector('#panel .error')",
                  "the versions")
        err = self.js("(document.querySelector('#panel .error') || {}).textContent || ''")
        self.require(not err, "the history panel shows an error: %s" % err)
        top = self.js("document.querySelector('#panel .versions li').innerText")
        self.require(EDIT_MESSAGE in top, "the newest version does not carry the message: %r" % top)
        count = self.js("document.querySelectorAll('#panel .versions li').length")
        self.require(count >= 2, "the history lists %d version(s)" % count)
        self.click("#hist-compare", "the compare button")
        self.wait("document.querySelector('#panel #diff') || document.querySelector('#panel .diff-box .error')",
                  "the diff")
        err = self.js("(document.querySelector('#panel .diff-box .error') || {}).textContent || ''")
        self.require(not err, "the diff shows an error: %s" % err)
        ins = self.js("Array.from(document.querySelectorAll('#diff .ins')).map((e) => e.textContent).join('\\n')")
        self.require(line in ins, "the diff does not show %r as added (added: %r)" % (line, ins[:300]))
        self.shot("history-diff")
        self.ok("history: %d versions, the newest %r; the diff shows the new line as added"
                % (count, top.split("\n")[0]))
        self.page.press_key("Escape", key_code=27)

    def measure_ready(self, runs=3):
        times = []
        for _ in range(runs):
            self.page.reload(settle=0)
            self.wait_map(0, "the map for the timing")
            times.append(float(self.js("Number(document.documentElement.dataset.mapMs)")))
        return times

    def check_viewer(self, key):
        """A viewer signs in with the key form and is offered no editing."""
        self.click("#btn-signout", "the sign-out button")
        self.wait("document.documentElement.dataset.view === 'signin'", "the sign-in form after signing out")
        self.page.send("Network.clearBrowserCookies")
        self.page.reload()
        self.wait("document.documentElement.dataset.view === 'signin'", "the sign-in form for the viewer")
        self.js("document.getElementById('signin-key').focus()")
        self.page.insert_text(key)
        self.click("#signin-form button[type=submit]", "the sign-in button")
        self.wait_map(0, "the viewer's map")
        role = self.js("document.documentElement.dataset.role")
        self.require(role == "viewer", "signed in as %r, not viewer" % role)
        n_edit = self.js("%s.querySelectorAll('[data-jm-go=\"edit\"]').length" % FDOC)
        self.require(n_edit == 0, "a viewer is offered %d editable cells" % n_edit)
        self.ok("a viewer sees the map and no editable cell")

    def check_quiet(self, label):
        n = len(self.failures)
        for level, text, where in self.page.console:
            # The app asks GET /api/v1/session whether it is signed in; before signing in the
            # answer is 401 and Chromium logs every 4xx fetch. That one is expected.
            if "status of 401" in text and where.endswith("/api/v1/session"):
                continue
            # An endpoint the server does not implement yet is reported, not failed.
            if "status of 501" in text:
                print("note: %s: the server does not implement %s yet" % (label, where), flush=True)
                continue
            if level in ("error", "warning", "assert"):
                self.fail("%s: console %s: %s%s" % (label, level, text, " (%s)" % where if where else ""))
        for text in self.page.exceptions:
            self.fail("%s: uncaught exception: %s" % (label, text))
        for kind, message in self.page.dialogs:
            self.fail("%s: a JavaScript %s dialog opened: %r" % (label, kind, message))
        for url, kind in self.page.requests:
            if url.startswith(self.origin + "/") or url.startswith("data:") or url == "about:blank":
                continue
            self.fail("%s: request to another origin: %s (%s)" % (label, url, kind))
        try:
            csp = self.js("window.__jm_csp || []")
        except cdp.CDPError:
            csp = []
        for v in csp:
            self.fail("%s: securitypolicyviolation: %s" % (label, v))
        if len(self.failures) == n:
            self.ok("%s: no console errors or warnings, exceptions, dialogs, CSP violations or "
                    "outside requests (%d requests, all to %s)" % (label, len(self.page.requests), self.origin))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("base", help="the server, e.g. http://127.0.0.1:8080")
    ap.add_argument("--signin-url")
    ap.add_argument("--key")
    ap.add_argument("--viewer-key")
    ap.add_argument("--expect-stages", default="")
    ap.add_argument("--artifacts")
    ap.add_argument("--ready-bound", type=float, default=3000, help="ms; the issue's goal is 300")
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()
    if not a.signin_url and not a.key:
        print("check_app: --signin-url or --key is required", file=sys.stderr)
        return 2
    if a.artifacts:
        os.makedirs(a.artifacts, exist_ok=True)

    def deadline(signum, frame):
        raise cdp.CDPError("check_app took longer than %.0f s" % a.timeout)

    signal.signal(signal.SIGALRM, deadline)
    signal.alarm(int(a.timeout))
    failures = []
    try:
        with cdp.Browser(window=WINDOW) as b:
            page = b.new_page()
            page.add_init_script(CSP_LISTENER)
            c = AppCheck(page, a.base, a.artifacts)
            try:
                c.sign_in(a.signin_url, a.key)
                c.shot("map")
                c.check_stages([s for s in a.expect_stages.split(",") if s])
                c.switch_language_and_view()
                stage = c.drill_down()
                c.edit_pain_point(stage)
                times = c.measure_ready()
                med = statistics.median(times)
                print("map ready (navigation start to the frame's load event): %s ms; median %.0f ms"
                      % (", ".join("%.0f" % x for x in times), med), flush=True)
                if med > a.ready_bound:
                    c.fail("the map page took %.0f ms to be ready (bound %.0f ms)" % (med, a.ready_bound))
                c.shot("final")
                b.settle(0.3)
                c.check_quiet("editor session")
                if a.viewer_key:
                    page.console.clear()
                    page.exceptions.clear()
                    c.check_viewer(a.viewer_key)
                    b.settle(0.3)
                    c.check_quiet("viewer session")
            except Failed as e:
                c.fail(str(e))
                try:
                    c.shot("failure")
                except cdp.CDPError:
                    pass
                c.check_quiet("until the failure")
            failures = c.failures
    except cdp.CDPError as e:
        print("ERROR: %s" % e, file=sys.stderr, flush=True)
        return 2
    finally:
        signal.alarm(0)
    if failures:
        print("%d check(s) failed" % len(failures), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
