#!/usr/bin/env bash
# Builds the pinned kustomize and kubeconform (Go modules) once into a cache folder keyed
# by version, so CI and contributors share one build. Prints the folder holding both.
# Usage: scripts/k8s-tools.sh            -> builds if missing, prints the bin folder
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.2     # sigs.k8s.io/kustomize/kustomize/v5 (v5.8.3 needs a newer Go)
KUBECONFORM_VERSION=v0.7.0   # github.com/yannh/kubeconform

cache="${LANGGRAPH_OTEL_TOOLS_CACHE:-$HOME/.cache/langgraph-otel/tools}"
bin="$cache/k8s-kustomize-${KUSTOMIZE_VERSION}-kubeconform-${KUBECONFORM_VERSION}"
mkdir -p "$bin"

build() { # module@version binary
  if [ ! -x "$bin/$2" ]; then
    echo "building $1 into $bin (a few minutes on 2 cores)" >&2
    # GOTOOLCHAIN=local: both versions build with the machine's Go; never fetch another.
    GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 GOBIN="$bin" go install -trimpath -ldflags=-s "$1" >&2
  fi
}

build "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}" kustomize
build "github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}" kubeconform
echo "$bin"
