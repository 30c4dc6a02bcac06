import type { AdminStandIn } from "./index";

/** What a test reads from a GraphQL answer: status, parsed body, headers. */
export interface GqlAnswer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown>;
    errors?: { message: string; locations?: { line: number; column: number }[]; extensions?: Record<string, unknown> }[];
    extensions?: { cost: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } } };
  };
}

/** A client as the app's would be: plain fetch, the token header, a JSON body. */
export function client(standIn: AdminStandIn, token: string, version = "2026-10") {
  return async (query: string, variables: Record<string, unknown> = {}, options: { token?: string; version?: string } = {}): Promise<GqlAnswer> => {
    const res = await fetch(`${standIn.url}/admin/api/${options.version ?? version}/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": options.token ?? token },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) as GqlAnswer["body"] };
  };
}

/** Reads a nested value in a test answer; fails the test if a step is missing. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== "object") throw new Error(`no ${String(step)} in ${JSON.stringify(current)}`);
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}
