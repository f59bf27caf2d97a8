// Graph's error envelope. Clients (and the Graph SDK's GraphError) branch on `error.code`, so the
// codes and statuses here follow what Graph returns (MICROSOFT.md §3.1); messages follow it where known.

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Graph's innerError.date has no fraction and no zone: 2024-03-08T10:22:05 */
export function innerErrorDate(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 19);
}

export function errorBody(err: GraphError, nowMs: number, requestId: string, clientRequestId: string): string {
  return JSON.stringify({
    error: {
      code: err.code,
      message: err.message,
      innerError: { date: innerErrorDate(nowMs), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  });
}

export const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

export const badRequest = (message: string, code = 'BadRequest') => new GraphError(400, code, message);

export const unknownProperty = (prop: string, type: string) =>
  new GraphError(400, 'BadRequest', `Could not find a property named '${prop}' on type 'microsoft.graph.${type}'.`);

export const resourceNotFound = (id: string) =>
  new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const directoryDenied = () =>
  new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

export const mailDenied = () =>
  new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

export const itemNotFound = () =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const idMalformed = () => new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');

export const unsupportedQuery = (message: string) => new GraphError(400, 'Request_UnsupportedQuery', message);

/** Advanced queries need both `ConsistencyLevel: eventual` and `$count=true` (Graph's "advanced query" rule). */
export const advancedQueryRequired = (what: string) =>
  unsupportedQuery(
    `${what} is only supported with the 'ConsistencyLevel: eventual' header and the '$count=true' query parameter. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
  );
