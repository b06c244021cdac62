#!/usr/bin/env bash
# Source code for the code tokenizers (spec §5): the .java files of the JDK's own sources, split once
# and for all into data/code/train/ (90%) and data/code/heldout/ (10%).
#
#   scripts/fetch-data code        (or: bash scripts/data/code.sh <repository root>)
#
# The sources come from Debian's openjdk-17-source, which fills the JDK's lib/src.zip (the link
# dangles until the package is installed); it is installed with apt-get when missing (root or sudo).
# A file is held out when the first 8 hex digits of the SHA-256 of its path inside src.zip (e.g.
# "java.base/java/lang/String.java"), read as a number, are 0 modulo 10: the split depends on the path
# alone, so it never changes between runs, machines or JDK updates that keep the file.
set -euo pipefail
root="${1:?usage: scripts/data/code.sh <repository root>}"
out="$root/data/code"

if ! dpkg-query -W -f='${Status}' openjdk-17-source 2>/dev/null | grep -q 'install ok installed'; then
  sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  echo "fetch-data code: installing openjdk-17-source ..." >&2
  "${sudo[@]}" apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends openjdk-17-source >&2
fi

# The first lib/src.zip under /usr/lib/jvm that resolves to a file (a JDK 17 one first).
zip=""
for candidate in /usr/lib/jvm/java-17-openjdk-*/lib/src.zip /usr/lib/jvm/*/lib/src.zip; do
  if [[ -f $candidate ]]; then zip="$(readlink -f "$candidate")"; break; fi
done
[[ -n $zip ]] || { echo "fetch-data code: no lib/src.zip under /usr/lib/jvm (is openjdk-17-source installed?)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/train" "$out/heldout"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
unzip -q "$zip" '*.java' -d "$tmp"

# Split by path hash: perl's Digest::SHA is part of Debian's perl-base.
(cd "$tmp" && find . -type f -name '*.java' | sed 's|^\./||' | LC_ALL=C sort) | perl -MDigest::SHA=sha256_hex -ne '
  chomp; my $part = hex(substr(sha256_hex($_), 0, 8)) % 10 == 0 ? "heldout" : "train"; print "$part\t$_\n";' \
  > "$tmp.split"
while IFS=$'\t' read -r part path; do
  mkdir -p "$out/$part/$(dirname "$path")"
  mv "$tmp/$path" "$out/$part/$path"
done < "$tmp.split"
rm -f "$tmp.split"

count() { find "$out/$1" -type f -name '*.java' | wc -l; }
bytes() { find "$out/$1" -type f -name '*.java' -print0 | du -cb --files0-from=- | tail -1 | cut -f1; }
echo "fetch-data code: $(count train) train files ($(bytes train) bytes), $(count heldout) held-out files" \
  "($(bytes heldout) bytes) in $out, from $zip"
