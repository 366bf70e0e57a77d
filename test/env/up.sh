#!/usr/bin/env bash
# Starts the real test environment on loopback and free ports, only what is not running yet:
#   kubernetes     etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok + 3 fake nodes
#   kafka          one KRaft broker+controller: PLAINTEXT and SASL_PLAINTEXT (SCRAM-SHA-512) listeners
#   kafka-cluster  three KRaft broker+controller nodes, same listeners
#   kafka-nodelete one node like kafka, with delete.topic.enable=false (deletion refused by the broker)
#   redis          redis-server
# With no argument: kubernetes kafka redis. Builds what is missing first (build-tools.sh).
# Writes $TESTENV_RUN/env.d/<component>.env (KEY=value lines) and $TESTENV_RUN/env.sh (all, exported).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

components=("$@")
[ ${#components[@]} -gt 0 ] || components=(kubernetes kafka redis)

# One starter at a time: test files running in parallel may all ask for the environment.
exec 9> "$TESTENV_RUN/.up.lock"
flock 9

ENVD=$TESTENV_RUN/env.d
mkdir -p "$ENVD"
KAFKA_ADMIN_USER=admin
KAFKA_ADMIN_PASSWORD=admin-secret

component_running() { # component, its processes...
  local c=$1; shift
  [ -f "$ENVD/$c.env" ] || return 1
  local p
  for p in "$@"; do
    kill -0 "$(cat "$TESTENV_RUN/pids/$p.pid" 2>/dev/null || echo 0)" 2>/dev/null || return 1
  done
}

write_env() { # component, KEY=value...
  local c=$1; shift
  printf '%s\n' "$@" > "$ENVD/$c.env.tmp"
  mv "$ENVD/$c.env.tmp" "$ENVD/$c.env"
}

start_kubernetes() {
  component_running kubernetes etcd kube-apiserver kube-controller-manager kube-scheduler kwok && return 0
  bash "$ENV_DIR/down.sh" kubernetes
  bash "$ENV_DIR/build-tools.sh" etcd
  bash "$ENV_DIR/build-tools.sh" kubernetes
  bash "$ENV_DIR/build-tools.sh" kwok
  bash "$ENV_DIR/pki.sh"
  local pki=$TESTENV_RUN/pki ep pp ap kp
  ep=$(free_port); pp=$(free_port); ap=$(free_port); kp=$(free_port)
  log "starting etcd on 127.0.0.1:$ep"
  rm -rf "$TESTENV_RUN/etcd"
  start_process etcd "$BIN_DIR/etcd" --data-dir="$TESTENV_RUN/etcd" --name=testenv \
    --listen-client-urls="http://127.0.0.1:$ep" --advertise-client-urls="http://127.0.0.1:$ep" \
    --listen-peer-urls="http://127.0.0.1:$pp" --initial-advertise-peer-urls="http://127.0.0.1:$pp" \
    --initial-cluster="testenv=http://127.0.0.1:$pp" --unsafe-no-fsync=true --log-level=warn
  wait_for etcd 30 curl -sf "http://127.0.0.1:$ep/health"

  # Reads, writes and lists by the service accounts of namespace kao-audited, for tests that ask the apiserver
  # who wrote what and when (fencing) and what an idle operator asks for; nothing else is recorded.
  local audit_policy=$TESTENV_RUN/audit-policy.yaml audit_log=$TESTENV_RUN/logs/audit.log
  cat > "$audit_policy" <<'POLICY'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    userGroups: ["system:serviceaccounts:kao-audited"]
    verbs: [get, list, create, update, patch, delete, deletecollection]
  - level: None
POLICY
  log "starting kube-apiserver $K8S_VERSION on 127.0.0.1:$ap"
  start_process kube-apiserver "$BIN_DIR/kube-apiserver" \
    --audit-policy-file="$audit_policy" --audit-log-path="$audit_log" --audit-log-format=json \
    --audit-log-mode=blocking \
    --etcd-servers="http://127.0.0.1:$ep" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
    --secure-port="$ap" --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --service-node-port-range=30000-32767 \
    --allow-privileged=true --disable-admission-plugins=ServiceAccount --profiling=false
  local kc=$TESTENV_RUN/kubeconfig
  cat > "$kc" <<KC
apiVersion: v1
kind: Config
clusters:
- name: testenv
  cluster:
    server: https://127.0.0.1:$ap
    certificate-authority-data: $(base64 -w0 < "$pki/ca.crt")
users:
- name: admin
  user:
    client-certificate-data: $(base64 -w0 < "$pki/admin.crt")
    client-key-data: $(base64 -w0 < "$pki/admin.key")
contexts:
- name: testenv
  context: {cluster: testenv, user: admin}
current-context: testenv
KC
  local kubectl=("$BIN_DIR/kubectl" --kubeconfig="$kc")
  wait_for kube-apiserver 90 "${kubectl[@]}" get --raw /readyz
  assert_running kube-apiserver

  log "starting kube-controller-manager, kube-scheduler, kwok"
  # A long node-monitor grace period: on a loaded 2-core machine kwok misses node heartbeats, and the
  # node lifecycle controller would mark its pods NotReady for good (kwok never sets them back).
  start_process kube-controller-manager "$BIN_DIR/kube-controller-manager" --kubeconfig="$kc" \
    --leader-elect=false --secure-port=0 --root-ca-file="$pki/ca.crt" \
    --service-account-private-key-file="$pki/sa.key" \
    --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
    --enable-hostpath-provisioner=true --kube-api-qps=100 --kube-api-burst=200 \
    --node-monitor-grace-period=10m
  start_process kube-scheduler "$BIN_DIR/kube-scheduler" --kubeconfig="$kc" --leader-elect=false \
    --secure-port=0
  start_process kwok "$BIN_DIR/kwok" --kubeconfig="$kc" \
    --config="$TESTENV_CACHE/kwok-stages-$KWOK_VERSION.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --cidr=10.244.0.0/16 --node-ip=127.0.0.1 --node-name=kwok-controller --node-port="$kp" \
    --server-address="127.0.0.1:$kp"
  sleep 1
  assert_running kube-controller-manager; assert_running kube-scheduler; assert_running kwok

  # Three fake nodes in three zones, with internal and external addresses (loopback: pods are
  # never reached through them here) and a default StorageClass kcm's hostpath provisioner serves.
  local n manifest=$TESTENV_RUN/testenv-objects.yaml
  : > "$manifest"
  for n in 1 2 3; do
    cat >> "$manifest" <<NODE
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$n
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels:
    kubernetes.io/hostname: kwok-node-$n
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
    topology.kubernetes.io/zone: zone-$n
status:
  addresses:
  - {type: InternalIP, address: 127.0.10.$n}
  - {type: ExternalIP, address: 127.0.20.$n}
  - {type: Hostname, address: kwok-node-$n}
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
NODE
  done
  cat >> "$manifest" <<SC
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/host-path
reclaimPolicy: Delete
volumeBindingMode: Immediate
SC
  "${kubectl[@]}" apply -f "$manifest" >/dev/null
  wait_for "kwok nodes" 60 "${kubectl[@]}" wait --for=condition=Ready node --all --timeout=1s
  write_env kubernetes "KUBECONFIG=$kc" "KUBE_APISERVER=https://127.0.0.1:$ap" "KUBECTL=$BIN_DIR/kubectl" \
    "KUBE_AUDIT_LOG=$audit_log"
  log "kubernetes ready: KUBECONFIG=$kc"
}

kafka_properties() { # node-id, data dir, plain port, controller port, sasl port, voters, replication, extra lines
  cat <<PROPS
process.roles=broker,controller
node.id=$1
controller.quorum.voters=$6
listeners=PLAINTEXT://127.0.0.1:$3,CONTROLLER://127.0.0.1:$4,SASL_PLAINTEXT://127.0.0.1:$5
advertised.listeners=PLAINTEXT://127.0.0.1:$3,SASL_PLAINTEXT://127.0.0.1:$5
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
# The PLAINTEXT and CONTROLLER listeners carry broker traffic as ANONYMOUS; clients prove
# authentication and ACLs on the SASL listener.
super.users=User:$KAFKA_ADMIN_USER;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
log.dirs=$2
num.partitions=1
default.replication.factor=$7
min.insync.replicas=$(( $7 > 1 ? 2 : 1 ))
offsets.topic.replication.factor=$7
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=$7
transaction.state.log.min.isr=$(( $7 > 1 ? 2 : 1 ))
share.coordinator.state.topic.replication.factor=$7
share.coordinator.state.topic.min.isr=$(( $7 > 1 ? 2 : 1 ))
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
num.network.threads=2
num.io.threads=4
log.cleaner.dedupe.buffer.size=1048577
${8:-}
PROPS
}

# Starts N combined KRaft nodes named PREFIX-1..N and waits until each reports it started.
start_kafka_nodes() { # component-name, node count, extra server properties
  local name=$1 count=$2 extra=${3:-} i voters="" lib="$TESTENV_CACHE/kafka-$KAFKA_VERSION/lib"
  local -a plain ctrl sasl
  for i in $(seq 1 "$count"); do
    plain[i]=$(free_port); ctrl[i]=$(free_port); sasl[i]=$(free_port)
    voters="${voters:+$voters,}$i@127.0.0.1:${ctrl[i]}"
  done
  local java_common=(-Djava.awt.headless=true "-Dlog4j2.configurationFile=$ENV_DIR/kafka/log4j2.properties" -cp "$lib/*")
  local cid
  cid=$(java -XX:TieredStopAtLevel=1 "${java_common[@]}" kafka.tools.StorageTool random-uuid)
  local bootstrap="" bootstrap_sasl="" replication=$(( count >= 3 ? 3 : 1 ))
  for i in $(seq 1 "$count"); do
    local dir=$TESTENV_RUN/$name-$i
    rm -rf "$dir"; mkdir -p "$dir"
    kafka_properties "$i" "$dir/data" "${plain[i]}" "${ctrl[i]}" "${sasl[i]}" "$voters" "$replication" "$extra" > "$dir/server.properties"
    java -XX:TieredStopAtLevel=1 "${java_common[@]}" kafka.tools.StorageTool format -t "$cid" \
      -c "$dir/server.properties" --ignore-formatted \
      --add-scram "SCRAM-SHA-512=[name=$KAFKA_ADMIN_USER,password=$KAFKA_ADMIN_PASSWORD]" > "$dir/format.log" 2>&1 \
      || { cat "$dir/format.log" >&2; die "formatting $name-$i failed"; }
    log "starting Kafka $KAFKA_VERSION $name-$i (plain ${plain[i]}, sasl ${sasl[i]})"
    start_process "$name-$i" java -Xms256m -Xmx${KAFKA_HEAP_MAX:-1536m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      "${java_common[@]}" kafka.Kafka "$dir/server.properties"
    bootstrap="${bootstrap:+$bootstrap,}127.0.0.1:${plain[i]}"
    bootstrap_sasl="${bootstrap_sasl:+$bootstrap_sasl,}127.0.0.1:${sasl[i]}"
  done
  for i in $(seq 1 "$count"); do
    wait_for "$name-$i" 120 grep -q "Kafka Server started" "$TESTENV_RUN/logs/$name-$i.log"
    assert_running "$name-$i"
  done
  KAFKA_STARTED_BOOTSTRAP=$bootstrap
  KAFKA_STARTED_BOOTSTRAP_SASL=$bootstrap_sasl
}

start_kafka() {
  component_running kafka kafka-1 && return 0
  bash "$ENV_DIR/down.sh" kafka
  bash "$ENV_DIR/build-tools.sh" kafka
  start_kafka_nodes kafka 1
  write_env kafka "KAFKA_BOOTSTRAP=$KAFKA_STARTED_BOOTSTRAP" "KAFKA_BOOTSTRAP_SASL=$KAFKA_STARTED_BOOTSTRAP_SASL" \
    "KAFKA_ADMIN_USER=$KAFKA_ADMIN_USER" "KAFKA_ADMIN_PASSWORD=$KAFKA_ADMIN_PASSWORD" "KAFKA_VERSION=$KAFKA_VERSION" \
    "KAFKA_LIB=$TESTENV_CACHE/kafka-$KAFKA_VERSION/lib"
  log "kafka ready: $KAFKA_STARTED_BOOTSTRAP (sasl $KAFKA_STARTED_BOOTSTRAP_SASL)"
}

start_kafka_cluster() {
  component_running kafka-cluster kafka-cluster-1 kafka-cluster-2 kafka-cluster-3 && return 0
  bash "$ENV_DIR/down.sh" kafka-cluster
  bash "$ENV_DIR/build-tools.sh" kafka
  start_kafka_nodes kafka-cluster 3
  write_env kafka-cluster "KAFKA_CLUSTER_BOOTSTRAP=$KAFKA_STARTED_BOOTSTRAP" \
    "KAFKA_CLUSTER_BOOTSTRAP_SASL=$KAFKA_STARTED_BOOTSTRAP_SASL"
  log "kafka-cluster ready: $KAFKA_STARTED_BOOTSTRAP"
}

start_kafka_nodelete() {
  component_running kafka-nodelete kafka-nodelete-1 && return 0
  bash "$ENV_DIR/down.sh" kafka-nodelete
  bash "$ENV_DIR/build-tools.sh" kafka
  start_kafka_nodes kafka-nodelete 1 delete.topic.enable=false
  write_env kafka-nodelete "KAFKA_NODELETE_BOOTSTRAP=$KAFKA_STARTED_BOOTSTRAP" \
    "KAFKA_NODELETE_BOOTSTRAP_SASL=$KAFKA_STARTED_BOOTSTRAP_SASL"
  log "kafka-nodelete ready: $KAFKA_STARTED_BOOTSTRAP"
}

start_redis() {
  component_running redis redis && return 0
  bash "$ENV_DIR/down.sh" redis
  bash "$ENV_DIR/build-tools.sh" redis
  local port
  port=$(free_port)
  log "starting redis-server on 127.0.0.1:$port"
  start_process redis redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --maxmemory-policy noeviction
  wait_for redis 20 redis-cli -p "$port" ping
  write_env redis "REDIS_URL=redis://127.0.0.1:$port" "REDIS_PORT=$port"
  log "redis ready: redis://127.0.0.1:$port"
}

for c in "${components[@]}"; do
  case "$c" in
    kubernetes) start_kubernetes ;;
    kafka) start_kafka ;;
    kafka-cluster) start_kafka_cluster ;;
    kafka-nodelete) start_kafka_nodelete ;;
    redis) start_redis ;;
    *) die "unknown component '$c' (kubernetes, kafka, kafka-cluster, kafka-nodelete, redis)" ;;
  esac
done

# env.sh: every running component's settings, exported, for shells and the README.
{ for f in "$ENVD"/*.env; do sed 's/^/export /' "$f"; done; } > "$TESTENV_RUN/env.sh"
