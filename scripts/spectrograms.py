#!/usr/bin/env python3
"""Stacked log-magnitude spectrograms of WAV files as one PNG (numpy + zlib only).
Rows top to bottom in the order given, 0-5.5 kHz, 80 dB of range, white bars between rows.
usage: scripts/spectrograms.py OUT.png LABEL=FILE.wav [LABEL=FILE.wav ...]"""
import sys, struct, zlib
import numpy as np, scipy.io.wavfile as wavfile

def spec(path, n_fft=1024, hop=256):
    sr, x = wavfile.read(path)
    x = x.astype(np.float64)
    if x.ndim > 1: x = x.mean(1)
    if np.abs(x).max() > 2: x /= 32768.0
    frames = np.stack([x[i:i + n_fft] * np.hanning(n_fft) for i in range(0, len(x) - n_fft, hop)])
    s = 20 * np.log10(np.abs(np.fft.rfft(frames, axis=1)) + 1e-5)
    return s[:, :n_fft // 4].T[::-1]            # 0-5.5 kHz, low frequencies at the bottom

def colour(v):                                   # magma-like ramp on [0, 1]
    stops = np.array([[0, 0, 4], [80, 18, 123], [182, 54, 121], [251, 136, 97], [252, 253, 191]], float)
    p = np.clip(v, 0, 1) * (len(stops) - 1); i = np.minimum(p.astype(int), len(stops) - 2); f = (p - i)[..., None]
    return (stops[i] * (1 - f) + stops[i + 1] * f).astype(np.uint8)

def png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

out = sys.argv[1]
rows = []
for arg in sys.argv[2:]:
    label, f = arg.split("=", 1)
    s = spec(f)
    rows.append((label, s))
width = min(s.shape[1] for _, s in rows)
top = max(s.max() for _, s in rows)
img = []
for label, s in rows:
    v = (s[:, :width] - (top - 80)) / 80.0          # 80 dB of range
    block = colour(v)
    block = np.repeat(block, 2, axis=1)             # wider frames
    sep = np.full((6, block.shape[1], 3), 255, np.uint8)
    img += [block, sep]
    print(label, "rows", len(img) // 2)
png(out, np.concatenate(img[:-1], 0))
