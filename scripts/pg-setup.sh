#!/usr/bin/env bash
# A local PostgreSQL 15 + pgvector server for refrains' tests. Idempotent: run it again
# and it only starts what is not running.
#
#   sudo scripts/pg-setup.sh          # prints the DSN, e.g.
#   postgresql://refrains:refrains@127.0.0.1:54329/refrains
#
# What it does, skipping every step that is already done:
#   1. installs postgresql-15, postgresql-server-dev-15 and build-essential from Debian (apt);
#   2. builds pgvector from Debian trixie's *source* package when the server lacks the
#      `vector` extension (bookworm ships no pgvector): a temporary deb-src line for trixie on
#      the machine's own Debian mirror, `apt-get source pgvector`, make, make install;
#   3. initdb's a throw-away cluster in .pg/ (gitignored) as the postgres user, listening on
#      127.0.0.1 only, port 54329 (REFRAINS_PG_PORT), with durability off (tests only);
#   4. starts it with pg_ctl, creates the role and database `refrains` (password `refrains`,
#      CREATEDB: the tests make one database per test) and the extensions in template1.
#
# Steps 1-2 need root; without root the script uses what is installed and says what is missing.
# The DSN is also written to .pg/dsn, where the tests look for it (env REFRAINS_TEST_PG wins).
# As root, the cluster goes to /var/tmp/refrains-pg-PORT instead when the postgres user cannot
# reach .pg/ (a checkout under a private home directory); REFRAINS_PG_DIR chooses another place.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGDIR=${REFRAINS_PG_DIR:-$ROOT/.pg}
DSNFILE=$ROOT/.pg/dsn  # where the tests look, wherever the cluster lives
PORT=${REFRAINS_PG_PORT:-54329}
PGVER=15
PGBIN=/usr/lib/postgresql/$PGVER/bin
ROLE=refrains
DSN="postgresql://$ROLE:$ROLE@127.0.0.1:$PORT/$ROLE"

say() { echo "pg-setup: $*" >&2; }
die() { say "error: $*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# -- 1. Debian packages ----------------------------------------------------------------------
APT_UPDATED=0
apt_update() {
    if [ "$APT_UPDATED" -eq 0 ]; then
        say "apt-get update"
        apt-get update -q >/dev/null
        APT_UPDATED=1
    fi
}

missing=()
for pkg in postgresql-$PGVER postgresql-server-dev-$PGVER build-essential; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    is_root || die "missing Debian packages: ${missing[*]}; run this script as root (or: apt-get install ${missing[*]})"
    apt_update
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x "$PGBIN/initdb" ] || die "$PGBIN/initdb not found after installing postgresql-$PGVER"

# -- 2. pgvector, built from Debian trixie's source package ----------------------------------
PG_CONFIG=$PGBIN/pg_config
[ -x "$PG_CONFIG" ] || PG_CONFIG=/usr/bin/pg_config
SHAREDIR=$("$PG_CONFIG" --sharedir)

debian_mirror() {
    # The first Debian mirror that serves bookworm in this machine's apt sources (one-line and deb822).
    local f uri
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {
                   if ($(i + 1) ~ /^bookworm(-updates)?$/) { print $i; exit } } }' "$f")
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk 'BEGIN { RS = ""; FS = "\n" }
                   /(^|\n)Suites:[^\n]*bookworm( |\n|$|-updates)/ && !/(^|\n)Enabled: *no/ {
                       for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); print a[2]; exit } }' "$f")
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
    echo "http://deb.debian.org/debian"
}

if [ ! -f "$SHAREDIR/extension/vector.control" ]; then
    is_root || die "the pgvector extension is missing from $SHAREDIR/extension; run this script as root to build it"
    MIRROR=$(debian_mirror)
    SRCLIST=/etc/apt/sources.list.d/refrains-trixie-src.list
    BUILD=$(mktemp -d /tmp/refrains-pgvector.XXXXXX)
    # The trixie deb-src line only lives while the source is fetched: the machine's apt stays as it was.
    trap 'rm -f "$SRCLIST"; rm -rf "$BUILD"' EXIT
    say "building pgvector from trixie's source package ($MIRROR)"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main" > "$SRCLIST"
    # Refresh only the trixie source list (the machine's own lists were refreshed above if needed).
    apt-get update -q -o Dir::Etc::sourcelist="$SRCLIST" -o Dir::Etc::sourceparts=- \
        -o APT::Get::List-Cleanup=0 >/dev/null
    (cd "$BUILD" && apt-get source -q --download-only pgvector >/dev/null 2>&1 \
        && dpkg-source -x --no-check pgvector_*.dsc src >/dev/null) \
        || die "could not fetch pgvector's source from $MIRROR (trixie); check the network or install pgvector by hand"
    # OPTFLAGS= : no -march=native, so the build runs on any machine of the architecture.
    make -s -C "$BUILD/src" PG_CONFIG="$PG_CONFIG" OPTFLAGS= >/dev/null 2>&1 || die "building pgvector failed (see make -C $BUILD/src)"
    make -s -C "$BUILD/src" PG_CONFIG="$PG_CONFIG" OPTFLAGS= install >/dev/null
    rm -f "$SRCLIST"
    say "pgvector $(sed -n "s/^default_version = '\(.*\)'/\1/p" "$SHAREDIR/extension/vector.control") installed"
fi

# -- 3. the cluster in .pg/ -------------------------------------------------------------------
# As root, the server runs as the postgres user (it refuses to run as root); otherwise as us.
if is_root; then
    as_pg() { runuser -u postgres -- "$@"; }
    OWNER=postgres
else
    as_pg() { "$@"; }
    OWNER=$(id -un)
fi
mkdir -p "$PGDIR"
chown "$OWNER" "$PGDIR" && chmod 755 "$PGDIR"  # data/ itself is 0700 (initdb)
if ! as_pg test -w "$PGDIR" -a -x "$PGDIR"; then
    [ -z "${REFRAINS_PG_DIR:-}" ] || die "the $OWNER user cannot write to REFRAINS_PG_DIR=$PGDIR"
    say "the $OWNER user cannot reach $PGDIR (a parent directory is private); the cluster goes to /var/tmp"
    PGDIR=/var/tmp/refrains-pg-$PORT
    mkdir -p "$PGDIR" && chown "$OWNER" "$PGDIR" && chmod 755 "$PGDIR"
fi
DATA=$PGDIR/data
if [ ! -f "$DATA/PG_VERSION" ]; then
    say "initdb $DATA"
    rm -rf "$DATA"
    as_pg "$PGBIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$PGDIR/initdb.log" 2>&1 \
        || die "initdb failed; see $PGDIR/initdb.log"
    mkdir -p "$PGDIR/run" && chown "$OWNER" "$PGDIR/run"
    cat >> "$DATA/postgresql.conf" <<EOF

# refrains test cluster: local only, durability traded for speed (the data is throw-away).
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGDIR/run'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
fi
mkdir -p "$PGDIR/run" && chown "$OWNER" "$PGDIR/run"

# -U/-d postgres: a probe as an unknown role would log a FATAL line on every run.
pg_up() { "$PGBIN/pg_isready" -q -h "$PGDIR/run" -p "$PORT" -U postgres -d postgres; }
if ! pg_up; then
    PIDFILE=$DATA/postmaster.pid
    pid=$(head -n 1 "$PIDFILE" 2>/dev/null || true)
    if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$DATA"; then
        say "the server (pid $pid) is starting or stopping; waiting for it"
        for _ in $(seq 60); do pg_up && break; sleep 1; done
    elif [ -n "$pid" ]; then
        # Left by a server that no longer runs (a reboot, a kill -9). Its pid may now belong to
        # another process, which would make pg_ctl believe the server is up: remove it first.
        say "removing the stale $PIDFILE (pid $pid is not this cluster's server)"
        rm -f "$PIDFILE" "$PGDIR/run/.s.PGSQL.$PORT.lock"
    fi
    if ! pg_up; then
        say "starting the server on 127.0.0.1:$PORT"
        as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$PGDIR/postgres.log" -w -t 60 start >/dev/null \
            || die "the server did not start; see $PGDIR/postgres.log (is port $PORT taken? set REFRAINS_PG_PORT)"
    fi
fi

# -- 4. role, database, extensions ------------------------------------------------------------
# client_min_messages: no NOTICEs for what already exists.
psql_pg() { as_pg env PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -h "$PGDIR/run" -p "$PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_pg -d postgres >/dev/null <<EOF
SELECT 'CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD ''$ROLE''' WHERE NOT EXISTS
    (SELECT FROM pg_roles WHERE rolname = '$ROLE') \gexec
SELECT 'CREATE DATABASE $ROLE OWNER $ROLE' WHERE NOT EXISTS
    (SELECT FROM pg_database WHERE datname = '$ROLE') \gexec
EOF
# In template1 too, so every database the tests create has them without superuser rights.
for db in template1 "$ROLE"; do
    psql_pg -d "$db" -c "CREATE EXTENSION IF NOT EXISTS vector; CREATE EXTENSION IF NOT EXISTS pg_trgm;" >/dev/null
done

mkdir -p "$(dirname "$DSNFILE")"
echo "$DSN" > "$DSNFILE"
chmod 644 "$DSNFILE"
echo "$DSN"
