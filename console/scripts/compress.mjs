// Writes a .gz and a .br beside every built file worth compressing, so concord-console serves
// them precompressed (it never compresses at run time).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.env.CONSOLE_OUT_DIR ?? process.argv[2] ?? 'dist';
const compressible = /\.(html|js|css|json|svg|txt)$/;

function walk(d) {
  for (const name of readdirSync(d)) {
    const path = join(d, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (compressible.test(name)) compress(path);
  }
}

function compress(path) {
  const raw = readFileSync(path);
  if (raw.length < 512) return;
  const gz = gzipSync(raw, { level: 9 });
  const br = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
  if (gz.length < raw.length) writeFileSync(path + '.gz', gz);
  if (br.length < raw.length) writeFileSync(path + '.br', br);
}

walk(dir);
