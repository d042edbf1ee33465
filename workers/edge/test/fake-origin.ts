import type { Fetch } from '../src/origin/forward.ts';

export type OriginMode = 'ok' | 'down' | 'error-500' | 'no-store' | 'hang';

/**
 * A GraphQL origin for the workerd tests, handed to the edge as its origin fetch: it counts the
 * requests that reach it, answers `{data:{n}}` with n = its request count (so every answer is
 * distinguishable), and can be switched to fail or to hold answers until released.
 */
export class FakeOrigin {
  requests = 0;
  mode: OriginMode = 'ok';
  private gate: { promise: Promise<void>; open: () => void } | null = null;

  /** Answers wait until `release()`. */
  hold(): void {
    let open!: () => void;
    this.gate = { promise: new Promise<void>((r) => (open = r)), open };
  }

  release(): void {
    this.gate?.open();
    this.gate = null;
  }

  readonly fetch: Fetch = async (_input, init) => {
    const n = ++this.requests;
    if (this.gate) await this.gate.promise;
    switch (this.mode) {
      case 'down':
        throw new TypeError('Network connection lost.');
      case 'hang':
        // Never answers: only the edge's timeout signal ends it.
        return new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
      case 'error-500':
        return Response.json({ errors: [{ message: 'origin broke' }] }, { status: 500 });
      case 'no-store':
        return Response.json({ data: { n } }, { headers: { 'cache-control': 'no-store' } });
      case 'ok':
        return Response.json({ data: { n } });
    }
  };
}
