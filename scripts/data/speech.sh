#!/usr/bin/env bash
# Renders Tessera's speech corpus with espeak-ng into <root>/data/speech (git-ignored).
#
#   scripts/data/speech.sh <repository root>        (called by scripts/fetch-data speech)
#
# What it makes (deterministic: the same sentences, voices, pitches and rates on every machine):
#   - 1,200 distinct sentences generated from templates and word lists (a Park-Miller generator in awk,
#     seeded below), split by sentence: 0-999 train, 1000-1099 validation, 1100-1199 test;
#   - 24 training voices (8 English accents x espeak-ng variants m1-m7, f1-f4) and 2 voices heard only in
#     test (variants f5 and m8, which no other voice uses), so the test split is unseen in sentence and voice;
#   - pitch 20-80 (espeak-ng -p) and rate 130-210 words/min (-s) drawn per utterance;
#   - 2,000 train, 100 validation and 200 test utterances, 22,050 Hz mono 16-bit WAV (espeak-ng's own rate);
#   - manifests data/speech/{train,val,test}.tsv with a header:
#       id  path (relative to data/speech)  voice  pitch  rate  sentence  text
# Renders run two at a time (xargs -P2); files already present are kept, so a re-run only fills gaps.
# Manifests are written last, so their presence means the corpus is complete.
set -euo pipefail

ROOT="${1:?usage: speech.sh <repository root>}"
OUT="$ROOT/data/speech"
SEED=20261129
SENTENCES=1200
JOBS=${TESSERA_DATA_JOBS:-2}

TRAIN_VOICES="en-us+m1 en-us+m3 en-us+f1 en-us+f3 en-us+m7 en-us+f4
en-gb+m2 en-gb+m4 en-gb+f2 en-gb+f4 en-gb+m5 en-gb+m6
en-gb-scotland+m5 en-gb-scotland+f1 en-gb-x-rp+m6 en-gb-x-rp+f3
en-gb-x-gbclan+m7 en-gb-x-gbclan+f2 en-gb-x-gbcwmd+m1 en-gb-x-gbcwmd+f4
en-029+m2 en-029+f1 en-us-nyc+m4 en-us-nyc+f2"
TEST_VOICES="en-us+f5 en-gb-x-rp+m8"

if ! command -v espeak-ng >/dev/null 2>&1; then
  echo "speech: installing espeak-ng (Debian package)" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null
  fi
fi
command -v espeak-ng >/dev/null || { echo "speech: espeak-ng is not installed; install the Debian package espeak-ng" >&2; exit 1; }

mkdir -p "$OUT/wav/train" "$OUT/wav/val" "$OUT/wav/test"
WORK="$OUT/.work"
mkdir -p "$WORK"

# One job per line: id, split, voice, pitch, rate, sentence number, text (tab-separated).
awk -v seed="$SEED" -v n="$SENTENCES" -v trainVoices="$TRAIN_VOICES" -v testVoices="$TEST_VOICES" '
function rnd() { state = (state * 16807) % 2147483647; return state / 2147483647 }   # exact in doubles
function pick(list, k,   a) { k = split(list, a, "|"); return a[1 + int(rnd() * k)] }   # lists are |-separated
function cap(s) { return toupper(substr(s, 1, 1)) substr(s, 2) }
function num(   r) {
  r = rnd()
  if (r < 0.5) return pick("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|forty")
  if (r < 0.8) return int(2 + rnd() * 98)
  return int(100 + rnd() * 9900)
}
function np(   r, a) {   # noun phrase
  r = rnd()
  if (r < 0.45) return "the " pick(ADJ) " " pick(NOUN)
  if (r < 0.75) return "the " pick(NOUN)
  if (r < 0.9) { a = pick(ADJ); return (a ~ /^[aeiou]/ ? "an " : "a ") a " " pick(NOUN) }
  return pick(NAME) "\047s " pick(NOUN)
}
function clause(   r) {
  r = rnd()
  if (r < 0.25) return np() " " pick(VPAST) " " pick(PREP) " " np()
  if (r < 0.45) return pick(NAME) " " pick(VPAST) " " num() " " pick(NOUN) "s " pick(TIME)
  if (r < 0.6) return np() " was " pick(ADJ) " and " pick(ADJ)
  if (r < 0.75) return pick(NAME) " said that " np() " " pick(VPAST) " " pick(TIME)
  if (r < 0.88) return "nobody knew why " np() " " pick(VPAST) " " pick(PREP) " " np()
  return "we " pick(VPAST) " " np() " " pick(TIME)
}
function sentence(   r, s, a) {
  r = rnd()
  if (r < 0.35) s = cap(clause()) "."
  else if (r < 0.55) s = cap(clause()) ", but " clause() "."
  else if (r < 0.65) s = "Did " np() " " pick(VERB) " " pick(PREP) " " np() " " pick(TIME) "?"
  else if (r < 0.73) s = "Please " pick(VERB) " " np() " before " pick(TIME2) "."
  else if (r < 0.8) s = "How many " pick(NOUN) "s can " pick(NAME) " " pick(VERB) " in " num() " " pick(UNIT) "?"
  else if (r < 0.86) { a = pick(ADJ); s = "What " (a ~ /^[aeiou]/ ? "an " : "a ") a " " pick(NOUN) " that was!" }
  else if (r < 0.92) s = "It costs " num() " dollars and " int(1 + rnd() * 98) " cents, said " pick(NAME) "."
  else s = cap(pick(TIME)) ", " clause() ", and then " clause() "."
  return s
}
BEGIN {
  state = seed % 2147483647
  ADJ = "red|green|blue|yellow|quiet|loud|small|large|old|new|bright|dark|warm|cold|heavy|light|quick|slow|" \
        "gentle|angry|happy|tired|clever|strange|empty|narrow|wooden|silver|broken|careful|distant|famous"
  NOUN = "apple|river|window|garden|teacher|doctor|engine|letter|bottle|mountain|village|rabbit|pencil|" \
         "kitchen|harbor|ticket|candle|blanket|castle|forest|bicycle|camera|library|market|orange|planet|" \
         "violin|basket|ladder|rocket|lantern|pillow|station|compass|feather"
  NAME = "Anna|Peter|Maria|Thomas|Sarah|David|Laura|Michael|Emma|James|Olivia|Daniel|Grace|Henry|Nora|Oscar"
  VPAST = "walked|ran|jumped|looked|waited|rested|sang|spoke|moved|travelled|stood|slept|worked|danced"
  VERB = "carry|paint|open|close|find|move|clean|fold|count|build|bring|hide"
  PREP = "over|under|behind|beside|near|across|through|around|toward|past"
  TIME = "yesterday|today|this morning|last night|on Sunday|at noon|in the evening|after lunch|every day|" \
         "twice a week"
  TIME2 = "tomorrow|tonight|Friday|noon|dinner|midnight|sunrise"
  UNIT = "minutes|hours|days|weeks|seconds"
  nt = split(trainVoices, tv, /[ \n]+/); ns = split(testVoices, sv, /[ \n]+/)
  got = 0
  while (got < n) { s = sentence(); if (!(s in seen)) { seen[s] = 1; text[got++] = s } }
  for (i = 0; i < n; i++) {
    if (i < 1000) { split_ = "train"; reps = 2 } else if (i < 1100) { split_ = "val"; reps = 1 } else { split_ = "test"; reps = 2 }
    first = -1
    for (r = 0; r < reps; r++) {
      if (split_ == "test") voice = sv[1 + r]
      else { do { v = 1 + int(rnd() * nt) } while (v == first); first = v; voice = tv[v] }
      pitch = 20 + int(rnd() * 61); rate = 130 + int(rnd() * 81)
      printf "%s-%04d-%d\t%s\t%s\t%d\t%d\t%d\t%s\n", split_, i, r, split_, voice, pitch, rate, i, text[i]
    }
  }
}' > "$WORK/jobs.tsv"

echo "speech: rendering $(wc -l < "$WORK/jobs.tsv") utterances into $OUT ($JOBS at a time)" >&2
render() {
  local id split voice pitch rate sentence text
  IFS=$'\t' read -r id split voice pitch rate sentence text <<< "$1"
  local out="$OUT/wav/$split/$id.wav"
  [ -s "$out" ] && return 0
  espeak-ng -v "$voice" -p "$pitch" -s "$rate" -w "$out.part" "$text" && mv "$out.part" "$out"
}
export -f render
export OUT
tr '\n' '\0' < "$WORK/jobs.tsv" | xargs -0 -P "$JOBS" -n 1 bash -c 'render "$1"' _

# espeak-ng writes 22,050 Hz mono 16-bit PCM; check one file rather than trust it (bytes 22-35 of the header).
first=$(head -n 1 "$WORK/jobs.tsv" | cut -f1,2 | awk -F'\t' '{print $2 "/" $1}')
hdr=$(od -An -tu2 -j22 -N2 "$OUT/wav/$first.wav" | tr -d ' ')" "$(od -An -tu4 -j24 -N4 "$OUT/wav/$first.wav" | tr -d ' ')" "$(od -An -tu2 -j34 -N2 "$OUT/wav/$first.wav" | tr -d ' ')
[ "$hdr" = "1 22050 16" ] || { echo "speech: expected mono 22050 Hz 16-bit WAV, got channels/rate/bits $hdr" >&2; exit 1; }

for split in train val test; do
  tmp="$OUT/$split.tsv.part"
  printf 'id\tpath\tvoice\tpitch\trate\tsentence\ttext\n' > "$tmp"
  awk -F'\t' -v s="$split" 'BEGIN{OFS="\t"} $2 == s {print $1, "wav/" s "/" $1 ".wav", $3, $4, $5, $6, $7}' "$WORK/jobs.tsv" >> "$tmp"
  while IFS=$'\t' read -r id path rest; do
    [ "$id" = id ] && continue
    [ -s "$OUT/$path" ] || { echo "speech: missing $OUT/$path after rendering" >&2; exit 1; }
  done < "$tmp"
  mv "$tmp" "$OUT/$split.tsv"
  echo "speech: $split: $(($(wc -l < "$OUT/$split.tsv") - 1)) utterances, voices: $(cut -f3 "$OUT/$split.tsv" | tail -n +2 | sort -u | wc -l)" >&2
done
echo "speech: done; $(du -sh "$OUT/wav" | cut -f1) of WAV in $OUT" >&2
