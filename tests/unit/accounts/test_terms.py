"""注册须知: the version the web build shows is the one accounts requires."""
import re
from pathlib import Path

import pytest

from services.accounts import terms
from zc_common.errors import Invalid

WEB = Path(__file__).resolve().parents[3] / "gateway" / "web" / "src"


def test_the_web_shows_the_version_accounts_requires():
    source = (WEB / "lib" / "terms.js").read_text(encoding="utf-8")
    assert re.search(r"TERMS_VERSION = '([^']+)'", source).group(1) == terms.CURRENT_VERSION


@pytest.mark.parametrize("data", [{}, {"terms_version": None}, {"terms_version": ""}, {"terms_version": False},
                                  {"terms_version": "2025-01"}, {"terms_version": True}])
def test_anything_but_the_current_version_is_refused(data):
    with pytest.raises(Invalid) as caught:
        terms.accepted_version(data)
    assert caught.value.code == "terms_not_accepted" and caught.value.field == "terms_version"


def test_the_current_version_is_accepted():
    assert terms.accepted_version({"terms_version": terms.CURRENT_VERSION}) == terms.CURRENT_VERSION
