"""The private local PostGIS cluster geocoop provisions when no database URL is set.

The cluster listens on a Unix socket only (no TCP port to collide with), trusts only the
socket's owner (socket directory mode 0700), and runs as an unprivileged user: `initdb`
refuses root, so under root the cluster belongs to the `postgres` system account.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from geocoop.errors import ConfigurationError

INSTALL_HINT = (
    "sudo apt-get update && sudo apt-get install -y postgresql postgresql-15-postgis-3 gdal-bin"
)
SUPERUSER = "geocoop"
PORT = 5432  # only names the socket file: the cluster opens no TCP port
_SOCKET_PATH_MAX = 90  # sun_path is 108 bytes, with ".s.PGSQL.5432" appended


@dataclass(frozen=True)
class PgBinaries:
    """Where PostgreSQL's server programs and PostGIS's extension files are."""

    bindir: Path
    version: int

    def tool(self, name: str) -> str:
        """Absolute path of one PostgreSQL program (initdb, pg_ctl, …)."""
        return str(self.bindir / name)


def find_binaries() -> PgBinaries:
    """Locate the newest PostgreSQL with PostGIS, or fail with the install command."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    if not candidates and shutil.which("pg_ctl"):
        candidates = [str(Path(shutil.which("pg_ctl")).resolve().parent)]
    for bindir in candidates:
        path = Path(bindir)
        if not (path / "initdb").exists() or not (path / "pg_ctl").exists():
            continue
        try:
            version = int(path.parent.name)
        except ValueError:
            version = 0
        control = glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control")
        if control or _postgis_in_sharedir(path):
            return PgBinaries(path, version)
        raise ConfigurationError(
            f"PostGIS est absent pour PostgreSQL {version}. Installez-le : "
            f"sudo apt-get install -y postgresql-{version}-postgis-3"
        )
    raise ConfigurationError(f"PostgreSQL est introuvable. Installez-le : {INSTALL_HINT}")


def _postgis_in_sharedir(bindir: Path) -> bool:
    pg_config = bindir / "pg_config"
    if not pg_config.exists():
        return False
    share = subprocess.run([str(pg_config), "--sharedir"], capture_output=True, text=True).stdout
    return (Path(share.strip()) / "extension" / "postgis.control").exists()


def _run_as_user() -> pwd.struct_passwd:
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise ConfigurationError(
            "Sous root, le cluster PostgreSQL doit tourner sous le compte 'postgres', "
            f"qui n'existe pas. Installez PostgreSQL : {INSTALL_HINT}"
        ) from None


class EmbeddedCluster:
    """One private PostgreSQL + PostGIS cluster living in `data_dir`."""

    def __init__(self, data_dir: Path, db_name: str = "geocoop", *, fast: bool = False) -> None:
        """The cluster of `data_dir` serving `db_name` (`fast`: durability off, for tests)."""
        self.data_dir = Path(data_dir).resolve()
        self.db_name = db_name
        self.fast = fast  # tests: fsync off, throw-away clusters
        self.user = _run_as_user()
        self.storage_dir = self._choose_storage_dir()

    def _choose_storage_dir(self) -> Path:
        # Under root the cluster runs as `postgres`, which cannot enter a checkout inside a
        # private home (/root is 0700): keep the cluster under /var/lib/geocoop instead.
        if os.geteuid() != 0 or self._traversable(self.data_dir):
            return self.data_dir
        digest = hashlib.sha1(str(self.data_dir).encode()).hexdigest()[:12]
        return Path("/var/lib/geocoop") / digest

    @staticmethod
    def _traversable(path: Path) -> bool:
        # The data dir itself is created/chmod-ed by us; its parents must let others through.
        return all(p.stat().st_mode & 0o001 for p in path.parents if p.exists())

    # -- paths ---------------------------------------------------------------
    @property
    def pgdata(self) -> Path:
        """The cluster's PGDATA directory."""
        return self.storage_dir / "pgdata"

    @property
    def socket_dir(self) -> Path:
        """Directory holding the Unix socket (short enough for sun_path)."""
        own = self.storage_dir / "run"
        if len(str(own)) <= _SOCKET_PATH_MAX:
            return own
        digest = hashlib.sha1(str(self.storage_dir).encode()).hexdigest()[:12]
        return Path("/tmp") / f"geocoop-{os.geteuid()}-{digest}"

    @property
    def log_file(self) -> Path:
        """PostgreSQL's server log."""
        return self.storage_dir / "postgresql.log"

    def url(self, db_name: str | None = None) -> str:
        """SQLAlchemy URL of a database in this cluster."""
        return (
            f"postgresql+psycopg://{SUPERUSER}@/{db_name or self.db_name}"
            f"?host={self.socket_dir}&port={PORT}"
        )

    def libpq_dsn(self, db_name: str | None = None) -> str:
        """Libpq connection string (for psql, ogr2ogr, psycopg)."""
        return (
            f"host={self.socket_dir} port={PORT} user={SUPERUSER} dbname={db_name or self.db_name}"
        )

    # -- helpers -------------------------------------------------------------
    def _pg_ctl_start(self, bins: PgBinaries, what: str) -> None:
        """`pg_ctl start` on this data directory, with a clear error when it fails.

        `pg_ctl start` on this data directory (waits up to 60 s); a clear error naming
        `what` and the log's last lines (a full disk said so) when it does not start.
        """
        self._prepare_dir(self.socket_dir, 0o700)
        start = ["start", "-w", "-t", "60", "-D", str(self.pgdata), "-l", str(self.log_file)]
        result = self._run([bins.tool("pg_ctl"), *start])
        if result.returncode != 0:
            tail = _tail(self.log_file)
            if "No space left on device" in tail:
                tail = f"disque plein ({tail})"
            raise ConfigurationError(f"{what} de {self.pgdata} n'a pas démarré : {tail}")

    def _run(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        if os.geteuid() == 0 and self.user.pw_uid != 0:
            args = ["runuser", "-u", self.user.pw_name, "--", *args]
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        env.pop("PGDATA", None)
        return subprocess.run(args, capture_output=True, text=True, env=env, **kwargs)

    def _prepare_dir(self, path: Path, mode: int) -> None:
        try:
            path.mkdir(parents=True, exist_ok=True)
            os.chmod(path, mode)
            if os.geteuid() == 0:
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        except OSError as exc:
            raise ConfigurationError(
                f"Le dossier de données {path} n'est pas utilisable ({exc.strerror}). "
                "Choisissez-en un autre avec GEOCOOP_DATA_DIR."
            ) from None

    def _check_reachable(self) -> None:
        # Under root the cluster user must be able to traverse every parent folder.
        if os.geteuid() != 0:
            return
        for parent in [self.storage_dir, *self.storage_dir.parents]:
            if parent.exists() and not (parent.stat().st_mode & 0o001):
                raise ConfigurationError(
                    f"Le compte '{self.user.pw_name}' ne peut pas traverser {parent} : "
                    f"choisissez GEOCOOP_DATA_DIR ailleurs (par ex. /var/lib/geocoop)."
                )

    @contextlib.contextmanager
    def _lock(self):
        self._prepare_dir(self.data_dir, 0o755)
        try:
            handle = open(self.data_dir / ".lock", "w")  # noqa: SIM115 - held for the block
        except OSError as exc:
            raise ConfigurationError(
                f"Le dossier de données {self.data_dir} n'est pas inscriptible ({exc.strerror})."
            ) from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    # -- lifecycle -----------------------------------------------------------
    def is_initialised(self) -> bool:
        """True when initdb has run in this data dir."""
        return (self.pgdata / "PG_VERSION").exists()

    def is_running(self) -> bool:
        """True when the server of this data dir is up."""
        if not self.is_initialised():
            return False
        bins = find_binaries()
        return self._run([bins.tool("pg_ctl"), "status", "-D", str(self.pgdata)]).returncode == 0

    def start(self) -> bool:
        """Initialise if needed, start if stopped, create the database. True if it started."""
        bins = find_binaries()
        with self._lock():
            self._check_reachable()
            if self.storage_dir != self.data_dir:
                self._prepare_dir(self.storage_dir, 0o755)
            if not self.is_initialised():
                self._initdb(bins)
            started = False
            if not self.is_running():
                self._pg_ctl_start(bins, "Le cluster PostgreSQL")
                started = True
            self.create_database(self.db_name)
            return started

    def _initdb(self, bins: PgBinaries) -> None:
        self._prepare_dir(self.pgdata, 0o700)
        self._prepare_dir(self.socket_dir, 0o700)
        try:
            self.log_file.touch()
            if os.geteuid() == 0:
                os.chown(self.log_file, self.user.pw_uid, self.user.pw_gid)
        except OSError as exc:
            msg = f"{self.log_file} n'est pas inscriptible ({exc.strerror})"
            raise ConfigurationError(msg) from None
        result = self._run(
            [
                bins.tool("initdb"),
                "-D",
                str(self.pgdata),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        if result.returncode != 0:
            if "No space left on device" in result.stderr:
                raise ConfigurationError(
                    f"Disque plein : impossible de créer le cluster dans {self.pgdata}. "
                    "Libérez de la place ou choisissez GEOCOOP_DATA_DIR ailleurs."
                )
            raise ConfigurationError(f"initdb a échoué : {result.stderr.strip()[-300:]}")
        settings = {
            "listen_addresses": "''",
            "port": str(PORT),
            "unix_socket_directories": f"'{self.socket_dir}'",
            "unix_socket_permissions": "0700",
            "shared_buffers": "'256MB'",
            "work_mem": "'64MB'",
            "maintenance_work_mem": "'512MB'",
            "max_connections": "100",
            "synchronous_commit": "off",
            "jit": "off",  # JIT compilation costs more than it saves on our short queries
            # streaming standbys (`geocoop db replica start`): physical replication over the
            # socket, WAL kept for a slot at most this much (a standby left stopped for long
            # is then lost rather than filling the disk)
            "wal_level": "replica",
            "max_wal_senders": "10",
            "max_replication_slots": "10",
            "max_slot_wal_keep_size": "'2GB'",
            "hot_standby": "on",
        }
        if self.fast:
            settings.update({"fsync": "off", "full_page_writes": "off"})
        with open(self.pgdata / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# geocoop private cluster\n")
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())
        self._allow_local_replication()

    def _allow_local_replication(self) -> None:
        """pg_hba: let the cluster superuser stream WAL over the Unix socket.

        pg_hba: the cluster superuser may stream WAL over the Unix socket (initdb's
        trust template has the line already; keep it true whatever the template).
        """
        hba = self.pgdata / "pg_hba.conf"
        lines = hba.read_text(encoding="utf-8").splitlines()
        wanted = ["local", "replication"]
        if not any(line.split()[:2] == wanted for line in lines if line.strip()):
            with open(hba, "a", encoding="utf-8") as out:
                out.write(f"local   replication     {SUPERUSER}   trust\n")

    def psql(self, sql: str, db_name: str = "postgres") -> str:
        """Run one SQL statement as the cluster superuser; return its output."""
        bins = find_binaries()
        result = self._run(
            [
                bins.tool("psql") if (bins.bindir / "psql").exists() else "psql",
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                self.libpq_dsn(db_name),
                "-c",
                sql,
            ]
        )
        if result.returncode != 0:
            raise ConfigurationError(f"psql a échoué : {result.stderr.strip()}")
        return result.stdout.strip()

    def create_database(self, name: str) -> None:
        """Create `name` with PostGIS unless it already exists."""
        if not name.replace("_", "").isalnum():
            raise ConfigurationError(f"Nom de base invalide : {name!r}")
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if not exists:
            self.psql(f'CREATE DATABASE "{name}"')
        self.psql("CREATE EXTENSION IF NOT EXISTS postgis", db_name=name)

    def drop_database(self, name: str) -> None:
        """Drop a database of this cluster (test clean-up)."""
        if not name.replace("_", "").isalnum():
            raise ConfigurationError(f"Nom de base invalide : {name!r}")
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> bool:
        """Stop the server if it runs. True if it was running."""
        if not self.is_running():
            return False
        bins = find_binaries()
        result = self._run(
            [bins.tool("pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.pgdata)]
        )
        if result.returncode != 0:
            raise ConfigurationError(f"pg_ctl stop a échoué : {result.stderr.strip()}")
        return True

    def wait_ready(self, timeout: float = 30) -> None:
        """Block until the server accepts connections."""
        bins = find_binaries()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            args = [bins.tool("pg_isready"), "-h", str(self.socket_dir), "-p", str(PORT)]
            if self._run(args).returncode == 0:
                return
            time.sleep(0.2)
        raise ConfigurationError("Le cluster PostgreSQL ne répond pas.")


REPLICATION_SLOT = "geocoop_standby"


class StandbyCluster(EmbeddedCluster):
    """A physical streaming standby of an embedded cluster.

    In the sibling folder
    `<data dir>-replica`: `pg_basebackup -R` over the primary's socket, a replication slot
    on the primary (so it keeps the WAL the standby still needs), its own socket. Real
    PostgreSQL streaming replication; the standby is read-only (hot standby).
    """

    def __init__(self, primary: EmbeddedCluster, slot: str = REPLICATION_SLOT) -> None:
        """The standby of `primary`, streaming through replication slot `slot`."""
        super().__init__(
            primary.data_dir.with_name(primary.data_dir.name + "-replica"),
            primary.db_name,
            fast=primary.fast,
        )
        if not slot.replace("_", "").isalnum():
            raise ConfigurationError(f"Nom de slot invalide : {slot!r}")
        self.primary = primary
        self.slot = slot

    def start(self) -> bool:
        """Provision (base backup) if needed and start the standby. True if it started."""
        if not self.primary.is_running():
            raise ConfigurationError(
                "Le cluster principal est arrêté : lancez d'abord `geocoop db start`."
            )
        bins = find_binaries()
        with self._lock():
            self._check_reachable()
            if self.storage_dir != self.data_dir:
                self._prepare_dir(self.storage_dir, 0o755)
            if not self.is_initialised():
                self._base_backup(bins)
            if self.is_running():
                return False
            self._pg_ctl_start(bins, "Le standby")
            return True

    def create_slot(self) -> None:
        """The primary's physical replication slot of this standby (kept if it exists)."""
        self.primary.psql(
            f"SELECT pg_create_physical_replication_slot('{self.slot}') WHERE NOT EXISTS "
            f"(SELECT 1 FROM pg_replication_slots WHERE slot_name = '{self.slot}')"
        )

    def drop_slot(self) -> None:
        """Drop the slot on the primary (the primary stops keeping WAL for the standby)."""
        if self.primary.is_running():
            self.primary.psql(
                f"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                f"WHERE slot_name = '{self.slot}' AND NOT active"
            )

    def _base_backup(self, bins: PgBinaries) -> None:
        wal_level = self.primary.psql("SHOW wal_level")
        if wal_level not in ("replica", "logical"):
            raise ConfigurationError(
                f"wal_level = {wal_level} sur le principal : il faut 'replica' "
                "(redémarrez le cluster après l'avoir changé)."
            )
        self.create_slot()
        self._prepare_dir(self.pgdata, 0o700)
        self._prepare_dir(self.socket_dir, 0o700)
        args = [
            bins.tool("pg_basebackup"),
            "-D", str(self.pgdata),
            "-d", f"host={self.primary.socket_dir} port={PORT} user={SUPERUSER} "
                  f"application_name={self.slot}",
            "-R",  # standby.signal + primary_conninfo
            "-X", "stream",
            "-S", self.slot,  # primary_slot_name too, with -R
            "-c", "fast",
        ]  # fmt: skip
        if self.fast:
            args.append("--no-sync")
        result = self._run(args)
        if result.returncode != 0:
            shutil.rmtree(self.pgdata, ignore_errors=True)
            raise ConfigurationError(f"pg_basebackup a échoué : {result.stderr.strip()[-300:]}")
        try:
            self.log_file.touch()
            if os.geteuid() == 0:
                os.chown(self.log_file, self.user.pw_uid, self.user.pw_gid)
        except OSError as exc:
            msg = f"{self.log_file} n'est pas inscriptible ({exc.strerror})"
            raise ConfigurationError(msg) from None
        # The copied postgresql.conf names the primary's socket folder: the last line wins.
        settings = {
            "unix_socket_directories": f"'{self.socket_dir}'",
            "hot_standby_feedback": "on",  # vacuum on the primary waits for our readers
        }
        with open(self.pgdata / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# geocoop streaming standby\n")
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())

    def remove(self) -> None:
        """Stop the standby, drop its slot and delete its folder."""
        self.stop()
        self.drop_slot()
        shutil.rmtree(self.storage_dir, ignore_errors=True)
        if self.data_dir != self.storage_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def _tail(path: Path, lines: int = 3) -> str:
    try:
        content = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "(pas de journal)"
    return " | ".join(content[-lines:])
