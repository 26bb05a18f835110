"""ZC_PASSWORD_HASH: argon2id with argon2-cffi's parameters unless the test suite's
copies ask for the light ones; anything else is refused at start."""
import pytest
from argon2 import extract_parameters

from services.accounts import passwords


def test_standard_is_the_default_and_light_is_still_argon2id(monkeypatch):
    monkeypatch.delenv("ZC_PASSWORD_HASH", raising=False)
    standard = passwords.make_hasher().hash("Abcdef-2026")
    assert standard.startswith("$argon2id$")
    assert (extract_parameters(standard).memory_cost, extract_parameters(standard).time_cost) == (65536, 3)
    monkeypatch.setenv("ZC_PASSWORD_HASH", "light")
    light = passwords.make_hasher()
    hashed = light.hash("Abcdef-2026")
    assert hashed.startswith("$argon2id$") and extract_parameters(hashed).memory_cost == 1024
    assert light.verify(hashed, "Abcdef-2026")
    # A standard hash still verifies under light parameters, and is marked for a rehash.
    assert light.verify(standard, "Abcdef-2026") and light.check_needs_rehash(standard)


def test_an_unknown_choice_is_refused(monkeypatch):
    monkeypatch.setenv("ZC_PASSWORD_HASH", "none")
    with pytest.raises(ValueError, match="ZC_PASSWORD_HASH"):
        passwords.make_hasher()
