/**
 * Shopify names the admin's language only on the URL it opens the app with. The app's own data
 * requests (Remix loaders and actions, fetchers) carry no `?locale=`, so the server would answer
 * them in the browser's Accept-Language: a Dutch admin in an English browser got English template
 * names and sort order. The layout therefore sends the admin's language with every same-origin
 * request in a header (`resolveLocale` reads it after the URL). It is a preference, nothing more.
 */
import type { Locale } from "~/i18n";

export const ADMIN_LOCALE_HEADER = "X-Admin-Locale";

let current: Locale | null = null;
let installed = false;

/** Same-origin requests from now on carry `locale` (the first call wraps window.fetch, later ones change the language). */
export function sendAdminLocale(locale: Locale): void {
  current = locale;
  if (installed || typeof window === "undefined") return;
  installed = true;
  const inner = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, window.location.href);
    if (url.origin !== window.location.origin || current === null) return inner(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has(ADMIN_LOCALE_HEADER)) headers.set(ADMIN_LOCALE_HEADER, current);
    return inner(input, { ...init, headers });
  };
}
