"""Independent RPCs sent together and answered in turn, so a worker waits for the
slowest of its reads instead of their sum (the cached 评审表 is mostly waiting).

``Sent(proxy.method, *args)`` publishes at once; ``.answer()`` waits for the
reply under the same deadline as a plain call (zc_common.rpc.MethodProxy) and
raises what the callee raised. A call whose answer is never asked for costs
nothing more: its reply is dropped when it arrives."""
import time

import eventlet

from zc_common.errors import TimedOut
from zc_common.remote import calling


class Sent:
    def __init__(self, method, *args, **kwargs):
        self.method = method
        self.reply = calling(method.call_async)(*args, **kwargs)

    def answer(self):
        wait = max(0.0, self.method.deadline - time.time())
        try:
            with eventlet.Timeout(wait):
                return self.reply.result()
        except eventlet.Timeout:
            self.method.reply_listener.forget(self.reply.reply_event)
            raise TimedOut("service_timeout",
                           f"后台服务响应超时（{self.method.service_name}），请稍后重试") from None
