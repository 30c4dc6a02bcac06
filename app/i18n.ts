import en from "./locales/en.json";
import nl from "./locales/nl.json";

export type MessageKey = keyof typeof en;
export type Locale = "en" | "nl";

// nl.json must have every key en.json has: the type below fails to compile otherwise.
const catalogues: Record<Locale, Record<MessageKey, string>> = { en, nl };

/** The BCP 47 tag Intl formats numbers and dates with in the admin's language. */
export const localeTag = (locale: Locale) => (locale === "nl" ? "nl-NL" : "en-US");

/** The admin's language: Shopify passes ?locale= on the iframe URL ("nl", "nl-NL", "en-US"…). */
export function resolveLocale(request: Request): Locale {
  const fromUrl = new URL(request.url).searchParams.get("locale");
  // the admin's language, sent by the app's own data requests (app/components/admin-locale.ts)
  const fromAdmin = request.headers.get("x-admin-locale");
  const candidates = [fromUrl, fromAdmin, ...(request.headers.get("accept-language") ?? "").split(",")];
  for (const candidate of candidates) {
    const language = candidate?.trim().slice(0, 2).toLowerCase();
    if (language === "nl" || language === "en") return language;
  }
  return "en";
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const messages = catalogues[locale];
  return (key, values = {}) => messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}
