#!/usr/bin/env bash
# Creates the test control plane's PKI once per run directory: a CA, the apiserver's serving
# certificate, an admin client certificate (group system:masters) and the service-account keys.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKI=$TESTENV_RUN/pki
[ -f "$PKI/admin.crt" ] && exit 0
mkdir -p "$PKI"; cd "$PKI"

openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=testenv-ca \
  -keyout ca.key -out ca.crt 2>/dev/null

sign() { # name subject extensions
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
sign apiserver /CN=kube-apiserver "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc
extendedKeyUsage=serverAuth
keyUsage=digitalSignature,keyEncipherment"
sign admin "/O=system:masters/CN=admin" "extendedKeyUsage=clientAuth
keyUsage=digitalSignature,keyEncipherment"

openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
