#!/usr/bin/env bash
# Fetches the Noto emoji set for the image family (specs/image.md 1.1) into <root>/data/emoji/raw:
#   emoji.json, categories.json  names, categories and subcategories (from emoji-datasource)
#   img/*.png                    3,786 Noto emoji, 64x64 RGBA (1,911 emoji + 1,875 skin-tone variants)
# The npm package `emoji-datasource-google` (MIT data, Apache-2.0 images) is fetched with `npm pack`,
# pinned to one version so that the set, and with it the held-out split, never changes under us.
# The 32x32 tensors and the split are made from raw/ by dev.tessera.image.data.EmojiDataset on first use.
# Usage: scripts/data/emoji.sh <repository root>
set -euo pipefail

ROOT="${1:?usage: emoji.sh <repository root>}"
VERSION="${EMOJI_DATASOURCE_VERSION:-16.0.0}"
EXPECTED_PNGS=3786
RAW="$ROOT/data/emoji/raw"

command -v npm >/dev/null || { echo "emoji.sh: npm is needed (apt-get install npm)" >&2; exit 1; }

if [[ -f $RAW/VERSION && $(cat "$RAW/VERSION") == "$VERSION" \
      && $(find "$RAW/img" -name '*.png' | wc -l) -eq $EXPECTED_PNGS ]]; then
  echo "emoji: $RAW already holds emoji-datasource-google $VERSION ($EXPECTED_PNGS PNGs)"
  exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo "emoji: fetching emoji-datasource-google@$VERSION (about 75 MB) ..."
(cd "$TMP" && npm pack --silent "emoji-datasource-google@$VERSION" >/dev/null)
TGZ="$(ls "$TMP"/emoji-datasource-google-*.tgz)"
# Only the 64 px images and the metadata; the sprite sheets (most of the archive) are skipped.
tar -xzf "$TGZ" -C "$TMP" package/emoji.json package/categories.json package/package.json \
    package/img/google/64

COUNT=$(find "$TMP/package/img/google/64" -name '*.png' | wc -l)
if [[ $COUNT -ne $EXPECTED_PNGS ]]; then
  echo "emoji: expected $EXPECTED_PNGS PNGs in emoji-datasource-google@$VERSION, found $COUNT" >&2
  exit 1
fi

rm -rf "$RAW"
mkdir -p "$RAW"
mv "$TMP/package/img/google/64" "$RAW/img"
mv "$TMP/package/emoji.json" "$TMP/package/categories.json" "$TMP/package/package.json" "$RAW/"
echo "$VERSION" > "$RAW/VERSION"
echo "emoji: $COUNT PNGs and emoji.json in $RAW"
