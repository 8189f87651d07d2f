{{/*
The two Secrets the chart may create:
- <fullname>: what values gave (server URLs, the platform's secrets) and the URLs of the evaluation servers,
  rendered anew from values on every upgrade;
- <fullname>-generated: random values made for what values left out (the platform's secrets, the evaluation
  servers' passwords), made once, read back with `lookup` on every upgrade and never replaced, and kept when
  the release is uninstalled (the evaluation servers' volumes are kept too, and need the same passwords).
*/}}
{{- define "platform.secretName" -}}
{{- include "platform.fullname" . }}
{{- end }}

{{- define "platform.generatedSecretName" -}}
{{- printf "%s-generated" (include "platform.fullname" .) }}
{{- end }}

{{/* Each server's URL variable. */}}
{{- define "platform.serverUrlVariables" -}}
MONGO_URL: mongodb
REDIS_URL: redis
NATS_URL: nats
{{- end }}

{{/* The platform's own secret variables, and the `secrets` value that may give each. */}}
{{- define "platform.platformSecretValues" -}}
INTERNAL_SIGNING_SECRET: internalSigningSecret
KUBECONFIG_ENCRYPTION_KEYS: kubeconfigEncryptionKeys
{{- end }}

{{/*
The generated Secret's data, plain, as YAML: whatever the cluster's Secret already holds (a new encryption key
would make every stored kubeconfig unreadable, a new password would lock the platform out of its evaluation
server's data), plus a random value for each one now needed and not there yet. Made once per render and kept
on the root context, so every template of a render sees the same values, even when `lookup` finds nothing
(a first install, `helm template`).
*/}}
{{- define "platform.generatedSecrets" -}}
{{- if not (hasKey . "platformGeneratedSecrets") }}
{{- $data := dict }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "platform.generatedSecretName" .) }}
{{- range $key, $value := ($existing.data | default dict) }}
{{- $_ := set $data $key (b64dec $value) }}
{{- end }}
{{- if not .Values.secrets.existingSecret }}
{{- /* A secret given in values before and left out of this upgrade stays the one in use: it carries over. */}}
{{- $given := (lookup "v1" "Secret" .Release.Namespace (include "platform.secretName" .)).data | default dict }}
{{- range $name, $value := include "platform.platformSecretValues" . | fromYaml }}
{{- if and (not (index $.Values.secrets $value)) (hasKey $given $name) }}
{{- $previous := b64dec (index $given $name) }}
{{- if not (hasKey $data $name) }}
{{- $_ := set $data $name $previous }}
{{- else if ne (index $data $name) $previous }}
{{- fail (printf "secrets.%s was given to this release before and is left out now: give it again (the generated one would replace the one in use)" $value) }}
{{- end }}
{{- end }}
{{- end }}
{{- if not (or .Values.secrets.internalSigningSecret (hasKey $data "INTERNAL_SIGNING_SECRET")) }}
{{- $_ := set $data "INTERNAL_SIGNING_SECRET" (randAlphaNum 64) }}
{{- end }}
{{- if not (or .Values.secrets.kubeconfigEncryptionKeys (hasKey $data "KUBECONFIG_ENCRYPTION_KEYS")) }}
{{- $_ := set $data "KUBECONFIG_ENCRYPTION_KEYS" (printf "k1:%s" (randBytes 32)) }}
{{- end }}
{{- end }}
{{- range $server, $spec := include "platform.evaluationServers" . | fromYaml }}
{{- if and $spec.passwordKey (include "platform.evaluated" (dict "root" $ "server" $server)) (not (hasKey $data $spec.passwordKey)) }}
{{- $_ := set $data $spec.passwordKey (randAlphaNum 32) }}
{{- end }}
{{- end }}
{{- $_ := set . "platformGeneratedSecrets" $data }}
{{- end }}
{{- toYaml .platformGeneratedSecrets }}
{{- end }}

{{/* A service's secret variable, from the Secret that holds it: (dict "root" $ "name" "MONGO_URL"). */}}
{{- define "platform.secretEnv" -}}
{{- $values := .root.Values }}
{{- $secret := include "platform.secretName" .root }}
{{- $key := .name }}
{{- $server := get (include "platform.serverUrlVariables" .root | fromYaml) .name }}
{{- if $server }}
{{- with (index $values $server).existingSecret }}
{{- $secret = .name }}
{{- $key = default $key .key }}
{{- end }}
{{- else if $values.secrets.existingSecret }}
{{- $secret = $values.secrets.existingSecret }}
{{- else if not (index $values.secrets (get (include "platform.platformSecretValues" .root | fromYaml) .name)) }}
{{- $secret = include "platform.generatedSecretName" .root }}
{{- end -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end }}
