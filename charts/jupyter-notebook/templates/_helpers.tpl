{{/* Labels on every object; backstage.io/kubernetes-id lets the catalog's Kubernetes tab find the release's workloads. */}}
{{- define "nb.labels" -}}
app.kubernetes.io/name: jupyter-notebook
app.kubernetes.io/instance: {{ .Release.Name }}
backstage.io/kubernetes-id: {{ .Release.Name }}
{{- end }}
{{- define "nb.selector" -}}
app.kubernetes.io/name: jupyter-notebook
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
