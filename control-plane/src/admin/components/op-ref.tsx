/** @jsxImportSource hono/jsx */
import type { SafelistEntry } from '@conductor/schema/contracts/cache-admin';
import type { ApiClient } from '../api.ts';

/*
 * Operation ids (`sha256:…`) as people read them: the operation's name beside the id. Names come
 * from the safelist through the API, so they are the published names, not whatever a metrics
 * batch last carried; every page that shows an id goes through here.
 */

/**
 * Names by persisted document id; `readable: false` when the API refused the safelist to this
 * user (then ids are shown alone rather than called unknown).
 */
export interface OpNames {
  readable: boolean;
  byId: ReadonlyMap<string, string>;
}

export async function opNames(api: ApiClient): Promise<OpNames> {
  const res = await api.get<{ operations: Pick<SafelistEntry, 'id' | 'name'>[] }>('/v1/safelist');
  if (!res.ok) return { readable: false, byId: new Map() };
  return { readable: true, byId: new Map(res.data.operations.filter((o) => o.name).map((o) => [o.id, o.name])) };
}

/** `sha256:8756ada898ed…`: short enough for a table; the full id is the element's title. */
export function shortId(id: string): string {
  const hex = id.replace(/^sha256:/, '');
  return `${hex.slice(0, 12)}…`;
}

/** The id alone, shortened (where the name is already in the same row, e.g. the safelist). */
export function OpId({ id }: { id: string }) {
  return <code title={id}>{shortId(id)}</code>;
}

/** The name an id goes by: the safelist's, else what the caller knows (e.g. the name the edge reported). */
export function opName(id: string, names: OpNames, reported?: string): string | undefined {
  return names.byId.get(id) ?? (reported || undefined);
}

/** Plain-text label where space is short (chart series): the name, else the shortened id. */
export function opLabel(id: string, names: OpNames, reported?: string): string {
  return opName(id, names, reported) ?? shortId(id);
}

/** Name, then the shortened id. */
export function OpRef({ id, names, reported }: { id: string; names: OpNames; reported?: string }) {
  const name = opName(id, names, reported);
  return (
    <span class="op-ref">
      {name ? <span class="op-name">{name}</span> : names.readable && <span class="op-name unknown">not in the safelist</span>} <OpId id={id} />
    </span>
  );
}
