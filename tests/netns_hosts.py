"""Hosts made of Linux network namespaces, each running a real OpenSSH server (tests only).

Each host is a namespace ``arena-<tag>-<i>`` joined to the machine by one veth pair on its own
``/30`` of ``10.213.0.0/16``: the machine's end is ``10.213.<k>.1``, the host's ``10.213.<k>.2``.
A namespace has no default route, so a host reaches only its own link (the controller's end of it).
Every host runs ``sshd`` on its address with a host key, an ``authorized_keys`` and a config that
all live in a temporary folder; the client side is one ``ssh_config`` file in that folder (its own
identity, its own ``known_hosts``, keep-alives that notice a dead host within seconds). Nothing
outside the folder is touched except ``/run/sshd`` (sshd's privilege-separation folder, created if
missing, left in place).

``NetnsHosts`` is a context manager: leaving it (an exception included) kills every sshd and every
process left in the namespaces, then deletes the namespaces and the veth pairs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

SSHD_CANDIDATES = ("/usr/sbin/sshd", "/usr/bin/sshd", "/sbin/sshd")


def find_sshd() -> str | None:
    for path in (*SSHD_CANDIDATES, shutil.which("sshd")):
        if path and os.access(path, os.X_OK):
            return path
    return None


def unavailable_reason() -> str | None:
    """Why network-namespace hosts cannot be made here (None: they can)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "multi-host run needs root (ip netns, veth pairs, sshd)"
    if shutil.which("ip") is None:
        return "multi-host run needs the `ip` command (iproute2)"
    if find_sshd() is None:
        return "multi-host run needs an OpenSSH server binary (sshd; Debian: openssh-server)"
    for tool in ("ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            return f"multi-host run needs `{tool}` (Debian: openssh-client)"
    probe = f"arena-probe-{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        return f"cannot create a network namespace here: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "delete", probe], capture_output=True, check=False)
    return None


@dataclass
class Host:
    name: str  # the ssh alias in the config file, also the namespace name
    address: str  # the host's own address (sshd listens here)
    gateway: str  # the machine's end of the link: where the host reaches the controller
    veth: str  # the machine-side interface
    sshd: subprocess.Popen[bytes] | None = None
    alive: bool = True


def _run(*args: str) -> str:
    done = subprocess.run(list(args), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


class NetnsHosts:
    def __init__(self, folder: Path, count: int = 2) -> None:
        self.folder = folder
        self.count = count
        tag = os.getpid() % 10000
        # A /30 per host, the third octet derived from the pid: two suites at once do not collide.
        base = 4 * (os.getpid() % 60)
        self.hosts = [
            Host(f"arena-{tag}-{i}", f"10.213.{base + i}.2", f"10.213.{base + i}.1", f"arv{tag}h{i}")
            for i in range(count)
        ]
        self.ssh_config = folder / "ssh_config"
        self.key = folder / "id_ed25519"

    # -- set-up -----------------------------------------------------------------------------------
    def __enter__(self) -> NetnsHosts:
        try:
            self._keys()
            for host in self.hosts:
                self._network(host)
                self._sshd(host)
            self._client_config()
            for host in self.hosts:
                self._wait_for_sshd(host)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _keys(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "arena-test-client", "-f", str(self.key))
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "arena-test-host", "-f", str(self.host_key))
        (self.folder / "authorized_keys").write_text(self.key.with_suffix(".pub").read_text())
        public = self.host_key.with_suffix(".pub").read_text().split()
        (self.folder / "known_hosts").write_text(
            "".join(f"{h.address} {public[0]} {public[1]}\n" for h in self.hosts)
        )

    @property
    def host_key(self) -> Path:
        return self.folder / "host_ed25519"

    def _network(self, host: Host) -> None:
        _run("ip", "netns", "add", host.name)
        _run("ip", "link", "add", host.veth, "type", "veth", "peer", "name", "eth0", "netns", host.name)
        _run("ip", "addr", "add", f"{host.gateway}/30", "dev", host.veth)
        _run("ip", "link", "set", host.veth, "up")
        inside = ("ip", "netns", "exec", host.name)
        _run(*inside, "ip", "addr", "add", f"{host.address}/30", "dev", "eth0")
        _run(*inside, "ip", "link", "set", "eth0", "up")
        _run(*inside, "ip", "link", "set", "lo", "up")  # the host's own router listens on loopback

    def _sshd(self, host: Host) -> None:
        sshd = find_sshd()
        assert sshd is not None
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        config = self.folder / f"sshd_config-{host.name}"
        config.write_text(
            f"ListenAddress {host.address}\nPort 22\nHostKey {self.host_key}\n"
            f"PidFile {self.folder / f'sshd-{host.name}.pid'}\n"
            f"AuthorizedKeysFile {self.folder / 'authorized_keys'}\n"
            "PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
            "UsePAM no\nStrictModes no\nX11Forwarding no\nAllowTcpForwarding no\nPrintMotd no\n"
            "ClientAliveInterval 2\nClientAliveCountMax 3\nLogLevel ERROR\n"
        )
        log = (self.folder / f"sshd-{host.name}.log").open("wb")
        host.sshd = subprocess.Popen(
            ["ip", "netns", "exec", host.name, sshd, "-D", "-e", "-f", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def _client_config(self) -> None:
        blocks = [
            f"Host {h.name}\n  HostName {h.address}\n  User root\n  IdentityFile {self.key}\n"
            f"  IdentitiesOnly yes\n  UserKnownHostsFile {self.folder / 'known_hosts'}\n"
            "  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes\n"
            "  ConnectTimeout 5\n  ServerAliveInterval 1\n  ServerAliveCountMax 3\n  LogLevel ERROR\n"
            for h in self.hosts
        ]
        self.ssh_config.write_text("\n".join(blocks))

    def _wait_for_sshd(self, host: Host) -> None:
        deadline = time.monotonic() + 20
        while True:
            assert host.sshd is not None
            if host.sshd.poll() is not None:
                log = (self.folder / f"sshd-{host.name}.log").read_text(errors="replace")
                raise RuntimeError(f"sshd of {host.name} exited ({host.sshd.returncode}): {log[-500:]}")
            with contextlib.suppress(OSError), socket.create_connection((host.address, 22), timeout=1):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"sshd of {host.name} did not listen on {host.address}:22")
            time.sleep(0.1)

    # -- use --------------------------------------------------------------------------------------
    def ssh(self, host: Host, command: str, *, input: bytes | None = None, timeout: float = 60) -> str:
        """Run ``command`` on ``host`` over ssh; its stdout (raises with stderr on failure)."""
        done = subprocess.run(
            ["ssh", "-F", str(self.ssh_config), host.name, command],
            input=input,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"ssh {host.name} {command!r}: {done.stderr.decode(errors='replace')}")
        return done.stdout.decode()

    def kill(self, host: Host) -> None:
        """The host dies: every process in it is killed, then its namespace and link are deleted."""
        if not host.alive:
            return
        host.alive = False
        for _ in range(5):  # processes may fork while we kill: repeat until the namespace is empty
            pids = subprocess.run(
                ["ip", "netns", "pids", host.name], capture_output=True, text=True, check=False
            ).stdout.split()
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            time.sleep(0.1)
        if host.sshd is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                host.sshd.wait(5)
        subprocess.run(["ip", "link", "delete", host.veth], capture_output=True, check=False)
        subprocess.run(["ip", "netns", "delete", host.name], capture_output=True, check=False)

    def close(self) -> None:
        for host in self.hosts:
            host.alive = True  # kill() again even if it was killed: cleanup must be complete
            self.kill(host)


def namespaces_left(tag: str) -> list[str]:
    """Namespaces whose name contains ``tag`` (for tests that check the cleanup)."""
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False).stdout
    return [line.split()[0] for line in out.splitlines() if tag in line]
