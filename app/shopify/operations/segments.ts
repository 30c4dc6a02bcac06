import { z } from "zod";
import { defineOperation, graphql } from "../graphql";

/**
 * Shopify's own customer segments, as the app keeps a native mirror of a segment in step: read one
 * by id, create, update (name and query), delete. Segment names are unique per shop; a name in use
 * comes back as a userError on `name`. Each mutation costs 10 points, the read 1.
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/segmentCreate
 */

const segmentGid = z.string().regex(/^gid:\/\/shopify\/Segment\/\d+$/, "expected a Segment id");
const userErrors = z.array(z.object({ field: z.array(z.string()).nullable().optional(), message: z.string() }));
const segmentNode = z.object({ id: segmentGid, name: z.string(), query: z.string() });

export type NativeSegment = z.output<typeof segmentNode>;
export type SegmentUserError = z.output<typeof userErrors>[number];

export const SEGMENT_QUERY = graphql`#graphql
  query AppSegment($id: ID!) {
    segment(id: $id) { id name query }
  }
`;

export const segmentQueryData = z.object({ segment: segmentNode.nullable() });

export const segmentQuery = defineOperation<z.output<typeof segmentQueryData>, { id: string }>(SEGMENT_QUERY, segmentQueryData);

export const SEGMENT_CREATE = graphql`#graphql
  mutation AppSegmentCreate($name: String!, $query: String!) {
    segmentCreate(name: $name, query: $query) {
      segment { id name query }
      userErrors { field message }
    }
  }
`;

export const segmentCreateData = z.object({ segmentCreate: z.object({ segment: segmentNode.nullable(), userErrors }) });

export const segmentCreateMutation = defineOperation<z.output<typeof segmentCreateData>, { name: string; query: string }>(SEGMENT_CREATE, segmentCreateData);

export const SEGMENT_UPDATE = graphql`#graphql
  mutation AppSegmentUpdate($id: ID!, $name: String, $query: String) {
    segmentUpdate(id: $id, name: $name, query: $query) {
      segment { id name query }
      userErrors { field message }
    }
  }
`;

export const segmentUpdateData = z.object({ segmentUpdate: z.object({ segment: segmentNode.nullable(), userErrors }) });

export const segmentUpdateMutation = defineOperation<z.output<typeof segmentUpdateData>, { id: string; name?: string; query?: string }>(SEGMENT_UPDATE, segmentUpdateData);

export const SEGMENT_DELETE = graphql`#graphql
  mutation AppSegmentDelete($id: ID!) {
    segmentDelete(id: $id) {
      deletedSegmentId
      userErrors { field message }
    }
  }
`;

export const segmentDeleteData = z.object({ segmentDelete: z.object({ deletedSegmentId: z.string().nullable(), userErrors }) });

export const segmentDeleteMutation = defineOperation<z.output<typeof segmentDeleteData>, { id: string }>(SEGMENT_DELETE, segmentDeleteData);

/** A userError saying the name is in use ("Name has already been taken"). */
export function isNameTaken(errors: readonly SegmentUserError[]): boolean {
  return errors.some((error) => (error.field ?? []).includes("name") && /taken|already/i.test(error.message));
}

/** A userError saying there is no such segment (deleted in Shopify meanwhile). */
export function isMissingSegment(errors: readonly SegmentUserError[]): boolean {
  return errors.some((error) => (error.field ?? []).includes("id") && /not exist|not found/i.test(error.message));
}
