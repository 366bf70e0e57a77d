{{/*
What the operator does in a watched namespace. Strimzi's resources: watch them, write their status,
and patch their metadata (finalizers). Events: on those resources, for kubectl describe. Secrets:
KafkaUser credentials, cluster CAs and certificates, and Kafka credentials the operator logs in with.
Operands (rbac.operands): the objects of the Kafka clusters the operator runs.
*/}}
{{- define "kao.watchedNamespaceRules" -}}
- apiGroups: [kafka.strimzi.io]
  resources: [kafkas, kafkanodepools, kafkatopics, kafkausers]
  verbs: [get, list, watch, patch, update]
- apiGroups: [kafka.strimzi.io]
  resources: [kafkas/status, kafkanodepools/status, kafkatopics/status, kafkausers/status]
  verbs: [get, patch, update]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
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
{{- end }}
{{- end -}}
