// Cache API backend for plain `workerd serve` (the edge's `cacheApiOutbound`). workerd turns
// caches.default / caches.open(name) calls into HTTP requests to this service: GET = match,
// PUT = put (the body is the response serialised as an HTTP/1.1 message), PURGE = delete; a miss is
// 504 with `cf-cache-status: MISS` (same protocol as miniflare's cache worker). Entries live in this
// isolate's memory until their `max-age` / `s-maxage` runs out: enough for one local benchmark run,
// not a model of Cloudflare's cache.
const MAX_ENTRIES = 20_000;
const entries = new Map(); // key -> { status, headers: [[k, v]], body: ArrayBuffer, expiresAt }
// Calls the edge made to its Cache API, read by the benchmark through this worker's own socket.
const calls = { match: 0, hit: 0, put: 0, delete: 0 };
const STATS_PATH = '/__bench/cache-stats';

const miss = () => new Response(null, { status: 504, headers: { 'cf-cache-status': 'MISS' } });

function keyOf(request) {
  const ns = request.headers.get('cf-cache-namespace');
  return `${ns === null ? 'default' : `named:${ns}`} ${request.url}`;
}

function ttlSeconds(headers) {
  const cc = (headers.get('cache-control') ?? '').toLowerCase();
  if (/(^|,)\s*(no-store|private)\b/.test(cc) || headers.has('set-cookie')) return 0;
  const m = /s-maxage=(\d+)/.exec(cc) ?? /max-age=(\d+)/.exec(cc);
  if (m) return Number(m[1]);
  const expires = headers.get('expires');
  return expires ? Math.max(0, (Date.parse(expires) - Date.now()) / 1000) : 0;
}

function parseHttpResponse(bytes) {
  const u8 = new Uint8Array(bytes);
  let end = -1;
  for (let i = 0; i + 3 < u8.length; i++) {
    if (u8[i] === 13 && u8[i + 1] === 10 && u8[i + 2] === 13 && u8[i + 3] === 10) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('no blank line in the serialised response');
  const [statusLine, ...lines] = new TextDecoder().decode(u8.subarray(0, end)).split('\r\n');
  const status = Number(/^HTTP\/\d(?:\.\d)? (\d+)/.exec(statusLine)?.[1] ?? 200);
  const headers = new Headers();
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers.append(line.slice(0, i), line.slice(i + 1).trim());
  }
  return { status, headers, body: bytes.slice(end + 4) };
}

export default {
  async fetch(request) {
    const key = keyOf(request);
    const now = Date.now();
    if (request.method === 'GET' && new URL(request.url).pathname === STATS_PATH) return Response.json({ ...calls, entries: entries.size });
    switch (request.method) {
      case 'GET': {
        calls.match++;
        const e = entries.get(key);
        if (!e) return miss();
        if (now >= e.expiresAt) {
          entries.delete(key);
          return miss();
        }
        calls.hit++;
        const headers = new Headers(e.headers);
        headers.set('cf-cache-status', 'HIT');
        return new Response(e.body, { status: e.status, headers });
      }
      case 'PUT': {
        calls.put++;
        const { status, headers, body } = parseHttpResponse(await request.arrayBuffer());
        const ttl = ttlSeconds(headers);
        if (ttl <= 0 || status === 206) return new Response(null, { status: 413 });
        if (entries.size >= MAX_ENTRIES && !entries.has(key)) entries.delete(entries.keys().next().value);
        entries.set(key, { status, headers: [...headers], body, expiresAt: now + ttl * 1000 });
        return new Response(null, { status: 204 });
      }
      case 'PURGE':
        calls.delete++;
        return new Response(null, { status: entries.delete(key) ? 200 : 404 });
      default:
        return new Response(null, { status: 405 });
    }
  },
};
