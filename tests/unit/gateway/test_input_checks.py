"""The edge's checker functions on plain data: JSON depth and parsing, text that
cannot be stored, and the upload pace rule."""
import json

import pytest

from gateway import input_checks
from gateway.upload_limits import UploadSettings
from zc_common.errors import BadRequest, Invalid
from zc_common.text import first_unstorable, is_storable, printable_name, storable


@pytest.mark.parametrize("text, ok", [
    ("张三 Zhang\tSan\r\n第二行", True),
    ("", True),
    ("emoji 😀 and 𠀀 (astral, a valid pair)", True),
    ("a\x00b", False),
    ("bell\x07", False),
    ("esc\x1b[31m", False),
    ("lone \udfff", False),
    ("high \ud83d alone", False),
])
def test_storable_text(text, ok):
    assert is_storable(text) is ok
    assert (first_unstorable(text) is None) is ok


def test_text_kept_for_a_log_has_the_bad_characters_replaced():
    assert storable("a\x00b\udfffc\td") == "a\ufffdb\ufffdc\td"
    storable("\ud800").encode("utf-8")


def test_a_bad_name_is_escaped_before_it_is_echoed():
    assert printable_name("name") == "name"
    escaped = printable_name("a\udfff\x00")
    assert is_storable(escaped) and escaped.isascii()
    escaped.encode("utf-8")


def nested(depth, inner="1"):
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize("text, too_deep", [
    ('{"a": 1}', False),
    ('{"rows": [{"x": [1, 2]}, {"y": {}}]}', False),
    (nested(32), False),
    (nested(33), True),
    (nested(31, '{"k": {"v": 1}}'), True),                  # braces count as levels too
    ('"' + "[" * 100 + ' only a string"', False),
    ('{"k": "a \\" ' + "[" * 100 + ' still a string"}', False),
    ("[" + ",".join(["[]"] * 100_000) + "]", False),         # wide, not deep
    ("[" * 100_000, True),                                   # opens deeper than allowed, never closed
    ("[" * 20 + "]" * 21, False),                            # unbalanced, shallow: the parser refuses it
    ("[" * 40 + "]" * 40 + "]", True),                       # deep, whatever follows
    ("17", False),
])
def test_nesting_is_measured_without_parsing(text, too_deep):
    assert input_checks.nesting_exceeds(text.encode(), 32) is too_deep


@pytest.mark.parametrize("text, suspicious", [
    ('{"name": "张三"}', False),
    ('{"name": "tab\\tnew\\nline\\r\\u0009\\u000A\\u000d"}', False),
    ('{"emoji": "\\ud83d\\ude00"}', False),                  # a pair: one valid character
    ('{"a": "\\u0000"}', True),
    ('{"a": "\\u001B"}', True),
    ('{"a": "\\udfff"}', True),                               # a lone low half
    ('{"a": "\\uD83D x"}', True),                             # a lone high half
    ('{"a": "\\ud83d\\ud83d\\ude00"}', True),                 # a high half, then a pair
    ('{"a": "back\\bspace"}', True),
    ('{"a": "form\\ffeed"}', True),
])
def test_escapes_that_may_decode_to_unstorable_text(text, suspicious):
    assert input_checks.may_hold_unstorable(text.encode()) is suspicious
    data = json.loads(text)
    assert (input_checks.unstorable_field(data) is not None) is suspicious


def test_deep_json_is_refused_before_the_parser_sees_it():
    with pytest.raises(BadRequest) as caught:
        input_checks.parse_json(("[" * 100_000 + "]" * 100_000).encode())
    assert caught.value.code == "json_too_deep"
    nested = {"a": [{"b": [[1]]}]}
    assert input_checks.parse_json(json.dumps(nested).encode()) == nested


@pytest.mark.parametrize("raw", [
    b"{not json",
    b"\xff\xfe{}",                       # not UTF-8
    b'{"a": NaN}',
    b'{"a": Infinity}',
    b'{"a": ' + b"1" * 5000 + b"}",       # longer than Python converts
    b'"unterminated [[[[',
])
def test_anything_but_plain_json_is_malformed(raw):
    with pytest.raises(BadRequest) as caught:
        input_checks.parse_json(raw)
    assert caught.value.code in ("malformed_json", "json_too_deep")


def test_unstorable_text_is_found_anywhere_with_its_path():
    assert input_checks.unstorable_field({"name": "张三", "rows": [{"a": "ok"}]}) is None
    assert input_checks.unstorable_field({"name": "a\x00"}) == "name"
    assert input_checks.unstorable_field({"rows": [{"a": "ok"}, {"a": "x\udfff"}]}) == "rows[1].a"
    assert input_checks.unstorable_field([1, True, None, ["\x01"]]) == "[3][0]"
    assert input_checks.unstorable_field("\udfff") == ""
    # A bad key is named, escaped, so the error body itself stays encodable.
    field = input_checks.unstorable_field({"ok": {"k\udfff": 1}})
    assert field.startswith("ok.k") and is_storable(field)
    # The first one in document order.
    assert input_checks.unstorable_field({"a": "\x00", "b": "\x00"}) == "a"


def test_an_escaped_backslash_before_u0000_is_plain_text():
    raw = b'{"path": "C:\\\\u0000"}'
    assert json.loads(raw) == {"path": "C:\\u0000"}
    assert input_checks.may_hold_unstorable(raw)        # the quick scan cannot tell…
    assert input_checks.unstorable_field(json.loads(raw)) is None  # …the walk can


def test_a_body_too_large_to_search_through_is_refused_as_a_whole():
    data = [{"a": 1}] * 100 + ["\x00"]
    assert input_checks.unstorable_field(data) == "[100]"
    assert input_checks.unstorable_field(data, budget=50) == ""


def test_params_query_and_form_fields_are_checked():
    input_checks.check_params({"id": "abc123", "key": "work_history"})
    with pytest.raises(Invalid) as caught:
        input_checks.check_params({"id": "a\x00b"})
    assert (caught.value.code, caught.value.field) == ("invalid_text", "id")
    with pytest.raises(Invalid) as caught:
        input_checks.check_query({"q": "\ud800"})
    assert caught.value.field == "q"
    with pytest.raises(Invalid) as caught:
        input_checks.check_form_fields({"section": "work\x00history"})
    assert caught.value.field == "section"


def test_the_upload_pace():
    pace = UploadSettings(read_timeout=60, min_rate=1000, grace=5)
    assert pace.read_deadline(100.0, 0) == 105.0            # the grace period
    assert pace.read_deadline(100.0, 10_000) == 115.0       # 10 s earned by 10 kB at 1 kB/s
    assert pace.read_deadline(100.0, 10_000_000) == 160.0   # never past the read timeout


def test_upload_settings_from_the_environment():
    settings = UploadSettings.from_env({"ZC_UPLOADS_AT_ONCE": "8", "ZC_UPLOADS_PER_USER": "3",
                                        "ZC_UPLOAD_READ_TIMEOUT": "30", "ZC_UPLOAD_MIN_RATE": "2048",
                                        "ZC_UPLOAD_RATE_GRACE": "2.5"})
    assert settings == UploadSettings(at_once=8, per_owner=3, read_timeout=30, min_rate=2048, grace=2.5)
    assert UploadSettings.from_env({}) == UploadSettings()
