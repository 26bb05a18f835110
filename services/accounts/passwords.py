"""Password hashing with argon2id (argon2-cffi), and temporary passwords."""
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

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
