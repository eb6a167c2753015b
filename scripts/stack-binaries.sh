#!/usr/bin/env bash
# Builds the stack's binaries at the versions pinned in stack/versions.env (the same ones
# docker-compose.yml runs) from the Go module proxy, into a cache folder keyed by version:
#
#   ${LANGGRAPH_OTEL_STACK_CACHE:-$HOME/.cache/langgraph-otel/stack}/<name>-<version>/bin/
#
#   otelcol-<v>/bin/otelcol-langgraph   our distribution (collector/builder-config.yaml)
#   jaeger-<v>/bin/jaeger               Jaeger v2
#   prometheus-<v>/bin/{prometheus,promtool}
#   alertmanager-<v>/bin/{alertmanager,amtool}
#
# A folder that holds all its binaries is reused as it is, so a rerun takes a second.
# Usage: scripts/stack-binaries.sh [otelcol] [jaeger] [prometheus] [alertmanager]
# (none: all four). Prints each folder; the tests compute the same paths
# (test/stack/binaries.ts), so nothing needs to be put on PATH.
# Prometheus is built without the `builtinassets` tag (that needs its npm front-end build):
# the HTTP API works, the web UI answers with a notice. It is also built with
# `remove_all_sd`: no Kubernetes/cloud service discovery, which our static targets do not
# use and which is most of its build time (static and file discovery stay). Grafana's module cannot be built
# here; it stays compose-only.
set -euo pipefail
# Errors inside $(...) stop the script too (a failed build must not print a folder).
shopt -s inherit_errexit
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../stack/versions.env
source "$root/stack/versions.env"
cache="${LANGGRAPH_OTEL_STACK_CACHE:-$HOME/.cache/langgraph-otel/stack}"
mkdir -p "$cache"
# Reproducible paths in the binaries; this machine's Go, never a toolchain download.
export GOFLAGS="-trimpath -buildvcs=false"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0

log() { printf '[stack-binaries] %s\n' "$*" >&2; }

# have DIR BIN...: every binary is there and runs.
have() {
  local dir="$1"; shift
  local bin
  for bin in "$@"; do [ -x "$dir/bin/$bin" ] || return 1; done
}

# Builds into DIR.tmp and renames it, so an interrupted build is never taken as done.
# go_tool NAME VERSION MODULE MODULE_VERSION LDFLAGS TAGS PKG:BIN...
go_tool() {
  local name="$1" version="$2" module="$3" modver="$4" ldflags="$5" tags="$6"; shift 6
  local dir="$cache/$name-$version" bins=() spec
  for spec in "$@"; do bins+=("${spec#*:}"); done
  if have "$dir" "${bins[@]}"; then echo "$dir/bin"; return; fi
  log "building $name $version ($module@v$modver) ..."
  local start=$SECONDS tmp="$dir.tmp"
  rm -rf "$tmp" && mkdir -p "$tmp/bin" "$tmp/src"
  # A module of our own that requires the pinned one: `go install pkg@version` refuses
  # modules with replace directives (Jaeger has one).
  (
    cd "$tmp/src"
    go mod init "langgraph-otel.local/stack/$name" >/dev/null 2>&1
    if [ "$name" = alertmanager ]; then stub_alertmanager_ui "$module" "$modver"; fi
    for spec in "$@"; do
      go get "${spec%%:*}@v$modver" >/dev/null
      go build -tags "$tags" -ldflags "-s -w $ldflags" -o "$tmp/bin/${spec#*:}" "${spec%%:*}"
    done
  )
  rm -rf "$tmp/src" "$dir" && mv "$tmp" "$dir"
  log "built $name $version in $((SECONDS - start)) s"
  echo "$dir/bin"
}

build_otelcol() {
  local dir="$cache/otelcol-$OTELCOL_VERSION"
  if have "$dir" otelcol-langgraph; then echo "$dir/bin"; return; fi
  log "building otelcol $OTELCOL_VERSION (collector/builder-config.yaml) ..."
  local start=$SECONDS tmp="$dir.tmp"
  rm -rf "$tmp" && mkdir -p "$tmp/bin"
  GOBIN="$tmp/bin" go install "go.opentelemetry.io/collector/cmd/builder@v$OTELCOL_VERSION"
  sed "s#output_path: .*#output_path: $tmp/src#" "$root/collector/builder-config.yaml" >"$tmp/builder-config.yaml"
  "$tmp/bin/builder" --config="$tmp/builder-config.yaml" >&2
  mv "$tmp/src/otelcol-langgraph" "$tmp/bin/otelcol-langgraph"
  rm -rf "$tmp/src" "$tmp/bin/builder" "$tmp/builder-config.yaml" "$dir" && mv "$tmp" "$dir"
  log "built otelcol $OTELCOL_VERSION in $((SECONDS - start)) s"
  echo "$dir/bin"
}

# Alertmanager embeds its web UI (ui/app/dist), which its release build makes with npm and
# the module leaves out: build from a copy of the module with a one-page stand-in. The
# API (/api/v2) and amtool, all that the tests and Grafana use, are unchanged.
stub_alertmanager_ui() {
  local src
  src="$(go mod download -json "$1@v$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  cp -r "$src" ./alertmanager && chmod -R u+w ./alertmanager
  mkdir -p ./alertmanager/ui/app/dist
  echo '<!doctype html><title>Alertmanager</title><p>Built without the web UI: use /api/v2 or amtool.' \
    >./alertmanager/ui/app/dist/index.html
  go mod edit -replace "$1=./alertmanager"
}

promver() {
  local v="github.com/prometheus/common/version"
  echo "-X $v.Version=$1 -X $v.Branch=HEAD -X $v.BuildUser=stack-binaries -X $v.Revision=v$1"
}

build() {
  # Two runs at once (two test sessions, say) build each binary once: the second waits.
  exec 9>"$cache/.$1.lock"
  flock 9
  case "$1" in
    otelcol) build_otelcol ;;
    jaeger)
      go_tool jaeger "$JAEGER_VERSION" github.com/jaegertracing/jaeger "$JAEGER_MODULE_VERSION" \
        "-X github.com/jaegertracing/jaeger/internal/version.latestVersion=v$JAEGER_VERSION" "" \
        github.com/jaegertracing/jaeger/cmd/jaeger:jaeger ;;
    prometheus)
      go_tool prometheus "$PROMETHEUS_VERSION" github.com/prometheus/prometheus "$PROMETHEUS_MODULE_VERSION" \
        "$(promver "$PROMETHEUS_VERSION")" remove_all_sd \
        github.com/prometheus/prometheus/cmd/prometheus:prometheus \
        github.com/prometheus/prometheus/cmd/promtool:promtool ;;
    alertmanager)
      go_tool alertmanager "$ALERTMANAGER_VERSION" github.com/prometheus/alertmanager "$ALERTMANAGER_VERSION" \
        "$(promver "$ALERTMANAGER_VERSION")" "" \
        github.com/prometheus/alertmanager/cmd/alertmanager:alertmanager \
        github.com/prometheus/alertmanager/cmd/amtool:amtool ;;
    *) log "unknown binary: $1 (otelcol, jaeger, prometheus, alertmanager)"; return 2 ;;
  esac
}

names=("$@")
[ "${#names[@]}" -gt 0 ] || names=(otelcol prometheus alertmanager jaeger)
for name in "${names[@]}"; do
  printf '%s=%s\n' "$name" "$(build "$name")"
done
