"""Domain errors as they cross nameko: an absent field is not sent as the text "None"."""
import json

from nameko.exceptions import serialize

from zc_common.errors import Invalid, from_remote


def test_an_error_without_a_field_reaches_the_client_without_one():
    error = Invalid("incomplete_application", "申请书尚未填写完整", missing=[{"section": "a"}])
    wire = json.loads(json.dumps(serialize(error)))
    status, body = from_remote(wire["exc_type"], wire["exc_args"])
    assert status == 422
    assert "field" not in body["error"]
    assert body["error"]["missing"] == [{"section": "a"}]


def test_a_field_still_travels():
    wire = serialize(Invalid("invalid_field", "字段不符合要求", field="name"))
    assert from_remote(wire["exc_type"], wire["exc_args"])[1]["error"]["field"] == "name"
    assert Invalid("x", "y").field is None
