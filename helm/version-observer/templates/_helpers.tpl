{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "version-observer.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: release-chart, unless the release name already contains the chart name. */}}
{{- define "version-observer.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "version-observer.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: stable across upgrades. */}}
{{- define "version-observer.selectorLabels" -}}
app.kubernetes.io/name: {{ include "version-observer.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "version-observer.labels" -}}
helm.sh/chart: {{ include "version-observer.chart" . }}
{{ include "version-observer.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: server
app.kubernetes.io/part-of: version-observer
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The election Lease; RBAC restricts get/update/patch/watch to this name. */}}
{{- define "version-observer.leaseName" -}}
{{- default (include "version-observer.fullname" .) .Values.leader.leaseName }}
{{- end }}

{{/* The pods' selector labels as a label-selector string (kubectl -l in NOTES). */}}
{{- define "version-observer.podSelector" -}}
app.kubernetes.io/name={{ include "version-observer.name" . }},app.kubernetes.io/instance={{ .Release.Name }}
{{- end }}

{{/* The named port the observer serves on: "http" alone, "observer" beside the app's container in sidecar mode. */}}
{{- define "version-observer.observerPortName" -}}
{{- if eq .Values.mode "sidecar" }}observer{{ else }}http{{ end }}
{{- end }}

{{/* Sidecar mode: the app's image, whose tag is the version the pods report. Fails with the setting's name. */}}
{{- define "version-observer.appImage" -}}
{{- $repository := required "mode=sidecar needs app.image.repository: your app's image" .Values.app.image.repository }}
{{- $tag := required "mode=sidecar needs app.image.tag: your app's version, a semantic version such as 1.4.2 (pages are told when it changes)" .Values.app.image.tag }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}
