#!/usr/bin/env bash
# Builds the real services from the Go module proxy and Maven Central into the cache, once per
# pinned version: kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd, kwok,
# helm, and the Kafka jars; installs Debian's redis-server, chromium and crun. Idempotent: a stamp
# per component and version skips finished work.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS=-mod=mod

stamp_ok() { [ -f "$TESTENV_CACHE/stamps/$1" ]; }
stamp_set() { mkdir -p "$TESTENV_CACHE/stamps"; touch "$TESTENV_CACHE/stamps/$1"; }

build_kubernetes() {
  local id="kubernetes-$K8S_VERSION"
  stamp_ok "$id" && return 0
  log "building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $K8S_VERSION"
  local mod="$TESTENV_CACHE/src/$id"
  rm -rf "$mod"; mkdir -p "$mod"; cd "$mod"
  go mod init testenv-kubernetes >/dev/null 2>&1
  # k8s.io/kubernetes points every staging module at ./staging; point them at the published ones.
  local gomod staging
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
  staging=$(grep -oE '^\s*k8s\.io/[a-z0-9-]+ => \./staging/src/k8s\.io/[a-z0-9-]+' "$gomod" | awk '{print $1}' | sort -u)
  [ -n "$staging" ] || die "no staging replaces found in $gomod"
  for m in $staging; do go mod edit -replace "$m=$m@$K8S_STAGING_VERSION"; done
  local cmds="k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl"
  for c in $cmds; do go get -tool "$c@$K8S_VERSION"; done
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local ldf="-s -w" pkg key
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    for key in "gitVersion=$K8S_VERSION" gitMajor=1 "gitMinor=$minor" gitTreeState=clean \
               gitCommit=0000000000000000000000000000000000000000 buildDate=1970-01-01T00:00:00Z; do
      ldf="$ldf -X $pkg.$key"
    done
  done
  # shellcheck disable=SC2086
  go build -trimpath -ldflags "$ldf" -o "$BIN_DIR/" $cmds
  stamp_set "$id"
}

build_etcd() {
  local id="etcd-$ETCD_VERSION"
  stamp_ok "$id" && return 0
  log "building etcd $ETCD_VERSION"
  local mod="$TESTENV_CACHE/src/$id"
  rm -rf "$mod"; mkdir -p "$mod"; cd "$mod"
  go mod init testenv-etcd >/dev/null 2>&1
  go get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/etcd" go.etcd.io/etcd/server/v3
  stamp_set "$id"
}

build_kwok() {
  local id="kwok-$KWOK_VERSION"
  stamp_ok "$id" && return 0
  log "building kwok $KWOK_VERSION"
  GOBIN="$BIN_DIR" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # kwok needs stage definitions; they ship in its module (kustomize/stage, the "fast" set).
  local src
  src=$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage
  local out="$TESTENV_CACHE/kwok-stages-$KWOK_VERSION.yaml"
  : > "$out"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    [ -f "$src/$f" ] || die "kwok stage $f missing in $src"
    { echo '---'; cat "$src/$f"; } >> "$out"
  done
  stamp_set "$id"
}

build_helm() {
  local id="helm-$HELM_VERSION"
  stamp_ok "$id" && return 0
  log "building helm $HELM_VERSION"
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  # Without these, helm v3 built outside its Makefile assumes Kubernetes 1.20.
  local ldf="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  ldf="$ldf -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
  ldf="$ldf -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor"
  GOBIN="$BIN_DIR" go install -trimpath -ldflags "$ldf" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  stamp_set "$id"
}

fetch_kafka() {
  local id="kafka-$KAFKA_VERSION"
  stamp_ok "$id" && return 0
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central"
  local lib="$TESTENV_CACHE/$id/lib"
  rm -rf "$lib"; mkdir -p "$lib"
  mvn -B -q -f "$ENV_DIR/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib"
  # Keep exactly one SLF4J binding: log4j2's for SLF4J 2.
  rm -f "$lib"/slf4j-reload4j-* "$lib"/log4j-slf4j-impl-* "$lib"/slf4j-log4j12-*
  ls "$lib" | grep -q "^kafka_$KAFKA_SCALA-$KAFKA_VERSION.jar$" || die "kafka_$KAFKA_SCALA jar missing in $lib"
  stamp_set "$id"
}

ensure_redis() {
  command -v redis-server >/dev/null && return 0
  log "installing redis-server from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
}

# The state-chart view's browser test drives Debian's headless Chromium with playwright-core.
ensure_chromium() {
  command -v chromium >/dev/null && return 0
  log "installing chromium from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

# The image test runs the operator image (npm run image installs what builds it) with crun.
ensure_crun() {
  command -v crun >/dev/null && return 0
  log "installing crun from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq crun >/dev/null
}

what=${1:-all}
case "$what" in
  kubernetes) build_kubernetes ;;
  etcd) build_etcd ;;
  kwok) build_kwok ;;
  helm) build_helm ;;
  kafka) fetch_kafka ;;
  redis) ensure_redis ;;
  chromium) ensure_chromium ;;
  crun) ensure_crun ;;
  all)
    # Maven and apt run beside the Go builds; the Go builds share the build cache, so in turn.
    ( fetch_kafka ) > "$TESTENV_RUN/build-kafka.log" 2>&1 & kafka_pid=$!
    ensure_redis
    ensure_chromium
    ensure_crun
    build_etcd; build_kubernetes; build_kwok; build_helm
    wait "$kafka_pid" || { cat "$TESTENV_RUN/build-kafka.log" >&2; die "Kafka fetch failed"; }
    ;;
  *) die "unknown component '$what' (kubernetes, etcd, kwok, helm, kafka, redis, chromium, crun, all)" ;;
esac
