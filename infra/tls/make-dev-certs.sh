#!/usr/bin/env bash
# Makes a development certificate authority and one cluster certificate it issued, for TLS between the silos and
# the console of infra/docker-compose.yml (or any test cluster). Not for production: use your CA or cert-manager.
#   bash infra/tls/make-dev-certs.sh [OUT_DIR]      (default: infra/tls/dev, which git ignores)
# Writes ca.crt, tls.crt and tls.key, the names a Kubernetes TLS Secret from cert-manager carries. An existing
# OUT_DIR/tls.crt is kept (delete the folder to make new ones).
set -euo pipefail
out="${1:-$(dirname "$0")/dev}"
mkdir -p "$out"
if [[ -f "$out/tls.crt" ]]; then
  echo "make-dev-certs: $out/tls.crt exists; keeping it"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
  -subj "/CN=lenssweep-dev-ca" -keyout "$work/ca.key" -out "$out/ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=lenssweep-cluster" \
  -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
# Silos serve (serverAuth) and dial each other and are dialled by consoles holding the same certificate (clientAuth).
cat > "$work/ext.cnf" <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:silo-1,DNS:silo-2,DNS:localhost
EXT
openssl x509 -req -in "$work/tls.csr" -CA "$out/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 365 \
  -extfile "$work/ext.cnf" -out "$out/tls.crt" 2>/dev/null
# PKCS#8 PEM, readable by the containers' non-root user (a development key; a Secret's mode guards a real one).
openssl pkcs8 -topk8 -nocrypt -in "$work/tls.key" -out "$out/tls.key"
chmod 0644 "$out/ca.crt" "$out/tls.crt" "$out/tls.key"
echo "make-dev-certs: wrote $out/ca.crt, $out/tls.crt, $out/tls.key"
