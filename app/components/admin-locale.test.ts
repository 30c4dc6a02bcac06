import { afterEach, describe, expect, it, vi } from "vitest";
import { resolveLocale } from "~/i18n";

describe("the admin's language on the app's own requests", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it("resolveLocale takes the URL's locale first, then the admin's header, then Accept-Language", () => {
    const request = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });
    expect(resolveLocale(request("https://app.test/app?locale=nl", { "X-Admin-Locale": "en", "Accept-Language": "en-US" }))).toBe("nl");
    expect(resolveLocale(request("https://app.test/app/templates", { "X-Admin-Locale": "nl", "Accept-Language": "en-US,en" }))).toBe("nl");
    expect(resolveLocale(request("https://app.test/app/templates", { "X-Admin-Locale": "fr", "Accept-Language": "nl-NL" }))).toBe("nl");
    expect(resolveLocale(request("https://app.test/app/templates", { "Accept-Language": "de-DE" }))).toBe("en");
  });

  it("adds the header to same-origin requests only, keeps other headers, follows a change of language and wraps fetch once", async () => {
    const seen: { url: string; headers: Headers }[] = [];
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push({ url: String(input instanceof Request ? input.url : input), headers: new Headers(init?.headers) });
      return new Response("ok");
    });
    vi.stubGlobal("window", { fetch, location: { href: "https://app.test/app", origin: "https://app.test" } });
    const { sendAdminLocale } = await import("./admin-locale");

    sendAdminLocale("nl");
    const wrapped = window.fetch;
    await window.fetch("/app/templates?_data=routes%2Fapp.templates", { headers: { Authorization: "Bearer t" } });
    await window.fetch(new Request("https://app.test/app/segments/count", { method: "POST", headers: { "Content-Type": "text/plain" } }));
    await window.fetch("https://cdn.shopify.com/x.js");
    sendAdminLocale("en");
    expect(window.fetch).toBe(wrapped);
    await window.fetch(new URL("https://app.test/app"));

    expect(seen.map((call) => [call.url, call.headers.get("x-admin-locale")])).toEqual([
      ["/app/templates?_data=routes%2Fapp.templates", "nl"],
      ["https://app.test/app/segments/count", "nl"],
      ["https://cdn.shopify.com/x.js", null],
      ["https://app.test/app", "en"],
    ]);
    expect(seen[0]?.headers.get("authorization")).toBe("Bearer t");
    expect(seen[1]?.headers.get("content-type")).toBe("text/plain");
  });
});
