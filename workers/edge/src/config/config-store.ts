import { ErrorCode } from '@conductor/sdk';
import { EdgeConfigSchema } from '../contracts/edge-config.ts';
import { EdgeError } from '../http/errors.ts';
import { indexConfig, type ConfigIndex } from './config-index.ts';
import { CONFIG_SOFT_AGE_MS, refreshAction } from './freshness.ts';

const FETCH_TIMEOUT_MS = 3_000;

export interface ConfigSource {
  /**
   * The current indexed config when nothing has to be waited for (a due refresh then runs in the
   * background): the hot path's common case, without an await. Null when the caller must `get`.
   */
  current(waitUntil: (p: Promise<unknown>) => void): ConfigIndex | null;
  /** The current indexed config; throws 503 CONFIG_UNAVAILABLE if none was ever loaded. */
  get(waitUntil: (p: Promise<unknown>) => void): Promise<ConfigIndex>;
}

/** Pulls GET /v1/edge/config with ETag; one store per isolate (module level, see index.ts). */
export class PulledConfig implements ConfigSource {
  private index: ConfigIndex | null = null;
  private etag: string | null = null;
  private lastSuccessAt = 0;
  private lastFailureAt = 0;
  private lastError = 'no pull attempted yet';
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly controlPlaneUrl: string,
    private readonly token: string,
  ) {}

  current(waitUntil: (p: Promise<unknown>) => void): ConfigIndex | null {
    const now = Date.now();
    // Younger than the soft age: nothing to decide (refreshAction answers 'none' for it too).
    if (this.index && now - this.lastSuccessAt <= CONFIG_SOFT_AGE_MS) return this.index;
    const action = refreshAction(
      {
        hasConfig: this.index !== null,
        lastSuccessAt: this.lastSuccessAt,
        lastFailureAt: this.lastFailureAt,
        refreshing: this.inflight !== null,
      },
      now,
    );
    if (action === 'await') return null;
    // The request that may have started the pull keeps it alive until it settles, so other
    // requests awaiting the same promise are never left waiting on a cancelled context.
    if (action === 'background') waitUntil(this.refresh());
    return this.index;
  }

  async get(waitUntil: (p: Promise<unknown>) => void): Promise<ConfigIndex> {
    const known = this.current(waitUntil);
    if (known) return known;
    const refresh = this.refresh();
    waitUntil(refresh);
    await refresh;
    if (!this.index) {
      throw new EdgeError(503, ErrorCode.CONFIG_UNAVAILABLE, `edge config has not been loaded from the control plane (${this.lastError})`);
    }
    return this.index;
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.pull()
      .then(
        () => {
          this.lastSuccessAt = Date.now();
        },
        (err: unknown) => {
          this.lastFailureAt = Date.now();
          this.lastError = String(err);
          console.error('edge: config pull failed, keeping the last good config', String(err));
        },
      )
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  private async pull(): Promise<void> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (this.etag && this.index) headers['if-none-match'] = this.etag;
    const res = await fetch(`${this.controlPlaneUrl}/v1/edge/config`, { headers, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (res.status === 304) {
      await res.body?.cancel();
      return;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`GET /v1/edge/config answered ${res.status}`);
    }
    const config = EdgeConfigSchema.parse(await res.json());
    if (config.version !== this.index?.version) this.index = indexConfig(config);
    this.etag = res.headers.get('etag');
  }
}
