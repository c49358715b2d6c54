"""The user's key store: private signing keys, outside any workspace, encrypted by passphrase.

One file per key, named by the key's fingerprint, in ``config_dir()/keys``. Each file is a
PKCS#8 PEM encrypted with the owner's passphrase (cryptography's best available encryption),
written whole or not at all and readable by the user only. A workspace never holds a private
key, so handing the workspace to a client or an auditor hands over no one's signature.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workbench.services.approvals.keys import fingerprint as fingerprint_of
from workbench.services.common.errors import ServiceError
from workbench.services.common.paths import config_dir

MIN_PASSPHRASE_LENGTH = 8


class KeyStoreError(ServiceError):
    """A private key cannot be stored or used; the message is for the user."""


class WrongPassphrase(KeyStoreError):
    pass


class MissingPrivateKey(KeyStoreError):
    pass


KDF_ROUNDS = 16  # OpenSSH's default: about a tenth of a second per unlock
OPENSSH_HEADER = b"-----BEGIN OPENSSH PRIVATE KEY-----"


def keys_dir() -> Path:
    return config_dir() / "keys"


def key_path(fingerprint: str) -> Path:
    return keys_dir() / f"{fingerprint}.pem"


def has_private_key(fingerprint: str | None) -> bool:
    return bool(fingerprint) and key_path(str(fingerprint)).is_file()


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise KeyStoreError(f"a passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters")


def store_private_key(key: Ed25519PrivateKey, fingerprint: str, passphrase: str) -> Path:
    """Write the key encrypted with ``passphrase``, atomically, readable by the user only."""
    check_passphrase(passphrase)
    # OpenSSH's format derives the encryption key with bcrypt, which makes guessing the
    # passphrase of a stolen key file costly; PKCS#8 here would use 2,048 PBKDF2 rounds.
    encryption = (
        serialization.PrivateFormat.OpenSSH.encryption_builder()
        .kdf_rounds(KDF_ROUNDS)
        .build(passphrase.encode("utf-8"))
    )
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.OpenSSH,
        encryption_algorithm=encryption,
    )
    target = key_path(fingerprint)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # mkstemp creates the file with mode 0600 before anything is written to it.
        handle, name = tempfile.mkstemp(prefix=".key-", suffix=".partial", dir=target.parent)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(pem)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            temporary.replace(target)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as error:
        raise KeyStoreError(
            f"cannot write the private key to {target.parent}: {error.strerror}"
        ) from error
    return target


def load_private_key(fingerprint: str, passphrase: str, *, owner: str) -> Ed25519PrivateKey:
    """The private key with this fingerprint, decrypted, checked to be that key.

    Raises:
        MissingPrivateKey: this computer's key store does not hold the key.
        WrongPassphrase: the passphrase does not decrypt it.
        KeyStoreError: the file cannot be read, or holds another key than the one named.
    """
    path = key_path(fingerprint)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise MissingPrivateKey(
            f"{owner}'s private signing key is not on this computer; sign on the computer "
            "where the signing identity was created"
        ) from None
    except OSError as error:
        raise KeyStoreError(f"cannot read {owner}'s private key: {error.strerror}") from error
    try:
        secret = passphrase.encode("utf-8")
        key: object
        if data.startswith(OPENSSH_HEADER):
            key = serialization.load_ssh_private_key(data, password=secret)
        else:  # PKCS#8, as the first release wrote keys
            key = serialization.load_pem_private_key(data, password=secret)
    except (ValueError, TypeError):
        raise WrongPassphrase(
            f"the passphrase for {owner}'s signing key is wrong; nothing was recorded"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyStoreError(f"the key file of {owner} does not hold an Ed25519 signing key")
    public = key.public_key().public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    if fingerprint_of(public) != fingerprint:
        raise KeyStoreError(
            f"the private key on this computer does not match {owner}'s public key in this "
            "workspace"
        )
    return key


def remove_private_key(fingerprint: str) -> None:
    """Undo :func:`store_private_key` when the workspace write that needed it failed."""
    key_path(fingerprint).unlink(missing_ok=True)
