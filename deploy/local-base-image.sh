#!/usr/bin/env bash
# Builds a JRE 17 base image in the local Docker engine without any container registry:
# debootstrap of Debian bookworm (minbase) with openjdk-17-jre-headless from Debian's mirror,
# then `docker import`. Use it where no registry is reachable (the build machines of this project):
#
#   deploy/local-base-image.sh                     # creates weir-local/jre17:bookworm once
#   ./mvnw -B -Pimage -DskipTests package -Dimage.base=docker://weir-local/jre17:bookworm
#
# Idempotent: an existing image is kept unless --force is given.
# Needs root, debootstrap (apt-get install -y debootstrap) and a running Docker engine.
# Environment: WEIR_BASE_IMAGE (image name), DEBIAN_MIRROR, DEBIAN_SUITE.
set -euo pipefail

image="${WEIR_BASE_IMAGE:-weir-local/jre17:bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite="${DEBIAN_SUITE:-bookworm}"
force=false
[[ "${1:-}" == "--force" ]] && force=true

if ! docker info >/dev/null 2>&1; then
  echo "local-base-image: no Docker engine reachable (start one: dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs &)" >&2
  exit 1
fi
if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
  echo "local-base-image: $image already exists (use --force to rebuild)"
  exit 0
fi
if ! command -v debootstrap >/dev/null; then
  echo "local-base-image: debootstrap is missing (apt-get install -y debootstrap)" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "local-base-image: debootstrap needs root" >&2
  exit 1
fi

rootfs=$(mktemp -d /tmp/weir-base-rootfs.XXXXXX)
trap 'umount -R "$rootfs/proc" "$rootfs/sys" 2>/dev/null || true; rm -rf "$rootfs"' EXIT

echo "local-base-image: debootstrap $suite (minbase, openjdk-17-jre-headless) from $mirror into $rootfs"
debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates \
  "$suite" "$rootfs" "$mirror"

# Keep the image small: package caches and lists are not needed at run time.
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/usr/share/doc/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
# /usr/bin/java is an absolute symlink into the rootfs' alternatives: find the JDK directory instead.
java_home=$(cd "$rootfs" && ls -d usr/lib/jvm/java-17-openjdk-* | head -n 1)
java_home="/$java_home"

# mktemp made the directory 0700, and it becomes the image's /: a non-root user could not reach
# anything in it.
chmod 0755 "$rootfs"

echo "local-base-image: importing as $image (JAVA_HOME=$java_home)"
tar -C "$rootfs" --numeric-owner -c . | docker import \
  --change "ENV JAVA_HOME=$java_home" \
  --change "ENV PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV LANG=C.UTF-8" \
  --change 'CMD ["java", "-version"]' \
  --message "Debian $suite minbase with openjdk-17-jre-headless (deploy/local-base-image.sh)" \
  - "$image"
# The images run as an unprivileged user: check as one.
docker run --rm --network host --user 10001:10001 "$image" java -version
echo "local-base-image: done: $image"
