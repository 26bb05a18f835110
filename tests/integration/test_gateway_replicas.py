"""Several gateways behind one port (``ZC_REPLICAS=gateway=2``): both processes
listen on the copy's port; once one of them is killed, every request is answered by the other, and
supervisord brings the killed one back — listening on the same port again."""
import os
import signal
import time
from pathlib import Path

from tests.client import ApiClient, wait_for
from tests.stack import running_stack


def listening_inodes(port):
    """Socket inodes listening on 127.0.0.1:``port`` (state 0A in /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        address, state, inode = fields[1], fields[3], fields[9]
        if state == "0A" and int(address.split(":")[1], 16) == port:
            found.add(inode)
    return found


def socket_inodes_of(pid):
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def listeners(stack):
    """The gateway pids that hold a listening socket on the copy's port."""
    port = int(stack.base_url.rsplit(":", 1)[1])
    listening = listening_inodes(port)
    return sorted(pid for pid in stack.pids_of("gateway") if socket_inodes_of(pid) & listening)


def test_two_gateways_share_the_port_and_one_killed_is_not_noticed():
    with running_stack(database="sqlite", env={"ZC_REPLICAS": "gateway=2"}) as stack:
        api = ApiClient(stack.base_url)
        gateways = listeners(stack)
        assert len(gateways) == 2, gateways
        victim, survivor = gateways
        os.kill(victim, signal.SIGKILL)
        # A connection caught in the dying process's accept queue is reset (the kernel
        # drops that queue with the socket); once it is gone, new connections all go to
        # the survivor: every request in the next second answers.
        wait_for(lambda: not Path(f"/proc/{victim}").exists(), seconds=10, what="the killed gateway gone")
        deadline = time.monotonic() + 1.0
        answered = 0
        while time.monotonic() < deadline:
            assert ApiClient(stack.base_url).get("/public/committees").status_code == 200
            answered += 1
        assert answered > 0
        assert survivor in stack.pids_of("gateway")
        back = wait_for(lambda: [pid for pid in listeners(stack) if pid not in (victim, survivor)],
                        seconds=60, what="the killed gateway restarted and listening")
        assert len(back) == 1 and len(listeners(stack)) == 2
        assert api.get("/health").status_code == 200
