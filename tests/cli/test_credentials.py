"""Where a sync finds the password: systemd credential, then WOSYNC_PASSWORD, then the keyring.

Real keyring backends are used in-process: keyrings.alt's plaintext file (in the test's folder)
as a working one, keyring's own `fail` backend as the "no backend" machine.
"""

from __future__ import annotations

import pytest

from wosync import credentials
from wosync.actions import login
from wosync.errors import CredentialsError, ExitCode
from wosync.secret import Secret

USERNAME = "tech@example.com"


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("WOSYNC_PASSWORD", "CREDENTIALS_DIRECTORY", "PYTHON_KEYRING_BACKEND"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def use_backend(clean_env, monkeypatch):
    """Install a keyring backend for one test; restore the previous one after."""
    import keyring

    previous = keyring.get_keyring()

    def install(backend, opted_in: bool = True):
        if opted_in:
            monkeypatch.setenv("PYTHON_KEYRING_BACKEND", f"{type(backend).__module__}.{type(backend).__name__}")
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


@pytest.fixture
def plaintext(use_backend, tmp_path):
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")
    return use_backend(backend)


def test_the_keyring_holds_and_gives_back_the_password(plaintext):
    credentials.store_password(USERNAME, Secret("from-keyring"))
    assert credentials.get_password(USERNAME) == Secret("from-keyring")
    assert credentials.password_source(USERNAME) == "the keyring"
    assert credentials.delete_password(USERNAME) is True
    assert credentials.delete_password(USERNAME) is False
    with pytest.raises(CredentialsError) as caught:
        credentials.get_password(USERNAME)
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message == f"no password stored for {USERNAME}; run `wosync login --username {USERNAME}`"
    assert credentials.password_source(USERNAME) is None


def test_the_environment_comes_before_the_keyring(plaintext, monkeypatch):
    credentials.store_password(USERNAME, Secret("from-keyring"))
    monkeypatch.setenv("WOSYNC_PASSWORD", "from-env")
    assert credentials.get_password(USERNAME).reveal() == "from-env"
    assert credentials.password_source(USERNAME) == "WOSYNC_PASSWORD"


def test_a_systemd_credential_comes_first_without_its_trailing_newline(plaintext, monkeypatch, tmp_path):
    folder = tmp_path / "credentials"
    folder.mkdir()
    (folder / "wosync-password").write_text("from-systemd\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(folder))
    monkeypatch.setenv("WOSYNC_PASSWORD", "from-env")
    assert credentials.get_password(USERNAME).reveal() == "from-systemd"
    assert credentials.password_source(USERNAME) == "the systemd credential wosync-password"


def test_a_credentials_directory_without_our_file_falls_through(plaintext, monkeypatch, tmp_path):
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    monkeypatch.setenv("WOSYNC_PASSWORD", "from-env")
    assert credentials.get_password(USERNAME).reveal() == "from-env"


def test_the_plaintext_backend_is_refused_unless_chosen_explicitly(use_backend, tmp_path):
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")
    use_backend(backend, opted_in=False)
    usable, text = credentials.keyring_usable()
    assert (usable, text) == (False, credentials.NO_BACKEND_HELP)
    with pytest.raises(CredentialsError):
        credentials.store_password(USERNAME, Secret("x"))
    assert not (tmp_path / "keyring_pass.cfg").exists()  # never a silent plaintext store
    assert credentials.backend_is_plaintext() is False


def test_no_backend_names_the_three_ways_out(use_backend):
    from keyring.backends import fail

    use_backend(fail.Keyring(), opted_in=False)
    assert credentials.keyring_usable() == (False, credentials.NO_BACKEND_HELP)
    with pytest.raises(CredentialsError) as caught:
        credentials.get_password(USERNAME)
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    for way in ("LoadCredential=wosync-password", "WOSYNC_USERNAME and WOSYNC_PASSWORD", "keyrings.alt", "PLAINTEXT"):
        assert way in caught.value.message
    assert credentials.password_source(USERNAME) is None
    assert credentials.external_password() is None


def test_an_opted_in_plaintext_backend_is_usable_and_flagged(plaintext):
    assert credentials.keyring_usable() == (True, "PlaintextKeyring")
    assert credentials.backend_is_plaintext() is True


def test_a_secret_never_shows_its_value():
    secret = Secret("hunter2-visible?")
    assert "hunter2" not in f"{secret} {secret!r} {[secret]} {dict(p=secret)}"
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(secret)


@pytest.mark.parametrize("url, expected", [
    ("https://app.workfossa.com/", "https://app.workfossa.com"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
])
def test_base_urls_are_checked(url, expected):
    assert login.check_base_url(url) == expected


@pytest.mark.parametrize("url", ["app.workfossa.com", "ftp://x", "https://"])
def test_bad_base_urls_are_usage_errors(url):
    from wosync.errors import UsageError

    with pytest.raises(UsageError):
        login.check_base_url(url)


# ------------------------------------------------------------------ a rejected password


def test_the_origin_of_the_password_follows_the_look_up_order(plaintext, monkeypatch, tmp_path):
    assert credentials.password_origin(USERNAME) is None
    credentials.store_password(USERNAME, Secret("in-the-keyring"))
    assert credentials.password_origin(USERNAME) == credentials.ORIGIN_KEYRING
    monkeypatch.setenv("WOSYNC_PASSWORD", "from-the-environment")
    assert credentials.password_origin(USERNAME) == credentials.ORIGIN_ENVIRONMENT
    (tmp_path / "creds").mkdir()
    (tmp_path / "creds" / "wosync-password").write_text("from-systemd\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path / "creds"))
    assert credentials.password_origin(USERNAME) == credentials.ORIGIN_SYSTEMD


def test_the_rejection_message_names_where_the_password_came_from_and_its_fix(monkeypatch):
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", "/run/credentials/wosync.service")
    environment = credentials.rejected_message(USERNAME, credentials.ORIGIN_ENVIRONMENT)
    assert "from WOSYNC_PASSWORD" in environment and "set WOSYNC_PASSWORD" in environment
    assert "wosync login" not in environment  # it would not help: the variable comes first
    systemd = credentials.rejected_message(USERNAME, credentials.ORIGIN_SYSTEMD)
    assert "/run/credentials/wosync.service/wosync-password" in systemd and "LoadCredential=" in systemd
    assert "wosync login" not in systemd
    keyring = credentials.rejected_message(USERNAME, credentials.ORIGIN_KEYRING)
    assert "stored in the keyring" in keyring and f"run `wosync login --username {USERNAME}`" in keyring


@pytest.fixture
def site_rejecting_the_env_password(use_backend, monkeypatch, wosync_home):
    """A machine without a keyring, WOSYNC_PASSWORD set to a password the (simulated, real
    Chromium) site rejects; yields the site's base URL. The data folder is the test's own: the
    rejected login saves its artefacts and browser profile there, never in the user's."""
    from keyring.backends import fail

    from wosync.sim import SimulatedWorkFossa

    use_backend(fail.Keyring(), opted_in=False)
    monkeypatch.setenv("WOSYNC_PASSWORD", "wrong-one")
    with SimulatedWorkFossa(count=1, username=USERNAME, password="the-right-one") as site:
        yield site.base_url


@pytest.mark.browser
def test_login_with_a_rejected_environment_password_says_to_fix_the_variable(site_rejecting_the_env_password):
    """`wosync login` without a keyring checks $WOSYNC_PASSWORD: a rejection names the variable."""
    with pytest.raises(CredentialsError) as raised:
        login.verify_login(site_rejecting_the_env_password, USERNAME, Secret("wrong-one"),
                           origin=credentials.password_origin(USERNAME))
    assert raised.value.exit_code == ExitCode.CREDENTIALS
    assert "from WOSYNC_PASSWORD; set WOSYNC_PASSWORD to the right password" in raised.value.message
    assert raised.value.message.endswith("nothing was stored")


@pytest.mark.browser
def test_wosync_login_names_the_variable_whose_password_was_rejected(cli, site_rejecting_the_env_password):
    base = site_rejecting_the_env_password
    result = cli("login", "--username", USERNAME, "--base-url", base)
    assert result.exit_code == ExitCode.CREDENTIALS
    assert result.stderr.splitlines()[0] == f"Checking the password with a login to {base}..."
    assert result.stderr.splitlines()[-1] == (f"Error: WorkFossa ({base}) rejected the password for {USERNAME} from "
                       "WOSYNC_PASSWORD; set WOSYNC_PASSWORD to the right password where it is defined (your "
                       "shell, or the service's EnvironmentFile=); nothing was stored")
