# Throwaway PostgreSQL cluster on a loopback port, for tests and benchmarks. Source it, then call
# postgres_start (exports AUDITPORTAL_TEST_POSTGRES) and postgres_stop. POSTGRES_SERVER_OPTIONS adds
# server settings, e.g. "-c shared_preload_libraries=pg_stat_statements" to see where a bench's time goes.
# Installs Debian's postgresql when the server binaries are missing (needs root or sudo).

PGBIN=${PGBIN:-}

# First free loopback port from 55432 unless PGPORT is given, so parallel runs do not collide.
postgres_pick_port() {
  [ -n "${PGPORT:-}" ] && return 0
  local port
  for port in $(seq 55432 55531); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then PGPORT=$port; return 0; fi
  done
  echo "no free port for PostgreSQL in 55432-55531" >&2
  return 1
}

postgres_find_bin() {
  if [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ]; then return 0; fi
  local candidate
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/initdb" ]; then PGBIN=$candidate; return 0; fi
  done
  return 1
}

postgres_install() {
  echo "PostgreSQL server not found; installing Debian's postgresql package" >&2
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  # Debian starts a system cluster on 5432; the tests use their own and do not need it.
  "${sudo[@]}" service postgresql stop >/dev/null 2>&1 || true
}

postgres_start() {
  postgres_find_bin || { postgres_install && postgres_find_bin; } || { echo "cannot find or install PostgreSQL" >&2; return 1; }
  postgres_pick_port || return 1
  PGROOT=$(mktemp -d /tmp/auditportal-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGROOT"; PGAS=(runuser -u postgres --); else PGAS=(); fi
  "${PGAS[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -U postgres --auth=trust -E UTF8 --no-locale >"$PGROOT/initdb.log" 2>&1 \
    || { cat "$PGROOT/initdb.log" >&2; return 1; }
  # fsync stays on: the durability tests kill the portal and count on committed data surviving.
  "${PGAS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 30 \
    -o "-p $PGPORT -k $PGROOT -c listen_addresses=127.0.0.1 -c max_connections=300 ${POSTGRES_SERVER_OPTIONS:-}" start >/dev/null \
    || { cat "$PGROOT/server.log" >&2; return 1; }
  export AUDITPORTAL_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
  echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PGPORT ($PGROOT)" >&2
}

postgres_stop() {
  [ -n "${PGROOT:-}" ] || return 0
  "${PGAS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PGROOT"
  PGROOT=
}
