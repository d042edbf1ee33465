// The benchmark's ceiling: a worker in the same workerd as the edge that answers every request with
// one constant response, shaped like an edge hit (JSON body of BODY_BYTES bytes, the hit headers).
// Whatever it reaches is the most any worker can reach in this harness on this machine.
let cached;

function constantBody(bytes) {
  const shell = '{"data":{"pad":""}}';
  return shell.replace('""', `"${'x'.repeat(Math.max(0, bytes - shell.length))}"`);
}

export default {
  fetch(_request, env) {
    cached ??= constantBody(Number(env.BODY_BYTES) || 100);
    return new Response(cached, {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'public, max-age=60',
        'x-cache': 'HIT',
        age: '0',
      },
    });
  },
};
