#!/usr/bin/env bash
# Prints two Kubernetes Secrets (YAML) for Weir's control channel, for installs without Helm or
# cert-manager (deploy/weir.yaml expects them):
#   <name>-operator-control-tls   the operator's server certificate (SANs: its Service DNS names)
#   <name>-dataplane-control-tls  the data planes' client certificate
# Both carry tls.crt, tls.key and ca.crt from one new CA, whose key is thrown away: to rotate,
# run this again, apply, and restart both deployments: each run makes a new CA, which open control
# connections do not learn of until they redial (see deploy/README.md).
#
# Usage: deploy/control-certs.sh [NAMESPACE] [NAME] [DAYS] | kubectl apply -f -
#   NAMESPACE  where Weir runs (default weir); NAME  the chart's fullname (default weir);
#   DAYS       validity (default 3650).
# The output holds private keys: pipe it to kubectl, do not save it in a repository or a log.
set -euo pipefail

namespace="${1:-weir}"
name="${2:-weir}"
days="${3:-3650}"
operator="${name}-operator"
dataplane="${name}-dataplane"
cluster_domain="${CLUSTER_DOMAIN:-cluster.local}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077
cd "$work"

# EC P-256 keys in PKCS#8 (openssl genpkey's format), which every TLS stack on both ends reads.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -days "$days" -subj "/CN=${name} control channel CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.crt 2>/dev/null

issue() { # issue FILE_PREFIX COMMON_NAME EXTENSIONS
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null
  openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}

issue operator "$operator" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:${operator},DNS:${operator}.${namespace},DNS:${operator}.${namespace}.svc,DNS:${operator}.${namespace}.svc.${cluster_domain}"
issue dataplane "$dataplane" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"

b64() { base64 < "$1" | tr -d '\n'; }

secret() { # secret NAME COMPONENT FILE_PREFIX
  cat <<YAML
---
apiVersion: v1
kind: Secret
metadata:
  name: $1
  namespace: ${namespace}
  labels:
    app.kubernetes.io/name: weir
    app.kubernetes.io/component: $2
    weir.dev/control-channel: "true"
type: kubernetes.io/tls
data:
  tls.crt: $(b64 "$3.crt")
  tls.key: $(b64 "$3.key")
  ca.crt: $(b64 ca.crt)
YAML
}

secret "${operator}-control-tls" operator operator
secret "${dataplane}-control-tls" dataplane dataplane
