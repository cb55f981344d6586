"""The handler side of the simulated site's front-end build: serve `/build/` files with a
production build's caching headers (ETag, 304 on If-None-Match), put the build's tags in every
page, count the bytes each client session receives, and the control endpoints for both:

  GET  /__sim__/bytes          {"total": counts, "sessions": {...}} (traffic.Traffic.snapshot)
  POST /__sim__/bytes/reset    forget the counts
  GET  /__sim__/assets         {"build": N, "cache": bool, "bytes": size of the build}
  POST /__sim__/assets         {"build": N} or {"bump": true} (a new build: new names),
                               {"cache": false} (no-cache headers)

A mixin placed before SiteHandler (handler.make_handler); the site holds `assets`
(assets.SiteAssets) and `traffic` (traffic.Traffic).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from wosync.sim.traffic import CountingWriter


class AssetServing:
    """Serve the build and count bytes; everything else goes on to the next handler class."""

    def setup(self):
        super().setup()
        self.wfile = CountingWriter(self.wfile)

    def handle_one_request(self):
        # Count per request: a kept-alive connection carries many, of one browser.
        self.wfile.count = 0
        self.path = ""
        super().handle_one_request()
        sent = self.wfile.count
        if sent and self.path:
            site = self.site
            session_id = site.traffic.session_of(self.headers.get("Cookie") if self.headers else None)
            session = site.sessions.get(session_id)
            site.traffic.add(urlsplit(self.path).path, sent, session_id, session.user if session else None)

    def do_GET(self):
        path = urlsplit(self.path).path
        if path.startswith("/build/") and not path.startswith("/build/images/"):
            return self._asset(path[len("/build/"):])
        if path == "/__sim__/bytes":
            return self._json(200, self.site.traffic.snapshot())
        if path == "/__sim__/assets":
            return self._json(200, self._assets_state())
        return super().do_GET()

    def do_POST(self):
        path = urlsplit(self.path).path
        if path == "/__sim__/bytes/reset":
            self._body()
            self.site.traffic.reset()
            return self._json(200, {"ok": True})
        if path == "/__sim__/assets":
            try:
                args = json.loads(self._body() or b"{}")
                assets = self.site.assets
                if args.get("bump"):
                    assets.bump()
                elif "build" in args:
                    assets.set_build(int(args["build"]))
                if "cache" in args:
                    assets.cache = bool(args["cache"])
            except (ValueError, TypeError, AttributeError) as exc:
                return self._json(400, {"error": str(exc)})
            return self._json(200, self._assets_state())
        return super().do_POST()

    def _assets_state(self) -> dict:
        assets = self.site.assets
        return {"build": assets.build, "cache": assets.cache, "bytes": assets.total_bytes()}

    def _send(self, status, body, content_type="text/html; charset=utf-8", headers=None):
        # Every page of the real site loads the build (the captures): add its tags.
        if status == 200 and isinstance(body, str) and content_type.startswith("text/html"):
            body = self.site.assets.with_tags(body)
        return super()._send(status, body, content_type, headers)

    def _asset(self, name: str) -> None:
        """Answer one file of the build: 200 with its caching headers, 304 when the browser
        holds the same version (If-None-Match), 404 for a name the build does not have."""
        assets = self.site.assets
        asset = assets.get(name)
        if asset is None:
            return super()._send(404, "Not Found", "text/plain; charset=utf-8")
        headers = assets.headers(asset)
        fresh = assets.cache and asset.etag in (self.headers.get("If-None-Match") or "")
        self.send_response(304 if fresh else 200)
        for header, value in headers.items():
            self.send_header(header, value)
        if fresh:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Type", asset.content_type)
        self.send_header("Content-Length", str(len(asset.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(asset.body)
