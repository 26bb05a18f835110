"""API errors in the reader's language: the message follows Accept-Language (zh-CN by
default, ug-CN supported); code, field and params never change."""
import json

import pytest
from aiohttp import web
from nameko.exceptions import deserialize, serialize

from gateway import error_messages
from gateway.error_messages import localize, negotiate
from gateway.middleware import errors
from zc_common.errors import Conflict, Invalid, error_body, from_remote


@pytest.mark.parametrize("header, lang", [
    (None, "zh-CN"), ("", "zh-CN"), ("zh-CN", "zh-CN"), ("ug-CN", "ug-CN"), ("ug", "ug-CN"),
    ("ug-CN,zh-CN;q=0.8", "ug-CN"), ("zh-CN,ug-CN;q=0.5", "zh-CN"), ("en-US,ug;q=0.7", "ug-CN"),
    ("zh;q=0.4, ug;q=0.9", "ug-CN"), ("ug;q=0", "zh-CN"), ("fr", "zh-CN"),
])
def test_the_language_is_negotiated_with_zh_cn_as_default(header, lang):
    assert negotiate(header) == lang


def test_a_message_with_values_is_rendered_from_its_params():
    error = error_body("invalid_field", "「年限」不能大于 60", field="years",
                       params={"label": "年限", "reason": "max", "limit": "60"})["error"]
    ug = localize(error, "ug-CN")
    assert ug["message"] == "«年限» 60 دىن چوڭ بولماسلىقى كېرەك"
    assert (ug["code"], ug["field"], ug["params"]) == ("invalid_field", "years", error["params"])
    assert localize(error, "zh-CN") is error


def test_a_fixed_message_is_found_by_its_chinese_text():
    error = error_body("bad_credentials", "用户名或密码错误")["error"]
    assert localize(error, "ug-CN")["message"] == "ئىشلەتكۈچى نامى ياكى پارول خاتا"


def test_an_unknown_message_stays_chinese_rather_than_vanishing():
    error = error_body("something_new", "一条新的提示")["error"]
    assert localize(error, "ug-CN") == error


def test_params_cross_nameko_and_reach_the_body():
    exc = deserialize(serialize(Invalid("invalid_field", "「年限」不能大于 60", field="years",
                                        params={"label": "年限", "reason": "max", "limit": "60"})))
    status, body = from_remote(type(exc).__name__, exc.args)
    assert status == 422
    assert body["error"]["params"] == {"label": "年限", "reason": "max", "limit": "60"}


def test_every_catalogued_message_is_one_the_platform_says():
    """A stale entry (its Chinese changed at the raise site) would silently stop
    translating: each id must still appear in the sources."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[3]
    sources = "".join(p.read_text(encoding="utf-8") for d in ("services", "gateway", "zc_common")
                      for p in (root / d).rglob("*.py") if p.name != "error_messages_ug.py")
    stale = [m for m in error_messages.CATALOGS["ug-CN"]["messages"] if f'"{m}"' not in sources]
    assert stale == []


async def test_the_gateway_answers_in_the_language_asked_for(aiohttp_client):
    async def refuse(request):
        raise Conflict("publicity_not_ended", "公示期至 2026-12-02 18:00 结束，公示结束后方可发布批文",
                       params={"ends_at": "2026-12-02 18:00"})

    app = web.Application(middlewares=[errors])
    app.router.add_post("/api/v1/x", refuse)
    client = await aiohttp_client(app)
    zh = await client.post("/api/v1/x")
    assert zh.status == 409 and zh.headers["Content-Language"] == "zh-CN"
    assert (await zh.json())["error"]["message"].startswith("公示期至 2026-12-02 18:00")
    ug = await client.post("/api/v1/x", headers={"Accept-Language": "ug-CN,zh;q=0.5"})
    body = await ug.json()
    assert ug.status == 409 and ug.headers["Content-Language"] == "ug-CN"
    assert body["error"]["code"] == "publicity_not_ended"
    assert body["error"]["params"] == {"ends_at": "2026-12-02 18:00"}
    assert "2026-12-02 18:00" in body["error"]["message"] and "ئاشكارىلاش" in body["error"]["message"]
    json.dumps(body, ensure_ascii=False)
