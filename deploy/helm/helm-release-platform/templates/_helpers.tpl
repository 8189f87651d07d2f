{{/* The services of the platform, the port each listens on, and who may call it. */}}
{{- define "platform.components" -}}
gateway: { port: 8080, callers: [] }
users: { port: 8081, callers: [gateway, releases] }
releases: { port: 8082, callers: [gateway] }
{{- end }}

{{- define "platform.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-<chart>, or just <release> when it already contains the chart's name. */}}
{{- define "platform.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Name of a service's objects: (dict "root" $ "component" "gateway"). */}}
{{- define "platform.componentName" -}}
{{- printf "%s-%s" (include "platform.fullname" .root) .component }}
{{- end }}

{{- define "platform.selectorLabels" -}}
app.kubernetes.io/name: {{ include "platform.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "platform.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{ include "platform.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: {{ include "platform.name" .root }}
{{- end }}

{{- define "platform.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "platform.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Plain environment of a service: where it listens, whom it calls, and its `config` values. */}}
{{- define "platform.configData" -}}
{{- $root := .root }}
{{- $component := .component }}
{{- $port := (get (include "platform.components" $root | fromYaml) $component).port -}}
HOST: "0.0.0.0"
PORT: {{ $port | quote }}
LOG_LEVEL: {{ $root.Values.logLevel | quote }}
{{- if has $component (list "gateway" "releases") }}
USERS_URL: {{ printf "http://%s:8081" (include "platform.componentName" (dict "root" $root "component" "users")) | quote }}
{{- end }}
{{- if and (eq $component "releases") (not (hasKey $root.Values.releases.config "HELM_WORK_DIR")) }}
HELM_WORK_DIR: "/helm-work"
{{- end }}
{{- if eq $component "gateway" }}
RELEASES_URL: {{ printf "http://%s:8082" (include "platform.componentName" (dict "root" $root "component" "releases")) | quote }}
{{- end }}
{{- range $name, $value := (index $root.Values $component).config }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}
