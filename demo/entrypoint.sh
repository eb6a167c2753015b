#!/bin/sh
# Starts the demo CLI once the collector is healthy. The demo probes the collector once at
# start and exports no traces if nothing answers, and compose cannot health-check the
# collector's distroless image; its health_check extension (WAIT_FOR_COLLECTOR) can.
set -eu
if [ -n "${WAIT_FOR_COLLECTOR:-}" ]; then
  tries=0
  until node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$WAIT_FOR_COLLECTOR"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "collector not healthy at $WAIT_FOR_COLLECTOR after 60 s; starting without waiting" >&2
      break
    fi
    sleep 1
  done
fi
exec node dist/esm/cli/main.js "$@"
