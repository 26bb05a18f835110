"""Typed app keys, so tests can inject fakes."""
from aiohttp import web

from gateway.actors import Actors
from gateway.rpc import RpcClient

RPC = web.AppKey("rpc", RpcClient)
SETTINGS = web.AppKey("settings", dict)
ACTORS = web.AppKey("actors", Actors)
