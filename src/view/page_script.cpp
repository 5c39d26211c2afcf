/// The landscape page's renderer: hand-written JavaScript drawing SVG, no libraries. It lays out
/// the disconnectivity graph exactly as src/graph/render.cpp does (a node hangs from its parent
/// by a diagonal to the next level, then straight down to its own energy; roots hang from the
/// window top), finds minimax paths with Dijkstra's algorithm in the (max, <) semiring, and
/// stitches energy profiles from the stored steepest-descent paths as lossland profile does.
#include "view/page_internal.hpp"

namespace lossland::view::detail {

const char* const kPageScript = R"JS(
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  var D = JSON.parse(document.getElementById('landscape-data').textContent);
  var T = D.tree, N = T.nodes, L = T.levels.length, M = D.minima.length;
  var NS = 'http://www.w3.org/2000/svg';
  var W = 900, H = 560, left = 84, right = W - 110, top = 30, bottom = H - 36;
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) if (attrs[k] !== null) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(tag, parent, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(v, d) {
    if (v === null || v === undefined || !isFinite(v)) return '\u2013';
    return String(Number(Number(v).toPrecision(d || 6)));
  }
  var logSp = T.spacing === 'log';
  function coord(e) {
    if (!logSp) return e;
    return Math.log(Math.max(e - T.energy_min + T.log_offset, 2.2250738585072014e-308));
  }
  function energyOf(c) { return logSp ? Math.exp(c) + T.energy_min - T.log_offset : c; }
  var broken = T.transition_states_above > 0;
  var cWindow = coord(T.window_top), cTop = cWindow + (broken ? 1.5 : 0) * T.delta;
  var cMin = Infinity;
  N.forEach(function (n) { cMin = Math.min(cMin, coord(n.energy)); });
  var full = { lo: cMin - 0.03 * (cTop - cMin), hi: cTop };
  var view = { lo: full.lo, hi: full.hi };
  function Yc(c) { return bottom - (c - view.lo) / (view.hi - view.lo) * (bottom - top); }
  function Y(e) { return Yc(coord(e)); }
  var span = Math.max(1, T.num_leaves - 1);
  function X(x) {
    if (T.num_leaves <= 1) return 0.5 * (left + right);
    var pad = Math.min(30, 0.5 * (right - left) / T.num_leaves);
    return left + pad + x / span * (right - left - 2 * pad);
  }

  // ---- minima, columns, colours ----
  var tsById = {}, adj = [];
  for (var i0 = 0; i0 < M; ++i0) adj.push([]);
  D.transition_states.forEach(function (t) {
    tsById[t.id] = t;
    adj[t.min1].push([t.min2, t]);
    adj[t.min2].push([t.min1, t]);
  });
  var colorSel = $('color');
  ['energy'].concat(Object.keys(D.columns)).forEach(function (c) {
    var o = html('option', colorSel, c);
    o.value = c;
  });
  colorSel.value = D.color;
  function value(col, id) { return col === 'energy' ? D.minima[id].energy : D.columns[col][id]; }
  var stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  function ramp(f) {
    f = Math.min(1, Math.max(0, f)) * (stops.length - 1);
    var i = Math.min(stops.length - 2, Math.floor(f)), u = f - i, a = stops[i], b = stops[i + 1];
    return 'rgb(' + [0, 1, 2].map(function (k) { return Math.round(a[k] + u * (b[k] - a[k])); }) + ')';
  }
  function colourScale(col) {
    var lo = Infinity, hi = -Infinity;
    D.minima.forEach(function (m) {
      var v = value(col, m.id);
      if (m.drawn && v !== null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    });
    return { lo: lo, hi: hi, of: function (v) {
      if (v === null || !isFinite(v) || !(lo <= hi)) return '#999';
      return ramp(hi > lo ? (v - lo) / (hi - lo) : 0.5);
    } };
  }

  // ---- selection and paths ----
  var selected = [], pathInfo = null;
  function ancestors(node) {
    var s = {};
    for (var k = node; k >= 0; k = N[k].parent) s[k] = true;
    return s;
  }
  function minimax(a, b) {
    var best = new Array(M).fill(Infinity), prev = new Array(M).fill(null), done = [];
    best[a] = -Infinity;
    var heap = [[-Infinity, a]];
    function push(x) {
      heap.push(x);
      for (var i = heap.length - 1; i > 0;) {
        var p = (i - 1) >> 1;
        if (heap[p][0] <= heap[i][0]) break;
        var t = heap[p]; heap[p] = heap[i]; heap[i] = t; i = p;
      }
    }
    function pop() {
      var r = heap[0], last = heap.pop();
      if (heap.length) {
        heap[0] = last;
        for (var i = 0;;) {
          var l = 2 * i + 1, m = i;
          if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
          if (l + 1 < heap.length && heap[l + 1][0] < heap[m][0]) m = l + 1;
          if (m === i) break;
          var t = heap[m]; heap[m] = heap[i]; heap[i] = t; i = m;
        }
      }
      return r;
    }
    while (heap.length) {
      var u = pop()[1];
      if (done[u]) continue;
      done[u] = true;
      if (u === b) break;
      adj[u].forEach(function (e) {
        var c = Math.max(best[u], e[1].energy);
        if (c < best[e[0]]) { best[e[0]] = c; prev[e[0]] = [u, e[1]]; push([c, e[0]]); }
      });
    }
    if (a !== b && prev[b] === null) return null;
    var mins = [b], tss = [];
    for (var v = b; v !== a; v = prev[v][0]) { tss.unshift(prev[v][1].id); mins.unshift(prev[v][0]); }
    return { minima: mins, ts: tss, barrier: a === b ? D.minima[a].energy : best[b] };
  }
  // The profile along the path: each transition state's stored path to the previous minimum
  // reversed, then its path to the next one; a straight sketch where no path is stored.
  function profile(p) {
    var pts = [], marks = [], s0 = 0, sketched = 0;
    marks.push({ min: true, id: p.minima[0], s: 0, e: D.minima[p.minima[0]].energy });
    p.ts.forEach(function (tid, k) {
      var t = tsById[tid], a = p.minima[k], b = p.minima[k + 1], st = D.profiles[String(tid)];
      var up, down;
      if (st && st.s1 && st.s2) {
        var sideA = t.min1 === a ? 1 : 2;
        up = { s: st['s' + sideA], e: st['e' + sideA] };
        down = { s: st['s' + (3 - sideA)], e: st['e' + (3 - sideA)] };
      } else {
        ++sketched;
        up = { s: [0, 1], e: [t.energy, D.minima[a].energy] };
        down = { s: [0, 1], e: [t.energy, D.minima[b].energy] };
      }
      var ul = up.s[up.s.length - 1];
      for (var i = up.s.length - 1; i >= 0; --i) pts.push([s0 + ul - up.s[i], up.e[i]]);
      marks.push({ min: false, id: tid, s: s0 + ul, e: t.energy });
      for (var j = 1; j < down.s.length; ++j) pts.push([s0 + ul + down.s[j], down.e[j]]);
      s0 += ul + down.s[down.s.length - 1];
      marks.push({ min: true, id: b, s: s0, e: D.minima[b].energy });
    });
    if (!p.ts.length) pts.push([0, D.minima[p.minima[0]].energy]);
    return { points: pts, marks: marks, sketched: sketched };
  }
)JS"
                                R"JS(
  // ---- drawing the graph ----
  var svg = $('graph'), tip = $('tooltip');
  function showTip(evt, lines) {
    tip.textContent = '';
    lines.forEach(function (l, i) { html(i ? 'div' : 'b', tip, l); });
    tip.style.display = 'block';
    tip.style.left = (evt.pageX + 14) + 'px';
    tip.style.top = (evt.pageY + 10) + 'px';
  }
  function hideTip() { tip.style.display = 'none'; }
  function minimumLines(id) {
    var m = D.minima[id], out = ['minimum ' + id, 'energy ' + fmt(m.energy, 10)];
    if (D.analyzed) {
      out.push('AUC ' + fmt(D.columns.auc[id], 4));
      out.push('connected hidden nodes ' + fmt(D.columns.connected_hidden[id]) + ' of ' + D.hidden);
    } else {
      out.push('AUC, connected nodes: run lossland analyze ' + D.database);
    }
    var nb = {};
    adj[id].forEach(function (e) { nb[e[0]] = true; });
    out.push(adj[id].length + ' transition states to minima ' + (Object.keys(nb).join(', ') || 'none'));
    var col = colorSel.value;
    if (col !== 'energy' && col !== 'auc' && col !== 'connected_hidden') out.push(col + ' ' + fmt(value(col, id)));
    return out;
  }
  function tsLines(n) {
    var t = tsById[n.ts];
    return ['transition state ' + t.id, 'energy ' + fmt(t.energy, 10),
            'joins minima ' + t.min1 + ' and ' + t.min2,
            n.children.length + ' branches merge (' + n.size + ' minima below)'];
  }
  function axis(g) {
    el('line', { x1: left - 12, y1: top, x2: left - 12, y2: bottom, class: 'axis' }, g);
    var ticks = [];
    if (logSp) {
      ticks.push([coord(T.energy_min), '0']);
      var dlo = Math.max(energyOf(view.lo) - T.energy_min, T.log_offset);
      var dhi = energyOf(view.hi) - T.energy_min;
      for (var k = Math.floor(Math.log10(dlo)) - 1; k <= Math.ceil(Math.log10(Math.max(dhi, dlo))); ++k)
        ticks.push([coord(T.energy_min + Math.pow(10, k)), '1e' + k]);
    } else {
      var raw = (view.hi - view.lo) / 6, mag = Math.pow(10, Math.floor(Math.log10(raw)));
      var step = [1, 2, 5, 10].map(function (f) { return f * mag; }).filter(function (s) { return s >= raw; })[0];
      // Whole multiples of the step (at most a few dozen, whatever the rounding).
      for (var k0 = Math.ceil(view.lo / step), k = k0; step > 0 && k <= view.hi / step && k < k0 + 40; ++k)
        ticks.push([k * step, String(Number((k * step).toPrecision(6)))]);
    }
    var lastY = Infinity;
    ticks.forEach(function (t) {
      var y = Yc(t[0]);
      if (y < top - 0.5 || y > bottom + 0.5 || lastY - y < 14) return;
      lastY = y;
      el('line', { x1: left - 17, y1: y, x2: left - 12, y2: y, class: 'axis' }, g);
      el('text', { x: left - 20, y: y + 4, 'text-anchor': 'end', class: 'tick' }, g, t[1]);
    });
    el('text', { transform: 'translate(16,' + (0.5 * (top + bottom)) + ') rotate(-90)',
                 'text-anchor': 'middle', class: 'label' }, g,
       logSp ? 'loss E \u2212 E_min, log scale' : 'loss E');
  }
  function legend(g, col, sc) {
    var x = right + 40, gid = 'ramp';
    var defs = el('defs', {}, g), lg = el('linearGradient', { id: gid, x1: 0, y1: 1, x2: 0, y2: 0 }, defs);
    for (var i = 0; i <= 10; ++i) el('stop', { offset: i / 10, 'stop-color': ramp(i / 10) }, lg);
    el('rect', { x: x, y: top, width: 14, height: bottom - top, fill: 'url(#' + gid + ')', class: 'frame' }, g);
    el('text', { x: x + 7, y: top - 8, 'text-anchor': 'middle', class: 'tick' }, g, col);
    el('text', { x: x + 18, y: top + 10, class: 'tick' }, g, fmt(sc.hi, 4));
    el('text', { x: x + 18, y: bottom, class: 'tick' }, g, fmt(sc.lo, 4));
  }
  function draw() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var col = colorSel.value, sc = colourScale(col);
    var defs = el('defs', {}, svg), clip = el('clipPath', { id: 'plotclip' }, defs);
    el('rect', { x: 0, y: top - 4, width: W, height: bottom - top + 8 }, clip);
    axis(svg);
    legend(svg, col, sc);
    var g = el('g', { 'clip-path': 'url(#plotclip)' }, svg);
    var onPath = {}, pathMin = {}, lcaNode = -1;
    if (pathInfo && pathInfo.path) {
      var la = D.minima[selected[0]].leaf, lb = D.minima[selected[1]].leaf;
      var A = ancestors(la), B = ancestors(lb);
      for (var k = la; k >= 0; k = N[k].parent) if (B[k]) { lcaNode = k; break; }
      var above = lcaNode >= 0 ? ancestors(lcaNode) : {};
      for (var q in A) if (!above[q]) onPath[q] = true;
      for (var r in B) if (!above[r]) onPath[r] = true;
      pathInfo.path.minima.forEach(function (m) { pathMin[m] = true; });
    }
    var highlighted = 0, leafGroups = [], merges = [];
    N.forEach(function (n, i) {
      if (n.children.length === 1) return;
      var chain = i;
      while (N[chain].parent >= 0 && N[N[chain].parent].children.length === 1) chain = N[chain].parent;
      var ct = N[chain], xs, ys, ek;
      if (ct.parent >= 0) {
        var par = N[ct.parent];
        xs = par.x; ys = Y(par.energy);
        ek = par.level + 1 < L ? Math.max(n.energy, T.levels[par.level + 1]) : n.energy;
      } else {
        xs = ct.x; ys = Yc(cTop);
        ek = Math.max(n.energy, T.levels[0]);
      }
      var d = 'M' + X(xs) + ',' + ys + 'L' + X(n.x) + ',' + Y(ek) + 'L' + X(n.x) + ',' + Y(n.energy);
      var hl = onPath[i] === true;
      highlighted += hl;
      if (n.minimum >= 0) {
        var lg = el('g', { class: 'leaf', 'data-min': n.minimum }, g);
        el('path', { d: d, class: 'branch' + (hl ? ' path' : ''), stroke: hl ? null : sc.of(value(col, n.minimum)), 'stroke-width': 2.2 }, lg);
        el('path', { d: d, class: 'hit' }, lg);
        el('circle', { cx: X(n.x), cy: Y(n.energy), r: 4, fill: sc.of(value(col, n.minimum)),
                       class: 'end' + (selected.indexOf(n.minimum) >= 0 ? ' sel' : '') + (pathMin[n.minimum] ? ' onpath' : '') }, lg);
        leafGroups.push(lg);
      } else {
        el('path', { d: d, class: 'branch' + (hl ? ' path' : '') }, g);
        if (n.ts >= 0) merges.push([n, i]);
      }
    });
    merges.forEach(function (p) {
      var c = el('circle', { cx: X(p[0].x), cy: Y(p[0].energy), r: 3.5, class: 'merge' + (p[1] === lcaNode ? ' barrier' : ''), 'data-ts': p[0].ts }, g);
      c.addEventListener('mouseover', function (evt) { showTip(evt, tsLines(p[0])); });
      c.addEventListener('mouseout', hideTip);
    });
    leafGroups.forEach(function (lg) {
      var id = Number(lg.getAttribute('data-min'));
      lg.addEventListener('mouseover', function (evt) { showTip(evt, minimumLines(id)); });
      lg.addEventListener('mouseout', hideTip);
      lg.addEventListener('click', function () { choose(id); });
    });
    if (broken && view.hi >= cWindow) {
      var yb = 0.5 * (Yc(cTop) + Yc(cWindow));
      T.roots.forEach(function (r) {
        if (N[r].minimum >= 0) return;
        el('rect', { x: X(N[r].x) - 8, y: yb - 3, width: 16, height: 6, fill: '#fff' }, g);
        el('path', { d: 'M' + (X(N[r].x) - 7) + ',' + (yb - 1) + 'l14,-4M' + (X(N[r].x) - 7) + ',' + (yb + 5) + 'l14,-4', class: 'axis' }, g);
      });
      el('text', { x: right, y: top - 12, 'text-anchor': 'end', class: 'note' }, svg,
         T.transition_states_above + ' transition states above, up to E = ' + fmt(T.highest_above, 4));
    }
    var band = el('rect', { id: 'band', x: left, y: 0, width: right - left, height: 0, class: 'band' }, svg);
    band.style.display = 'none';
    $('elo').value = fmt(energyOf(view.lo), 8);
    $('ehi').value = fmt(energyOf(view.hi), 8);
    return { leaves: leafGroups.length, merges: merges.length, highlighted: highlighted };
  }
)JS";

}  // namespace lossland::view::detail
