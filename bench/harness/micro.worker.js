// The micro-benchmark harness (bench/edge-micro.ts): the edge module itself, imported into a
// worker that calls its fetch handler in a loop inside one request. No HTTP server, socket or load
// generator shares the measured CPU, and workerd's clock stands still between I/O, so time-driven
// work (generation renewals, config pulls, metrics flushes) does not scale with how slow the
// machine is. `baseline` runs the same loop around a constant response: edge − baseline is the
// edge's own CPU per request.
import edge from './edge.mjs';

export * from './edge.mjs';

const CONSTANT = { body: '{"data":{"pad":"' + 'x'.repeat(90) + '"}}', headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=60', 'x-cache': 'HIT', age: '0' } };

export default {
  async fetch(request, env, ctx) {
    const { n, variant, requests } = await request.json();
    // As a client sends them over HTTP: with the body's length declared.
    const encoder = new TextEncoder();
    for (const r of requests) if (r.body !== undefined) r.headers = { ...r.headers, 'content-length': String(encoder.encode(r.body).byteLength) };
    const cache = {};
    for (let i = 0; i < n; i++) {
      const r = requests[i % requests.length];
      const req = new Request(`http://edge.micro${r.path}`, { method: r.method, headers: r.headers, body: r.body });
      const res = variant === 'edge' ? await edge.fetch(req, env, ctx) : new Response(CONSTANT.body, { headers: CONSTANT.headers });
      await res.arrayBuffer();
      const x = res.headers.get('x-cache') ?? String(res.status);
      cache[x] = (cache[x] ?? 0) + 1;
    }
    return Response.json({ n, cache });
  },
};
