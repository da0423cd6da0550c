{{- define "weir.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every object. Release "weir" of chart "weir" gives "weir". */}}
{{- define "weir.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "weir.operator.fullname" -}}{{ include "weir.fullname" . }}-operator{{- end }}
{{- define "weir.dataplane.fullname" -}}{{ include "weir.fullname" . }}-dataplane{{- end }}

{{- define "weir.sessionTicketKeys.secretName" -}}
{{- .Values.sessionTicketKeys.secretName | default (printf "%s-session-ticket-keys" (include "weir.fullname" .)) }}
{{- end }}

{{- define "weir.operator.tlsSecret" -}}
{{- if and (eq .Values.controlTls.source "existing") .Values.controlTls.existing.operatorSecret }}
{{- .Values.controlTls.existing.operatorSecret }}
{{- else }}
{{- include "weir.operator.fullname" . }}-control-tls
{{- end }}
{{- end }}

{{- define "weir.dataplane.tlsSecret" -}}
{{- if and (eq .Values.controlTls.source "existing") .Values.controlTls.existing.dataplaneSecret }}
{{- .Values.controlTls.existing.dataplaneSecret }}
{{- else }}
{{- include "weir.dataplane.fullname" . }}-control-tls
{{- end }}
{{- end }}

{{/* The DNS names the operator's control-channel certificate must carry. */}}
{{- define "weir.operator.dnsNames" -}}
{{- $svc := include "weir.operator.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.clusterDomain) | toJson }}
{{- end }}

{{/* What the data plane dials: the operator Service's namespace-qualified name (a SAN above). */}}
{{- define "weir.operator.address" -}}
{{- printf "%s.%s.svc:%d" (include "weir.operator.fullname" .) .Release.Namespace (int .Values.operator.controlPort) }}
{{- end }}

{{- define "weir.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "weir.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: weir
{{- end }}

{{- define "weir.operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "weir.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "weir.dataplane.selectorLabels" -}}
app.kubernetes.io/name: {{ include "weir.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: dataplane
{{- end }}

{{/* One of the two images: "weir.image" (dict "root" . "repository" NAME). */}}
{{- define "weir.image" -}}
{{- $image := .root.Values.image }}
{{- $name := .repository }}
{{- with $image.registry }}
{{- $name = printf "%s/%s" (trimSuffix "/" .) $name }}
{{- end }}
{{- printf "%s:%s" $name (default .root.Chart.AppVersion $image.tag) }}
{{- end }}

{{/*
A pod's topologySpreadConstraints: (dict "constraints" LIST "selectorLabels" YAML). A constraint
without labelSelector would count every pod of the namespace: it gets the component's.
*/}}
{{- define "weir.topologySpreadConstraints" -}}
{{- $constraints := list }}
{{- range .constraints }}
{{- $c := deepCopy . }}
{{- if not (hasKey $c "labelSelector") }}
{{- $_ := set $c "labelSelector" (dict "matchLabels" ($.selectorLabels | fromYaml)) }}
{{- end }}
{{- $constraints = append $constraints $c }}
{{- end }}
{{- toYaml $constraints }}
{{- end }}

{{- define "weir.validate" -}}
{{- if not (has .Values.controlTls.source (list "helm" "cert-manager" "existing")) }}
{{- fail (printf "controlTls.source must be helm, cert-manager or existing, not %q" .Values.controlTls.source) }}
{{- end }}
{{- if not (has .Values.dataplane.kind (list "Deployment" "DaemonSet")) }}
{{- fail (printf "dataplane.kind must be Deployment or DaemonSet, not %q" .Values.dataplane.kind) }}
{{- end }}
{{- if and .Values.dataplane.autoscaling.enabled (eq .Values.dataplane.kind "DaemonSet") }}
{{- fail "dataplane.autoscaling needs dataplane.kind Deployment" }}
{{- end }}
{{- if and .Values.dataplane.hostNetwork .Values.dataplane.hostPort.enabled }}
{{- fail "dataplane.hostNetwork and dataplane.hostPort.enabled exclude each other: with hostNetwork the listeners already bind dataplane.httpPort/httpsPort on the node" }}
{{- end }}
{{- if not (has .Values.dataplane.antiAffinity (list "soft" "hard")) }}
{{- fail (printf "dataplane.antiAffinity must be soft or hard, not %q" .Values.dataplane.antiAffinity) }}
{{- end }}
{{- end }}
