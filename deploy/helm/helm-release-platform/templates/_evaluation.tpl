{{/*
The servers the chart runs itself when values name no external one (evaluation only: one replica each):
their port, the user their image runs as, where they keep data, the generated password's key (NATS has
none: the services' NATS client takes no credentials from the URL), and the platform services that connect.
*/}}
{{- define "platform.evaluationServers" -}}
mongodb: { port: 27017, user: 999, dataPath: /data/db, passwordKey: MONGODB_PASSWORD, clients: [users] }
redis: { port: 6379, user: 999, dataPath: /data, passwordKey: REDIS_PASSWORD, clients: [gateway] }
nats: { port: 4222, user: 1000, dataPath: /data, passwordKey: "", clients: [gateway, users, releases] }
{{- end }}

{{/* "true" when the chart runs this server: values gave it neither `url` nor `existingSecret`. (dict "root" $ "server" "mongodb") */}}
{{- define "platform.evaluated" -}}
{{- $server := index .root.Values .server }}
{{- if not (or $server.url $server.existingSecret) }}true{{ end }}
{{- end }}

{{/* Name of an evaluation server's objects, short enough for a StatefulSet's pod labels: (dict "root" $ "component" "mongodb"). */}}
{{- define "platform.evaluationName" -}}
{{- printf "%s-%s" (include "platform.fullname" .root | trunc 44 | trimSuffix "-") .component }}
{{- end }}

{{/* The URL the services reach an evaluation server at: (dict "root" $ "component" "mongodb"). */}}
{{- define "platform.evaluationUrl" -}}
{{- $host := include "platform.evaluationName" . }}
{{- $generated := include "platform.generatedSecrets" .root | fromYaml }}
{{- if eq .component "mongodb" }}
{{- printf "mongodb://platform:%s@%s:27017/platform?authSource=admin" $generated.MONGODB_PASSWORD $host }}
{{- else if eq .component "redis" }}
{{- printf "redis://:%s@%s:6379" $generated.REDIS_PASSWORD $host }}
{{- else }}
{{- printf "nats://%s:4222" $host }}
{{- end }}
{{- end }}

{{- define "platform.evaluationSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities: { drop: [ALL] }
{{- end }}

{{/* An env entry from the generated Secret: (dict "root" $ "name" ENV "key" KEY). */}}
{{- define "platform.generatedEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "platform.generatedSecretName" .root }}
      key: {{ .key }}
{{- end }}

{{/*
What differs between the servers' containers: command, environment, probes, and ports beyond the one the
services connect to. The official
images' entrypoints only switch from root to their own user, which the pod already is; MongoDB's also
creates the root user on an empty volume, so it is kept for MongoDB.
*/}}
{{- define "platform.evaluation.mongodb" -}}
args:
  - mongod
  - --bind_ip_all
  - --dbpath
  - /data/db
  - --wiredTigerCacheSizeGB
  - {{ .values.cacheSizeGB | toString | quote }}
env:
  - name: MONGO_INITDB_ROOT_USERNAME
    value: platform
  {{- include "platform.generatedEnv" (dict "root" .root "name" "MONGO_INITDB_ROOT_PASSWORD" "key" "MONGODB_PASSWORD") | nindent 2 }}
startupProbe:
  # The first start creates the root user on a mongod that listens on loopback only, then restarts it.
  tcpSocket: { port: mongodb }
  periodSeconds: 5
  failureThreshold: 60
livenessProbe:
  tcpSocket: { port: mongodb }
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 6
readinessProbe:
  exec:
    command: [mongosh, --quiet, --norc, --eval, "quit(db.adminCommand({ ping: 1 }).ok ? 0 : 1)"]
  periodSeconds: 10
  timeoutSeconds: 10
  failureThreshold: 3
{{- end }}

{{- define "platform.evaluation.redis" -}}
command: [redis-server]
args: [--appendonly, "yes", --dir, /data, --requirepass, "$(REDIS_PASSWORD)"]
env:
  {{- include "platform.generatedEnv" (dict "root" .root "name" "REDIS_PASSWORD" "key" "REDIS_PASSWORD") | nindent 2 }}
  {{- include "platform.generatedEnv" (dict "root" .root "name" "REDISCLI_AUTH" "key" "REDIS_PASSWORD") | nindent 2 }}
livenessProbe:
  tcpSocket: { port: redis }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 6
readinessProbe:
  exec:
    command: [sh, -c, "redis-cli -h 127.0.0.1 ping | grep -q PONG"]
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end }}

{{- define "platform.evaluation.nats" -}}
command: [nats-server]
args: [--port, "4222", --http_port, "8222", --jetstream, --store_dir, /data]
ports:
  - name: nats
    containerPort: 4222
    protocol: TCP
  - name: monitor
    containerPort: 8222
    protocol: TCP
startupProbe:
  httpGet: { path: "/healthz?js-enabled-only=true", port: monitor }
  periodSeconds: 2
  failureThreshold: 30
livenessProbe:
  httpGet: { path: "/healthz?js-enabled-only=true", port: monitor }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /healthz, port: monitor }
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end }}
