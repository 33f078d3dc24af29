"""A throwaway PostgreSQL server for the tests: a new cluster in a temporary folder, on a
free port of 127.0.0.1, with a password login, stopped and deleted afterwards.

Uses the server binaries of Debian's ``postgresql`` package (``.ci/run`` installs it when
it is missing): ``initdb`` and ``pg_ctl`` on the PATH or under /usr/lib/postgresql/*/bin.
PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres``
user and its commands run through ``runuser``. Standard library only.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "statcheck"
DATABASE = "statcheck"


@dataclass(frozen=True)
class Server:
    folder: Path
    port: int
    password: str
    run_as: str | None  # the user the server runs as, when we are root
    bin_dir: Path

    @property
    def url(self) -> str:
        """The URL with the password in it (as STATCHECK_DATABASE_URL would hold it)."""
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def url_without_password(self) -> str:
        """The URL a manifest holds: the password comes from PGPASSWORD or the override."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{DATABASE}"

    def stop(self) -> None:
        _run(self, "pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def find_binaries() -> Path | None:
    """The folder with initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def why_not() -> str | None:
    """Why a server cannot be started here, or None when it can."""
    if find_binaries() is None:
        return "PostgreSQL is not installed (apt-get install postgresql; .ci/run does)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no `postgres` user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root, and `runuser` is missing"
    return None


def start(attempts: int = 3) -> Server:
    """Start a new cluster; the caller stops it (``Server.stop``). Tried again on a fresh
    port if it fails: the free port found can be taken by another process (another
    pytest worker's server) before this server binds it."""
    for attempt in range(attempts):
        try:
            return _start()
        except RuntimeError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _start() -> Server:
    bin_dir = find_binaries()
    assert bin_dir is not None, why_not()
    run_as = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="statcheck-pg-"))
    password = secrets.token_urlsafe(18)
    (folder / "pw").write_text(password + "\n", encoding="utf-8")
    if run_as:
        owner = pwd.getpwnam(run_as)
        for path in (folder, folder / "pw"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    server = Server(folder, _free_port(), password, run_as, bin_dir)
    _run(
        server,
        "initdb",
        "-D",
        str(folder / "data"),
        "-U",
        USER,
        "--auth=scram-sha-256",
        f"--pwfile={folder / 'pw'}",
        "--encoding=UTF8",
        "--locale=C",
    )
    options = f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        _run(
            server,
            "pg_ctl",
            "-D",
            str(folder / "data"),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
    except subprocess.CalledProcessError:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"the PostgreSQL server did not start:\n{log}") from None
    _create_database(server)
    return server


def _create_database(server: Server) -> None:
    import adbc_driver_postgresql.dbapi as dbapi

    admin = server.url.rsplit("/", 1)[0] + "/postgres"
    with dbapi.connect(admin, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {DATABASE}")


def _run(server: Server, tool: str, *args: str) -> None:
    command = [str(server.bin_dir / tool), *args]
    if server.run_as:
        command = ["runuser", "-u", server.run_as, "--", *command]
    subprocess.run(
        command, cwd=server.folder, check=True, capture_output=True, text=True, timeout=120
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
