{{/* Names, labels and derived settings shared by the templates. */}}

{{- define "kao.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name: the release name alone when it already contains the chart's name. */}}
{{- define "kao.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kao.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "kao.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "kao.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kao.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "kao.redisSelectorLabels" -}}
app.kubernetes.io/name: {{ include "kao.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: redis
{{- end -}}

{{- define "kao.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "kao.fullname" .) -}}
{{- end -}}

{{- define "kao.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{- define "kao.watchesAllNamespaces" -}}
{{- if eq (toString .Values.watchNamespaces) "*" }}true{{ end -}}
{{- end -}}

{{/* The watched namespaces as a JSON list; the release namespace when none are listed. */}}
{{- define "kao.watchedNamespaces" -}}
{{- if include "kao.watchesAllNamespaces" . -}}
[]
{{- else -}}
{{- .Values.watchNamespaces | default (list .Release.Namespace) | toJson -}}
{{- end -}}
{{- end -}}

{{- define "kao.leaseName" -}}
{{- .Values.leaderElection.leaseName | default (include "kao.fullname" .) -}}
{{- end -}}

{{- define "kao.redisName" -}}
{{- printf "%s-redis" (include "kao.fullname" . | trunc 57 | trimSuffix "-") -}}
{{- end -}}

{{/* The Secret that holds the bundled Redis's password. */}}
{{- define "kao.redisPasswordSecretName" -}}
{{- printf "%s-password" (include "kao.redisName" .) -}}
{{- end -}}

{{/*
The Kafka credentials Secrets the operator reads, as JSON {"namespace": ["name", …]}, leaving out
namespaces whose Secrets the watched-namespace rules already cover.
*/}}
{{- define "kao.credentialsSecretsOutsideWatch" -}}
{{- $watched := include "kao.watchedNamespaces" . | fromJsonArray -}}
{{- $byNamespace := dict -}}
{{- if not (include "kao.watchesAllNamespaces" .) -}}
{{- range $cluster, $settings := .Values.kafkaClusters -}}
{{- with $settings.credentialsSecret -}}
{{- $namespace := index (splitList "/" .) 0 -}}
{{- $name := index (splitList "/" .) 1 -}}
{{- if not (has $namespace $watched) -}}
{{- $names := get $byNamespace $namespace | default list -}}
{{- $_ := set $byNamespace $namespace (append $names $name | uniq | sortAlpha) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson $byNamespace -}}
{{- end -}}

{{/*
The ports of an external Redis, as a JSON list: the sentinels' and networkPolicy.redisPort (the
master's) with redis.sentinel; else redis.url's port, or networkPolicy.redisPort when it names none.
*/}}
{{- define "kao.externalRedisPorts" -}}
{{- $ports := list -}}
{{- range .Values.redis.sentinel.addresses -}}
{{- $ports = append $ports (regexFind "[0-9]+$" . | int) -}}
{{- end -}}
{{- $host := (urlParse (.Values.redis.url | default "redis://redis")).host -}}
{{- if and .Values.redis.url (regexMatch ":[0-9]+$" $host) -}}
{{- $ports = append $ports (regexFind "[0-9]+$" $host | int) -}}
{{- else -}}
{{- $ports = append $ports (.Values.networkPolicy.redisPort | int) -}}
{{- end -}}
{{- $ports | uniq | sortAlpha | toJson -}}
{{- end -}}

{{/* The ports of kafkaClusters' bootstrap addresses, as a sorted JSON list of numbers. */}}
{{- define "kao.kafkaClusterPorts" -}}
{{- $ports := list -}}
{{- range $cluster, $settings := .Values.kafkaClusters -}}
{{- range splitList "," $settings.bootstrap -}}
{{- $ports = append $ports (regexFind "[0-9]+$" . | int) -}}
{{- end -}}
{{- end -}}
{{- $ports | uniq | sortAlpha | toJson -}}
{{- end -}}

{{/* Settings that no schema can check alone: they depend on each other. */}}
{{- define "kao.validate" -}}
{{- $election := .Values.leaderElection -}}
{{- if ge (int $election.renewDeadlineMs) (int $election.leaseDurationMs) -}}
{{- fail (printf "leaderElection.renewDeadlineMs (%v) must be less than leaderElection.leaseDurationMs (%v)" $election.renewDeadlineMs $election.leaseDurationMs) -}}
{{- end -}}
{{- if ge (int $election.retryPeriodMs) (int $election.renewDeadlineMs) -}}
{{- fail (printf "leaderElection.retryPeriodMs (%v) must be less than leaderElection.renewDeadlineMs (%v)" $election.retryPeriodMs $election.renewDeadlineMs) -}}
{{- end -}}
{{- $external := or .Values.redis.url .Values.redis.urlSecret.name -}}
{{- if and .Values.redis.bundled.enabled $external -}}
{{- fail "redis: give either an external Redis (redis.url or redis.urlSecret) or redis.bundled.enabled: true, not both" -}}
{{- end -}}
{{- if and .Values.redis.url .Values.redis.urlSecret.name -}}
{{- fail "redis: give either redis.url or redis.urlSecret, not both" -}}
{{- end -}}
{{- with .Values.redis.sentinel.addresses -}}
{{- if or $.Values.redis.bundled.enabled $external -}}
{{- fail "redis: give either redis.sentinel or another Redis (redis.url, redis.urlSecret, redis.bundled.enabled: true), not both" -}}
{{- end -}}
{{- if not $.Values.redis.sentinel.masterName -}}
{{- fail "redis.sentinel.masterName is required with redis.sentinel.addresses: the name the sentinels monitor the master by" -}}
{{- end -}}
{{- if $.Values.redis.tls.caSecret.name -}}
{{- fail "redis.tls.caSecret is set with redis.sentinel: TLS through Sentinel is not supported" -}}
{{- end -}}
{{- end -}}
{{- end -}}
