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
      const status = purges.some((p) => p.status === 'failed') ? 'failed' : 'applied';
      setResult({ ...result, extensions: { ...result.extensions, purge: { status, purges } } });
    },
  };
}
