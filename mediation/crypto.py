"""Encryption of ID numbers at rest (PIPL art. 28, 51) and the worker's query code."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from mediation.config import fernet_key

# No 0/O, 1/I/L: a worker reads the code off a phone screen or a printed receipt.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8


def _fernet() -> Fernet:
    return Fernet(fernet_key(current_app.config["ENCRYPTION_KEY"]))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """Return the plain text; a wrong key is a clear error, not garbage."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError("ID number cannot be decrypted: MEDIATION_ENCRYPTION_KEY differs from the"
                           " key it was stored with") from exc


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def hash_query_code(code: str) -> str:
    """HMAC, not a slow password hash: codes are random and tracking is rate-limited."""
    normalised = code.strip().upper().replace(" ", "").replace("-", "")
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def query_code_matches(code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_query_code(code or ""), stored_hash)
