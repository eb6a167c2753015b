#!/usr/bin/env bash
# Builds the pinned kustomize and kubeconform (Go modules) and writes strict JSON schemas
# for kubeconform (Kubernetes, Prometheus Operator and Argo Rollouts kinds, from the Go
# modules that carry them) once, into a cache folder keyed by every version below, so CI
# and contributors share one build. Nothing is fetched but Go modules from the proxy.
# Prints the folder: kustomize, kubeconform and schemas/ are in it.
#
# `scripts/k8s-tools.sh collector` instead builds the two-tier test's Collector
# (test/deploy/fixtures/otelcol-lb-builder.yaml: the stack's components plus the
# loadbalancing exporter) and prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."

KUSTOMIZE_VERSION=v5.8.2          # sigs.k8s.io/kustomize/kustomize/v5 (v5.8.3 needs a newer Go)
KUBECONFORM_VERSION=v0.7.0        # github.com/yannh/kubeconform
KUBERNETES_VERSION=v1.34.4        # k8s.io/kubernetes: api/openapi-spec/swagger.json
PROMETHEUS_OPERATOR_VERSION=v0.85.0  # its CRDs: example/prometheus-operator-crd/
ARGO_ROLLOUTS_VERSION=v1.8.5      # its CRDs: manifests/crds/ (v1.9+ need Go >= 1.26.10)

cache="${LANGGRAPH_OTEL_TOOLS_CACHE:-$HOME/.cache/langgraph-otel/tools}"

if [ "${1:-}" = collector ]; then
  config=test/deploy/fixtures/otelcol-lb-builder.yaml
  version=$(sed -n 's/^  version: //p' "$config")
  dir="$cache/otelcol-lb-$version-$(sha256sum "$config" | cut -c1-12)"
  if [ ! -x "$dir/otelcol-lb" ]; then
    echo "building the two-tier test Collector $version into $dir (many minutes on 2 cores)" >&2
    tmp="$dir.tmp" && rm -rf "$tmp" && mkdir -p "$tmp"
    GOTOOLCHAIN=local GOBIN="$tmp" go install "go.opentelemetry.io/collector/cmd/builder@v$version" >&2
    sed "s#output_path: .*#output_path: $tmp/src#" "$config" >"$tmp/builder-config.yaml"
    GOTOOLCHAIN=local GOFLAGS="-trimpath -buildvcs=false" CGO_ENABLED=0 \
      "$tmp/builder" --config="$tmp/builder-config.yaml" >&2
    mv "$tmp/src/otelcol-lb" "$tmp/otelcol-lb" && rm -rf "$tmp/src" "$tmp/builder" "$dir" && mv "$tmp" "$dir"
  fi
  echo "$dir/otelcol-lb"
  exit 0
fi
bin="$cache/k8s-kustomize-${KUSTOMIZE_VERSION}-kubeconform-${KUBECONFORM_VERSION}"
schemas="$bin/schemas-k8s-${KUBERNETES_VERSION}-po-${PROMETHEUS_OPERATOR_VERSION}-rollouts-${ARGO_ROLLOUTS_VERSION}"
mkdir -p "$bin"
# The machine's Go builds and downloads all of these; never fetch another toolchain.
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

build() { # module@version binary
  if [ ! -x "$bin/$2" ]; then
    echo "building $1 into $bin (a few minutes on 2 cores)" >&2
    CGO_ENABLED=0 GOBIN="$bin" go install -trimpath -ldflags=-s "$1" >&2
  fi
}

build "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}" kustomize
build "github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}" kubeconform

if [ ! -f "$schemas/.complete" ]; then
  echo "writing kubeconform schemas into $schemas" >&2
  # `go mod download` outside any module: the module zips only, nothing is built.
  dirs=$(cd "$(mktemp -d)" && go mod download -json \
    "k8s.io/kubernetes@${KUBERNETES_VERSION}" \
    "github.com/prometheus-operator/prometheus-operator@${PROMETHEUS_OPERATOR_VERSION}" \
    "github.com/argoproj/argo-rollouts@${ARGO_ROLLOUTS_VERSION}" |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  k8s=$(grep '/k8s.io/kubernetes@' <<<"$dirs")
  operator=$(grep '/prometheus-operator@' <<<"$dirs")
  rollouts=$(grep '/argo-rollouts@' <<<"$dirs")
  rm -rf "$schemas"
  node scripts/k8s-schemas.mjs "$schemas" "$k8s/api/openapi-spec/swagger.json" \
    "$operator/example/prometheus-operator-crd" "$rollouts/manifests/crds" >&2
  touch "$schemas/.complete"
fi
ln -sfn "$(basename "$schemas")" "$bin/schemas"
echo "$bin"
