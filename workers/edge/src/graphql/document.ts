import { parse } from 'graphql/language/parser';
import { Kind } from 'graphql/language/kinds';
import type { DocumentNode, OperationDefinitionNode } from 'graphql/language/ast';
import { ErrorCode } from '@conductor/sdk';
import { EdgeError } from '../http/errors.ts';

/** graphql/language only: the executor and type system stay out of the worker bundle. */
export function parseDocument(document: string): DocumentNode {
  try {
    return parse(document, { noLocation: true });
  } catch (err) {
    throw new EdgeError(400, ErrorCode.GRAPHQL_PARSE_FAILED, `GraphQL syntax error: ${(err as Error).message}`);
  }
}

/** The operation a request runs, chosen by operationName as GraphQL execution would. */
export function selectOperation(doc: DocumentNode, operationName: string | undefined): OperationDefinitionNode {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName === undefined) {
    if (ops.length === 1) return ops[0]!;
    throw new EdgeError(400, ErrorCode.BAD_REQUEST, ops.length ? 'operationName is required for a document with several operations' : 'document has no operation');
  }
  const op = ops.find((o) => o.name?.value === operationName);
  if (!op) throw new EdgeError(400, ErrorCode.BAD_REQUEST, `document has no operation named ${operationName}`);
  return op;
}
