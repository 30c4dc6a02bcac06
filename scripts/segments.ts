/**
 * `npm run segments -- check "<query>"`   canonical query, exit 0; or each error as `line:column message` with its caret excerpt, exit 1
 * `npm run segments -- sql --dialect postgresql "<query>"`   the compiled SQL and its parameters
 * `npm run segments -- count "<query>"`   members in the configured database (DATABASE_URL, default the demo's) for the demo shop
 *
 * Options: --metafield namespace.key:type (repeatable; count reads the shop's own definitions),
 * --shop <domain>, --shop-id <n>, --now <ISO instant>, --time-zone <IANA>, --currency-digits <n>.
 */
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { analyse, type Analysis } from "~/segments/engine";
import { compileCount, compileToSql, type Dialect } from "~/segments/compile";
import type { MetafieldDefinitionInfo } from "~/segments/filters";
import { isTimeZone } from "~/segments/time";

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `usage: npm run segments -- check|sql|count [options] "<query>"
  check                     print the canonical query, or each error with its position
  sql --dialect D           print the SQL (D: sqlite | postgresql) and its parameters
  count                     count the members in DATABASE_URL's store for --shop
options: --metafield ns.key:type  --shop domain  --shop-id n  --now ISO  --time-zone IANA  --currency-digits n`;

export const DEMO_SHOP_DOMAIN = "cdnow-demo.myshopify.com";
const DEFAULT_DATABASE_URL = `file:${join(import.meta.dirname, "..", ".demo", "demo.db")}`;

export async function main(argv: string[], io: Io, env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        dialect: { type: "string", default: "sqlite" },
        metafield: { type: "string", multiple: true, default: [] },
        shop: { type: "string" },
        "shop-id": { type: "string", default: "1" },
        now: { type: "string" },
        "time-zone": { type: "string", default: "UTC" },
        "currency-digits": { type: "string", default: "2" },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  const { values } = parsed;
  if (!command || !["check", "sql", "count"].includes(command) || rest.length !== 1) {
    io.err(USAGE);
    return 2;
  }
  const source = rest[0] as string;
  const metafields: MetafieldDefinitionInfo[] = [];
  for (const spec of values.metafield) {
    const match = /^([\w-]+)\.([\w-]+):(\w+)$/.exec(spec);
    if (!match) {
      io.err(`--metafield ${spec}: write namespace.key:type, e.g. facts.birth_date:date`);
      return 2;
    }
    metafields.push({ namespace: match[1] as string, key: match[2] as string, type: match[3] as string });
  }
  const now = values.now === undefined ? Date.now() : Date.parse(values.now);
  const digits = Number(values["currency-digits"]);
  if (Number.isNaN(now) || !Number.isInteger(digits) || digits < 0 || digits > 4 || !isTimeZone(values["time-zone"])) {
    io.err(`--now must be an ISO instant, --time-zone an IANA zone, --currency-digits 0–4\n${USAGE}`);
    return 2;
  }

  if (command === "count") return count(source, values.shop ?? env.DEMO_SHOP ?? DEMO_SHOP_DOMAIN, metafields, now, io, env.DATABASE_URL ?? DEFAULT_DATABASE_URL);

  const analysis = analyse(source, { metafields });
  if (!analysis.ok) return report(analysis, io);
  if (command === "check") {
    io.out(analysis.canonical);
    return 0;
  }
  if (values.dialect !== "sqlite" && values.dialect !== "postgresql") {
    io.err(`--dialect is sqlite or postgresql, not ${values.dialect}`);
    return 2;
  }
  const shopId = Number(values["shop-id"]);
  const compiled = compileToSql(analysis.checked, { dialect: values.dialect as Dialect, shopId, now, timeZone: values["time-zone"], currencyDigits: digits });
  io.out(compiled.text);
  io.out(`-- parameters: ${JSON.stringify(compiled.params)}`);
  return 0;
}

function report(analysis: Extract<Analysis, { ok: false }>, io: Io): number {
  for (const error of analysis.errors) {
    io.err(error.toString());
    io.err(error.excerpt());
  }
  return 1;
}

async function count(source: string, domain: string, extra: MetafieldDefinitionInfo[], now: number, io: Io, url: string): Promise<number> {
  const { openDb } = await import("~/db/client");
  const { databaseKind, sqliteFileUrl } = await import("~/db/url");
  const { existsSync } = await import("node:fs");
  if (databaseKind(url) === "sqlite" && !existsSync(sqliteFileUrl(url))) {
    io.err(`no database at ${sqliteFileUrl(url)}; run the demo (npm run demo) or set DATABASE_URL`);
    return 2;
  }
  const { db, kind } = openDb(url);
  try {
    const shop = await db.shop.findUnique({ where: { domain }, include: { metafieldDefinitions: true } });
    if (!shop) {
      io.err(`no shop ${domain} in ${kind === "sqlite" ? url : "the PostgreSQL store"}; run the demo (npm run demo) or pass --shop`);
      return 2;
    }
    const metafields = [...shop.metafieldDefinitions.map(({ namespace, key, type, name }) => ({ namespace, key, type, name })), ...extra];
    const analysis = analyse(source, { metafields });
    if (!analysis.ok) return report(analysis, io);
    const currencyDigits = new Intl.NumberFormat("en", { style: "currency", currency: shop.currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
    const compiled = compileCount(analysis.checked, { dialect: kind, shopId: shop.id, now, timeZone: shop.ianaTimezone, currencyDigits });
    const rows = await db.$queryRawUnsafe<{ count: bigint | number }[]>(compiled.text, ...compiled.params);
    io.out(`${Number(rows[0]?.count ?? 0)} customers of ${domain} match ${analysis.canonical}`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const io: Io = { out: (line) => console.log(line), err: (line) => console.error(line) };
  main(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
