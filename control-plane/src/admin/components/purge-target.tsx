/** @jsxImportSource hono/jsx */
import type { PurgeEvent } from '@conductor/schema/contracts/cache-admin';
import { OpRef, type OpNames } from './op-ref.tsx';

/** What a recorded purge aimed at, with operation ids named (purge history, overview). */
export function PurgeTarget({ event, names }: { event: PurgeEvent; names: OpNames }) {
  const r = event.request;
  if ('all' in r) return <>everything</>;
  if ('mutation' in r) return <>{`mutation ${r.mutation.op} ${JSON.stringify(r.mutation.variables ?? {})}`}</>;
  return (
    <>
      operation <OpRef id={r.opId} names={names} />
      {'varsHash' in r && ' (one variant)'}
    </>
  );
}
