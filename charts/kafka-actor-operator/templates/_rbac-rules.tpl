{{/*
What the operator does in a watched namespace. Strimzi's resources: watch them, patch their
metadata (finalizers) and their status. Events: on those resources, for kubectl describe. Secrets:
the Kafka credentials the operator logs in with, KafkaUsers' Secrets (created, updated, deleted;
the password Secrets they name, read), the clients CA, cluster CAs and certificates. Operands
(rbac.operands): the objects of the Kafka clusters the operator runs, and (cluster-wide only) the
nodes their nodeport listeners are reached on (read, and listed for the names of TLS brokers' certificates).
*/}}
{{- define "kao.watchedNamespaceRules" -}}
- apiGroups: [kafka.strimzi.io]
  resources: [kafkas, kafkanodepools, kafkatopics, kafkausers]
  verbs: [get, list, watch, patch]
- apiGroups: [kafka.strimzi.io]
  resources: [kafkas/status, kafkanodepools/status, kafkatopics/status, kafkausers/status]
  verbs: [patch]
- apiGroups: [""]
  resources: [events]
  verbs: [create]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, watch, create, update, patch, delete]
{{- if .Values.rbac.operands }}
- apiGroups: [""]
  resources: [pods, services, configmaps, persistentvolumeclaims, serviceaccounts]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch, create, update, patch, delete]
{{- /* Nodes are cluster-scoped: only the ClusterRole can grant them. Without it a nodeport listener's
status shows the nodes' internal addresses, from the pods. */}}
{{- if include "kao.watchesAllNamespaces" . }}
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list]
{{- end }}
{{- end }}
{{- end -}}
