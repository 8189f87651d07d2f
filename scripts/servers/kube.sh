# Sourced by scripts/servers.sh: etcd + kube-apiserver (RBAC on, no scheduler/kubelet: objects are stored, pods
# never run), their certificates and tokens (run/pki), the RBAC objects of scripts/servers/kube/*.yaml and the
# kubeconfig made from scripts/servers/kube/kubeconfig.template.

etcd_port=${PLATFORM_ETCD_PORT:-2379}
etcd_peer_port=${PLATFORM_ETCD_PEER_PORT:-2380}
kube_port=${PLATFORM_KUBE_PORT:-6443}
kube_timeout=${PLATFORM_KUBE_TIMEOUT:-120}
kube_files="$root/scripts/servers/kube"
pki="$run/pki"
kubeconfig="$run/kubeconfig"
service_cidr=10.0.0.0/24
# The namespace of the limited context; the RBAC objects in scripts/servers/kube/ name it too.
limited_ns=team-a

etcd_ok() { curl -sf --max-time 3 "http://$host:$etcd_port/health" 2>/dev/null | grep -q '"health":"true"'; }

kube_ok() {
  [ -s "$pki/ca.crt" ] && [ -n "${admin_token:-}" ] || return 1
  [ "$(curl -s --max-time 5 --cacert "$pki/ca.crt" -H "Authorization: Bearer $admin_token" \
    "https://$host:$kube_port/readyz" 2>/dev/null)" = ok ]
}

# Sets admin_token and limited_token from run/pki/tokens.csv (empty when it does not exist yet).
read_tokens() {
  admin_token="" limited_token=""
  [ -s "$pki/tokens.csv" ] || return 0
  admin_token=$(awk -F, '$2 == "admin" { print $1 }' "$pki/tokens.csv")
  limited_token=$(awk -F, '$2 == "limited-user" { print $1 }' "$pki/tokens.csv")
}

# Certificates and tokens for the API server, generated once and kept in run/pki.
ensure_pki() {
  mkdir -p "$pki"
  chmod 700 "$pki"
  local o="openssl"
  if [ ! -s "$pki/ca.crt" ] || [ ! -s "$pki/ca.key" ]; then
    rm -f "$pki/apiserver.crt"
    $o genrsa -out "$pki/ca.key" 2048 2>/dev/null
    $o req -x509 -new -nodes -key "$pki/ca.key" -sha256 -days 3650 -subj "/CN=porter-platform-test-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$pki/ca.crt" 2>/dev/null || die "openssl: cannot create the CA"
  fi
  if [ ! -s "$pki/apiserver.crt" ] || [ ! -s "$pki/apiserver.key" ]; then
    $o genrsa -out "$pki/apiserver.key" 2048 2>/dev/null
    $o req -new -key "$pki/apiserver.key" -subj "/CN=kube-apiserver" -out "$pki/apiserver.csr" 2>/dev/null
    cat >"$pki/apiserver.ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EXT
    $o x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -sha256 -days 3650 \
      -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt" 2>/dev/null || die "openssl: cannot sign the serving certificate"
    rm -f "$pki/apiserver.csr"
  fi
  if [ ! -s "$pki/sa.key" ] || [ ! -s "$pki/sa.pub" ]; then
    $o genrsa -out "$pki/sa.key" 2048 2>/dev/null
    $o rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null || die "openssl: cannot create the service-account key"
  fi
  if [ ! -s "$pki/tokens.csv" ]; then
    # token,user,uid,"groups"
    {
      echo "$($o rand -hex 32),admin,admin,\"system:masters\""
      echo "$($o rand -hex 32),limited-user,limited-user,"
    } >"$pki/tokens.csv"
  fi
  chmod 600 "$pki"/*.key "$pki/tokens.csv"
  read_tokens
  [ -n "$admin_token" ] && [ -n "$limited_token" ] || die "$pki/tokens.csv lacks the admin or limited-user token"
}

# kreq METHOD PATH [FILE]: sends FILE (YAML) as the admin; prints the HTTP status; the body goes to run/last-response.json.
kreq() {
  local args=(-s --max-time 15 --cacert "$pki/ca.crt" -H "Authorization: Bearer $admin_token"
    -H "Content-Type: application/yaml" -H "Accept: application/json" -X "$1" -o "$run/last-response.json" -w '%{http_code}')
  [ $# -ge 3 ] && args+=(--data-binary "@$3")
  curl "${args[@]}" "https://$host:$kube_port$2" || echo 000
}

# kensure COLLECTION NAME FILE: create, or replace when it exists (so rule changes in the file take effect).
kensure() {
  local code
  code=$(kreq POST "$1" "$3")
  case "$code" in
    200 | 201) return 0 ;;
    409) [ "$1" = /api/v1/namespaces ] && return 0
      code=$(kreq PUT "$1/$2" "$3")
      [ "$code" = 200 ] && return 0 ;;
  esac
  die "kube-apiserver: writing $1/$2 answered HTTP $code: $(head -c 400 "$run/last-response.json" 2>/dev/null)"
}

setup_rbac() {
  local rbac=/apis/rbac.authorization.k8s.io/v1/namespaces/$limited_ns
  kensure /api/v1/namespaces "$limited_ns" "$kube_files/namespace.yaml"
  kensure "$rbac/roles" limited-user-full "$kube_files/role.yaml"
  kensure "$rbac/rolebindings" limited-user-full "$kube_files/rolebinding.yaml"
}

write_kubeconfig() {
  local ca tmp="$kubeconfig.tmp.$$"
  ca=$(base64 <"$pki/ca.crt" | tr -d '\n')
  sed -e "s|@SERVER@|https://$host:$kube_port|" -e "s|@CA_DATA@|$ca|" -e "s|@ADMIN_TOKEN@|$admin_token|" \
    -e "s|@LIMITED_TOKEN@|$limited_token|" -e "s|@LIMITED_NAMESPACE@|$limited_ns|" \
    "$kube_files/kubeconfig.template" >"$tmp"
  chmod 600 "$tmp"
  mv -f "$tmp" "$kubeconfig"
}

start_etcd() {
  # etcd starts on an empty store: with no namespace controller or garbage collector, old objects
  # (Terminating namespaces, released tests' leftovers) would otherwise pile up forever.
  if ! etcd_ok && ! our_pid etcd >/dev/null; then
    stop_one kube-apiserver >/dev/null
    rm -rf "$run/etcd"
  fi
  mkdir -p "$run/etcd"
  chmod 700 "$run/etcd"
  serve etcd "http://$host:$etcd_port" "$etcd_port" PLATFORM_ETCD_PORT 30 etcd_ok -- \
    "$bin/etcd" --name platform-test --data-dir "$run/etcd" \
    --listen-client-urls "http://$host:$etcd_port" --advertise-client-urls "http://$host:$etcd_port" \
    --listen-peer-urls "http://$host:$etcd_peer_port" --initial-advertise-peer-urls "http://$host:$etcd_peer_port" \
    --initial-cluster "platform-test=http://$host:$etcd_peer_port" --initial-cluster-state new \
    --unsafe-no-fsync --log-level warn
}

start_kube_apiserver() {
  serve kube-apiserver "https://$host:$kube_port" "$kube_port" PLATFORM_KUBE_PORT "$kube_timeout" kube_ok -- \
    "$bin/kube-apiserver" \
    --etcd-servers="http://$host:$etcd_port" \
    --bind-address="$host" --advertise-address="$host" --secure-port="$kube_port" \
    --cert-dir="$pki" --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" \
    --token-auth-file="$pki/tokens.csv" \
    --authorization-mode=RBAC \
    --disable-admission-plugins=ServiceAccount \
    --service-cluster-ip-range="$service_cidr" \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$pki/sa.pub" \
    --service-account-signing-key-file="$pki/sa.key" \
    --allow-privileged=true \
    --endpoint-reconciler-type=none \
    --profiling=false
}
