#!/usr/bin/env python3
"""Checks a rendered journey map (HTML or SVG) in headless Chromium.

    check_map.py MAP.html|MAP.svg [--screenshot OUT.png] [--expect-stages k1,k2,...]
                 [--expect-lanes k1,...] [--expect-kpis metric1,...] [--hostile]
                 [--expect-text TEXT]... [--expect-texts-json FILE] [--timeout SECONDS]

Every file, every mode:
  - no console error or warning, no uncaught exception, no JavaScript dialog;
  - no network request but the file itself and data: URLs (the map is self-contained).
An HTML map also:
  - has the hooks the renderer promises (docs: the map's HTML): <main id="jm-map" data-view
    data-lang>, a [data-stage="KEY"] per expected stage, [data-lane="KEY"] per expected lane,
    [data-kpi="METRIC"][data-status] per expected KPI metric;
  - has no grid cell (.jm-cell) or anything in one whose content overflows it sideways
    (scrollWidth > clientWidth + 1): the failure names the element and its text.
With --hostile (a map whose every user field carries script payloads; the payloads set
window.__jm_pwned), the file is first loaded with Page.setBypassCSP(true), so that escaping
alone is tested, not the page's Content-Security-Policy, and then loaded again as a user
would. Each time:
  - no dialog opened and window.__jm_pwned is undefined;
  - no <script> element, no element with an on* attribute, no javascript: URL, no <iframe>,
    <object>, <embed>, <base> or <meta http-equiv=refresh>;
  - each --expect-text (default: HOSTILE_TEXT) appears literally in the page's text
    (document.body.innerText; for SVG, the document's text with white space ignored, since
    SVG text wraps into separate lines).

Exit status: 0 all passed, 1 a check failed (each failure on its own line, "FAIL: ..."),
2 the browser could not be driven (chromium missing, timeout).

SPDX-License-Identifier: MIT
"""

import argparse
import json
import os
import pathlib
import signal
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

# A payload every hostile test fixture uses in some field; its text must show literally.
HOSTILE_TEXT = "<script>window.__jm_pwned=1</script>"

JS_HOOKS = r"""
(function (stages, lanes, kpis) {
  const out = {missing: [], root: null};
  const root = document.querySelector('main#jm-map');
  if (root)
    out.root = {view: root.getAttribute('data-view'), lang: root.getAttribute('data-lang')};
  const need = (what, sel) => { if (!document.querySelector(sel)) out.missing.push(what + ' ' + sel); };
  for (const k of stages) need('stage', '[data-stage="' + CSS.escape(k) + '"]');
  for (const k of lanes) need('lane', '[data-lane="' + CSS.escape(k) + '"]');
  for (const k of kpis) need('KPI', '[data-kpi="' + CSS.escape(k) + '"][data-status]');
  out.cells = document.querySelectorAll('.jm-cell[data-stage][data-lane]').length;
  return out;
})(%s, %s, %s)
"""

JS_OVERFLOW = r"""
(function () {
  const bad = [];
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) s += '#' + e.id;
      if (e.classList && e.classList.length) s += '.' + Array.from(e.classList).join('.');
      for (const a of ['data-stage', 'data-lane'])
        if (e.hasAttribute(a)) s += '[' + a + '="' + e.getAttribute(a) + '"]';
      parts.unshift(s);
      if (e.classList && e.classList.contains('jm-cell')) break;
    }
    return parts.join(' > ');
  };
  const over = [];
  for (const cell of document.querySelectorAll('.jm-cell'))
    for (const el of [cell, ...cell.querySelectorAll('*')])
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
        over.push(el);
  // Name the innermost culprits: a cell that overflows because its paragraph does is one
  // failure, the paragraph.
  for (const el of over) {
    if (over.some((o) => o !== el && el.contains(o)))
      continue;
    bad.push({where: path(el), scroll: el.scrollWidth, client: el.clientWidth,
              text: (el.innerText || el.textContent || '').trim().slice(0, 120)});
    if (bad.length >= 20)
      break;
  }
  return bad;
})()
"""

JS_EXECUTION = r"""
(function () {
  const out = {pwned: typeof window.__jm_pwned !== 'undefined', scripts: 0, handlers: [],
               js_urls: [], forbidden: []};
  out.scripts = document.getElementsByTagName('script').length;
  for (const el of document.getElementsByTagName('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on'))
        out.handlers.push(el.tagName.toLowerCase() + '[' + a.name + ']');
      if (/^\s*(javascript|vbscript):/i.test(a.value) && /(href|src|action|data)$/.test(n))
        out.js_urls.push(el.tagName.toLowerCase() + '[' + a.name + ']');
    }
    const t = el.tagName.toLowerCase();
    if (['iframe', 'object', 'embed', 'base', 'frame', 'frameset'].includes(t) ||
        (t === 'meta' && /refresh/i.test(el.getAttribute('http-equiv') || '')))
      out.forbidden.push(t);
  }
  out.handlers = out.handlers.slice(0, 20);
  const svg = !document.body;
  out.text = svg ? document.documentElement.textContent : document.body.innerText;
  out.dom_text = document.documentElement.textContent;
  out.svg = svg;
  return out;
})()
"""


class Checker:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.url = pathlib.Path(self.path).as_uri()  # percent-encoded, as Chromium reports it
        self.failures = []

    def fail(self, msg):
        self.failures.append(msg)
        print("FAIL: %s: %s" % (os.path.basename(self.path), msg), flush=True)

    def ok(self, msg):
        print("ok: %s: %s" % (os.path.basename(self.path), msg), flush=True)

    # ------------------------------------------------------------ every load

    def check_quiet(self, page, label):
        """No console error/warning, no exception, no dialog, no outside request."""
        n = len(self.failures)
        for level, text, where in page.console:
            if level in ("error", "warning", "assert"):
                self.fail("%s: console %s: %s%s" % (label, level, text, " (%s)" % where if where else ""))
        for text in page.exceptions:
            self.fail("%s: uncaught exception: %s" % (label, text))
        for kind, message in page.dialogs:
            self.fail("%s: a JavaScript %s dialog opened: %r" % (label, kind, message))
        for url, kind in page.requests:
            if url != self.url and not url.startswith("data:") and url != "about:blank":
                self.fail("%s: request to %s (%s): the map must be self-contained" % (label, url, kind))
        if len(self.failures) == n:
            self.ok("%s: no console errors or warnings, no exceptions, dialogs or requests "
                    "(%d console messages, %d requests)" % (label, len(page.console), len(page.requests)))

    def check_execution(self, page, label, texts):
        """Nothing from the data ran or can run, and the hostile text shows as text."""
        n = len(self.failures)
        r = page.evaluate(JS_EXECUTION)
        if r["pwned"]:
            self.fail("%s: window.__jm_pwned is set: a payload ran" % label)
        if r["scripts"]:
            self.fail("%s: %d <script> element(s) in the DOM" % (label, r["scripts"]))
        if r["handlers"]:
            self.fail("%s: event handler attributes: %s" % (label, ", ".join(r["handlers"])))
        if r["js_urls"]:
            self.fail("%s: javascript: URLs in %s" % (label, ", ".join(r["js_urls"])))
        if r["forbidden"]:
            self.fail("%s: forbidden elements: %s" % (label, ", ".join(sorted(set(r["forbidden"])))))
        squash = (lambda s: "".join(s.split())) if r["svg"] else (lambda s: " ".join(s.split()))
        shown = squash(r["text"] or "")
        for t in texts:
            if squash(t) in shown:
                continue
            if squash(t) in squash(r["dom_text"] or ""):
                self.fail("%s: %r is in the DOM but not in the visible text (hidden, or changed "
                          "by CSS such as text-transform?)" % (label, t))
            elif squash(t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")) in shown:
                self.fail("%s: %r shows escaped twice (&lt; / &amp; visible in the text)" % (label, t))
            else:
                self.fail("%s: %r does not appear literally in the page's text" % (label, t))
        if len(self.failures) == n:
            self.ok("%s: no payload ran; no scripts, handlers or javascript: URLs; %d hostile "
                    "text(s) shown literally" % (label, len(texts)))

    # ------------------------------------------------------------ HTML only

    def check_hooks(self, page, stages, lanes, kpis):
        n = len(self.failures)
        r = page.evaluate(JS_HOOKS % (json.dumps(stages), json.dumps(lanes), json.dumps(kpis)))
        if not r["root"]:
            self.fail('no <main id="jm-map"> root')
        else:
            for a in ("view", "lang"):
                if not r["root"][a]:
                    self.fail("the root has no data-%s" % a)
        for m in r["missing"]:
            self.fail("missing " + m)
        if stages and lanes and r["cells"] == 0:
            self.fail("no grid cells (.jm-cell[data-stage][data-lane])")
        if len(self.failures) == n:
            self.ok("hooks: root view=%s lang=%s, %d stages, %d lanes, %d KPIs, %d cells"
                    % (r["root"]["view"], r["root"]["lang"], len(stages), len(lanes), len(kpis), r["cells"]))

    def check_overflow(self, page):
        bad = page.evaluate(JS_OVERFLOW)
        for b in bad:
            self.fail("overflow: %s is %dpx wide inside %dpx: %r"
                      % (b["where"], b["scroll"], b["client"], b["text"]))
        if not bad:
            self.ok("no grid cell overflows")


def split(s):
    return [k for k in (s or "").split(",") if k]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("map", help="the HTML or SVG file")
    ap.add_argument("--screenshot", metavar="OUT.png")
    ap.add_argument("--expect-stages", default="", metavar="K1,K2")
    ap.add_argument("--expect-lanes", default="", metavar="K1,K2")
    ap.add_argument("--expect-kpis", default="", metavar="M1,M2")
    ap.add_argument("--hostile", action="store_true")
    ap.add_argument("--expect-text", action="append", default=None, metavar="TEXT",
                    help="--hostile: text that must show literally (repeatable)")
    ap.add_argument("--expect-texts-json", metavar="FILE",
                    help="--hostile: a JSON list (or object) of texts that must show literally")
    ap.add_argument("--timeout", type=float, default=180, help="for the whole run, seconds")
    a = ap.parse_args()
    if not os.path.isfile(a.map):
        print("check_map: no file %s" % a.map, file=sys.stderr)
        return 2

    # The last line of defence against a hung browser: the whole run has a deadline.
    def deadline(signum, frame):
        raise cdp.CDPError("check_map took longer than %.0f s" % a.timeout)

    signal.signal(signal.SIGALRM, deadline)
    signal.alarm(int(a.timeout))

    c = Checker(a.map)
    is_svg = a.map.lower().endswith(".svg")
    texts = list(a.expect_text or [])
    if a.expect_texts_json:
        with open(a.expect_texts_json, encoding="utf-8") as f:
            more = json.load(f)
        texts += list(more.values() if isinstance(more, dict) else more)
    if not texts:
        texts = [HOSTILE_TEXT]
    try:
        with cdp.Browser() as b:
            if a.hostile:
                page = b.new_page(bypass_csp=True)
                page.navigate(c.url)
                c.check_execution(page, "without CSP", texts)
                c.check_quiet(page, "without CSP")
            page = b.new_page()
            page.navigate(c.url)
            page.evaluate("document.fonts.ready.then(() => true)")
            if a.hostile:
                c.check_execution(page, "with CSP", texts)
            if not is_svg:
                c.check_hooks(page, split(a.expect_stages), split(a.expect_lanes),
                              split(a.expect_kpis))
                c.check_overflow(page)
            if a.screenshot:
                page.screenshot(a.screenshot)
                c.ok("screenshot %s" % a.screenshot)
            # Last, so that late messages (a deferred script, a lazy image) count too.
            b.settle(0.2)
            c.check_quiet(page, "load")
    except cdp.CDPError as e:
        print("ERROR: %s: %s" % (a.map, e), file=sys.stderr, flush=True)
        return 2
    finally:
        signal.alarm(0)
    if c.failures:
        print("%d check(s) failed for %s" % (len(c.failures), a.map), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
