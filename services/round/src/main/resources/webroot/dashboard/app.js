// deltachain operator dashboard: renders the round service's snapshots (server-sent events on
// api/events). Plain DOM and SVG, no libraries, nothing fetched from elsewhere.
"use strict";

const COLORS = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#d97706", "#0891b2", "#db2777", "#4b5563"];
const SVGNS = "http://www.w3.org/2000/svg";
let snap = null;
let selected = decodeURIComponent(location.hash.replace(/^#round=/, "")) || null;

const $ = (id) => document.getElementById(id);
const esc = (v) => String(v == null ? "" : v).replace(/[&<>"']/g, (c) =>
  ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const short = (h, n = 10) => (h ? String(h).slice(0, n) : "–");
const num = (v, d = 4) => (v == null || !isFinite(v) ? "–" : Number(v).toFixed(d));
const bytes = (b) => {
  if (b == null) return "–";
  const u = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0, x = Number(b);
  while (x >= 1024 && i < u.length - 1) { x /= 1024; i++; }
  return (i === 0 ? x : x.toFixed(1)) + " " + u[i];
};
const badge = (s) => `<span class="badge s-${esc(s)}">${esc(s)}</span>`;
const none = (text) => `<p class="none">${esc(text)}</p>`;
const el = (name, attrs, parent) => {
  const e = document.createElementNS(SVGNS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
};

function names() {
  const m = {};
  for (const w of (snap && snap.workers) || []) if (w.moniker) m[String(w.address).toLowerCase()] = w.moniker;
  return m;
}
const who = (addr, n) => esc(n[String(addr || "").toLowerCase()] || short(addr));

function connect() {
  const es = new EventSource("api/events");
  es.addEventListener("snapshot", (e) => {
    $("live").className = "live on";
    snap = JSON.parse(e.data);
    render();
  });
  es.onerror = () => { $("live").className = "live off"; };
}

function currentRound() {
  const rounds = snap.rounds || [];
  return rounds.find((r) => r.round_id === selected) || rounds[0] || null;
}

function render() {
  const c = snap.chain || {};
  const vals = (c.validators || []).length;
  $("summary").textContent = `height ${snap.height}` + (c.chain_id ? ` · ${c.chain_id}` : "")
    + (vals ? ` · ${vals} validators` : "") + ` · ${(snap.rounds || []).length} rounds · ${(snap.workers || []).length} nodes`;
  $("empty").hidden = !snap.empty;
  document.body.classList.toggle("is-empty", !!snap.empty);
  renderRounds();
  const r = currentRound();
  renderRound(r);
  renderLoss(r);
  renderDeltas(r);
  renderLineage(r);
  renderWorkers();
  renderChain();
}

function renderRounds() {
  const rounds = snap.rounds || [];
  if (!rounds.length) { $("rounds").innerHTML = none("No rounds yet."); return; }
  const cur = currentRound();
  $("rounds").innerHTML = `<div class="scroll"><table><thead><tr><th>round</th><th>status</th><th>progress</th>`
    + `<th class="hide-narrow">deltas</th></tr></thead><tbody>` + rounds.map((r) =>
      `<tr class="round-row${cur && r.round_id === cur.round_id ? " selected" : ""}" data-round-id="${esc(r.round_id)}">`
      + `<td class="mono">${esc(short(r.round_id, 14))}</td><td>${badge(r.status)}</td>`
      + `<td><div class="bar" title="${Math.round(r.progress * 100)} %"><span style="width:${Math.round(r.progress * 100)}%"></span></div></td>`
      + `<td class="hide-narrow">${r.deltas_received}/${r.deltas_expected}</td></tr>`).join("") + `</tbody></table></div>`;
  for (const row of $("rounds").querySelectorAll("tr.round-row")) {
    row.onclick = () => { selected = row.dataset.roundId; location.hash = "round=" + encodeURIComponent(selected); render(); };
  }
}

function renderRound(r) {
  $("round-title").textContent = r ? short(r.round_id, 18) : "";
  if (!r) { $("round").innerHTML = none("Select a round once one exists."); return; }
  const d = r.deadlines || {};
  const ended = ["FINALIZED", "FAILED", "CANCELLED"].includes(r.status);
  const left = (h) => (!h ? "–" : ended ? `${h}` : `${h} (${h - snap.height > 0 ? "in " + (h - snap.height) + " blocks" : "passed"})`);
  const cost = r.cost || {};
  $("round").innerHTML = `<dl class="kv">`
    + `<dt>status</dt><dd>${badge(r.status)} ${esc(r.reason)}</dd>`
    + `<dt>model</dt><dd>${esc(r.model_id)}</dd>`
    + `<dt>progress</dt><dd>${Math.round(r.progress * 100)} % · ${r.deltas_received} of ${r.deltas_expected} deltas received, `
    + `${r.deltas_accepted} accepted, ${r.deltas_rejected} rejected, ${r.deltas_expired} expired, ${r.deltas_pending} pending</dd>`
    + `<dt>started</dt><dd>height ${r.start_height || "–"}</dd>`
    + `<dt>training until</dt><dd>${left(d.training)}</dd>`
    + `<dt>validation until</dt><dd>${left(d.validation)}</dd>`
    + `<dt>aggregation until</dt><dd>${left(d.aggregation)}</dd>`
    + `<dt>cost</dt><dd>${esc(cost.total_cost != null ? "$" + cost.total_cost : "–")} · ${num(cost.gpu_seconds, 1)} GPU-s · `
    + `${bytes(cost.stored_bytes)} stored · ${bytes(cost.transferred_bytes)} transferred</dd>`
    + `<dt>checkpoints</dt><dd>${(r.checkpoints || []).map((c) => `${esc(c.layer)} → <span class="mono">${esc(short(c.hash, 16))}</span>`).join("<br>") || "none yet"}</dd>`
    + `</dl>`;
}

/** Mean of the validators' evaluation losses for a delta, or null. */
function evalOf(delta) {
  const ev = delta.eval || [];
  const pick = (k) => {
    const xs = ev.map((e) => e[k]).filter((x) => x != null);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length / 1e6 : null;
  };
  return { before: pick("evalLossBeforeMicro"), after: pick("evalLossAfterMicro"), n: ev.length };
}

function renderLoss(r) {
  const box = $("loss");
  box.innerHTML = "";
  const curves = ((r && r.curves) || []).filter((c) => c.points.length);
  const evals = ((r && r.deltas) || []).map((d) => ({ d, e: evalOf(d) })).filter((x) => x.e.before != null || x.e.after != null);
  if (!curves.length && !evals.length) {
    box.innerHTML = none(r ? "No training progress reported for this round yet." : "No round yet, so no loss to draw.");
    return;
  }
  const n = names();
  const W = 640, H = 260, L = 48, R = 12, T = 10, B = 30;
  let xmax = 1, ymin = Infinity, ymax = -Infinity;
  for (const c of curves) for (const [s, l] of c.points) { xmax = Math.max(xmax, s, c.total_steps || 0); ymin = Math.min(ymin, l); ymax = Math.max(ymax, l); }
  for (const { e } of evals) for (const v of [e.before, e.after]) if (v != null) { ymin = Math.min(ymin, v); ymax = Math.max(ymax, v); }
  if (ymax - ymin < 1e-6) { ymax += 0.5; ymin -= 0.5; }
  const pad = (ymax - ymin) * 0.08; ymax += pad; ymin -= pad;
  const x = (s) => L + (W - L - R) * s / xmax;
  const y = (l) => T + (H - T - B) * (ymax - l) / (ymax - ymin);
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "loss-chart", role: "img", "aria-label": "training loss by step" });
  for (let i = 0; i <= 4; i++) {
    const v = ymin + (ymax - ymin) * i / 4;
    el("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#eef0f3" }, svg);
    el("text", { x: L - 4, y: y(v) + 4, "text-anchor": "end", "font-size": 10, fill: "#667085" }, svg).textContent = v.toFixed(2);
  }
  el("text", { x: W - R, y: H - 6, "text-anchor": "end", "font-size": 10, fill: "#667085" }, svg).textContent = `step (0–${xmax})`;
  const legend = document.createElement("div");
  legend.className = "legend";
  const colorOf = {};
  curves.forEach((c, i) => {
    const col = COLORS[i % COLORS.length];
    colorOf[c.trainer] = col;
    const g = el("g", { class: "curve", "data-trainer": c.trainer }, svg);
    el("path", { d: c.points.map(([s, l], j) => `${j ? "L" : "M"}${x(s).toFixed(1)},${y(l).toFixed(1)}`).join(""),
      fill: "none", stroke: col, "stroke-width": 1.6 }, g);
    for (const [s, l] of c.points) {
      el("circle", { class: "pt", cx: x(s).toFixed(1), cy: y(l).toFixed(1), r: 2.2, fill: col }, g)
        .appendChild(el("title", {})).textContent = `${who(c.trainer, n)} step ${s}: loss ${l.toFixed(4)}`;
    }
    legend.insertAdjacentHTML("beforeend", `<span><i style="background:${col}"></i>${who(c.trainer, n)} (training)</span>`);
  });
  evals.forEach(({ d, e }, i) => {
    const col = colorOf[String(d.trainer).toLowerCase()] || COLORS[(curves.length + i) % COLORS.length];
    const g = el("g", { class: "eval", "data-delta": d.delta_id }, svg);
    if (e.before != null) {
      el("line", { x1: L, x2: W - R, y1: y(e.before), y2: y(e.before), stroke: "#9ca3af", "stroke-dasharray": "4 4" }, g);
    }
    if (e.after != null) {
      const cx = x(xmax) - 6 - i * 8;
      el("rect", { x: cx - 4, y: y(e.after) - 4, width: 8, height: 8, fill: col, stroke: "#111827" }, g)
        .appendChild(el("title", {})).textContent = `${who(d.trainer, n)}: eval loss ${num(e.before)} → ${num(e.after)} (${e.n} validators)`;
    }
  });
  if (evals.length) {
    legend.insertAdjacentHTML("beforeend", `<span><i style="background:#9ca3af"></i>eval loss before (dashed)</span>`
      + `<span><i style="background:#111827"></i>eval loss after (squares, per delta)</span>`);
  }
  box.appendChild(svg);
  box.appendChild(legend);
}

function renderDeltas(r) {
  const deltas = (r && r.deltas) || [];
  if (!deltas.length) { $("deltas").innerHTML = none(r ? "No delta submitted in this round yet." : "No deltas yet."); return; }
  const n = names();
  $("deltas").innerHTML = `<div class="scroll"><table><thead><tr><th>delta</th><th>trainer</th><th class="hide-narrow">layer</th><th>status</th>`
    + `<th>power</th><th>score</th><th class="hide-narrow">reasons</th><th>eval loss</th><th class="hide-narrow">trainer's loss</th><th>votes</th></tr></thead><tbody>`
    + deltas.map((d) => {
      const led = d.ledger || {};
      const vs = led.verdicts || [];
      const reasons = [...new Set([...(d.reasons || []), ...vs.flatMap((v) => v.reason_codes || [])])];
      const scores = vs.filter((v) => v.approve).map((v) => v.score_micro / 1e6);
      const e = evalOf(d);
      const votes = vs.map((v) => `<span class="badge ${v.approve ? "vote-yes" : "vote-no"}" title="${esc(v.validator)}: `
        + `${v.approve ? "approve" : "reject"}, power ${v.power}, score ${v.score_micro / 1e6}${(v.reason_codes || []).length ? ", " + esc(v.reason_codes.join(" ")) : ""}">`
        + `${who(v.validator, n)} ${v.approve ? "✓" : "✗"} ${v.power}</span>`).join("");
      return `<tr data-delta-id="${esc(d.delta_id)}" data-delta-status="${esc(d.status)}">`
        + `<td class="mono">${esc(short(d.delta_id, 12))}</td><td>${who(d.trainer, n)}</td><td class="hide-narrow">${esc(d.layer_name)}</td>`
        + `<td>${badge(d.status)}${reasons.length ? `<div class="reasons show-narrow">${esc(reasons.join(", "))}</div>` : ""}</td>`
        + `<td>${led.total_power != null ? `+${led.approve_power} / −${led.reject_power} of ${led.total_power}` : "–"}</td>`
        + `<td>${scores.length ? num(scores.reduce((a, b) => a + b, 0) / scores.length) : "–"}</td>`
        + `<td class="reasons hide-narrow">${esc(reasons.join(", "))}</td>`
        + `<td>${e.before != null || e.after != null ? `${num(e.before)} → ${num(e.after)}` : "–"}</td>`
        + `<td class="hide-narrow">${num(d.loss_before)} → ${num(d.loss_after)}</td>`
        + `<td><div class="votes">${votes || (led.verdict_count === 0 ? "none yet" : "–")}</div></td></tr>`;
    }).join("") + `</tbody></table></div>`;
}

function renderLineage(r) {
  const box = $("lineage");
  box.innerHTML = "";
  const all = snap.lineage || [];
  const layersOfRound = new Set(((r && r.deltas) || []).map((d) => d.layer_name).concat(((r && r.checkpoints) || []).map((c) => c.layer)));
  const shown = all.filter((l) => !r || layersOfRound.has(l.layer));
  if (!shown.length) {
    box.innerHTML = none(all.length || r ? "No checkpoint agreed for this round's layers yet." : "No checkpoints yet.");
    return;
  }
  const n = names();
  for (const l of shown) {
    const cps = l.checkpoints || [];
    const title = document.createElement("div");
    title.innerHTML = `<strong>${esc(l.layer)}</strong> · head <span class="mono">${esc(short(l.head, 16))}</span>`;
    box.appendChild(title);
    const step = 220, W = 40 + step * (cps.length + 1), H = 150, cy = 105;
    const wrap = document.createElement("div");
    wrap.className = "scroll";
    // drawn at its natural size (scrolling sideways when long), never blown up to the card's width
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "lineage", "data-layer": l.layer,
      style: `width:${W}px;max-width:none` });
    const node = (cx, label, sub, cls, hash) => {
      const g = el("g", { class: cls, "data-hash": hash || "" }, svg);
      el("rect", { x: cx - 90, y: cy - 20, width: 180, height: 40, rx: 6, fill: cls === "base" ? "#f3f4f6" : "#dbeafe", stroke: "#6b7280" }, g);
      el("text", { x: cx, y: cy - 4, "text-anchor": "middle" }, g).textContent = label;
      el("text", { x: cx, y: cy + 12, "text-anchor": "middle", fill: "#4b5563" }, g).textContent = sub;
      return g;
    };
    let prev = 20 + 90;
    node(prev, "base " + short(l.base, 10), "", "base", l.base);
    cps.forEach((c, i) => {
      const cx = 20 + 90 + step * (i + 1);
      el("line", { x1: prev + 90, y1: cy, x2: cx - 90, y2: cy, stroke: "#374151" }, svg);
      el("polygon", { points: `${cx - 90},${cy} ${cx - 98},${cy - 4} ${cx - 98},${cy + 4}`, fill: "#374151" }, svg);
      node(cx, "ckpt " + short(c.hash, 10), `${c.method || "method ?"} · round ${short(c.round_id, 8)}`, "checkpoint", c.hash);
      const ds = c.contributing_deltas || [];
      ds.forEach((d, j) => {
        const dx = cx - 60 + (ds.length === 1 ? 60 : 120 * j / (ds.length - 1));
        el("line", { x1: dx, y1: 38, x2: cx, y2: cy - 20, stroke: "#16a34a" }, svg);
        const g = el("g", { class: "contrib", "data-delta": d }, svg);
        el("circle", { cx: dx, cy: 30, r: 8, fill: "#dcfce7", stroke: "#16a34a" }, g)
          .appendChild(el("title", {})).textContent = "delta " + d;
        el("text", { x: dx, y: 14, "text-anchor": "middle" }, g).textContent = short(d, 6);
      });
      prev = cx;
    });
    wrap.appendChild(svg);
    box.appendChild(wrap);
  }
}

function renderWorkers() {
  const ws = snap.workers || [];
  if (!ws.length) { $("workers").innerHTML = none("No node has registered on chain yet."); return; }
  $("workers").innerHTML = `<div class="scroll"><table><thead><tr><th>node</th><th>role</th><th>device</th><th>memory</th>`
    + `<th>tokens/s</th><th>busy</th><th>heartbeat</th><th>reputation</th><th class="hide-narrow">uploaded</th>`
    + `<th class="hide-narrow">bandwidth</th></tr></thead><tbody>` + ws.map((w) => {
      const tps = w.progress_tokens_per_second || w.measured_tokens_per_second || w.registered_tokens_per_second;
      // measured device utilisation when the trainer reports it, else the share of heartbeats spent training
      const busy = w.utilization != null
        ? `${Math.round(w.utilization * 100)} % ${String(w.device || "").startsWith("cuda") ? "GPU" : "CPU"}`
        : w.busy_share != null ? `${Math.round(w.busy_share * 100)} % of time` : "–";
      const rate = w.upload_bytes_per_second ? bytes(w.upload_bytes_per_second) + "/s measured"
        : w.bandwidth_bytes_per_second ? bytes(w.bandwidth_bytes_per_second) + "/s declared" : "–";
      return `<tr data-address="${esc(w.address)}"><td>${esc(w.moniker || short(w.address))}<br><span class="mono">${esc(short(w.address, 12))}</span></td>`
        + `<td>${esc(w.role)}</td><td>${esc(w.device)}</td><td>${bytes(w.memory_bytes)}</td><td>${tps ? Math.round(tps) : "–"}</td>`
        + `<td>${busy}${w.state ? " · " + esc(w.state) : ""}</td>`
        + `<td>${w.role === "TRAINER" && w.heartbeat_age_s != null ? (w.alive ? "" : "⚠ ") + Math.round(w.heartbeat_age_s) + " s ago" : "–"}</td>`
        + `<td>${w.reputation != null ? esc(w.reputation) : "–"}${w.success_rate != null ? ` · ${Math.round(w.success_rate * 100)} % ok` : ""}</td>`
        + `<td class="hide-narrow">${bytes(w.uploaded_bytes_total != null ? w.uploaded_bytes_total : w.uploaded_bytes)}</td>`
        + `<td class="hide-narrow">${rate}</td></tr>`;
    }).join("") + `</tbody></table></div>`;
}

function renderChain() {
  const c = snap.chain || {};
  const vals = c.validators || [];
  const total = c.total_power || vals.reduce((a, v) => a + (v.power || 0), 0);
  const n = names();
  $("chain").innerHTML = `<dl class="kv"><dt>height</dt><dd>${esc(c.height != null ? c.height : snap.height)}</dd>`
    + (c.chain_id ? `<dt>chain id</dt><dd>${esc(c.chain_id)}</dd>` : "")
    + `<dt>app hash</dt><dd class="mono">${esc(c.app_hash ? short(c.app_hash, 24) : "–")}</dd>`
    + `<dt>block time</dt><dd>${esc(c.block_time || "–")}</dd>`
    + (c.block_interval_s != null ? `<dt>block interval</dt><dd>${num(c.block_interval_s, 2)} s</dd>` : "")
    + `</dl>`
    + (vals.length ? `<table><thead><tr><th>validator</th><th>power</th><th></th></tr></thead><tbody>` + vals.map((v) =>
      `<tr><td>${who(v.address, n)}</td><td>${v.power}</td><td><div class="bar"><span style="width:${total ? Math.round(100 * v.power / total) : 0}%"></span></div></td></tr>`).join("")
      + `</tbody></table>` : none(c.available === false ? "The chain's node does not answer: " + (c.error || "") : "No validator set reported by this chain."));
}

connect();
