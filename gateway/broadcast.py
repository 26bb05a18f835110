"""``CacheListener``: a gateway process's own queue for the messages that keep one of
its caches current (accounts' session and user changes for the actors, the services'
page changes for the application pages).

An exclusive, auto-deleted queue on its own channel of the RPC client's robust
connection, which restores the queue, its bindings and its consumer after a
reconnection. Messages sent while the connection was down reached no queue of ours:
the cache is cleared when the connection drops and again when it is back."""
import logging
from abc import ABC, abstractmethod

log = logging.getLogger("gateway.broadcast")


class CacheListener(ABC):
    """Subclasses say what the queue is bound to (``bind``) and what a message does
    (``on_message``); ``cache`` needs a ``clear()``."""

    what = "cache"

    def __init__(self, connection, cache, name):
        self.connection = connection
        self.cache = cache
        self.name = name
        self.channel = None

    @abstractmethod
    async def bind(self, channel, queue):
        """Bind ``queue`` to what this cache follows."""

    @abstractmethod
    async def on_message(self, message):
        """Apply one message to the cache."""

    async def start(self):
        self.channel = await self.connection.channel()
        queue = await self.channel.declare_queue(self.name, exclusive=True, auto_delete=True)
        await self.bind(self.channel, queue)
        await queue.consume(self.on_message, no_ack=True)
        self.connection.close_callbacks.add(self._on_connection_lost)
        self.connection.reconnect_callbacks.add(self._on_reconnected)

    async def close(self):
        self.connection.close_callbacks.discard(self._on_connection_lost)
        self.connection.reconnect_callbacks.discard(self._on_reconnected)
        if self.channel is not None and not self.channel.is_closed:
            await self.channel.close()

    def _on_connection_lost(self, _connection, _exc=None):
        self.cache.clear()

    def _on_reconnected(self, _connection):
        self.cache.clear()
        log.info("broker connection back: %s cleared (messages may have been missed)", self.what)
