#!/usr/bin/env bash
# Fetch the photo textures the scene synthesizer uses, from Debian packages.
# Idempotent: each package is unpacked once into $CACHE/<package>/ and marked with .done.
#
#   training/data/fetch_textures.sh            # cache: training/.cache/textures (gitignored)
#   PAINTSCAPE_TEXTURE_CACHE=/some/dir training/data/fetch_textures.sh
#   KEEP_DEBS=1 ...                            # keep the downloaded .deb files (default: delete)
#
# Why the .debs are deleted after unpacking: flightgear-data-base is 1.34 GB and we use
# only ~0.5 GB of it (Textures/{Trees,Sky,Terrain}); the .done marker records the exact
# package version, so a re-run never downloads again. Set KEEP_DEBS=1 to keep them (e.g. to
# later extract more folders without re-downloading).
#
# Licences of the files used are listed in training/NOTICE.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${PAINTSCAPE_TEXTURE_CACHE:-$script_dir/../.cache/textures}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
debs="$cache/debs"
mkdir -p "$debs"
# apt-get download drops privileges to the _apt user: it needs a folder it can write.
chmod 777 "$debs"

small_packages=(lugaru-data scorched3d-data extremetuxracer-data)
big_package=flightgear-data-base
# Only these folders of the big package are extracted (the synthesizer reads nothing else).
big_folders=(Trees Sky Terrain)

candidate_version() {
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}'
}

ensure_apt_knows() {
  local v
  v="$(candidate_version "$1")"
  if [[ -z "$v" || "$v" == "(none)" ]]; then
    echo "apt does not know $1: running apt-get update" >&2
    apt-get update -qq
  fi
}

download_deb() {  # prints the path of the downloaded .deb
  local pkg="$1" existing
  existing="$(ls "$debs"/"${pkg}"_*.deb 2>/dev/null | head -n1 || true)"
  if [[ -n "$existing" ]]; then echo "$existing"; return; fi
  ensure_apt_knows "$pkg"
  (cd "$debs" && apt-get download -q "$pkg" >&2)
  ls "$debs"/"${pkg}"_*.deb | head -n1
}

fetch_package() {
  local pkg="$1" dest="$cache/$1" started deb
  if [[ -f "$dest/.done" ]]; then
    echo "cached: $pkg ($(cat "$dest/.done"))"
    return
  fi
  started=$(date +%s)
  deb="$(download_deb "$pkg")"
  rm -rf "$dest.partial"
  mkdir -p "$dest.partial"
  if [[ "$pkg" == "$big_package" ]]; then
    local patterns=()
    for folder in "${big_folders[@]}"; do
      patterns+=("./usr/share/games/flightgear/Textures/$folder/*")
    done
    patterns+=("./usr/share/doc/$pkg/*")  # the copyright file, for training/NOTICE
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dest.partial" --wildcards "${patterns[@]}"
  else
    dpkg -x "$deb" "$dest.partial"
  fi
  dpkg-deb -f "$deb" Package Version | tr '\n' ' ' > "$dest.partial/.done"
  rm -rf "$dest"
  mv "$dest.partial" "$dest"
  if [[ -z "${KEEP_DEBS:-}" ]]; then rm -f "$deb"; fi
  echo "fetched: $pkg in $(( $(date +%s) - started )) s, $(du -sh "$dest" | cut -f1)"
}

for pkg in "${small_packages[@]}" "$big_package"; do
  fetch_package "$pkg"
done
echo "texture cache: $cache ($(du -sh --exclude=debs "$cache" | cut -f1))"
