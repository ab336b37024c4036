{{/* Labels on every object; backstage.io/kubernetes-id lets the catalog's Kubernetes tab find the release's workloads. */}}
{{- define "hello.labels" -}}
app.kubernetes.io/name: hello-kubernetes
app.kubernetes.io/instance: {{ .Release.Name }}
backstage.io/kubernetes-id: {{ .Release.Name }}
{{- end }}
{{- define "hello.selector" -}}
app.kubernetes.io/name: hello-kubernetes
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
