#!/usr/bin/env node
// Draws the extension's icon (docs/images/icon.png, 128x128): three goroutine
// lanes on Go's cyan, one of them blocked by a red stop. A PNG written with
// zlib, so no image tool is needed; edges are smoothed by 4x4 supersampling.
//   node scripts/icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';

const SIZE = 128;
const SAMPLES = 4;
const CYAN = [0, 173, 216];
const WHITE = [255, 255, 255];
const RED = [224, 58, 62];

/** Signed distance to a rounded rectangle centred at (cx, cy). */
function roundedBox(x, y, cx, cy, halfW, halfH, r) {
  const qx = Math.abs(x - cx) - halfW + r;
  const qy = Math.abs(y - cy) - halfH + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** The colour at a point, or undefined outside the icon. */
function colourAt(x, y) {
  if (roundedBox(x, y, 64, 64, 62, 62, 22) > 0) return undefined;
  // The stop sign where the middle lane ends: a red disc with a white bar.
  if (Math.hypot(x - 84, y - 64) <= 15) return Math.abs(y - 64) <= 3 && Math.abs(x - 84) <= 8 ? WHITE : RED;
  for (const [lane, end] of [[38, 104], [64, 66], [90, 104]]) {
    if (roundedBox(x, y, (24 + end) / 2, lane, (end - 24) / 2, 6, 6) <= 0) return WHITE;
  }
  return CYAN;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0;
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = colourAt(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (!c) continue;
        r += c[0]; g += c[1]; b += c[2]; a++;
      }
    }
    const o = py * (SIZE * 4 + 1) + 1 + px * 4;
    raw[o] = a ? Math.round(r / a) : 0;
    raw[o + 1] = a ? Math.round(g / a) : 0;
    raw[o + 2] = a ? Math.round(b / a) : 0;
    raw[o + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
  }
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(buffer) {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8);
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
const out = join(new URL('.', import.meta.url).pathname, '..', 'docs', 'images', 'icon.png');
writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes`);
