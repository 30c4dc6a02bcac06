import { z } from "zod";
import { defineOperation, graphql } from "../graphql";

/**
 * Bulk operations for the sync: start a bulk query, then poll its status until it finishes. Field
 * names and types follow Shopify's BulkOperation object (2026-01+ schema; the stand-in serves the
 * same subset): https://shopify.dev/docs/api/admin-graphql/latest/objects/BulkOperation
 */
export const BULK_OPERATION_FIELDS = graphql`#graphql
  fragment AppBulkOperation on BulkOperation {
    id
    status
    errorCode
    objectCount
    url
    partialDataUrl
    createdAt
    completedAt
  }
`;

export const BULK_OPERATION_STATUSES = ["CANCELED", "CANCELING", "COMPLETED", "CREATED", "EXPIRED", "FAILED", "RUNNING"] as const;
export const BULK_OPERATION_ERROR_CODES = ["ACCESS_DENIED", "INTERNAL_SERVER_ERROR", "TIMEOUT"] as const;
export const BULK_OPERATION_USER_ERROR_CODES = ["INVALID", "LIMIT_REACHED", "OPERATION_IN_PROGRESS"] as const;

/** UnsignedInt64 arrives as a string of digits. */
const unsignedInt64 = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);
const dateTime = z.iso.datetime({ offset: true });

export const bulkOperation = z.object({
  id: z.string().startsWith("gid://shopify/BulkOperation/"),
  status: z.enum(BULK_OPERATION_STATUSES),
  errorCode: z.enum(BULK_OPERATION_ERROR_CODES).nullable(),
  objectCount: unsignedInt64,
  /** JSONL of the results; expires seven days after completion */
  url: z.string().nullable(),
  /** what a FAILED operation wrote before it failed */
  partialDataUrl: z.string().nullable(),
  createdAt: dateTime,
  completedAt: dateTime.nullable(),
});

export type BulkOperation = z.infer<typeof bulkOperation>;

const bulkOperationUserError = z.object({
  field: z.array(z.string()).nullable(),
  message: z.string(),
  code: z.enum(BULK_OPERATION_USER_ERROR_CODES).nullable(),
});

/**
 * Starts a bulk query. groupObjects is always passed: its default changed to false in 2026-01,
 * and the app's JSONL reader must not depend on the version's default. A mutation: cost 10.
 */
export const BULK_OPERATION_RUN_QUERY = graphql`#graphql
  mutation AppBulkOperationRunQuery($query: String!, $groupObjects: Boolean!) {
    bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
      bulkOperation { ...AppBulkOperation }
      userErrors { field message code }
    }
  }
  ${BULK_OPERATION_FIELDS}
`;

export const bulkOperationRunQueryData = z.object({
  bulkOperationRunQuery: z.object({
    bulkOperation: bulkOperation.nullable(),
    userErrors: z.array(bulkOperationUserError),
  }),
});

export const bulkOperationRunQuery = defineOperation<z.infer<typeof bulkOperationRunQueryData>, { query: string; groupObjects: boolean }>(
  BULK_OPERATION_RUN_QUERY,
  bulkOperationRunQueryData,
);

/** One bulk operation by id — `bulkOperation(id:)`, Shopify's replacement for currentBulkOperation since 2026-01. */
export const BULK_OPERATION_QUERY = graphql`#graphql
  query AppBulkOperation($id: ID!) {
    bulkOperation(id: $id) { ...AppBulkOperation }
  }
  ${BULK_OPERATION_FIELDS}
`;

export const bulkOperationData = z.object({ bulkOperation: bulkOperation.nullable() });

export const bulkOperationQuery = defineOperation<z.infer<typeof bulkOperationData>, { id: string }>(BULK_OPERATION_QUERY, bulkOperationData);

/** The same through `node(id:)`, which every version serves. */
export const BULK_OPERATION_NODE_QUERY = graphql`#graphql
  query AppBulkOperationNode($id: ID!) {
    node(id: $id) { ...AppBulkOperation }
  }
  ${BULK_OPERATION_FIELDS}
`;

export const bulkOperationNodeData = z.object({ node: bulkOperation.nullable() });

export const bulkOperationNodeQuery = defineOperation<z.infer<typeof bulkOperationNodeData>, { id: string }>(BULK_OPERATION_NODE_QUERY, bulkOperationNodeData);

/**
 * The app's most recent bulk query in this shop (deprecated from 2026-01 in favour of
 * bulkOperations/bulkOperation, still served): for finding a run a crashed job left behind.
 */
export const CURRENT_BULK_OPERATION_QUERY = graphql`#graphql
  query AppCurrentBulkOperation {
    currentBulkOperation(type: QUERY) { ...AppBulkOperation }
  }
  ${BULK_OPERATION_FIELDS}
`;

export const currentBulkOperationData = z.object({ currentBulkOperation: bulkOperation.nullable() });

export const currentBulkOperationQuery = defineOperation<z.infer<typeof currentBulkOperationData>>(CURRENT_BULK_OPERATION_QUERY, currentBulkOperationData);

/** Cancels a running bulk operation (a sync that gives up, or a stale run). */
export const BULK_OPERATION_CANCEL = graphql`#graphql
  mutation AppBulkOperationCancel($id: ID!) {
    bulkOperationCancel(id: $id) {
      bulkOperation { ...AppBulkOperation }
      userErrors { field message }
    }
  }
  ${BULK_OPERATION_FIELDS}
`;

export const bulkOperationCancelData = z.object({
  bulkOperationCancel: z.object({
    bulkOperation: bulkOperation.nullable(),
    userErrors: z.array(z.object({ field: z.array(z.string()).nullable(), message: z.string() })),
  }),
});

export const bulkOperationCancel = defineOperation<z.infer<typeof bulkOperationCancelData>, { id: string }>(BULK_OPERATION_CANCEL, bulkOperationCancelData);
