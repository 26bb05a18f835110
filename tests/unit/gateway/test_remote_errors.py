"""Domain errors across service-to-service RPC (zc_common.remote): rebuilt as the
same category with code, message and field; an unserved service is 503."""
import pytest
from nameko.exceptions import UnknownService, deserialize, serialize

from zc_common.errors import Conflict, Invalid, TimedOut, Unavailable
from zc_common.remote import calling, domain_error


def raising(exc):
    def method(*args, **kwargs):
        raise exc
    return method


def over_the_wire(exc):
    """What a caller gets after nameko serialises a worker's exception."""
    return deserialize(serialize(exc))


def test_a_remote_domain_error_comes_back_as_the_same_category():
    rebuilt = over_the_wire(Conflict("cannot_withdraw", "基层单位已审核，无法收回"))
    assert isinstance(rebuilt, Conflict)
    assert (rebuilt.code, rebuilt.message) == ("cannot_withdraw", "基层单位已审核，无法收回")
    assert domain_error(rebuilt) is rebuilt


def test_the_field_of_an_invalid_error_survives():
    rebuilt = over_the_wire(Invalid("invalid_field", "日期格式不正确", field="degrees[1].graduated_on"))
    assert isinstance(rebuilt, Invalid) and rebuilt.field == "degrees[1].graduated_on"


def test_other_errors_are_not_domain_errors():
    assert domain_error(over_the_wire(KeyError("x"))) is None


def test_a_timeout_or_an_unavailable_service_is_an_unknown_outcome_not_a_refusal():
    """The callee may still apply a timed-out call: callers must retry it (same
    request id), never undo their side as if it had been refused."""
    timed_out = over_the_wire(TimedOut("service_timeout", "后台服务响应超时（applications），请稍后重试"))
    assert isinstance(timed_out, TimedOut) and timed_out.status == 504
    assert domain_error(timed_out) is None
    assert domain_error(Unavailable("service_unavailable", "后台服务暂不可用")) is None


def test_a_service_nobody_serves_is_unavailable():
    with pytest.raises(Unavailable) as caught:
        calling(raising(UnknownService("review")))()
    assert caught.value.code == "service_unavailable"


def test_results_pass_through():
    assert calling(lambda ids: {i: {"id": i} for i in ids})(["a"]) == {"a": {"id": "a"}}
