"""A private RabbitMQ node for fault tests: its own node name, ports and data dir,
so a test may stop and start it without touching the machine's broker on 5672
(recipe: /work/shared/STACK.md, "A private RabbitMQ node for fault tests")."""
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from deploy import launcher


class BrokerNode:
    def __init__(self):
        self.name = f"zctest{uuid.uuid4().hex[:8]}@localhost"
        self.port = launcher.free_port_block(size=1, start=20000, end=22000)
        self.dist_port = launcher.free_port_block(size=1, start=20000, end=22000)
        self.dir = Path(tempfile.mkdtemp(prefix="zc-broker-"))
        (self.dir / "enabled_plugins").write_text("[].\n")  # no management plugin on its fixed port
        shutil.chown(self.dir, "rabbitmq", "rabbitmq")
        shutil.chown(self.dir / "enabled_plugins", "rabbitmq", "rabbitmq")
        self.uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self.stopping = None
        self.start_seconds = None  # how long the last start took to open the port

    @staticmethod
    def available():
        return bool(shutil.which("rabbitmq-server") and shutil.which("rabbitmqctl")) and os.geteuid() == 0

    def _env(self):
        d = self.dir
        return {**os.environ,
                "RABBITMQ_NODENAME": self.name, "RABBITMQ_NODE_PORT": str(self.port),
                "RABBITMQ_DIST_PORT": str(self.dist_port),
                "RABBITMQ_MNESIA_BASE": str(d / "mnesia"), "RABBITMQ_LOG_BASE": str(d / "log"),
                "RABBITMQ_PID_FILE": str(d / "pid"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(d / "enabled_plugins"),
                "RABBITMQ_CONFIG_FILE": str(d / "rabbitmq"),
                "RABBITMQ_ADVANCED_CONFIG_FILE": str(d / "advanced.config")}

    def start(self, wait=60):
        if self.stopping is not None:  # the node must be fully down before it starts again
            self.stopping.wait(wait)
            self.stopping = None
        began = time.monotonic()
        subprocess.run(["rabbitmq-server", "-detached"], env=self._env(), check=True, capture_output=True)
        deadline = time.monotonic() + wait
        while not launcher.port_open("127.0.0.1", self.port, 0.2):
            if time.monotonic() > deadline:
                raise RuntimeError(f"private RabbitMQ node {self.name} did not start; logs in {self.dir}/log")
            time.sleep(0.1)
        self.start_seconds = time.monotonic() - began
        return self

    def stop(self, wait=60):
        """Stop the node; return as soon as its AMQP port is closed (the node goes on
        shutting down in the background: ``start`` waits for that)."""
        self.stopping = subprocess.Popen(["rabbitmqctl", "-n", self.name, "stop"], env=self._env(),
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + wait
        while launcher.port_open("127.0.0.1", self.port, 0.2):
            if time.monotonic() > deadline:
                raise RuntimeError(f"private RabbitMQ node {self.name} did not stop")
            time.sleep(0.1)

    def destroy(self):
        try:
            self.stop(wait=30)
            self.stopping.wait(30)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
