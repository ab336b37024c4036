{{/* Labels on every object; backstage.io/kubernetes-id lets the catalog's Kubernetes tab find the release's workloads. */}}
{{- define "fb.labels" -}}
app.kubernetes.io/name: file-browser
app.kubernetes.io/instance: {{ .Release.Name }}
backstage.io/kubernetes-id: {{ .Release.Name }}
{{- end }}
{{- define "fb.selector" -}}
app.kubernetes.io/name: file-browser
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "fb.root" -}}
{{- if eq .Values.root "shared" }}{{ .Values.knot.sharedDir }}{{ else if eq .Values.root "both" }}/srv{{ else }}{{ .Values.knot.privateDir }}{{ end -}}
{{- end }}
