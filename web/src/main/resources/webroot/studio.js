// Tessera studio: plain JavaScript, no build step. Speaks the studio websocket protocol (docs/studio.md):
// hello/resume with clientId and lastSeq, generate, cancel, progress, binary previews (40-byte header) and
// audio chunks, results fetched over HTTP. Models and their forms come from GET /api/v1/models.
'use strict';

const HEADER_BYTES = 40;
const TYPE_PREVIEW = 1, TYPE_AUDIO = 2;
const FORMAT_JPEG = 1, FORMAT_PNG = 2, FORMAT_S16 = 16, FORMAT_F32 = 17;
const TERMINAL = new Set(['result', 'error', 'cancelled']);

const studio = {
  ws: null,
  clientId: localStorage.getItem('tessera.clientId'),
  lastSeq: Number(localStorage.getItem('tessera.lastSeq') || 0),
  models: {},
  jobs: new Map(),          // jobId -> job view
  retryMs: 500,
  // What arrived, for people debugging and for the browser test.
  stats: { binaryMessages: 0, binaryBytes: 0, largestBinary: 0, textMessages: 0, badHeaders: 0 },
};
window.tessera = studio;

const $ = (sel, root = document) => root.querySelector(sel);
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}
function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map(x => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- models and forms ----

async function loadModels() {
  const r = await fetch('/api/v1/models');
  const body = await r.json();
  const root = $('#models');
  root.replaceChildren();
  for (const m of body.models) {
    studio.models[m.name] = m;
    root.append(modelCard(m));
  }
  if (!body.models.length) root.append(el('p', { class: 'muted' }, 'No models are deployed on this server.'));
}

function modelCard(m) {
  const schema = m.schema || {};
  const output = (schema['x-tessera'] || {}).output;
  const card = el('div', { class: 'model', 'data-model': m.name },
    el('h3', {}, m.name, el('span', { class: 'state' }, m.state), el('span', { class: 'muted' }, m.version)),
    el('div', { class: 'muted' }, schema.description || m.message || ''));
  if (!output) {
    card.append(el('div', { class: 'muted' }, 'no studio form (the model declares no output)'));
    return card;
  }
  const form = el('form', { 'data-model': m.name });
  for (const [name, p] of formFields(m)) {
    form.append(el('label', { for: `${m.name}-${name}`, title: p.description || '' }, name), field(m.name, name, p));
  }
  const go = el('button', { type: 'submit', class: 'generate' }, output === 'audio' ? 'Vocode' : 'Generate');
  form.append(el('div', { class: 'actions' }, go));
  form.addEventListener('submit', ev => { ev.preventDefault(); generate(m, form).catch(e => alert(e.message)); });
  card.append(form);
  return card;
}

/** The schema's properties the user sets: not the one that switches previews on (the studio sets it). */
function formFields(m) {
  const previews = ((m.schema || {})['x-tessera'] || {}).previews;
  return Object.entries((m.schema || {}).properties || {}).filter(([name]) => !previews || name !== previews.param);
}

function field(model, name, p) {
  const id = `${model}-${name}`;
  const types = [].concat(p.type || []);
  if (p['x-upload']) {
    return el('input', { id, name, type: 'file', accept: p['x-upload'].mime, title: p.description });
  }
  if (p.enum) {
    const s = el('select', { id, name, title: p.description });
    for (const v of p.enum) {
      s.append(el('option', { value: v === null ? '' : v, selected: v === p.default }, v === null ? '(none)' : String(v)));
    }
    return s;
  }
  if (types.includes('boolean')) return el('input', { id, name, type: 'checkbox', checked: !!p.default, title: p.description });
  const attrs = { id, name, type: 'number', title: p.description, placeholder: p.default === undefined ? 'random' : '' };
  if (p.minimum !== undefined) attrs.min = p.minimum;
  if (p.maximum !== undefined) attrs.max = p.maximum;
  attrs.step = types.includes('integer') ? 1 : 'any';
  if (p.default !== undefined && p.default !== null) attrs.value = p.default;
  return el('input', attrs);
}

/** Reads a form into params as the schema types them; uploads files first (POST /api/v1/uploads). */
async function formParams(m, form) {
  const params = {};
  for (const [name, p] of formFields(m)) {
    const input = form.elements[name];
    const types = [].concat(p.type || []);
    if (p['x-upload']) {
      const file = input.files[0];
      if (!file) throw new Error(`choose a file for ${name}`);
      const r = await fetch('/api/v1/uploads', { method: 'POST', headers: { 'Content-Type': p['x-upload'].mime }, body: file });
      const body = await r.json();
      if (!r.ok) throw new Error(body.message);
      params[name] = body.id;
    } else if (p.enum) {
      const v = input.value;
      params[name] = v === '' ? null : (types.includes('integer') || types.includes('number') ? Number(v) : v);
      if (params[name] === p.default) delete params[name];
    } else if (types.includes('boolean')) {
      params[name] = input.checked;
    } else if (input.value !== '') {
      params[name] = Number(input.value);
    }
  }
  return params;
}

async function generate(m, form) {
  const params = await formParams(m, form);
  const jobId = uuid();
  addJob(jobId, m.name, params);
  send({ type: 'generate', jobId, data: { model: m.name, params, previews: { maxSize: 256, maxHz: 4 } } });
}

// ---- the socket ----

function connect() {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  studio.ws = ws;
  setConnection('connecting');
  ws.onopen = () => {
    const data = { protocol: 1, binary: true };
    if (studio.clientId) { data.clientId = studio.clientId; data.lastSeq = studio.lastSeq; }
    ws.send(JSON.stringify({ type: 'hello', data }));
  };
  ws.onmessage = ev => {
    if (typeof ev.data === 'string') onEvent(JSON.parse(ev.data));
    else onBinary(ev.data);
  };
  ws.onclose = ev => {
    setConnection('closed', `closed (${ev.code}); reconnecting`);
    if (ev.code === 4000) return;                   // another tab of this client took over
    setTimeout(connect, studio.retryMs);
    studio.retryMs = Math.min(10_000, studio.retryMs * 2);
  };
}

function send(msg) {
  if (studio.ws && studio.ws.readyState === WebSocket.OPEN) studio.ws.send(JSON.stringify(msg));
  else throw new Error('not connected');
}

function setConnection(state, text) {
  const c = $('#connection');
  c.dataset.state = state;
  c.textContent = text || state;
}

function remember(seq) {
  if (seq > studio.lastSeq) {
    studio.lastSeq = seq;
    localStorage.setItem('tessera.lastSeq', String(seq));
  }
}

function onEvent(e) {
  studio.stats.textMessages++;
  if (e.type === 'hello') {
    studio.retryMs = 500;
    studio.clientId = e.data.clientId;
    localStorage.setItem('tessera.clientId', studio.clientId);
    if (!e.data.resumed) {                                // a new session (e.g. the server restarted): seqs restart
      studio.lastSeq = 0;
      localStorage.setItem('tessera.lastSeq', '0');
    }
    setConnection('open', e.data.resumed ? 'resumed' : 'connected');
    $('#server').textContent = `server ${e.data.serverId}`;
    return;
  }
  if (e.seq) {
    if (e.seq <= studio.lastSeq && e.type !== 'status') return;   // already seen before a reconnect
    remember(e.seq);
  }
  const job = e.jobId ? studio.jobs.get(e.jobId) || addJob(e.jobId, (e.data && e.data.model) || '?', {}) : null;
  switch (e.type) {
    case 'status':
      for (const [name, state] of Object.entries(e.data.models || {})) {
        const s = $(`.model[data-model="${name}"] .state`);
        if (s) s.textContent = `${state} · queue ${(e.data.queues || {})[name] ?? 0}`;
      }
      break;
    case 'queued': setState(job, 'queued', `queued (position ${e.data.position})`); break;
    case 'started': setState(job, 'running', `running on ${e.data.node}, waited ${e.data.queueMs} ms`); break;
    case 'progress':
      job.bar.value = e.data.overall;
      job.stage.textContent = `${e.data.stage ? e.data.stage + ' ' + (e.data.stageIndex + 1) + '/' + e.data.stageCount + ', ' : ''}`
        + `step ${e.data.value}/${e.data.max} · ${(100 * e.data.overall).toFixed(0)}%`;
      break;
    case 'preview': showPreview(job, base64Bytes(e.data.base64), 'image/jpeg'); break;
    case 'stream_truncated':
      job.stage.textContent = `audio stream stopped at sample ${e.data.fromSample} (slow connection); the result follows`;
      break;
    case 'result': onResult(job, e.data); break;
    case 'error':
      if (job) { setState(job, 'failed', 'failed'); job.message.textContent = `${e.data.code}: ${e.data.message}`; finish(job); }
      else console.warn('studio error', e.data);
      break;
    case 'cancelled':
      setState(job, 'cancelled', `cancelled (${e.data.reason}) at step ${e.data.atStep}`); finish(job); break;
    case 'cancel_ack': if (!e.data.cancelled && job) job.message.textContent = `cancel: job already ${e.data.state}`; break;
    case 'resync':
      for (const j of e.data.jobs) {
        const view = studio.jobs.get(j.jobId) || addJob(j.jobId, j.model, {});
        view.bar.value = j.progress;
        if (j.result) onResult(view, j.result);
        else if (j.error) { setState(view, 'failed', 'failed'); view.message.textContent = j.error.message; finish(view); }
        else if (j.cancelled) { setState(view, 'cancelled', 'cancelled'); finish(view); }
        else setState(view, j.state, j.state);
      }
      break;
  }
}

function base64Bytes(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A binary frame: the 40-byte big-endian header, then a preview image or PCM. */
function onBinary(buffer) {
  studio.stats.binaryMessages++;
  studio.stats.binaryBytes += buffer.byteLength;
  studio.stats.largestBinary = Math.max(studio.stats.largestBinary, buffer.byteLength);
  if (buffer.byteLength < HEADER_BYTES) { studio.stats.badHeaders++; return; }
  const v = new DataView(buffer);
  const type = v.getInt32(0), format = v.getInt32(4);
  const seq = Number(v.getBigInt64(8));
  const hex = [...new Uint8Array(buffer, 16, 16)].map(b => b.toString(16).padStart(2, '0')).join('');
  const jobId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const a = v.getInt32(32), b = v.getInt32(36);
  remember(seq);
  const job = studio.jobs.get(jobId);
  if (!job) { studio.stats.badHeaders++; return; }
  const payload = buffer.slice(HEADER_BYTES);
  if (type === TYPE_PREVIEW) {
    showPreview(job, payload, format === FORMAT_PNG ? 'image/png' : 'image/jpeg');
    job.stage.dataset.preview = `${a}/${b}`;
  } else if (type === TYPE_AUDIO) {
    const samples = format === FORMAT_F32 ? new Float32Array(payload)
      : Float32Array.from(new Int16Array(payload), x => x / 32768);
    if (b !== job.audioSamples) console.warn(`job ${jobId}: chunk starts at ${b}, expected ${job.audioSamples}`);
    job.audioSamples = b + samples.length;
    job.el.dataset.audioSamples = job.audioSamples;
    playChunk(job, samples, a);
  } else {
    studio.stats.badHeaders++;
  }
}

// ---- jobs ----

function addJob(jobId, model, params) {
  if (studio.jobs.has(jobId)) return studio.jobs.get(jobId);
  const bar = el('progress', { max: 1, value: 0 });
  const stage = el('div', { class: 'stage' }, '');
  const message = el('div', { class: 'message' });
  const media = el('div', { class: 'media' });
  const cancel = el('button', { class: 'cancel', type: 'button' }, 'Cancel');
  const state = el('span', { class: 'state' }, 'new');
  const card = el('div', { class: 'job', 'data-job': jobId, 'data-model': model, 'data-state': 'new' },
    el('h3', {}, model, el('span', { class: 'muted' }, jobId.slice(0, 8)), state, cancel),
    el('div', { class: 'muted' }, Object.keys(params).length ? JSON.stringify(params) : ''),
    bar, stage, message, media);
  const job = { id: jobId, model, el: card, bar, stage, message, media, cancel, stateEl: state, audioSamples: 0,
    audio: null };
  cancel.addEventListener('click', () => send({ type: 'cancel', jobId }));
  studio.jobs.set(jobId, job);
  $('#jobs').prepend(card);
  return job;
}

function setState(job, state, text) {
  job.el.dataset.state = state;
  job.stateEl.textContent = state;
  if (text) job.stage.textContent = text;
}

function finish(job) {
  job.cancel.disabled = true;
  if (job.audio) job.audio.ctx.close();
  job.audio = null;
}

function showPreview(job, bytes, mime) {
  let img = $('img.preview', job.media);
  if (!img) { img = el('img', { class: 'preview', alt: 'preview' }); job.media.prepend(img); }
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  img.onload = () => URL.revokeObjectURL(url);
  img.src = url;
}

/** Plays streamed PCM with WebAudio, each chunk scheduled right after the previous one. */
function playChunk(job, samples, rate) {
  if (!job.audio) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    job.audio = { ctx, next: ctx.currentTime + 0.1 };
  }
  const { ctx } = job.audio;
  const buf = ctx.createBuffer(1, samples.length, rate);
  buf.copyToChannel(samples, 0);
  const src = ctx.createBufferSource();
  src.buffer = buf;
  src.connect(ctx.destination);
  const at = Math.max(job.audio.next, ctx.currentTime + 0.02);
  src.start(at);
  job.audio.next = at + buf.duration;
}

async function onResult(job, data) {
  setState(job, 'succeeded', `done in ${data.timings.totalMs} ms` + (data.timings.computeMs !== undefined
    ? ` (compute ${data.timings.computeMs} ms)` : ''));
  job.bar.value = 1;
  const old = $('img.preview', job.media);
  if (old) old.remove();
  const item = el('li', {}, `${job.model} `);
  for (const o of data.outputs) {
    if (o.mime.startsWith('image/')) {
      job.media.append(el('a', { href: o.url, target: '_blank' }, el('img', { class: 'result', src: o.url, alt: o.name })));
      item.append(el('img', { src: o.url, alt: o.name }));
    } else if (o.mime.startsWith('audio/')) {
      job.media.append(el('audio', { controls: true, src: o.url, class: 'result' }));
      drawAudio(job, o.url).catch(e => { job.message.textContent = `could not draw the audio: ${e.message}`; });
    }
    item.append(el('a', { href: o.url, target: '_blank' }, o.name), ' ');
  }
  item.append(el('span', { class: 'muted' }, ` ${new Date().toLocaleTimeString()} · ${job.id.slice(0, 8)}`));
  $('#history').prepend(item);
  finish(job);
}

// ---- waveform and spectrogram ----

async function drawAudio(job, url) {
  const bytes = await (await fetch(url)).arrayBuffer();
  const { samples, rate } = readWav(bytes);
  const wave = el('canvas', { class: 'waveform', width: 512, height: 96, title: 'waveform' });
  const spec = el('canvas', { class: 'spectrogram', width: 512, height: 128, title: 'spectrogram (log magnitude, 0 Hz at the bottom)' });
  job.media.append(wave, spec);
  drawWaveform(wave, samples);
  drawSpectrogram(spec, samples, rate);
  job.el.dataset.drawn = 'true';
}

/** The samples of a PCM 16-bit or float32 WAV (the studio's outputs are 16-bit mono). */
function readWav(buffer) {
  const v = new DataView(buffer);
  let pos = 12, rate = 0, bits = 16, fmt = 1, channels = 1;
  while (pos + 8 <= v.byteLength) {
    const id = String.fromCharCode(v.getUint8(pos), v.getUint8(pos + 1), v.getUint8(pos + 2), v.getUint8(pos + 3));
    let size = v.getUint32(pos + 4, true);
    if (id === 'fmt ') {
      fmt = v.getUint16(pos + 8, true); channels = v.getUint16(pos + 10, true);
      rate = v.getUint32(pos + 12, true); bits = v.getUint16(pos + 22, true);
    } else if (id === 'data') {
      size = Math.min(size, v.byteLength - pos - 8);
      const n = Math.floor(size / (bits / 8) / channels);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const at = pos + 8 + i * channels * (bits / 8);
        out[i] = fmt === 3 ? v.getFloat32(at, true) : v.getInt16(at, true) / 32768;
      }
      return { samples: out, rate };
    }
    pos += 8 + size + (size & 1);
  }
  throw new Error('no data chunk in the WAV');
}

function drawWaveform(canvas, x) {
  const g = canvas.getContext('2d'), w = canvas.width, h = canvas.height;
  g.fillStyle = '#111'; g.fillRect(0, 0, w, h);
  g.strokeStyle = '#4ade80';
  g.beginPath();
  const per = Math.max(1, Math.floor(x.length / w));
  for (let c = 0; c < w; c++) {                      // min and max of each column's samples
    let lo = 1, hi = -1;
    for (let i = c * per; i < Math.min(x.length, (c + 1) * per); i++) { lo = Math.min(lo, x[i]); hi = Math.max(hi, x[i]); }
    if (lo > hi) { lo = hi = 0; }
    g.moveTo(c + .5, h / 2 - hi * h / 2);
    g.lineTo(c + .5, h / 2 - lo * h / 2 + 1);
  }
  g.stroke();
}

/** In-place radix-2 FFT of (re, im), length a power of two. */
function fft(re, im) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { [re[i], re[j]] = [re[j], re[i]]; [im[i], im[j]] = [im[j], im[i]]; }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = -2 * Math.PI / len, wr = Math.cos(ang), wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1, ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k, b = a + len / 2;
        const tr = re[b] * cr - im[b] * ci, ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr; im[b] = im[a] - ti; re[a] += tr; im[a] += ti;
        const nr = cr * wr - ci * wi; ci = cr * wi + ci * wr; cr = nr;
      }
    }
  }
}

/** STFT (Hann window of 512 samples, one column per canvas pixel), dB magnitude over 80 dB, magma-like colours. */
function drawSpectrogram(canvas, x, rate) {
  const N = 512, bins = N / 2, w = canvas.width, h = canvas.height;
  const g = canvas.getContext('2d');
  const img = g.createImageData(w, h);
  const hann = Float32Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos(2 * Math.PI * i / N));
  const hop = Math.max(1, (x.length - N) / Math.max(1, w - 1));
  const db = new Float32Array(w * bins);
  let top = -Infinity;
  const re = new Float32Array(N), im = new Float32Array(N);
  for (let c = 0; c < w; c++) {
    const start = Math.floor(c * hop);
    for (let i = 0; i < N; i++) { re[i] = (x[start + i] || 0) * hann[i]; im[i] = 0; }
    fft(re, im);
    for (let k = 0; k < bins; k++) {
      const d = 10 * Math.log10(re[k] * re[k] + im[k] * im[k] + 1e-12);
      db[c * bins + k] = d;
      top = Math.max(top, d);
    }
  }
  for (let c = 0; c < w; c++) {
    for (let y = 0; y < h; y++) {
      const k = Math.floor((h - 1 - y) * bins / h);
      const t = Math.max(0, Math.min(1, (db[c * bins + k] - top + 80) / 80));
      const p = 4 * (y * w + c);
      img.data[p] = 255 * Math.min(1, 1.6 * t); img.data[p + 1] = 255 * Math.max(0, t * t * 1.1 - .1);
      img.data[p + 2] = 255 * (t < .5 ? .2 + t : 1.2 - t); img.data[p + 3] = 255;
    }
  }
  g.putImageData(img, 0, 0);
  g.fillStyle = '#fff'; g.font = '10px sans-serif';
  g.fillText(`${(rate / 2000).toFixed(1)} kHz`, 4, 11);
}

loadModels().catch(e => { $('#models').textContent = `could not load the models: ${e.message}`; });
connect();
