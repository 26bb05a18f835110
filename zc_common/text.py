"""Text that can be stored and sent back: no lone surrogates (they cannot be encoded
as UTF-8, so the record would answer 500 on every later read) and no control
characters other than tab, newline and carriage return (PostgreSQL refuses NUL in
text; the others only ever arrive by mistake or malice)."""
import re
import unicodedata

_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")

INVALID_TEXT_MESSAGE = "含有不允许的字符（控制字符或无效的 Unicode 字符）"


def first_unstorable(text):
    """The index of the first character that must not be stored, or None."""
    found = _UNSTORABLE.search(text)
    return None if found is None else found.start()


def is_storable(text):
    return _UNSTORABLE.search(text) is None


def printable_name(name):
    """A key or parameter name safe to echo back in an error's ``field``."""
    return name if is_storable(name) else name.encode("unicode_escape", "backslashreplace").decode("ascii")


def storable(text):
    """The text with every character that must not be stored replaced by U+FFFD —
    for logs of what arrived, which keep it rather than refuse it."""
    return _UNSTORABLE.sub("\ufffd", text)


def name_key(name):
    """Full-/half-width folded (NFKC), case-folded, every space removed: two names
    with the same key are the same unit."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(folded.split())


# The separators of transliterated names (阿不都·热合曼): the middle dot, the bullet,
# the full stop, the katakana middle dot, the hyphenation point and their kin. NFKC
# has already folded the half- and full-width forms (･ ．) into ・ and ".".
NAME_SEPARATORS = "\u00b7\u2022.\u30fb\u2027\u2219\u22c5\u0387\u16eb\u2e31\u318d\u2010\u2011-"


def person_name_key(name):
    """A name as compared against another: ``name_key`` without the separators, so
    "阿不都·热合曼", "阿不都 • 热合曼" and "阿不都．热合曼" are the same person (every
    Uyghur name written in Chinese has such a dot, typed however the keyboard allows)."""
    return name_key(name).translate({ord(c): None for c in NAME_SEPARATORS})
