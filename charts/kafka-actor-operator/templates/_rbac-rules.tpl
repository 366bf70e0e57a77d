{{/*
What the operator does in a watched namespace, verb by verb as the code calls the API (docs/security.md
says why each is needed; a test compares the rendered rules with its table). KafkaTopics and KafkaUsers:
listed and watched, patched for their finalizers and status. Events: created, for kubectl describe.
Secrets: the Kafka credentials the operator logs in with and the password Secrets KafkaUsers name
(get); KafkaUsers' Secrets (watched, applied, deleted); the CAs and certificates (created, then
replaced with the resourceVersion read, so racing writers find out). Operands (rbac.operands): the
Kafkas and KafkaNodePools, and the objects of the clusters the operator runs: their pods (watched,
created and deleted; patched for annotations only), the rest applied server-side (patch, and create for a first
apply) and pruned; all of them watched (labelled strimzi.io/kind=Kafka), so a reconcile reads them from
the operator's caches. Nodes are cluster-scoped: the ClusterRole of the all-namespaces mode reads them
(with listed namespaces, rbac.nodes grants the same in a ClusterRole of its own), for nodeport
listeners' addresses and the racks of brokers.
*/}}
{{- define "kao.watchedNamespaceRules" -}}
- apiGroups: [kafka.strimzi.io]
  resources: [kafkatopics, kafkausers]
  verbs: [list, watch, patch]
- apiGroups: [kafka.strimzi.io]
  resources: [kafkatopics/status, kafkausers/status]
  verbs: [patch]
- apiGroups: [""]
  resources: [events]
  verbs: [create]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, watch, create, update, patch, delete]
{{- if .Values.rbac.operands }}
- apiGroups: [kafka.strimzi.io]
  resources: [kafkas]
  verbs: [list, watch]
- apiGroups: [kafka.strimzi.io]
  resources: [kafkanodepools]
  verbs: [list, watch, patch]
- apiGroups: [kafka.strimzi.io]
  resources: [kafkas/status, kafkanodepools/status]
  verbs: [patch]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [persistentvolumeclaims]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [services, configmaps, serviceaccounts]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies, ingresses]
  verbs: [list, watch, create, patch, delete]
{{- if include "kao.watchesAllNamespaces" . }}
{{ include "kao.nodeRules" . }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Without the nodes a nodeport listener's status shows the nodes' internal addresses, from the pods, and a
broker whose rack is a node label (spec.kafka.rack.topologyKey) waits for it.
*/}}
{{- define "kao.nodeRules" -}}
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list]
{{- end -}}
