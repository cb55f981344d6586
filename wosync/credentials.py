"""Where a sync finds the password: systemd credentials, the environment, the keyring.

Look-up order (DESIGN.md): $CREDENTIALS_DIRECTORY/wosync-password (systemd LoadCredential),
then $WOSYNC_PASSWORD, then the keyring (service "wosync", the username). keyring is imported
lazily. On a machine with no keyring backend we say so and name the three ways out; we never
fall back to a plaintext file silently.
"""

from __future__ import annotations

import os
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


def _environment_password() -> Secret | None:
    value = os.environ.get("WOSYNC_PASSWORD")
    return Secret(value) if value else None


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
