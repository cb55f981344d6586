"""wosync.workfossa.session_file on real files: what loads, what is set aside, what doctor says."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from wosync.workfossa import session_file

URL = "https://app.workfossa.com"
STATE = {"cookies": [{"name": "laravel_session", "value": "abc", "domain": "app.workfossa.com", "path": "/",
                      "expires": -1, "httpOnly": True, "secure": True, "sameSite": "Lax"}],
         "origins": [{"origin": URL, "localStorage": [{"name": "k", "value": "v"}]}]}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "sessions" / "a@example.com.json"


def test_a_saved_session_loads_for_its_own_account_and_site_only(path):
    session_file.save(path, "a@example.com", URL + "/", STATE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["cookies"] == STATE["cookies"]  # still a storage state
    assert session_file.load(path, "a@example.com", URL) == STATE  # the binding is taken off
    assert session_file.load(path, "b@example.com", URL) is None
    assert session_file.load(path, "a@example.com", "http://127.0.0.1:8000") is None
    assert path.exists(), "a session of another account is left for its fresh login to replace"
    assert session_file.describe(path) == (True, f"account a@example.com at {URL}, 1 cookie(s)")


@pytest.mark.parametrize("text", ['{"cookies": 5}', "not json", "[1, 2]", '{"cookies": [{"name": 1}]}',
                                  '{"cookies": [], "wosync_session": {"version": 9}}', '{}'])
def test_a_file_that_is_no_session_is_moved_aside_private_and_named(path, text, caplog):
    path.parent.mkdir()
    path.write_text(text)
    with caplog.at_level("WARNING", logger="wosync.session"):
        assert session_file.load(path, "a@example.com", URL) is None
    assert not path.exists()
    [aside] = path.parent.glob(f"{path.name}.bad-*")
    assert aside.read_text() == text and stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert str(aside) in caplog.text


def test_an_old_unbound_file_is_not_used_and_doctor_warns(path):
    path.parent.mkdir()
    path.write_text(json.dumps(STATE))
    assert session_file.load(path, "a@example.com", URL) is None
    assert path.exists()
    verdict, detail = session_file.describe(path)
    assert verdict is None and "naming no account" in detail


def test_doctor_gives_one_line_per_session_file(wosync_home):
    from wosync.actions.doctor_sessions import check_sessions

    folder = wosync_home / "sessions"
    session_file.save(folder / "a@example.com.json", "a@example.com", URL, STATE)
    (folder / "b@example.com.json").write_text('{"cookies": 5}')
    (folder / "c@example.com.json").write_text(json.dumps(STATE))

    checks = {check.name: check for check in check_sessions()}

    assert list(checks) == ["session a@example.com.json", "session b@example.com.json", "session c@example.com.json"]
    assert checks["session a@example.com.json"].status == "ok"
    assert checks["session b@example.com.json"].status == "FAILED"
    assert "not a session (its cookies are not a list)" in checks["session b@example.com.json"].detail
    assert checks["session c@example.com.json"].status == "warning"
