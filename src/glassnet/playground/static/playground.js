// glassnet playground: the page. Plain JavaScript, no framework, nothing from the internet.
//
// The server trains; this page only sends control values (JSON POSTs) and draws the frames it
// receives by Server-Sent Events: the output heatmap, a heatmap per neuron, the weights as
// lines, the losses and the "show the math" numbers. The whole setup lives in the URL's hash.
"use strict";

const $ = (id) => document.getElementById(id);
const FEATURE_LABELS = {
  "x1": "X\u2081", "x2": "X\u2082", "x1^2": "X\u2081\u00b2", "x2^2": "X\u2082\u00b2",
  "x1x2": "X\u2081X\u2082", "sin_x1": "sin(X\u2081)", "sin_x2": "sin(X\u2082)",
};
const ALL_FEATURES = Object.keys(FEATURE_LABELS);
// Settings kept in the URL (the server checks every one of them).
const SETTING_KEYS = ["dataset", "noise", "train_ratio", "n_points", "classes", "features",
  "hidden", "activation", "optimizer", "learning_rate", "batch_size", "regularization",
  "reg_rate", "dropout", "speed", "seed"];
const VIEW_KEYS = ["show_test", "discretize"];
// Classes 0, 1, ...: TF Playground's orange and blue first.
const CLASS_COLORS = [[245, 147, 34], [8, 119, 189], [44, 160, 44], [214, 39, 40],
  [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34],
  [23, 190, 207]];
const MAX_LAYERS = 6, MAX_UNITS = 8, MAX_UPLOAD = 5 * 1024 * 1024;

const state = {
  sid: null, settings: null, structure: null, frame: null, history: [], run: null,
  view: { show_test: false, discretize: false }, events: null,
};
window.glassnetPlayground = state;          // for scripts and tests

// ------------------------------------------------------------------ colours
// Diverging map of TF Playground: -1 orange, 0 white-ish, +1 blue, as a 256-entry table.
const LUT = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  const neg = CLASS_COLORS[0], pos = CLASS_COLORS[1], mid = [232, 234, 235];
  for (let i = 0; i < 256; i++) {
    const v = i / 127.5 - 1, t = Math.abs(v), end = v < 0 ? neg : pos;
    for (let c = 0; c < 3; c++) lut[3 * i + c] = mid[c] + (end[c] - mid[c]) * t;
  }
  return lut;
})();

function bytes(b64) {
  const text = atob(b64), out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

// Paint a size x size map of bytes (value map) onto a canvas, scaled to its size.
function paintMap(canvas, values, size, classes, discretize) {
  const img = new ImageData(size, size);
  const d = img.data;
  for (let i = 0; i < size * size; i++) {
    let r, g, b;
    if (classes) {                     // multiclass: colour of the class, paler when unsure
      const col = CLASS_COLORS[classes[i] % CLASS_COLORS.length];
      const conf = discretize ? 1 : Math.max(0, values[i] / 255 - 0.3) / 0.7;
      r = 232 + (col[0] - 232) * conf; g = 234 + (col[1] - 234) * conf;
      b = 235 + (col[2] - 235) * conf;
    } else {
      let v = values[i];
      if (discretize) v = v >= 128 ? 255 : 0;
      r = LUT[3 * v]; g = LUT[3 * v + 1]; b = LUT[3 * v + 2];
    }
    d[4 * i] = r; d[4 * i + 1] = g; d[4 * i + 2] = b; d[4 * i + 3] = 255;
  }
  const tmp = document.createElement("canvas");
  tmp.width = size; tmp.height = size;
  tmp.getContext("2d").putImageData(img, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = !discretize;
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}

// ------------------------------------------------------------------ server calls
async function post(path, body, raw) {
  const opts = raw
    ? { method: "POST", headers: { "Content-Type": "application/octet-stream" }, body: raw }
    : { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body) };
  const res = await fetch(path, opts);
  let data = {};
  try { data = await res.json(); } catch (e) { data = { error: `server said ${res.status}` }; }
  if (!res.ok || data.error) throw new Error(data.error || `server said ${res.status}`);
  return data;
}

function showError(message) {
  $("error").textContent = message || "";
  $("error").classList.toggle("shown", Boolean(message));
}

// Changes go to the server one at a time, in order, so that an older answer never
// overwrites a newer one (each answer carries the whole settings).
let inOrder = Promise.resolve();
function queued(task) {
  inOrder = inOrder.then(task, task);
  return inOrder;
}

// Send changed settings; on refusal show why and put the controls back as they were.
function send(changes) {
  return queued(() => sendNow(changes));
}

async function sendNow(changes) {
  try {
    const data = await post("/api/settings", { sid: state.sid, settings: changes });
    state.settings = data.settings;
    showError("");
  } catch (e) {
    showError(e.message);
  }
  syncControls();
  writeHash();
}

function control(action) {
  return queued(() => controlNow(action));
}

async function controlNow(action) {
  try {
    const data = await post("/api/control", { sid: state.sid, action });
    state.settings = data.settings;
    if (action === "reset" || action === "regenerate") state.history = [];
    showError("");
    syncControls();
    writeHash();
  } catch (e) { showError(e.message); }
}

// ------------------------------------------------------------------ the URL
function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const settings = {};
  for (const key of SETTING_KEYS) {
    if (!params.has(key)) continue;
    const v = params.get(key);
    settings[key] = (key === "features" || key === "hidden")
      ? v.split(",").filter((x) => x !== "") : v;
  }
  for (const key of VIEW_KEYS) if (params.has(key)) state.view[key] = params.get(key) === "1";
  return settings;
}

function setupQuery() {
  const params = new URLSearchParams();
  for (const key of SETTING_KEYS) {
    const v = state.settings[key];
    params.set(key, Array.isArray(v) ? v.join(",") : String(v));
  }
  for (const key of VIEW_KEYS) params.set(key, state.view[key] ? "1" : "0");
  return params.toString();
}

function writeHash() {
  if (!state.settings) return;
  const hash = "#" + setupQuery();
  history.replaceState(null, "", hash);
  $("share").href = hash;
}

// ------------------------------------------------------------------ controls
const TEXT_INPUTS = ["learning_rate", "reg_rate", "dropout", "batch_size", "speed", "classes",
  "n_points"];
const SELECTS = ["dataset", "optimizer", "activation", "regularization"];

function syncControls() {
  const s = state.settings;
  if (!s) return;
  for (const key of TEXT_INPUTS.concat(SELECTS)) {
    if (document.activeElement !== $(key) || SELECTS.includes(key)) $(key).value = s[key];
  }
  $("noise").value = s.noise; $("noise-value").textContent = s.noise;
  $("train_ratio").value = s.train_ratio; $("ratio-value").textContent = s.train_ratio;
  $("show_test").checked = state.view.show_test;
  $("discretize").checked = state.view.discretize;
  $("n-layers").textContent = s.hidden.length;
  $("classes-box").hidden = !["spirals", "blobs"].includes(s.dataset);
}

function wireControls() {
  const timers = {};
  for (const key of TEXT_INPUTS) {
    const now = () => { clearTimeout(timers[key]); send({ [key]: $(key).value }); };
    $(key).addEventListener("change", now);
    // typing pauses for a moment: send it then too (the server checks every value)
    $(key).addEventListener("input", () => {
      clearTimeout(timers[key]);
      timers[key] = setTimeout(now, 700);
    });
    $(key).addEventListener("keydown", (e) => { if (e.key === "Enter") $(key).blur(); });
  }
  for (const key of SELECTS) $(key).addEventListener("change", () => send({ [key]: $(key).value }));
  $("noise").addEventListener("input", () => { $("noise-value").textContent = $("noise").value; });
  $("noise").addEventListener("change", () => send({ noise: $("noise").value }));
  $("train_ratio").addEventListener("input", () => {
    $("ratio-value").textContent = $("train_ratio").value;
  });
  $("train_ratio").addEventListener("change", () => send({ train_ratio: $("train_ratio").value }));
  for (const action of ["play", "pause", "step", "reset", "regenerate"]) {
    $(action).addEventListener("click", () => control(action));
  }
  $("add-layer").addEventListener("click", () => {
    const hidden = state.settings.hidden.slice();
    if (hidden.length >= MAX_LAYERS) return showError(`at most ${MAX_LAYERS} hidden layers`);
    hidden.push(hidden.length ? hidden[hidden.length - 1] : 4);
    send({ hidden });
  });
  $("remove-layer").addEventListener("click", () => {
    const hidden = state.settings.hidden.slice();
    if (!hidden.length) return showError("there is no hidden layer to remove");
    hidden.pop();
    send({ hidden });
  });
  for (const key of VIEW_KEYS) {
    $(key).addEventListener("change", () => {
      state.view[key] = $(key).checked;
      writeHash();
      drawBoundary();
    });
  }
  $("upload").addEventListener("change", uploadFile);
  $("boundary").addEventListener("click", pickPoint);
  window.addEventListener("resize", drawEdgesLayout);
  // a link pasted into this tab changes only the hash: apply its setup
  window.addEventListener("hashchange", () => {
    const settings = readHash();
    if (Object.keys(settings).length) send(settings);
    drawBoundary();
  });
}

async function uploadFile() {
  const file = $("upload").files[0];
  if (!file) return;
  if (file.size > MAX_UPLOAD) {
    showError(`the file is ${(file.size / 2 ** 20).toFixed(1)} MB; the playground takes CSV ` +
      "files of at most 5 MB");
    return;
  }
  try {
    const data = await post(`/api/upload?sid=${state.sid}&name=${encodeURIComponent(file.name)}`,
      null, await file.arrayBuffer());
    state.settings = data.settings;
    state.history = [];
    showError("");
    $("upload-status").textContent =
      `${file.name}: ${data.rows} rows, ` +
      (data.task === "regression" ? "regression" : `${data.n_classes} classes`);
    syncControls();
    writeHash();
  } catch (e) {
    showError(`upload refused: ${e.message}`);
  }
  $("upload").value = "";
}

// ------------------------------------------------------------------ the network drawing
function buildNetwork(structure) {
  const box = $("layers");
  box.textContent = "";
  const column = (title) => {
    const col = document.createElement("div");
    col.className = "layer";
    const h = document.createElement("div");
    h.className = "layer-title";
    h.textContent = title;
    col.appendChild(h);
    box.appendChild(col);
    return col;
  };
  const inputs = column("Features");
  ALL_FEATURES.forEach((name) => {
    const on = structure.features.includes(name);
    const node = document.createElement("div");
    node.className = "node feature" + (on ? " on" : "");
    node.title = on ? `${FEATURE_LABELS[name]}: click to remove` : `click to add ${FEATURE_LABELS[name]}`;
    const c = document.createElement("canvas");
    c.width = 40; c.height = 40;
    c.setAttribute("data-testid", `feature-${name}`);
    paintMap(c, bytes(structure.inputs[name]), structure.neuron_size, null, false);
    const label = document.createElement("span");
    label.textContent = FEATURE_LABELS[name];
    node.appendChild(label);
    node.appendChild(c);
    node.addEventListener("click", () => {
      const now = state.settings.features.slice();
      const next = now.includes(name) ? now.filter((f) => f !== name) : now.concat([name]);
      send({ features: next });
    });
    inputs.appendChild(node);
  });
  structure.hidden.forEach((units, L) => {
    const col = column(`${units} neuron${units > 1 ? "s" : ""}`);
    const pm = document.createElement("div");
    pm.className = "units";
    for (const [sign, label] of [[1, "+"], [-1, "\u2212"]]) {
      const b = document.createElement("button");
      b.textContent = label;
      b.setAttribute("data-testid", `${sign > 0 ? "add" : "remove"}-unit-${L}`);
      b.addEventListener("click", () => {
        const hidden = state.settings.hidden.slice();
        hidden[L] += sign;
        if (hidden[L] < 1 || hidden[L] > MAX_UNITS) {
          return showError(`a hidden layer has 1 to ${MAX_UNITS} neurons`);
        }
        send({ hidden });
      });
      pm.appendChild(b);
    }
    col.insertBefore(pm, col.firstChild.nextSibling);
    for (let u = 0; u < units; u++) {
      const node = document.createElement("div");
      node.className = "node";
      const c = document.createElement("canvas");
      c.width = 40; c.height = 40;
      c.setAttribute("data-testid", `neuron-${L}-${u}`);
      c.id = `neuron-${L}-${u}`;
      c.title = `layer ${L}, unit ${u}: its activation A over the plane`;
      node.appendChild(c);
      col.appendChild(node);
    }
  });
  const out = column(structure.task === "multiclass" ? `${structure.n_classes} outputs`
    : "output");
  const node = document.createElement("div");
  node.className = "node out";
  node.id = "out-node";
  node.textContent = structure.task === "regression" ? "linear"
    : structure.task === "multiclass" ? "softmax" : "sigmoid";
  out.appendChild(node);
  requestAnimationFrame(drawEdgesLayout);
}

// Node centres relative to the network box, per Dense layer input column.
function nodeCentres() {
  const net = $("net").getBoundingClientRect();
  const centre = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left + r.width / 2 - net.left, r.top + r.height / 2 - net.top];
  };
  const cols = [];
  const s = state.structure;
  cols.push(s.features.map((name) => centre(document.querySelector(
    `[data-testid="feature-${name}"]`))));
  s.hidden.forEach((units, L) => {
    const col = [];
    for (let u = 0; u < units; u++) col.push(centre($(`neuron-${L}-${u}`)));
    cols.push(col);
  });
  cols.push([centre($("out-node"))]);
  return cols;
}

function drawEdgesLayout() {
  const s = state.structure, svg = $("edges");
  if (!s) return;
  const net = $("net").getBoundingClientRect();
  svg.setAttribute("width", net.width);
  svg.setAttribute("height", net.height);
  svg.textContent = "";
  const cols = nodeCentres();
  state.edges = [];
  for (let l = 0; l + 1 < cols.length; l++) {
    const layerEdges = [];
    cols[l].forEach((a, i) => {
      const row = [];
      cols[l + 1].forEach((b, j) => {
        const line = document.createElementNS("http://www.w3.org/2000/svg", "path");
        const mx = (a[0] + b[0]) / 2;
        line.setAttribute("d", `M${a[0]},${a[1]} C${mx},${a[1]} ${mx},${b[1]} ${b[0]},${b[1]}`);
        line.setAttribute("class", "edge");
        line.setAttribute("data-testid", `edge-${l}-${i}-${j}`);
        const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
        line.appendChild(title);
        svg.appendChild(line);
        row.push(line);
      });
      layerEdges.push(row);
    });
    state.edges.push(layerEdges);
  }
  if (state.frame) drawEdges(state.frame);
}

function drawEdges(frame) {
  if (!state.edges) return;
  frame.weights.forEach((W, l) => {
    const edges = state.edges[l];
    if (!edges) return;
    W.forEach((row, i) => row.forEach((w, j) => {
      const line = edges[i] && edges[i][j === undefined ? 0 : j];
      if (!line) return;
      // a softmax head has k outputs drawn as one node: show the strongest weight
      const value = (l === frame.weights.length - 1 && row.length > 1)
        ? row.reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0) : w;
      if (l === frame.weights.length - 1 && row.length > 1 && j > 0) return;
      line.setAttribute("stroke", value >= 0 ? "rgb(8,119,189)" : "rgb(245,147,34)");
      line.setAttribute("stroke-width", Math.min(0.5 + 2.5 * Math.abs(value), 8).toFixed(2));
      line.firstChild.textContent = row.length > 1 && l === frame.weights.length - 1
        ? `weights to the ${row.length} outputs: ${row.map((x) => x.toFixed(3)).join(", ")}`
        : `weight ${value.toFixed(4)}`;
    }));
  });
}

// ------------------------------------------------------------------ frames
function drawBoundary() {
  const frame = state.frame, s = state.structure, canvas = $("boundary");
  if (!frame || !s) return;
  const out = frame.output;
  paintMap(canvas, bytes(out.values), out.size, out.classes ? bytes(out.classes) : null,
    state.view.discretize);
  const ctx = canvas.getContext("2d");
  const toPx = (x) => (x + 6) / 12 * canvas.width;
  const toPy = (y) => (6 - y) / 12 * canvas.height;
  const drawPoints = (points, stroke) => {
    for (const [x1, x2, y] of points) {
      let col;
      if (s.task === "regression") {
        const v = Math.round((Math.max(-1, Math.min(1, y)) + 1) * 127.5);
        col = [LUT[3 * v], LUT[3 * v + 1], LUT[3 * v + 2]];
      } else col = CLASS_COLORS[y % CLASS_COLORS.length];
      ctx.beginPath();
      ctx.arc(toPx(x1), toPy(x2), 3, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${col[0]},${col[1]},${col[2]})`;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = stroke;
      ctx.stroke();
    }
  };
  drawPoints(s.train, "#fff");
  if (state.view.show_test) drawPoints(s.test, "#000");
  if (frame.math) {
    const [x1, x2] = frame.math.point;
    ctx.beginPath();
    ctx.arc(toPx(x1), toPy(x2), 7, 0, 2 * Math.PI);
    ctx.lineWidth = 2;
    ctx.strokeStyle = "#222";
    ctx.stroke();
  }
}

function drawNeurons(frame) {
  const size = state.structure.neuron_size;
  frame.neurons.forEach((units, L) => units.forEach((b64, u) => {
    const c = $(`neuron-${L}-${u}`);
    if (c) paintMap(c, bytes(b64), size, null, false);
  }));
}

function drawChart() {
  const c = $("loss-chart"), ctx = c.getContext("2d"), h = state.history;
  ctx.clearRect(0, 0, c.width, c.height);
  if (h.length < 2) return;
  let max = 0;
  for (const [, tr, te] of h) max = Math.max(max, tr || 0, te || 0);
  if (!(max > 0)) return;
  const first = h[0][0], span = Math.max(h[h.length - 1][0] - first, 1);
  for (const [k, colour] of [[2, "#444"], [1, "#999"]]) {
    ctx.beginPath();
    h.forEach((p, i) => {
      const x = (p[0] - first) / span * c.width, y = c.height - (p[k] / max) * (c.height - 2);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}

const num = (v) => (v !== 0 && Math.abs(v) < 1e-3 ? Number(v).toExponential(1)
  : Number(v).toFixed(4));
const fmt = (v) => (v === null || v === undefined ? "NaN" : Number(v).toFixed(4));

function onFrame(frame) {
  if (!state.structure || frame.run !== state.structure.run) {
    state.pending = frame;       // its structure event is on its way
    return;
  }
  state.frame = frame;
  $("epoch").textContent = String(frame.epoch);
  $("train-loss").textContent = fmt(frame.train_loss);
  $("test-loss").textContent = fmt(frame.test_loss);
  document.body.classList.toggle("playing", frame.playing);
  const last = state.history[state.history.length - 1];
  if (!last || last[0] !== frame.epoch) {
    state.history.push([frame.epoch, frame.train_loss, frame.test_loss]);
    if (state.history.length > 1000) state.history = state.history.filter((_, i) => i % 2 === 0);
  }
  if (frame.error) showError(frame.error);
  drawBoundary();
  drawNeurons(frame);
  drawEdges(frame);
  drawChart();
  drawMath(frame.math);
  drawDiagnostics(frame.diagnostics);
}

function onStructure(structure) {
  const old = state.structure;
  state.structure = structure;
  state.settings = structure.settings;
  if (!old || old.run !== structure.run) state.history = structure.history.slice();
  const same = old && old.features.join() === structure.features.join() &&
    old.hidden.join() === structure.hidden.join() && old.task === structure.task &&
    old.n_classes === structure.n_classes;
  if (!same) buildNetwork(structure);
  syncControls();
  writeHash();
  if (state.pending && state.pending.run === structure.run) onFrame(state.pending);
  state.pending = null;
}

// ------------------------------------------------------------------ the math panel
function pickPoint(event) {
  const s = state.structure;
  if (!s) return;
  const r = $("boundary").getBoundingClientRect();
  const x = (event.clientX - r.left) / r.width * 12 - 6;
  const y = 6 - (event.clientY - r.top) / r.height * 12;
  let best = 0, bestD = Infinity;
  s.train.forEach(([x1, x2], i) => {
    const d = (x1 - x) ** 2 + (x2 - y) ** 2;
    if (d < bestD) { bestD = d; best = i; }
  });
  post("/api/math", { sid: state.sid, point: best }).catch((e) => showError(e.message));
}

function vec(values) {
  return "[" + values.map((v) => (Array.isArray(v) ? vec(v) : num(v)))
    .join(", ") + "]";
}

function matrixTable(rows, caption) {
  const t = document.createElement("table");
  const cap = document.createElement("caption");
  cap.textContent = caption;
  t.appendChild(cap);
  for (const row of rows) {
    const tr = document.createElement("tr");
    for (const v of row) {
      const td = document.createElement("td");
      td.textContent = num(v);
      td.className = v >= 0 ? "pos" : "neg";
      tr.appendChild(td);
    }
    t.appendChild(tr);
  }
  return t;
}

function drawMath(math) {
  const box = $("math");
  if (!math) return;
  box.textContent = "";
  const p = (text, cls) => {
    const el = document.createElement("p");
    el.textContent = text;
    if (cls) el.className = cls;
    box.appendChild(el);
    return el;
  };
  p(`Training point #${math.index} at (${math.point.map((v) => v.toFixed(2)).join(", ")}), ` +
    `target ${math.task === "regression" ? math.y.toFixed(3) : "class " + math.y}; ` +
    `its loss now ${math.loss.toFixed(5)}.`, "lead");
  p(`A\u2080 = x = ${vec(math.x)}`, "eq");
  math.layers.forEach((layer, l) => {
    const n = l + 1;
    const h = document.createElement("h4");
    h.textContent = `Layer ${n} (${layer.name}, ${layer.activation})`;
    box.appendChild(h);
    p(`Z${n} = A${n - 1} \u00b7 W${n} + b${n} = ${vec(layer.Z)}`, "eq");
    p(`A${n} = ${layer.activation}(Z${n}) = ${vec(layer.A)}`, "eq");
  });
  const L = math.layers.length;
  p(math.task === "regression"
    ? `dZ${L} = 2(A${L} \u2212 Y) = ${vec(math.layers[L - 1].dZ)}   (Y = ${vec(math.Y)}, MSE)`
    : `dZ${L} = A${L} \u2212 Y = ${vec(math.layers[L - 1].dZ)}   (Y = ${vec(math.Y)}, ` +
      `${math.task === "multiclass" ? "softmax + cross-entropy" : "sigmoid + BCE"})`, "eq");
  for (let l = L - 1; l >= 0; l--) {
    const layer = math.layers[l], n = l + 1;
    const h = document.createElement("h4");
    h.textContent = `Backward through layer ${n}`;
    box.appendChild(h);
    if (l < L - 1) p(`dZ${n} = (dZ${n + 1} \u00b7 W${n + 1}\u1d40) \u2299 g\u2032(Z${n}) = ${vec(layer.dZ)}`, "eq");
    p(`db${n} = dZ${n} = ${vec(layer.db)}`, "eq");
    const grid = document.createElement("div");
    grid.className = "tables";
    grid.appendChild(matrixTable(layer.dW, `dW${n} = A${n - 1}\u1d40 \u00b7 dZ${n}`));
    grid.appendChild(matrixTable(layer.sgd_W, `\u2212lr \u00b7 dW${n} (this point alone)`));
    if (layer.dW_step) {
      grid.appendChild(matrixTable(layer.dW_step,
        `\u0394W${n} of the last step (${math.optimizer}, batch of ${math.batch_size})`));
    }
    box.appendChild(grid);
  }
}

function drawDiagnostics(diag) {
  if (!diag) return;
  const box = $("diagnostics");
  box.textContent = "";
  if (diag.error) { box.textContent = `the diagnosis failed: ${diag.error}`; return; }
  const findings = (diag.report && diag.report.findings) || [];
  if (!findings.length) { box.textContent = "no findings: nothing looks wrong"; return; }
  const ul = document.createElement("ul");
  for (const f of findings) {
    const li = document.createElement("li");
    li.className = `finding ${f.severity || ""}`;
    const where = f.layer === null || f.layer === undefined ? "" : ` (layer ${f.layer})`;
    li.textContent = `[${f.severity}] ${f.code}${where}: ${f.message}`;
    ul.appendChild(li);
  }
  box.appendChild(ul);
}

// ------------------------------------------------------------------ start
function listen() {
  if (state.events) state.events.close();
  const es = new EventSource(`/api/events?sid=${state.sid}`);
  es.addEventListener("structure", (e) => onStructure(JSON.parse(e.data)));
  es.addEventListener("frame", (e) => onFrame(JSON.parse(e.data)));
  state.events = es;
}

function setLinks() {
  $("export-model").href = `/api/export/model?sid=${state.sid}`;
  $("export-code").href = `/api/export/code?sid=${state.sid}`;
}

async function start() {
  wireControls();
  const fromUrl = readHash();
  try {
    const data = await post("/api/session", { settings: fromUrl });
    state.sid = data.sid;
    state.settings = data.settings;
    if (data.error) showError(`the link's setup was refused: ${data.error}`);
  } catch (e) {
    showError(`cannot reach the playground server: ${e.message}`);
    return;
  }
  setLinks();
  syncControls();
  writeHash();
  listen();
}

start();
