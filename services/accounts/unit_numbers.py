"""单位编号: DWBH + an 8-digit running number (the real platform's DWBH00002276),
issued in registration order. The counter row is advanced by one UPDATE … RETURNING,
which holds the row until the registering transaction commits or rolls back: two
registrations at once get consecutive numbers, and a registration that fails gives
its number back. Numbers given out at random before the counter existed are kept
and skipped."""
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from services.accounts.models import Counter, Organization

COUNTER = "unit_code"
PREFIX = "DWBH"
DIGITS = 8


def formatted(number):
    return f"{PREFIX}{number:0{DIGITS}d}"


def _advance(db):
    return db.execute(update(Counter).where(Counter.name == COUNTER).values(value=Counter.value + 1)
                      .returning(Counter.value)).scalar()


def _ensure_counter(db):
    """The migration seeds the row; a database made from the models alone (tests)
    gets it here, once, whoever comes first."""
    try:
        with db.begin_nested():
            db.add(Counter(name=COUNTER, value=0))
    except IntegrityError:
        pass


def next_unit_code(db):
    """The next unused 单位编号, in the caller's transaction (call it late: the
    counter row stays locked until that transaction ends)."""
    number = _advance(db)
    if number is None:
        _ensure_counter(db)
        number = _advance(db)
    while db.scalar(select(Organization.id).where(Organization.code == formatted(number))) is not None:
        number = _advance(db)
    return formatted(number)
