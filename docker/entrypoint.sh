#!/bin/sh
# Container entry point (installed as /usr/local/bin/docker-entrypoint).
#
#   docker-entrypoint [serve]   apply the database migrations, retrying while
#                               PostgreSQL starts, then replace this shell with
#                               `taskhook serve` (PID 1, so `docker stop`'s SIGTERM
#                               reaches it and it shuts down gracefully)
#   docker-entrypoint ARGS...   any other taskhook command as is, e.g.
#                               `migrate`, `cron next '*/5 * * * *'`, `--version`
#
# Each `taskhook migrate` already retries its connection for about 30 s; this
# loop repeats it, a bounded number of times, for a database that takes longer
# (a fresh volume being initialised, a host rebooting). Exit code 2 is a
# configuration error that no retry can fix: it stops at once.
#
#   MIGRATE_ATTEMPTS       how many times to run `taskhook migrate` (default 5)
#   MIGRATE_RETRY_DELAY_S  seconds between two runs (default 5)
#   TASKHOOK_BIN           the executable (default /usr/local/bin/taskhook; for tests)
set -eu

bin="${TASKHOOK_BIN:-/usr/local/bin/taskhook}"

# One line on stderr, as a JSON object when LOG_FORMAT=json (like taskhook's own).
say() {  # say LEVEL MESSAGE
  if [ "${LOG_FORMAT:-text}" = json ]; then
    msg=$(printf '%s' "$2" | tr '\n\r\t' '   ' | sed 's/\\/\\\\/g; s/"/\\"/g')
    printf '{"time":"%s","level":"%s","logger":"entrypoint","msg":"%s"}\n' \
      "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$1" "$msg" >&2
  else
    printf '%s %s [entrypoint] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$1" "$2" >&2
  fi
}

if [ "$#" -gt 0 ] && { [ "$1" != serve ] || [ "$#" -gt 1 ]; }; then
  exec "$bin" "$@"
fi

attempts="${MIGRATE_ATTEMPTS:-5}"
delay="${MIGRATE_RETRY_DELAY_S:-5}"
case "$attempts" in '' | *[!0-9]* | 0)
  say error "MIGRATE_ATTEMPTS=$attempts: expected an integer >= 1"; exit 2 ;;
esac
case "$delay" in '' | *[!0-9]*)
  say error "MIGRATE_RETRY_DELAY_S=$delay: expected a whole number of seconds"; exit 2 ;;
esac

# While this shell is PID 1, SIGTERM/SIGINT would otherwise be ignored until the
# loop ends: run the children in the background and wait, so a trap can stop them.
child=
trap 'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; fi; exit 143' TERM INT

n=1
while :; do
  "$bin" migrate &
  child=$!
  rc=0
  wait "$child" || rc=$?
  child=
  case "$rc" in
    0) break ;;
    2) say error "taskhook migrate: configuration error (exit 2), not retrying"; exit 2 ;;
  esac
  if [ "$n" -ge "$attempts" ]; then
    say error "taskhook migrate failed $n time(s), last exit $rc; giving up"
    exit "$rc"
  fi
  say warning "taskhook migrate exited $rc (attempt $n/$attempts); retrying in ${delay}s"
  sleep "$delay" &
  child=$!
  wait "$child" || true
  child=
  n=$((n + 1))
done

trap - TERM INT
exec "$bin" serve
