{{/* Names: every object is <release>-knot-<part> unless the release is named knot. */}}
{{- define "knot.fullname" -}}
{{- if contains "knot" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-knot" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "knot.portal" -}}{{ include "knot.fullname" . }}-portal{{- end -}}
{{- define "knot.webhook" -}}{{ include "knot.fullname" . }}-webhook{{- end -}}

{{- define "knot.labels" -}}
app.kubernetes.io/name: knot
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "knot.portalSelector" -}}
app.kubernetes.io/name: knot
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: portal
{{- end -}}

{{- define "knot.webhookSelector" -}}
app.kubernetes.io/name: knot
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: webhook
{{- end -}}

{{- define "knot.image" -}}
{{- $img := index . 0 -}}{{- $root := index . 1 -}}
{{- printf "%s/%s:%s" $root.Values.image.registry $img.repository (default $root.Chart.AppVersion $img.tag) -}}
{{- end -}}

{{/* The registry route's key to push-auth (knot.images.registry.pushAuthKey):
  made once and kept in the portal's Secret; one value for the Secret and the
  route's auth-url in a render (held in .Values, which every template shares). */}}
{{- define "knot.pushAuthKey" -}}
{{- if not (hasKey .Values "knotPushAuthKeyOfThisRender") -}}
{{- $old := (lookup "v1" "Secret" .Release.Namespace (printf "%s-secrets" (include "knot.portal" .))).data | default dict -}}
{{- $_ := set .Values "knotPushAuthKeyOfThisRender" (index $old "push-auth-key" | default "" | b64dec | default (randAlphaNum 40)) -}}
{{- end -}}
{{- .Values.knotPushAuthKeyOfThisRender -}}
{{- end -}}

{{- define "knot.publicUrl" -}}
{{- if .Values.publicUrl -}}{{ trimSuffix "/" .Values.publicUrl }}{{- else if .Values.ingress.port -}}https://{{ .Values.domain }}:{{ .Values.ingress.port }}{{- else -}}https://{{ .Values.domain }}{{- end -}}
{{- end -}}

{{/* Where pods reach the API server, when not the kubernetes Service. */}}
{{- define "knot.apiServerEnv" -}}
{{- with .Values.knot.kubernetes.apiServer.host }}
- name: KUBERNETES_SERVICE_HOST
  value: {{ . | quote }}
- name: KUBERNETES_SERVICE_PORT
  value: {{ $.Values.knot.kubernetes.apiServer.port | quote }}
{{- end }}
{{- end -}}

{{- define "knot.apiServerUrl" -}}
{{- if .Values.knot.kubernetes.apiServer.host -}}
https://{{ .Values.knot.kubernetes.apiServer.host }}:{{ .Values.knot.kubernetes.apiServer.port }}
{{- else -}}
https://kubernetes.default.svc
{{- end -}}
{{- end -}}

{{/* Checks no schema can express across values. */}}
{{- define "knot.validate" -}}
{{- if and (gt (int .Values.portal.replicas) 1) (ne .Values.database.type "postgres") -}}
{{- fail "portal.replicas > 1 needs database.type=postgres (replicas share sessions, keys and locks through it)" -}}
{{- end -}}
{{- if and (eq .Values.database.type "postgres") (or (not .Values.database.postgres.host) (not .Values.database.postgres.existingSecret)) -}}
{{- fail "database.type=postgres needs database.postgres.host and database.postgres.existingSecret" -}}
{{- end -}}
{{- if and (eq .Values.storage.type "csi") (not .Values.storage.existingClaim) -}}
{{- fail "storage.type=csi needs storage.existingClaim (the portal's mount of the same storage)" -}}
{{- end -}}
{{- if and .Values.ingress.registryRoute.enabled (not .Values.ingress.registryRoute.service.name) -}}
{{- fail "ingress.registryRoute.enabled needs ingress.registryRoute.service.name (the registry's Service)" -}}
{{- end -}}
{{- if and (eq .Values.storage.type "nfs") (not .Values.storage.nfs.server) -}}
{{- fail "storage.type=nfs needs storage.nfs.server" -}}
{{- end -}}
{{- /* The portal may write in every <prefix>* namespace (profiles): its own
     namespace among them would let it rebind itself there and take over
     the webhook and the secrets it keeps. */ -}}
{{- if hasPrefix .Values.knot.namespacePrefix .Release.Namespace -}}
{{- fail (printf "install Knot in a namespace outside %s* (profiles' namespaces), e.g. 'knot', not '%s'" .Values.knot.namespacePrefix .Release.Namespace) -}}
{{- end -}}
{{- end -}}

{{- /* The ClusterRole Argo Workflows' per-profile accounts are bound to. */ -}}
{{- define "knot.argoWorkflowsRole" -}}{{ include "knot.fullname" . }}-argo-workflows{{- end -}}

{{- /* KNOT_INTEGRATION_<NAME>_OIDC_SECRET: the env of an integration's client secret. */ -}}
{{- define "knot.integrationSecretEnv" -}}KNOT_INTEGRATION_{{ . | snakecase | upper }}_OIDC_SECRET{{- end -}}

{{/* URL-prefix mode: the services' host (default services.<domain>). */}}
{{- define "knot.servicesHost" -}}
{{- .Values.exposure.host | default (printf "services.%s" .Values.domain) -}}
{{- end -}}

{{/* URL-prefix mode: knot.services.exposure (portal) = ingress.exposure (webhook). */}}
{{- define "knot.exposure" -}}
mode: prefix
host: {{ include "knot.servicesHost" . | quote }}
pathPrefix: {{ .Values.exposure.pathPrefix | default "/services" | quote }}
{{- if .Values.exposure.allowPortalHost }}
allowPortalHost: true
{{- end }}
{{- end -}}
