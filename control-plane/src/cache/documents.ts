import { GraphQLError, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { ErrorCode } from '@conductor/sdk';
import type { OperationType } from '@conductor/schema/cache';
import { ApiError } from '../http/errors.ts';

export interface AnalysedOperation {
  name: string;
  operationType: OperationType;
  /** Declared variable names, in declaration order (the edge keys selectors by them). */
  variables: string[];
}

// Parsing is linear in tokens but admins can post anything: bound the work per document.
const MAX_TOKENS = 20_000;

/**
 * The operation a safelist entry stands for. A document must hold exactly one operation
 * (fragments aside, as in Apollo manifests): with several, a client could send the safelisted
 * id with another `operationName` and run an operation whose type and TTL were never reviewed.
 * `name` names an anonymous operation, or must repeat the operation's own name.
 */
export function analyseDocument(document: string, name?: string): AnalysedOperation {
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(document, { noLocation: true, maxTokens: MAX_TOKENS }).definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
  } catch (err) {
    if (err instanceof GraphQLError) throw new ApiError(400, ErrorCode.GRAPHQL_PARSE_FAILED, err.message);
    throw err;
  }
  const [operation, ...others] = operations;
  if (!operation) throw new ApiError(400, ErrorCode.GRAPHQL_PARSE_FAILED, 'document contains no operation');
  if (others.length > 0) {
    throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `document contains ${operations.length} operations: safelist each on its own`);
  }
  const own = operation.name?.value;
  if (name !== undefined && own !== undefined && own !== name) {
    throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `name "${name}" does not match the document's operation "${own}"`);
  }
  const resolvedName = own ?? name;
  if (resolvedName === undefined) throw new ApiError(400, ErrorCode.VALIDATION_FAILED, 'anonymous operation: give it a name');
  return {
    name: resolvedName,
    operationType: operation.operation,
    variables: (operation.variableDefinitions ?? []).map((v) => v.variable.name.value),
  };
}
