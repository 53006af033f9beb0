/* wifiplan report.html: decodes the embedded grids (src/html/data.rs),
   paints the chosen layer, shows the values under the pointer or the
   keyboard cursor, sorts the tables, swipes between base and candidate.
   With #selftest in the URL it exercises all of that and writes the
   results into a pre element (id selftest) for the browser test. */
(function () {
  'use strict';

  var errors = window.wifiplanErrors || [];
  var DATA = JSON.parse(document.getElementById('wifiplan-data').textContent);
  var NO_DATA = -32768, NEG_INF = -32767, POS_INF = 32767, NONE = 65535;
  var WALL = 1, EXCLUDED = 2, OUTSIDE = 3, BELOW = 4;
  var MINUS = '\u2212';

  /* ---- decoding ---------------------------------------------------- */

  function bytesOf(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  function inflateStream(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  function inflate(bytes) {
    if (typeof DecompressionStream === 'function') {
      return inflateStream(bytes).catch(function () { return inflateZlib(bytes); });
    }
    return Promise.resolve().then(function () { return inflateZlib(bytes); });
  }

  /* A small zlib/deflate decoder (RFC 1950/1951) for browsers without
     DecompressionStream; canonical Huffman codes decoded bit by bit. */
  var LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  var LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  var DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
    4097, 6145, 8193, 12289, 16385, 24577];
  var DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
  var CLORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

  function huffman(lengths) {
    var count = new Uint16Array(16), offs = new Uint16Array(16), sym = new Uint16Array(lengths.length), i;
    for (i = 0; i < lengths.length; i++) count[lengths[i]]++;
    count[0] = 0;
    for (i = 1; i < 16; i++) offs[i] = offs[i - 1] + count[i - 1];
    for (i = 0; i < lengths.length; i++) if (lengths[i]) sym[offs[lengths[i]]++] = i;
    return { count: count, sym: sym };
  }

  function inflateZlib(src) {
    if (src.length < 6 || (src[0] & 15) !== 8 || ((src[0] << 8) | src[1]) % 31 !== 0 || (src[1] & 32)) {
      throw new Error('embedded data is not a zlib stream');
    }
    var pos = 2, buf = 0, nbits = 0, n = 0, out = new Uint8Array(Math.max(1024, src.length * 4));
    function get(k) {
      while (nbits < k) {
        if (pos >= src.length) throw new Error('embedded data is truncated');
        buf |= src[pos++] << nbits;
        nbits += 8;
      }
      var v = buf & ((1 << k) - 1);
      buf >>>= k;
      nbits -= k;
      return v;
    }
    function put(b) {
      if (n === out.length) {
        var grown = new Uint8Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      out[n++] = b;
    }
    function decode(h) {
      var code = 0, first = 0, index = 0;
      for (var len = 1; len < 16; len++) {
        code |= get(1);
        var c = h.count[len];
        if (code - c < first) return h.sym[index + (code - first)];
        index += c;
        first = (first + c) << 1;
        code <<= 1;
      }
      throw new Error('bad Huffman code in embedded data');
    }
    var fixedLit = null, fixedDist = null, last, i;
    do {
      last = get(1);
      var type = get(2), lit, dist;
      if (type === 0) {
        buf = 0;
        nbits = 0;
        if (pos + 4 > src.length) throw new Error('embedded data is truncated');
        var len = src[pos] | (src[pos + 1] << 8);
        pos += 4;
        if (pos + len > src.length) throw new Error('embedded data is truncated');
        for (i = 0; i < len; i++) put(src[pos++]);
        continue;
      } else if (type === 1) {
        if (!fixedLit) {
          var l = new Uint8Array(288);
          for (i = 0; i < 288; i++) l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
          fixedLit = huffman(l);
          var d = new Uint8Array(30);
          d.fill(5);
          fixedDist = huffman(d);
        }
        lit = fixedLit;
        dist = fixedDist;
      } else if (type === 2) {
        var hlit = get(5) + 257, hdist = get(5) + 1, hclen = get(4) + 4;
        var cl = new Uint8Array(19);
        for (i = 0; i < hclen; i++) cl[CLORDER[i]] = get(3);
        var clh = huffman(cl), lengths = new Uint8Array(hlit + hdist);
        for (i = 0; i < hlit + hdist;) {
          var s = decode(clh), rep = 0, val = 0;
          if (s < 16) { lengths[i++] = s; continue; }
          if (s === 16) {
            if (i === 0) throw new Error('bad lengths in embedded data');
            val = lengths[i - 1];
            rep = 3 + get(2);
          } else if (s === 17) {
            rep = 3 + get(3);
          } else {
            rep = 11 + get(7);
          }
          if (i + rep > hlit + hdist) throw new Error('bad lengths in embedded data');
          while (rep--) lengths[i++] = val;
        }
        lit = huffman(lengths.subarray(0, hlit));
        dist = huffman(lengths.subarray(hlit));
      } else {
        throw new Error('bad block type in embedded data');
      }
      for (;;) {
        var sym = decode(lit);
        if (sym < 256) { put(sym); continue; }
        if (sym === 256) break;
        sym -= 257;
        if (sym >= 29) throw new Error('bad length in embedded data');
        var length = LBASE[sym] + get(LEXT[sym]);
        var ds = decode(dist);
        if (ds >= 30) throw new Error('bad distance in embedded data');
        var back = DBASE[ds] + get(DEXT[ds]);
        if (back > n) throw new Error('bad distance in embedded data');
        while (length--) put(out[n - back]);
      }
    } while (!last);
    return out.subarray(0, n);
  }

  function typed(p, raw) {
    var width = p.t === 'u8' ? 1 : 2;
    if (raw.length !== p.n * width) throw new Error('embedded data has the wrong size');
    if (p.t === 'u8') return new Uint8Array(raw);
    var view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength), out, i;
    if (p.t === 'i16') {
      out = new Int16Array(p.n);
      for (i = 0; i < p.n; i++) out[i] = view.getInt16(2 * i, true);
    } else {
      out = new Uint16Array(p.n);
      for (i = 0; i < p.n; i++) out[i] = view.getUint16(2 * i, true);
    }
    return out;
  }

  function unpack(p) {
    return inflate(bytesOf(p.z)).then(function (raw) { return typed(p, raw); });
  }

  /* ---- values and colours ------------------------------------------ */

  /* The same text as data::db_text in Rust, from the integer code. */
  function dbText(code) {
    if (code === NO_DATA) return null;
    if (code === NEG_INF) return MINUS + '\u221e';
    if (code === POS_INF) return '+\u221e';
    var m = Math.abs(code);
    return (code < 0 ? MINUS : '') + Math.floor(m / 10) + '.' + (m % 10);
  }

  function hexRgb(h) {
    return [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
  }

  function lut(s) {
    return { lo: Math.round(s.min * 10), hi: Math.round(s.max * 10), rgb: bytesOf(s.lut), below: s.below ? bytesOf(s.below) : null };
  }

  var SCALE = { rssi: lut(DATA.scales.rssi), sinr: lut(DATA.scales.sinr), delta: lut(DATA.scales.delta) };
  var NO_DATA_RGB = hexRgb(DATA.scales.no_data);
  var EXCLUDED_RGB = [214, 214, 214];
  var NO_SERVER_RGB = [196, 196, 196];

  function scaleColour(L, code, below, out) {
    if (code === NO_DATA) { out[0] = NO_DATA_RGB[0]; out[1] = NO_DATA_RGB[1]; out[2] = NO_DATA_RGB[2]; return; }
    var k = code === NEG_INF ? 0 : code === POS_INF ? L.hi - L.lo : Math.min(Math.max(code, L.lo), L.hi) - L.lo;
    var src = below && L.below ? L.below : L.rgb;
    out[0] = src[3 * k]; out[1] = src[3 * k + 1]; out[2] = src[3 * k + 2];
  }

  /* 65 % of the way to white, rounded as render::colormap::mix. */
  function fade(c) {
    for (var i = 0; i < 3; i++) c[i] = Math.round(c[i] + (255 - c[i]) * 0.65);
  }

  /* Wall cells take the colour of the nearest open cell (breadth first),
     as the PNGs do, so no grey fringe shows along the drawn walls. */
  function fillSources(cls, w, h) {
    var n = w * h, src = new Int32Array(n), queue = new Int32Array(n), head = 0, tail = 0, i;
    for (i = 0; i < n; i++) {
      if ((cls[i] & 3) !== WALL) { src[i] = i; queue[tail++] = i; } else { src[i] = -1; }
    }
    while (head < tail) {
      i = queue[head++];
      var c = i % w, r = (i - c) / w, nb = [c > 0 ? i - 1 : -1, c + 1 < w ? i + 1 : -1, r > 0 ? i - w : -1, r + 1 < h ? i + w : -1];
      for (var k = 0; k < 4; k++) {
        var j = nb[k];
        if (j >= 0 && src[j] < 0) { src[j] = src[i]; queue[tail++] = j; }
      }
    }
    for (i = 0; i < n; i++) if (src[i] < 0) src[i] = i;
    return src;
  }

  function makeCanvas(w, h) {
    var c = document.createElement('canvas');
    c.width = Math.max(1, w);
    c.height = Math.max(1, h);
    return c;
  }

  /* The cell image of one layer (one pixel per cell, north up) and the
     mask of its hatched cells. */
  function paintCells(grid, layer, get) {
    var w = grid.w, h = grid.h, heat = makeCanvas(w, h), mask = makeCanvas(w, h);
    var hctx = heat.getContext('2d'), mctx = mask.getContext('2d');
    var img = hctx.createImageData(w, h), mimg = mctx.createImageData(w, h), px = img.data, mpx = mimg.data;
    var rgb = [0, 0, 0], hatched = false;
    for (var r = 0; r < h; r++) {
      for (var c = 0; c < w; c++) {
        var i = r * w + c, hatch = get(i, rgb);
        var o = ((h - 1 - r) * w + c) * 4;
        px[o] = rgb[0]; px[o + 1] = rgb[1]; px[o + 2] = rgb[2]; px[o + 3] = 255;
        if (hatch) { mpx[o + 3] = 255; hatched = true; }
      }
    }
    hctx.putImageData(img, 0, 0);
    mctx.putImageData(mimg, 0, 0);
    return { heat: heat, mask: hatched ? mask : null, grid: grid, layer: layer };
  }

  function runImage(R, layer) {
    return paintCells(R.grid, layer, function (i, rgb) {
      var j = R.src[i], cls = R.cls[j] & 3, below = (R.cls[j] & BELOW) !== 0, hatch = false;
      if ((R.cls[i] & 3) === WALL && j === i) {
        rgb[0] = NO_DATA_RGB[0]; rgb[1] = NO_DATA_RGB[1]; rgb[2] = NO_DATA_RGB[2];
        return false;
      }
      if (cls === EXCLUDED) {
        rgb[0] = EXCLUDED_RGB[0]; rgb[1] = EXCLUDED_RGB[1]; rgb[2] = EXCLUDED_RGB[2];
        return false;
      }
      if (layer === 'rssi') {
        scaleColour(SCALE.rssi, R.rssi[j], below, rgb);
        hatch = below;
      } else if (layer === 'sinr') {
        scaleColour(SCALE.sinr, R.sinr[j], false, rgb);
      } else {
        var s = R.server[j], cols = layer === 'channels' ? R.channelColours : R.serverColours;
        var col = s !== NONE && cols[s] ? cols[s][below ? 1 : 0] : R.rssi[j] === NO_DATA ? NO_DATA_RGB : NO_SERVER_RGB;
        rgb[0] = col[0]; rgb[1] = col[1]; rgb[2] = col[2];
        hatch = below && s !== NONE;
      }
      if (cls === OUTSIDE) {
        fade(rgb);
        return false;
      }
      return hatch;
    });
  }

  function deltaImage(D) {
    return paintCells(D.grid, 'delta', function (i, rgb) {
      var j = D.src[i];
      if ((D.cls[j] & 3) === EXCLUDED) {
        rgb[0] = EXCLUDED_RGB[0]; rgb[1] = EXCLUDED_RGB[1]; rgb[2] = EXCLUDED_RGB[2];
        return false;
      }
      scaleColour(SCALE.delta, D.d[j], false, rgb);
      if ((D.cls[j] & 3) === OUTSIDE) fade(rgb);
      return false;
    });
  }

  var patternTile = null;
  function hatchPattern(ctx, dpr) {
    var k = Math.max(4, Math.round(7 * dpr)), t = Math.max(1, Math.round(2 * dpr));
    if (!patternTile || patternTile.width !== k) {
      patternTile = makeCanvas(k, k);
      var pctx = patternTile.getContext('2d'), img = pctx.createImageData(k, k);
      for (var y = 0; y < k; y++) {
        for (var x = 0; x < k; x++) {
          if ((x + y) % k < t) img.data[(y * k + x) * 4 + 3] = 110;
        }
      }
      pctx.putImageData(img, 0, 0);
    }
    return ctx.createPattern(patternTile, 'repeat');
  }

  /* ---- one storey ---------------------------------------------------- */

  function cellOf(g, x, y) {
    var c = Math.floor((x - g.x0) / g.res), r = Math.floor((y - g.y0) / g.res);
    if (c < 0 || r < 0 || c >= g.w || r >= g.h) return null;
    return { col: c, row: r, i: r * g.w + c };
  }

  function Storey(section, fd, runs, delta) {
    var self = this;
    this.section = section;
    this.fd = fd;
    this.runs = runs;
    this.delta = delta;
    this.index = Number(section.getAttribute('data-floor'));
    this.map = section.querySelector('.map');
    this.canvas = this.map.querySelector('canvas.heat');
    this.tip = this.map.querySelector('.tip');
    this.cursorBox = this.map.querySelector('.cursor');
    this.divider = this.map.querySelector('.divider');
    this.readout = section.querySelector('.readout');
    this.scalebar = section.querySelector('.scalebar');
    this.swipe = section.querySelector('.swipe input');
    this.split = this.swipe ? Number(this.swipe.value) / 100 : 1;
    this.images = {};
    this.cursor = null;
    this.last = null;
    var checked = section.querySelector('.layers input:checked');
    this.layer = checked ? checked.value : 'rssi';
    Array.prototype.forEach.call(section.querySelectorAll('.layers input'), function (input) {
      input.addEventListener('change', function () { if (input.checked) self.setLayer(input.value); });
    });
    if (this.swipe) {
      this.swipe.addEventListener('input', function () {
        self.split = Number(self.swipe.value) / 100;
        var v = Number(self.swipe.value);
        self.swipe.setAttribute('aria-valuetext', 'base on the left ' + v + ' %, candidate on the right ' + (100 - v) + ' %');
        self.draw();
      });
    }
    this.map.addEventListener('pointermove', function (e) { self.pointer(e); });
    this.map.addEventListener('pointerdown', function (e) { self.pointer(e); });
    this.map.addEventListener('pointerleave', function () { self.tip.hidden = true; });
    this.map.addEventListener('keydown', function (e) { self.key(e); });
    this.showLegend();
  }

  Storey.prototype.mainGrid = function () {
    if (this.layer === 'delta' && this.delta) return this.delta.grid;
    for (var r = 0; r < this.runs.length; r++) if (this.runs[r]) return this.runs[r].grid;
    return null;
  };

  Storey.prototype.image = function (key, make) {
    if (!this.images[key]) this.images[key] = make();
    return this.images[key];
  };

  /* What to paint, and which part of the width each part covers. */
  Storey.prototype.parts = function () {
    var self = this, parts = [];
    if (this.layer === 'delta') {
      if (this.delta) parts.push({ img: this.image('delta', function () { return deltaImage(self.delta); }), clip: [0, 1] });
      return parts;
    }
    var present = this.runs.filter(function (R) { return R; }).length;
    this.runs.forEach(function (R, r) {
      if (!R) return;
      var clip = present < 2 ? [0, 1] : r === 0 ? [0, self.split] : [self.split, 1];
      var layer = self.layer;
      parts.push({ img: self.image(r + ':' + layer, function () { return runImage(R, layer); }), clip: clip });
    });
    return parts;
  };

  /* The bitmap has the view's own aspect, at least 1600 pixels across
     (sharper when the screen needs it), and CSS scales it to the box: the
     same picture on screen, after a resize and in print. */
  Storey.prototype.draw = function () {
    var rect = this.map.getBoundingClientRect(), dpr = window.devicePixelRatio || 1, v = this.fd.view;
    var W = Math.min(4096, Math.max(1600, Math.round(rect.width * dpr)));
    var H = Math.max(1, Math.round(W * (v[3] - v[1]) / (v[2] - v[0])));
    if (this.canvas.width !== W || this.canvas.height !== H) {
      this.canvas.width = W;
      this.canvas.height = H;
    }
    var ctx = this.canvas.getContext('2d');
    var sx = W / (v[2] - v[0]), sy = H / (v[3] - v[1]);
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, W, H);
    var scratch = null;
    this.parts().forEach(function (p) {
      var g = p.img.grid;
      var dx = (g.x0 - v[0]) * sx, dy = (v[3] - (g.y0 + g.h * g.res)) * sy, dw = g.w * g.res * sx, dh = g.h * g.res * sy;
      ctx.save();
      ctx.beginPath();
      ctx.rect(p.clip[0] * W, 0, (p.clip[1] - p.clip[0]) * W, H);
      ctx.clip();
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(p.img.heat, dx, dy, dw, dh);
      if (p.img.mask) {
        scratch = scratch || makeCanvas(W, H);
        var t = scratch.getContext('2d');
        t.globalCompositeOperation = 'source-over';
        t.clearRect(0, 0, W, H);
        t.imageSmoothingEnabled = false;
        t.drawImage(p.img.mask, dx, dy, dw, dh);
        t.globalCompositeOperation = 'source-in';
        t.fillStyle = hatchPattern(t, W / Math.max(1, rect.width));
        t.fillRect(0, 0, W, H);
        t.globalCompositeOperation = 'source-over';
        ctx.drawImage(scratch, 0, 0);
      }
      ctx.restore();
    });
    this.overlays();
    this.drawScaleBar(rect.width);
    if (this.cursor) this.placeCursor();
  };

  /* Clip each plan's drawing to its side of the swipe; colour AP dots. */
  Storey.prototype.overlays = function () {
    var self = this, compare = this.runs.length > 1;
    Array.prototype.forEach.call(this.map.querySelectorAll('.run'), function (el) {
      var r = Number(el.getAttribute('data-run'));
      if (!compare || self.layer === 'delta') {
        el.style.clipPath = '';
      } else if (r === 0) {
        el.style.clipPath = 'inset(0 ' + ((1 - self.split) * 100).toFixed(2) + '% 0 0)';
      } else {
        el.style.clipPath = 'inset(0 0 0 ' + (self.split * 100).toFixed(2) + '%)';
      }
    });
    if (this.divider) this.divider.style.left = (this.split * 100).toFixed(2) + '%';
    Array.prototype.forEach.call(this.map.querySelectorAll('.ap'), function (el) {
      var R = self.runs[Number(el.getAttribute('data-run'))], a = Number(el.getAttribute('data-ap'));
      var dot = el.querySelector('.dot'), cols = null;
      if (R && self.layer === 'server') cols = R.serverColours;
      if (R && self.layer === 'channels') cols = R.channelColours;
      dot.style.background = cols && cols[a] ? 'rgb(' + cols[a][0].join(',') + ')' : '';
    });
  };

  Storey.prototype.drawScaleBar = function (widthPx) {
    if (!this.scalebar) return;
    var v = this.fd.view, ppm = widthPx / (v[2] - v[0]), best = 1;
    [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].forEach(function (m) { if (m * ppm <= widthPx * 0.25) best = m; });
    this.scalebar.querySelector('.bar').style.width = (best * ppm).toFixed(1) + 'px';
    this.scalebar.querySelector('.text').textContent = best + ' m';
  };

  Storey.prototype.setLayer = function (layer) {
    this.layer = layer;
    this.map.setAttribute('data-layer', layer);
    var label = this.section.querySelector('.layers input[value="' + layer + '"]');
    var name = label && label.parentNode ? label.parentNode.textContent.trim() : layer;
    this.canvas.setAttribute('aria-label', 'Heatmap of storey ' + this.fd.id + ': ' + name);
    if (this.swipe) this.swipe.disabled = layer === 'delta';
    this.showLegend();
    this.draw();
    if (this.last) this.show(this.last.x, this.last.y, this.last.fx, this.last.fy, false);
  };

  Storey.prototype.showLegend = function () {
    var layer = this.layer;
    Array.prototype.forEach.call(this.section.querySelectorAll('.legend'), function (el) {
      el.hidden = el.getAttribute('data-layer') !== layer;
    });
  };

  Storey.prototype.worldAt = function (clientX, clientY) {
    var rect = this.map.getBoundingClientRect(), v = this.fd.view;
    var fx = (clientX - rect.left) / rect.width, fy = (clientY - rect.top) / rect.height;
    return { x: v[0] + fx * (v[2] - v[0]), y: v[3] - fy * (v[3] - v[1]), fx: fx, fy: fy };
  };

  Storey.prototype.pointer = function (e) {
    var p = this.worldAt(e.clientX, e.clientY);
    if (p.fx < 0 || p.fy < 0 || p.fx > 1 || p.fy > 1) return;
    this.cursor = null;
    this.cursorBox.hidden = true;
    this.show(p.x, p.y, p.fx, p.fy, true);
  };

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  /* The values at world point (x, y), as rows of [key, run, label, text]. */
  Storey.prototype.values = function (x, y) {
    var rows = [], cells = [], compare = this.runs.length > 1;
    this.runs.forEach(function (R, r) {
      var run = DATA.runs[r], prefix = compare ? run.label + ' ' : '';
      if (!R) { rows.push(['rssi', r, prefix + 'RSSI', 'storey not in this plan']); return; }
      var cell = cellOf(R.grid, x, y);
      if (!cell) { rows.push(['rssi', r, prefix + 'RSSI', 'outside the grid']); return; }
      cells.push({ run: r, col: cell.col, row: cell.row });
      var rssi = dbText(R.rssi[cell.i]), sinr = dbText(R.sinr[cell.i]), s = R.server[cell.i];
      var room = R.room[cell.i];
      rows.push(['rssi', r, prefix + 'RSSI', rssi === null ? 'no value (inside a wall)' : rssi + ' dBm']);
      rows.push(['server', r, prefix + 'serving AP', s === NONE || !run.aps[s] ? 'none' : run.aps[s].id]);
      rows.push(['sinr', r, prefix + 'SINR', sinr === null ? 'no value' : sinr + ' dB']);
      if (!compare || r === 0) rows.push(['room', r, 'room', room === NONE || !R.rooms[room] ? '\u2013' : R.rooms[room]]);
    });
    if (this.delta) {
      var cell = cellOf(this.delta.grid, x, y);
      var d = cell ? dbText(this.delta.d[cell.i]) : null;
      if (cell) cells.push({ run: 'delta', col: cell.col, row: cell.row });
      rows.push(['delta', -1, 'difference', d === null ? 'no value' : (d.charAt(0) === MINUS || d.charAt(0) === '+' ? d : '+' + d) + ' dB']);
    }
    return { rows: rows, cells: cells };
  };

  Storey.prototype.show = function (x, y, fx, fy, fromPointer) {
    var vals = this.values(x, y), layer = this.layer, html = '<dl>', tip = '';
    vals.rows.forEach(function (row) {
      var key = row[0] === 'rssi' || row[0] === 'sinr' || row[0] === 'delta' ? row[0] : row[0];
      html += '<div><dt>' + esc(row[2]) + '</dt><dd data-k="' + key + '" data-run="' + row[1] + '">' + esc(row[3]) + '</dd></div>';
      var strong = key === layer || (layer === 'server' && key === 'server') || (layer === 'channels' && key === 'server');
      tip += (strong ? '<b>' : '') + esc(row[2]) + ': ' + esc(row[3]) + (strong ? '</b>' : '') + '<br>';
    });
    var at = x.toFixed(2).replace('-', MINUS) + ', ' + y.toFixed(2).replace('-', MINUS) + ' m';
    html += '<div><dt>point</dt><dd data-k="xy">' + at + '</dd></div></dl>';
    /* Announce keyboard moves; pointer moves would flood a screen reader. */
    this.readout.setAttribute('aria-live', fromPointer ? 'off' : 'polite');
    this.readout.innerHTML = html;
    this.tip.innerHTML = tip + '<span>' + at + '</span>';
    this.tip.hidden = !fromPointer && !this.cursor;
    this.tip.style.left = '';
    this.tip.style.right = '';
    this.tip.style.top = '';
    this.tip.style.bottom = '';
    if (fx > 0.6) this.tip.style.right = ((1 - fx) * 100 + 1.5).toFixed(2) + '%'; else this.tip.style.left = (fx * 100 + 1.5).toFixed(2) + '%';
    if (fy > 0.6) this.tip.style.bottom = ((1 - fy) * 100 + 1.5).toFixed(2) + '%'; else this.tip.style.top = (fy * 100 + 1.5).toFixed(2) + '%';
    this.last = { x: x, y: y, fx: fx, fy: fy, cells: vals.cells };
  };

  /* Keyboard: arrows move a cursor cell by cell (Shift: 10 cells),
     Home/End jump across, Escape hides it. */
  Storey.prototype.key = function (e) {
    var g = this.mainGrid();
    if (!g) return;
    var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (e.key === 'Escape') {
      this.cursor = null;
      this.cursorBox.hidden = true;
      this.tip.hidden = true;
      return;
    }
    var step = e.shiftKey ? 10 : 1, m = moves[e.key];
    if (!m && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    if (!this.cursor) this.cursor = { col: Math.floor(g.w / 2), row: Math.floor(g.h / 2) };
    else if (m) {
      this.cursor.col = Math.min(g.w - 1, Math.max(0, this.cursor.col + m[0] * step));
      this.cursor.row = Math.min(g.h - 1, Math.max(0, this.cursor.row + m[1] * step));
    } else {
      this.cursor.col = e.key === 'Home' ? 0 : g.w - 1;
    }
    this.placeCursor();
  };

  Storey.prototype.placeCursor = function () {
    var g = this.mainGrid(), v = this.fd.view, c = this.cursor;
    if (!g || !c) return;
    c.col = Math.min(g.w - 1, c.col);
    c.row = Math.min(g.h - 1, c.row);
    var x = g.x0 + (c.col + 0.5) * g.res, y = g.y0 + (c.row + 0.5) * g.res;
    var W = v[2] - v[0], H = v[3] - v[1];
    var box = this.cursorBox;
    box.style.left = ((g.x0 + c.col * g.res - v[0]) / W * 100).toFixed(3) + '%';
    box.style.top = ((v[3] - (g.y0 + (c.row + 1) * g.res)) / H * 100).toFixed(3) + '%';
    box.style.width = (g.res / W * 100).toFixed(3) + '%';
    box.style.height = (g.res / H * 100).toFixed(3) + '%';
    box.hidden = false;
    this.show(x, y, (x - v[0]) / W, (v[3] - y) / H, false);
  };

  /* ---- tables ------------------------------------------------------ */

  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector('button.sort');
      if (!button) return;
      button.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir);
        var numeric = th.classList.contains('n'), body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
          var cell = row.cells[col], raw = cell.hasAttribute('data-v') ? cell.getAttribute('data-v') : cell.textContent.trim();
          return { row: row, i: i, key: numeric ? (raw === '' ? null : Number(raw)) : raw };
        });
        var sign = dir === 'ascending' ? 1 : -1;
        rows.sort(function (a, b) {
          if (a.key === null || b.key === null) return a.key === b.key ? a.i - b.i : a.key === null ? 1 : -1;
          var c = numeric ? a.key - b.key : String(a.key).localeCompare(String(b.key), undefined, { numeric: true });
          return c !== 0 ? sign * c : a.i - b.i;
        });
        rows.forEach(function (x) { body.appendChild(x.row); });
      });
    });
  }

  /* ---- start ------------------------------------------------------- */

  function decodeRun(fr) {
    return Promise.all([unpack(fr.rssi), unpack(fr.sinr), unpack(fr.server), unpack(fr.room), unpack(fr.cls)]).then(function (a) {
      return {
        grid: fr.grid, rssi: a[0], sinr: a[1], server: a[2], room: a[3], cls: a[4], rooms: fr.rooms,
        src: fillSources(a[4], fr.grid.w, fr.grid.h),
        serverColours: fr.server_colours.map(function (p) { return [hexRgb(p[0]), hexRgb(p[1])]; }),
        channelColours: fr.channel_colours.map(function (p) { return [hexRgb(p[0]), hexRgb(p[1])]; })
      };
    });
  }

  function decodeDelta(dd) {
    if (!dd) return Promise.resolve(null);
    return Promise.all([unpack(dd.d), unpack(dd.cls)]).then(function (a) {
      return { grid: dd.grid, d: a[0], cls: a[1], src: fillSources(a[1], dd.grid.w, dd.grid.h) };
    });
  }

  var storeys = [];

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), sortable);
    var sections = document.querySelectorAll('section.storey');
    return Promise.all(Array.prototype.map.call(sections, function (section) {
      var fd = DATA.floors[Number(section.getAttribute('data-floor'))];
      return Promise.all([Promise.all(fd.runs.map(function (fr) { return fr ? decodeRun(fr) : null; })), decodeDelta(fd.delta)])
        .then(function (decoded) { return new Storey(section, fd, decoded[0], decoded[1]); });
    })).then(function (list) {
      storeys = list;
      storeys.forEach(function (s) { s.draw(); });
      var redraw = function () { storeys.forEach(function (s) { s.draw(); }); };
      if (typeof ResizeObserver === 'function') {
        var pending = false;
        var ro = new ResizeObserver(function () {
          if (pending) return;
          pending = true;
          requestAnimationFrame(function () { pending = false; redraw(); });
        });
        storeys.forEach(function (s) { ro.observe(s.map); });
      } else {
        window.addEventListener('resize', redraw);
      }
      /* Printing scales a canvas from its pre-print layout; an image of it
         scales exactly, so print shows that (see the print stylesheet). */
      var snapshot = function () {
        storeys.forEach(function (s) {
          var img = s.map.querySelector('img.heat-print');
          if (!img) {
            img = document.createElement('img');
            img.className = 'heat-print';
            img.alt = '';
            s.canvas.parentNode.insertBefore(img, s.canvas.nextSibling);
          }
          img.src = s.canvas.toDataURL('image/png');
        });
      };
      window.addEventListener('beforeprint', snapshot);
      if (window.matchMedia) {
        var print = window.matchMedia('print');
        if (print.addEventListener) print.addEventListener('change', function (e) { if (e.matches) snapshot(); });
      }
      /* report.html#layer=sinr opens every storey on that layer. */
      var wanted = /(?:^#|[#&;])layer=(\w+)/.exec(location.hash);
      if (wanted) {
        storeys.forEach(function (s) {
          var input = s.section.querySelector('.layers input[value="' + wanted[1] + '"]');
          if (input && !input.disabled) input.click();
        });
      }
      document.body.setAttribute('data-ready', '1');
    });
  }

  /* ---- self-test (#selftest) ---------------------------------------- */

  function painted(canvas) {
    var ctx = canvas.getContext('2d'), d = ctx.getImageData(0, 0, canvas.width, canvas.height).data, coloured = 0, n = 0;
    for (var i = 0; i < d.length; i += 4 * 97) {
      n++;
      if (!(d[i] === 255 && d[i + 1] === 255 && d[i + 2] === 255)) coloured++;
    }
    return n ? coloured / n : 0;
  }

  function hoverAt(s, x, y) {
    var v = s.fd.view, rect = s.map.getBoundingClientRect();
    s.map.scrollIntoView({ block: 'center', inline: 'center' });
    rect = s.map.getBoundingClientRect();
    var cx = rect.left + (x - v[0]) / (v[2] - v[0]) * rect.width, cy = rect.top + (v[3] - y) / (v[3] - v[1]) * rect.height;
    if (cy < 0 || cy >= window.innerHeight || cx < 0 || cx >= window.innerWidth) {
      window.scrollBy(cx - window.innerWidth / 2, cy - window.innerHeight / 2);
      rect = s.map.getBoundingClientRect();
      cx = rect.left + (x - v[0]) / (v[2] - v[0]) * rect.width;
      cy = rect.top + (v[3] - y) / (v[3] - v[1]) * rect.height;
    }
    var under = document.elementFromPoint(cx, cy);
    var target = under && under.closest ? under.closest('.map') : null;
    (target || s.map).dispatchEvent(new PointerEvent('pointermove', { clientX: cx, clientY: cy, bubbles: true, pointerType: 'mouse' }));
    var shown = Array.prototype.map.call(s.readout.querySelectorAll('dd[data-k]'), function (dd) {
      return { k: dd.getAttribute('data-k'), run: dd.getAttribute('data-run'), text: dd.textContent };
    });
    return {
      floor: s.index, x: x, y: y, on_map: target === s.map, tip_visible: !s.tip.hidden,
      cells: s.last ? s.last.cells : [], shown: shown
    };
  }

  function defaultPoints() {
    var points = [];
    storeys.forEach(function (s) {
      s.runs.forEach(function (R) {
        if (!R) return;
        var g = R.grid;
        for (var k = 1; k <= 6; k++) {
          var c = Math.floor(g.w * k / 7), r = Math.floor(g.h * ((k * 3) % 7) / 7);
          points.push([s.index, g.x0 + (c + 0.5) * g.res, g.y0 + (r + 0.5) * g.res]);
        }
      });
    });
    return points;
  }

  function selftest() {
    var out = { storeys: [], layers: [], hovers: [], keyboard: null, sort: null, resources: [], inflate: null, errors: [] };
    var hash = decodeURIComponent(location.hash.slice(1)), spec = hash.indexOf('=') >= 0 ? hash.slice(hash.indexOf('=') + 1) : '';
    storeys.forEach(function (s) {
      out.storeys.push({
        index: s.index, id: s.fd.id, painted: painted(s.canvas),
        rooms: Array.prototype.map.call(s.section.querySelectorAll('.room-label'), function (e) { return e.textContent; }),
        aps: s.section.querySelectorAll('.ap').length
      });
      Array.prototype.forEach.call(s.section.querySelectorAll('.layers input'), function (input) {
        if (input.disabled) return;
        input.click();
        var legend = s.section.querySelector('.legend[data-layer="' + input.value + '"]');
        out.layers.push({ floor: s.index, layer: input.value, active: s.layer === input.value, painted: painted(s.canvas), legend: !!legend && !legend.hidden });
      });
      var first = s.section.querySelector('.layers input');
      if (first) first.click();
      if (s.swipe) {
        s.swipe.value = '30';
        s.swipe.dispatchEvent(new Event('input', { bubbles: true }));
        out.swipe = { split: s.split, divider: s.divider ? s.divider.style.left : null };
        s.swipe.value = '50';
        s.swipe.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
    var points = spec ? spec.split(';').filter(Boolean).map(function (p) { return p.split(':').map(Number); }) : defaultPoints();
    points.forEach(function (p) {
      var s = storeys[p[0]];
      if (s) out.hovers.push(hoverAt(s, p[1], p[2]));
    });
    if (storeys.length) {
      var s = storeys[0];
      s.map.focus();
      s.map.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
      var a = s.cursor ? { col: s.cursor.col, row: s.cursor.row } : null;
      s.map.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
      var b = s.cursor ? { col: s.cursor.col, row: s.cursor.row } : null;
      var dd = s.readout.querySelector('dd[data-k="rssi"]');
      out.keyboard = { first: a, second: b, cursor_visible: !s.cursorBox.hidden, focused: document.activeElement === s.map, readout: dd ? dd.textContent : null };
    }
    var table = document.getElementById('room-table');
    if (table) {
      var heads = table.tHead.rows[0].cells, col = -1;
      for (var i = 0; i < heads.length; i++) if (heads[i].classList.contains('n')) { col = i; break; }
      if (col >= 0) {
        var button = heads[col].querySelector('button');
        var keys = function () {
          return Array.prototype.map.call(table.tBodies[0].rows, function (r) {
            var v = r.cells[col].getAttribute('data-v');
            return v === '' ? null : Number(v);
          });
        };
        button.click();
        var up = keys();
        button.click();
        var down = keys();
        out.sort = { column: heads[col].textContent.trim(), ascending: up, descending: down, aria: heads[col].getAttribute('aria-sort'), rows: up.length };
      }
    }
    out.resources = performance.getEntriesByType('resource').map(function (e) { return e.name; });
    var blobs = [];
    DATA.floors.forEach(function (f) {
      f.runs.forEach(function (r) { if (r) blobs.push(r.rssi, r.sinr, r.server, r.room, r.cls); });
      if (f.delta) blobs.push(f.delta.d, f.delta.cls);
    });
    return Promise.all(blobs.map(function (p) {
      var bytes = bytesOf(p.z);
      return (typeof DecompressionStream === 'function' ? inflateStream(bytes) : Promise.resolve(null)).then(function (viaStream) {
        var own = inflateZlib(bytes);
        if (!viaStream) return own.length === p.n * (p.t === 'u8' ? 1 : 2);
        if (own.length !== viaStream.length) return false;
        for (var i = 0; i < own.length; i++) if (own[i] !== viaStream[i]) return false;
        return true;
      });
    })).then(function (same) {
      out.inflate = { arrays: same.length, agree: same.every(function (x) { return x; }) };
      out.errors = errors.slice();
      var pre = document.createElement('pre');
      pre.id = 'selftest';
      pre.textContent = JSON.stringify(out);
      document.body.appendChild(pre);
      document.body.setAttribute('data-selftest', 'done');
    });
  }

  start().then(function () {
    if (/^#selftest/.test(location.hash)) return selftest();
  }).catch(function (e) {
    errors.push(String(e && e.stack ? e.stack : e));
    var note = document.createElement('p');
    note.className = 'noscript';
    note.textContent = 'The maps could not be drawn: ' + String(e && e.message ? e.message : e);
    document.querySelector('main').insertBefore(note, document.querySelector('main').firstChild);
    if (/^#selftest/.test(location.hash)) {
      var pre = document.createElement('pre');
      pre.id = 'selftest';
      pre.textContent = JSON.stringify({ errors: errors.slice(), fatal: true });
      document.body.appendChild(pre);
      document.body.setAttribute('data-selftest', 'done');
    }
  });
})();
