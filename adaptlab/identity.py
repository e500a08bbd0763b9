"""Learner identity without accounts: a name plus a secret the learner chooses at first use.

The first session to use a name claims it with a secret; the store keeps only a salted scrypt
hash (`hash_secret`), and later sessions must give the same secret (`check_secret`, compared in
constant time). So typing someone else's name gives nothing: no reading their answers, no saving
as them. Where the deployment has a real login (Streamlit's st.login, OIDC), the app uses that
instead (ui/identity.py). Names and secrets are checked with messages that say how to fix them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata

NAME_LIMIT = 40
SECRET_MIN, SECRET_MAX = 8, 200
# scrypt's interactive-login cost (RFC 7914 recommends N=2**14, r=8, p=1): ~50 ms and 16 MB.
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 2**20}


def clean_name(raw: object) -> str:
    """The name with runs of white space folded; ValueError saying how to fix a bad one."""
    name = " ".join(str(raw or "").split())
    if not name:
        raise ValueError("Type a name or an id, e.g. Sam or s1234567.")
    if len(name) > NAME_LIMIT:
        raise ValueError(f"Use at most {NAME_LIMIT} characters for your name.")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in name):
        raise ValueError("Use letters, digits, spaces and punctuation only in your name.")
    return name


def check_new_secret(secret: str, name: str) -> None:
    """ValueError unless `secret` is fit to protect `name`'s answers."""
    if len(secret) < SECRET_MIN:
        raise ValueError(f"Choose a secret of at least {SECRET_MIN} characters.")
    if len(secret) > SECRET_MAX:
        raise ValueError(f"Use at most {SECRET_MAX} characters for your secret.")
    if secret.strip().casefold() == name.strip().casefold():
        raise ValueError("Your secret must not be your name.")


def hash_secret(secret: str, salt: bytes | None = None) -> tuple[str, str]:
    """(salt, digest) as hex; a fresh random salt unless one is given."""
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, **SCRYPT)
    return salt.hex(), digest.hex()


def check_secret(secret: str, salt: str, digest: str) -> bool:
    """True when `secret` hashes to `digest` with `salt` (constant-time comparison)."""
    if len(secret) > SECRET_MAX:  # scrypt's cost grows with the input: refuse a pasted novel
        return False
    _, given = hash_secret(secret, bytes.fromhex(salt))
    return hmac.compare_digest(given, digest)
