import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterEach, describe, expect, it, vi } from "vitest";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));

const { installTestShop } = await import("../../test/app/test-app");
const { loader: appLoader } = await import("./app._index");
const env = await import("~/env.server");

const SHOP = "cdnow-demo.myshopify.com";
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.restoreAllMocks();
});

function demoEnv(overrides: Record<string, string>) {
  vi.spyOn(env, "env").mockReturnValue(env.parseEnv({ ...process.env, DEMO_MODE: "1", DEMO_SHOP: SHOP, ...overrides }));
}

async function run(loader: (args: LoaderFunctionArgs) => Promise<unknown>, url: string) {
  try {
    const result = await loader({ request: new Request(new URL(url, ctx.appUrl)), params: {}, context: {} });
    return result instanceof Response ? result : new Response(JSON.stringify(result));
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("demo sign-in", () => {
  it("signs in to the demo shop through the real authenticate.admin", async () => {
    demoEnv({});
    await installTestShop(ctx, SHOP, "CDNOW Demo");
    const { loader } = await import("./demo._index");
    const redirect = await run(loader, "/demo");
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get("Location") ?? "", ctx.appUrl);
    expect(location.pathname).toBe("/app");
    expect(location.searchParams.get("embedded")).toBe("1");
    // the embedded URL it sends the browser to authenticates as Shopify admin's would
    const home = (await appLoader({ request: new Request(location), params: {}, context: {} })) as { overview: { name: string } };
    expect(home.overview.name).toBe("CDNOW Demo");
  });

  it("serves App Bridge's stand-in and session tokens only in demo mode", async () => {
    const token = await import("./demo.session-token");
    const bridge = await import("./demo.app-bridge[.]js");
    expect((await run(token.loader, "/demo/session-token")).status).toBe(404);
    expect((await run(bridge.loader, "/demo/app-bridge.js")).status).toBe(404);
    demoEnv({});
    expect((await run(token.loader, "/demo/session-token")).status).toBe(200);
    expect(await (await run(bridge.loader, "/demo/app-bridge.js")).text()).toContain("window.shopify");
  });

  it("is impossible when NODE_ENV=production, even if the environment check were bypassed", async () => {
    demoEnv({});
    process.env.NODE_ENV = "production";
    const routes = [await import("./demo._index"), await import("./demo.session-token"), await import("./demo.app-bridge[.]js")];
    for (const route of routes) {
      const response = await run(route.loader, "/demo");
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("does not exist when NODE_ENV=production");
    }
    expect(() => env.parseEnv({ ...process.env, DEMO_MODE: "1", DEMO_SHOP: SHOP })).toThrow(/DEMO_MODE: cannot be on when NODE_ENV=production/);
  });
});
