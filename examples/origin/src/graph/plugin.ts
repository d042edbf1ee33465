import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { StatsCounter } from '../stats.ts';
import type { OriginContext } from './context.ts';

/** Counts executed operations and reports purge outcomes as the `purge` response extension. */
export function originPlugin(stats: StatsCounter): Plugin<OriginContext> {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      stats.operation(operation?.name?.value ?? 'anonymous', operation?.operation === 'mutation');
    },
    onExecutionResult({ result, setResult, context }) {
      const purges = (context as Partial<OriginContext>).state?.purges ?? [];
      if (purges.length === 0 || !result || Symbol.asyncIterator in result) return;
      // The worst outcome wins: a client that sees `pending` knows its next read may be stale for a while.
      const status = purges.some((p) => p.status === 'failed') ? 'failed' : purges.some((p) => p.status === 'pending') ? 'pending' : 'applied';
      setResult({ ...result, extensions: { ...result.extensions, purge: { status, purges } } });
    },
  };
}
