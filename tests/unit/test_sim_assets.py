"""The simulated site's front-end build: the captured names, fixed sizes, valid inert filler,
a production build's caching headers (ETag, 304), tags in every page, a new build's new names,
the no-cache switch, and the byte counts per client session. A server on 127.0.0.1, no browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from wosync.sim import SimulatedWorkFossa
from wosync.sim.assets import IMMUTABLE, JS_CHUNKS, STYLESHEETS, SiteAssets

CAPTURES = Path(__file__).parent.parent / "fixtures" / "workfossa"


def _get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def sim():
    with SimulatedWorkFossa(count=30, seed=3) as site:
        yield site


def test_build_one_has_every_name_the_captures_load():
    captured = set()
    for page in CAPTURES.glob("*.html"):
        captured |= set(re.findall(r"/build/((?:js|assets)/[\w./-]+\.(?:js|css))", page.read_text("utf-8")))
    assets = SiteAssets()
    assert captured, "the captures name no /build/ files"
    assert all(assets.get(name) is not None for name in captured), sorted(n for n in captured if not assets.get(n))
    # A Vue build of this kind: 15 JS chunks of 1-2 MB together, a few hundred KB of CSS.
    js = [a for a in map(assets.get, _names(assets)) if a.path.endswith(".js")]
    css = [a for a in map(assets.get, _names(assets)) if a.path.endswith(".css")]
    assert len(js) == 1 + len(JS_CHUNKS) == 15 and len(css) == len(STYLESHEETS)
    assert 1_000_000 <= sum(len(a.body) for a in js) <= 2_000_000
    assert 100_000 <= sum(len(a.body) for a in css) <= 500_000


def _names(assets: SiteAssets) -> list[str]:
    return list(dict.fromkeys(re.findall(r'(?:href|src)="/build/([^"]+)"', assets.tags())))


def test_content_is_deterministic_and_a_new_build_renames_every_file():
    one, again, two = SiteAssets(), SiteAssets(), SiteAssets(build=2)
    assert [one.get(n).body for n in _names(one)] == [again.get(n).body for n in _names(again)]
    assert not set(_names(one)) & set(_names(two))
    assert len(_names(two)) == len(_names(one))
    assert one.bump() == 2 and _names(one) == _names(two)


@pytest.mark.skipif(shutil.which("node") is None, reason="no node to check the JavaScript with")
def test_the_javascript_is_valid_and_defines_nothing_but_functions(tmp_path):
    assets = SiteAssets()
    for name in _names(assets)[:3]:
        asset = assets.get(name)
        if not name.endswith(".js"):
            continue
        path = tmp_path / "chunk.mjs"
        path.write_bytes(asset.body)
        subprocess.run(["node", "--check", str(path)], check=True)
    text = assets.get("js/app.ibo895en.js").body.decode()
    assert all(line.startswith(("function ", "/*!", "//")) for line in text.splitlines())


def test_an_asset_is_sent_cacheable_for_good_with_an_etag_and_304_when_unchanged(sim):
    status, headers, body = _get(sim.base_url + "/build/js/app.ibo895en.js")
    assert status == 200 and len(body) == len(sim.assets.get("js/app.ibo895en.js").body)
    assert headers["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert headers["Content-Type"].startswith("application/javascript")
    status, _, body = _get(sim.base_url + "/build/js/app.ibo895en.js", {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    status, _, body = _get(sim.base_url + "/build/js/app.ibo895en.js", {"If-None-Match": '"other"'})
    assert status == 200 and body


def test_every_page_references_the_build_like_the_captures(sim):
    _, _, login = _get(sim.base_url + "/")
    html = login.decode()
    head = html[: html.index("</head>")]
    assert '<script type="module" src="/build/js/app.ibo895en.js"></script>' in head
    assert head.count('rel="modulepreload"') == 15
    assert head.count('rel="stylesheet" href="/build/assets/') == len(STYLESHEETS)


def test_the_switches_rename_the_build_and_turn_caching_off(sim):
    try:
        state = _post(sim.base_url + "/__sim__/assets", {"bump": True, "cache": False})
        assert state["build"] == 2 and state["cache"] is False
        assert _get(sim.base_url + "/build/js/app.ibo895en.js")[0] == 404  # the old name is gone
        _, _, page = _get(sim.base_url + "/")
        entry = re.search(r'src="(/build/js/app\.[^"]+)"', page.decode()).group(1)
        status, headers, _ = _get(sim.base_url + entry)
        assert status == 200 and "ETag" not in headers and "no-store" in headers["Cache-Control"]
    finally:
        _post(sim.base_url + "/__sim__/assets", {"build": 1, "cache": True})


def test_bytes_are_counted_in_total_per_kind_and_per_client_session(sim):
    _post(sim.base_url + "/__sim__/bytes/reset", {})
    _, _, body = _get(sim.base_url + "/build/assets/home-ohz172l6.css", {"Cookie": "workfossa_session=abc123"})
    _, _, page = _get(sim.base_url + "/")
    counts = json.loads(_get(sim.base_url + "/__sim__/bytes")[2])
    total = counts["total"]
    assert total["requests"] == 2 and total["bytes"] == total["assets"] + total["pages"]
    assert len(body) < total["assets"] < len(body) + 400  # the body and its headers
    assert len(page) < total["pages"] < len(page) + 400
    assert counts["sessions"]["abc123"]["assets"] == total["assets"]
    assert counts["sessions"]["none"]["pages"] == total["pages"]
