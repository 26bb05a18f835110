"""Password hashing with argon2id (argon2-cffi), and temporary passwords."""
import os
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# ZC_PASSWORD_HASH: "standard" (default) is argon2-cffi's parameters (RFC 9106's second
# recommendation: 3 passes over 64 MiB). "light" is still argon2id, over 1 MiB in one
# pass: for the test suite's copies only, which hash thousands of passwords — never in
# production. A hash made with other parameters is redone at the next login.
HASH_PARAMETERS = {"standard": {}, "light": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}}


def make_hasher(choice=None):
    choice = choice or os.environ.get("ZC_PASSWORD_HASH") or "standard"
    if choice not in HASH_PARAMETERS:
        raise ValueError(f"ZC_PASSWORD_HASH must be one of {', '.join(HASH_PARAMETERS)}, not {choice!r}")
    return PasswordHasher(**HASH_PARAMETERS[choice])


_hasher = make_hasher()

# A hash of nothing in particular, verified against when the username is unknown, so
# a wrong username takes as long as a wrong password.
_DUMMY = _hasher.hash("not-a-real-password-0")


def hash_password(password):
    return _hasher.hash(password)


def verify(password_hash, password):
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def temporary_password():
    """12 characters, letters and digits both present (meets the policy)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isalpha() for c in candidate) and any(c.isdigit() for c in candidate):
            return candidate


def needs_rehash(password_hash):
    return _hasher.check_needs_rehash(password_hash)
