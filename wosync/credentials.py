"""Where a sync finds the password: systemd credentials, the environment, the keyring.

Look-up order (docs/design.md): $CREDENTIALS_DIRECTORY/wosync-password (systemd LoadCredential),
then $WOSYNC_PASSWORD, then the keyring (service "wosync", the username). keyring is imported
lazily. On a machine with no keyring backend we say so and name the three ways out; we never
fall back to a plaintext file silently.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator
from pathlib import Path

from wosync.errors import CredentialsError
from wosync.secret import Secret

KEYRING_SERVICE = "wosync"
SYSTEMD_CREDENTIAL_NAME = "wosync-password"

NO_BACKEND_HELP = (
    "this machine has no usable keyring backend (a headless server?); either "
    "1) run wosync under systemd with `LoadCredential=wosync-password:/path/to/file` (see the README), "
    "2) set WOSYNC_USERNAME and WOSYNC_PASSWORD in the environment of wosync, or "
    "3) install a keyring backend (e.g. `pip install keyrings.alt` and "
    "PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring, which stores the password in PLAINTEXT)"
)


def _systemd_credential() -> Secret | None:
    """Return the password systemd handed us through LoadCredential, or None."""
    folder = os.environ.get("CREDENTIALS_DIRECTORY")
    if not folder:
        return None
    path = Path(folder) / SYSTEMD_CREDENTIAL_NAME
    try:
        value = path.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError:
        return None
    return Secret(value) if value else None


# WOSYNC_PASSWORD, taken out of os.environ while a command runs (see hidden_environment_password).
_hidden_environment_password: str | None = None


@contextmanager
def hidden_environment_password() -> Iterator[None]:
    """While the block runs, keep $WOSYNC_PASSWORD in memory only, out of os.environ.

    The browser, its driver and any other child process inherit os.environ; this way none of
    them ever holds the password. The variable is put back afterwards, so a caller that runs
    several commands in one process (tests, the demo) sees its environment unchanged.
    """
    global _hidden_environment_password
    previous = _hidden_environment_password
    value = os.environ.pop("WOSYNC_PASSWORD", None)
    if value is not None:
        _hidden_environment_password = value
    try:
        yield
    finally:
        if value is not None:
            os.environ["WOSYNC_PASSWORD"] = value
        _hidden_environment_password = previous


def has_environment_password() -> bool:
    """Return True when $WOSYNC_PASSWORD supplies a password (hidden or not)."""
    return bool(os.environ.get("WOSYNC_PASSWORD") or _hidden_environment_password)


def _environment_password() -> Secret | None:
    value = os.environ.get("WOSYNC_PASSWORD") or _hidden_environment_password
    return Secret(value) if value else None


def external_password() -> tuple[Secret, str] | None:
    """Return (password, where it came from) when systemd or the environment supplies one, else None.

    These two come before the keyring in the look-up order, for every account.
    """
    secret = _systemd_credential()
    if secret:
        return secret, f"the systemd credential {SYSTEMD_CREDENTIAL_NAME}"
    secret = _environment_password()
    if secret:
        return secret, "WOSYNC_PASSWORD"
    return None


def _keyring():
    """Import keyring and return its module, or raise CredentialsError when no backend works."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # pragma: no cover - keyring is a dependency
        raise CredentialsError(NO_BACKEND_HELP) from None
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring):
        raise CredentialsError(NO_BACKEND_HELP)
    if name.startswith("keyring.backends.chainer") and not getattr(backend, "backends", None):
        raise CredentialsError(NO_BACKEND_HELP)
    # keyrings.alt stores passwords in plain files: use it only when the user chose it explicitly.
    if name.startswith("keyrings.alt") and not os.environ.get("PYTHON_KEYRING_BACKEND"):
        raise CredentialsError(NO_BACKEND_HELP)
    return keyring


def keyring_usable() -> tuple[bool, str]:
    """Return (True, backend name) when a keyring backend works, else (False, the help text)."""
    try:
        keyring = _keyring()
    except CredentialsError as exc:
        return False, exc.message
    return True, type(keyring.get_keyring()).__name__


def get_password(username: str) -> Secret:
    """Given a username, return its password by the look-up order, or raise CredentialsError."""
    for source in (_systemd_credential, _environment_password):
        secret = source()
        if secret:
            return secret
    keyring = _keyring()
    try:
        value = keyring.get_password(KEYRING_SERVICE, username)
    except Exception as exc:  # keyring backends raise their own error types
        raise CredentialsError(f"the keyring could not be read ({type(exc).__name__}); {NO_BACKEND_HELP}") from None
    if not value:
        raise CredentialsError(f"no password stored for {username}; run `wosync login --username {username}`")
    return Secret(value)


# Where a password came from (password_origin), each with what to do when the site rejects it.
ORIGIN_SYSTEMD, ORIGIN_ENVIRONMENT, ORIGIN_KEYRING, ORIGIN_TYPED = "systemd", "environment", "keyring", "typed"


def password_origin(username: str) -> str | None:
    """Given a username, return where a sync takes its password from, by the look-up order:
    ORIGIN_SYSTEMD, ORIGIN_ENVIRONMENT, ORIGIN_KEYRING, or None when there is none. Reads no value out."""
    if _systemd_credential():
        return ORIGIN_SYSTEMD
    if _environment_password():
        return ORIGIN_ENVIRONMENT
    return ORIGIN_KEYRING if password_source(username) == "the keyring" else None


def rejected_message(username: str, origin: str | None, site: str | None = None) -> str:
    """Given a username, where its password came from (see password_origin) and optionally the
    site, return the message for a password the site rejected: it names that place and its fix.

    A password from WOSYNC_PASSWORD or a systemd credential is used before the keyring, so
    `wosync login` would not help there: the variable or the file has to change.
    """
    where = f"WorkFossa ({site})" if site else "WorkFossa"
    if origin == ORIGIN_ENVIRONMENT:
        return (f"{where} rejected the password for {username} from WOSYNC_PASSWORD; set WOSYNC_PASSWORD "
                "to the right password where it is defined (your shell, or the service's EnvironmentFile=)")
    if origin == ORIGIN_SYSTEMD:
        folder = os.environ.get("CREDENTIALS_DIRECTORY") or "$CREDENTIALS_DIRECTORY"
        return (f"{where} rejected the password for {username} from the systemd credential "
                f"{SYSTEMD_CREDENTIAL_NAME} ({folder}/{SYSTEMD_CREDENTIAL_NAME}); put the right password in "
                "the file the unit's LoadCredential= line names, then restart the service")
    if origin == ORIGIN_KEYRING:
        return (f"{where} rejected the password for {username} stored in the keyring; "
                f"run `wosync login --username {username}` to store the right one")
    return (f"{where} rejected the password for {username}; check the email and password "
            "and run `wosync login` again")


def store_password(username: str, secret: Secret) -> None:
    """Save a password in the keyring, or raise CredentialsError naming the ways out."""
    keyring = _keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, username, secret.reveal())
    except Exception as exc:
        raise CredentialsError(f"the keyring could not store the password ({type(exc).__name__}); {NO_BACKEND_HELP}") from None


def delete_password(username: str) -> bool:
    """Remove a password from the keyring; return True when one was there."""
    keyring = _keyring()
    try:
        keyring.delete_password(KEYRING_SERVICE, username)
    except Exception:
        return False
    return True


def password_source(username: str) -> str | None:
    """Given a username, return where a sync would find its password ("WOSYNC_PASSWORD",
    "the keyring", ...), or None when it would find none. Never returns the password."""
    external = external_password()
    if external:
        return external[1]
    try:
        keyring = _keyring()
        value = keyring.get_password(KEYRING_SERVICE, username)
    except Exception:  # no backend, or a backend that cannot be read: no password there
        return None
    return "the keyring" if value else None


def backend_is_plaintext() -> bool:
    """Return True when the keyring backend in use keeps passwords in a plain file (keyrings.alt)."""
    try:
        keyring = _keyring()
    except CredentialsError:
        return False
    backend = keyring.get_keyring()
    return type(backend).__module__.startswith("keyrings.alt") and "Plaintext" in type(backend).__name__
