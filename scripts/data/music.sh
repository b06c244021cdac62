#!/usr/bin/env bash
# Renders Tessera's music corpus from the MIDI files of data/midi into <root>/data/music (git-ignored), the
# music half of the vocoder's training mix (audio spec 2.6: "speech and music sampled 1:1").
#
#   scripts/data/music.sh <repository root>        (called by scripts/fetch-data music)
#
# What it makes (deterministic for a given fluidsynth and soundfont):
#   - every data/midi/*.mid (made by scripts/fetch-data midi first when the folder is empty) rendered by
#     Debian's fluidsynth with the FluidR3 General MIDI soundfont (fluid-soundfont-gm), at 22,050 Hz in
#     32-bit float, downmixed to mono and scaled so that the peak of the rendered part is 0.95. Only the
#     first 240 s of a piece are rendered: the planetblupi pieces run 10-29 minutes, and rendering them whole
#     cost most of the CPU time (148 s against 83 s user) for clips that the cap of 12 throws away;
#   - cut into 8 s clips (176,400 samples) on a fixed grid from the piece's start; a last clip shorter than
#     4 s and clips quieter than RMS 0.01 (-40 dB re full scale) are dropped, and a piece keeps at most 12
#     clips, evenly spaced over its rendered part, so that no piece dominates;
#   - split by whole MIDI file: the files are ranked by the SHA-256 of their name; the first 10% (at least
#     one) are test, the next 10% (at least one) validation, the rest (about 80%) train. The split depends on
#     the file names alone, never on the renders;
#   - 22,050 Hz mono 16-bit WAVs under data/music/wav/<split>/<piece>-<slot>.wav (slot k starts at 8k s);
#   - manifests data/music/{train,val,test}.tsv in the speech corpus's format, so SpeechCorpus reads them:
#       id  path (relative to data/music)  voice (the MIDI base name)  pitch (0)  rate (0)
#       sentence (the piece's index in name order)  text (the MIDI file name)
#     Lines go round the pieces (every piece's first clip, then every piece's second, ...), so the first n
#     clips of a split, which `--clips n` and the trainer's validation take, come from n different pieces.
# Pieces render two at a time (TESSERA_DATA_JOBS); a piece whose clips are listed in .work/ is kept, so a
# re-run only fills gaps; a change of any setting below starts again from scratch. Manifests are written last,
# so their presence means the corpus is complete.
# Needs python3 with numpy (as scripts/spectrograms.py does) for the downmix and the cutting.
set -euo pipefail

ROOT="${1:?usage: music.sh <repository root>}"
MIDI="$ROOT/data/midi"
OUT="$ROOT/data/music"
WORK="$OUT/.work"
SF2=/usr/share/sounds/sf2/FluidR3_GM.sf2
RATE=22050
CLIP_SECONDS=8
MIN_CLIP_SECONDS=4
MAX_CLIPS=12
MIN_RMS=0.01
RENDER_SECONDS=240
JOBS=${TESSERA_DATA_JOBS:-2}

# fluidsynth and its soundfont from Debian, installed only when missing (root or sudo).
missing=()
for pkg in fluidsynth fluid-soundfont-gm; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  echo "music: installing ${missing[*]} (Debian packages) ..." >&2
  "${sudo[@]}" apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
command -v fluidsynth >/dev/null || { echo "music: fluidsynth is not installed; install the Debian package fluidsynth" >&2; exit 1; }
[[ -f $SF2 ]] || { echo "music: no soundfont at $SF2; install the Debian package fluid-soundfont-gm" >&2; exit 1; }
python3 -c 'import numpy' 2>/dev/null \
  || { echo "music: python3 with numpy is needed to cut the renders (e.g. pip install numpy)" >&2; exit 1; }

shopt -s nullglob
mids=("$MIDI"/*.mid)
if [[ ${#mids[@]} -eq 0 ]]; then
  echo "music: no MIDI files in $MIDI; running scripts/fetch-data midi first" >&2
  bash "$ROOT/scripts/fetch-data" midi >&2
  mids=("$MIDI"/*.mid)
fi
[[ ${#mids[@]} -ge 3 ]] || { echo "music: need at least 3 MIDI files in $MIDI (train, val, test), found ${#mids[@]}" >&2; exit 1; }

# One job per piece: index (name order), split, base name. The split ranks the files by the SHA-256 of their
# name, so it is fixed by the names alone.
jobs=$(for f in "${mids[@]}"; do basename "$f" .mid; done | LC_ALL=C sort | awk '{print NR - 1 "\t" $0}' \
  | while IFS=$'\t' read -r index name; do
      printf '%s\t%s\t%s\n' "$(printf '%s' "$name.mid" | sha256sum | cut -c1-16)" "$index" "$name"
    done \
  | LC_ALL=C sort \
  | awk -F'\t' -v n="${#mids[@]}" 'BEGIN { OFS = "\t"; held = int(n / 10 + 0.5); if (held < 1) held = 1 }
      { split_ = NR <= held ? "test" : NR <= 2 * held ? "val" : "train"; print $2, split_, $3 }' \
  | LC_ALL=C sort -n)

# A change of any rendering setting, or of the set of MIDI files (which can move a piece to another split),
# invalidates the clips made so far.
settings="fluidsynth $(dpkg-query -W -f='${Version}' fluidsynth) soundfont $(dpkg-query -W -f='${Version}' fluid-soundfont-gm)"
settings+=" rate $RATE clip $CLIP_SECONDS min $MIN_CLIP_SECONDS max $MAX_CLIPS rms $MIN_RMS render $RENDER_SECONDS"
settings+=" jobs $(printf '%s\n' "$jobs" | sha256sum | cut -c1-16)"
if [[ -f $WORK/settings && $(cat "$WORK/settings") != "$settings" ]]; then
  echo "music: rendering settings or MIDI files changed; removing the old clips in $OUT" >&2
  rm -rf "$OUT"
fi
mkdir -p "$OUT/wav/train" "$OUT/wav/val" "$OUT/wav/test" "$WORK"
echo "$settings" > "$WORK/settings"
printf '%s\n' "$jobs" > "$WORK/jobs.tsv"

# Cuts one render (raw little-endian float32, stereo interleaved, on stdin) into clips; reads at most
# render_s seconds and then stops reading, which ends fluidsynth (SIGPIPE). Prints one manifest line per clip
# kept, with its length in samples as an eighth field.
CUT_PY='
import sys, wave
import numpy as np
out, split, name, index = sys.argv[1:5]
rate, clip_s, min_s, max_clips, min_rms, render_s = (int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]),
                                                     int(sys.argv[8]), float(sys.argv[9]), int(sys.argv[10]))
data = sys.stdin.buffer.read(render_s * rate * 2 * 4)                               # blocks until that or EOF
stereo = np.frombuffer(data[:len(data) // 8 * 8], dtype="<f4").reshape(-1, 2)      # (samples, 2)
x = stereo.mean(axis=1, dtype=np.float64)                                           # (samples,) mono
peak = np.abs(x).max() if x.size else 0.0
if peak == 0:
    sys.exit(0)                                                                     # a silent render: no clips
x *= 0.95 / peak
n = rate * clip_s
slots = []
for k in range((x.size + n - 1) // n):
    c = x[k * n:(k + 1) * n]
    if c.size >= rate * min_s and np.sqrt(np.mean(c * c)) >= min_rms:
        slots.append(k)
if len(slots) > max_clips:                                                          # evenly spaced over the render
    slots = [slots[i] for i in sorted(set(np.linspace(0, len(slots) - 1, max_clips).round().astype(int)))]
for k in slots:
    c = x[k * n:(k + 1) * n]
    cid = "%s-%03d" % (name, k)
    path = "wav/%s/%s.wav" % (split, cid)
    with wave.open("%s/%s" % (out, path), "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(np.clip(np.round(c * 32767), -32768, 32767).astype("<i2").tobytes())
    print("\t".join([cid, path, name, "0", "0", index, name + ".mid", str(c.size)]))
'

# Renders and cuts one piece (a jobs.tsv line); its clips are listed in .work/<piece>.clips once complete.
render() {
  local index split name
  IFS=$'\t' read -r index split name <<< "$1"
  local done="$WORK/$name.clips"
  [[ -f $done ]] && return 0
  fluidsynth -n -i -q -r "$RATE" -O float -E little -T raw -F - "$SF2" "$MIDI/$name.mid" </dev/null \
    | python3 -c "$CUT_PY" "$OUT" "$split" "$name" "$index" "$RATE" "$CLIP_SECONDS" "$MIN_CLIP_SECONDS" \
        "$MAX_CLIPS" "$MIN_RMS" "$RENDER_SECONDS" > "$done.part"
  local status=("${PIPESTATUS[@]}")
  # 141: fluidsynth ended by SIGPIPE because the cutter had read its RENDER_SECONDS and stopped reading.
  if [[ ${status[1]} -ne 0 || (${status[0]} -ne 0 && ${status[0]} -ne 141) ]]; then
    echo "music: rendering $name failed (fluidsynth exit ${status[0]}, cutter exit ${status[1]})" >&2
    return 1
  fi
  mv "$done.part" "$done"
  echo "music: $split $name: $(wc -l < "$done") clips" >&2
}
export -f render
export OUT WORK MIDI SF2 RATE CLIP_SECONDS MIN_CLIP_SECONDS MAX_CLIPS MIN_RMS RENDER_SECONDS CUT_PY

start=$(date +%s)
echo "music: rendering $(wc -l < "$WORK/jobs.tsv") MIDI files from $MIDI into $OUT ($JOBS at a time)" >&2
tr '\n' '\0' < "$WORK/jobs.tsv" | xargs -0 -P "$JOBS" -n 1 bash -c 'render "$1"' _

for split in train val test; do
  tmp="$OUT/$split.tsv.part"
  clips=0 samples=0 pieces=0
  while IFS=$'\t' read -r index s name; do
    [[ $s == "$split" ]] || continue
    pieces=$((pieces + 1))
    ordinal=0
    while IFS=$'\t' read -r id path voice pitch rate sentence text length; do
      [[ -s $OUT/$path ]] || { echo "music: missing $OUT/$path after rendering" >&2; exit 1; }
      # Sort keys first (the clip's ordinal in its piece, the piece's index), cut off below.
      printf '%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ordinal" "$index" "$id" "$path" "$voice" "$pitch" "$rate" \
        "$sentence" "$text"
      ordinal=$((ordinal + 1)) clips=$((clips + 1)) samples=$((samples + length))
    done < "$WORK/$name.clips"
  done < "$WORK/jobs.tsv" > "$tmp.keyed"
  [[ $clips -gt 0 ]] || { echo "music: the $split split has no clips" >&2; exit 1; }
  { printf 'id\tpath\tvoice\tpitch\trate\tsentence\ttext\n'
    LC_ALL=C sort -t $'\t' -k1,1n -k2,2n "$tmp.keyed" | cut -f3-; } > "$tmp"
  rm -f "$tmp.keyed"
  mv "$tmp" "$OUT/$split.tsv"
  echo "music: $split: $pieces pieces, $clips clips, $((samples / RATE)) s" >&2
done
echo "music: done in $(($(date +%s) - start)) s; $(du -sh "$OUT/wav" | cut -f1) of WAV in $OUT" >&2
