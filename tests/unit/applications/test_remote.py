import pytest
from nameko.exceptions import RemoteError, UnknownService

from services.applications.remote import calling
from zc_common.errors import Conflict, Unavailable


def raising(exc):
    def method(*args, **kwargs):
        raise exc
    return method


def test_a_remote_domain_error_comes_back_as_the_same_category():
    with pytest.raises(Conflict) as caught:
        calling(raising(RemoteError("Conflict", "cannot_withdraw: 基层单位已审核，无法收回")))("app-1")
    assert caught.value.code == "cannot_withdraw" and caught.value.message == "基层单位已审核，无法收回"


def test_other_remote_errors_are_not_reinterpreted():
    with pytest.raises(RemoteError):
        calling(raising(RemoteError("KeyError", "'x'")))()


def test_a_service_nobody_serves_is_unavailable():
    with pytest.raises(Unavailable) as caught:
        calling(raising(UnknownService("review")))()
    assert caught.value.code == "service_unavailable"


def test_results_pass_through():
    assert calling(lambda ids: {i: {"id": i} for i in ids})(["a"]) == {"a": {"id": "a"}}
