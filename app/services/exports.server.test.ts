import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../test/support/csv";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { cancelShopJobs, type Job } from "~/jobs/queue.server";
import { jobHandlers } from "~/jobs/runtime.server";
import { Worker } from "~/jobs/worker.server";
import type { SyncDeps } from "~/sync/deps";
import {
  audienceRow,
  csvField,
  downloadHeaders,
  downloadName,
  EXPORT_JOB,
  exportFile,
  exportJobHandler,
  neutraliseFormula,
  normaliseEmail,
  parseExportForm,
  queueSegmentExport,
  recentExports,
  runSegmentExport,
  sha256Hex,
  toE164,
  type ExportRequest,
} from "./exports.server";

const sha = {
  "test@example.com": "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b",
  "anna@example.nl": "cedddd168210ff632b3e814afa4cd7db95785e7d8489811c15e14c6f5376425a",
  "+31612345678": "fab7be8a931d1088a82f6acf9e468aaf6a3accc07d5112ee5d6fca93281e1583",
  "31612345678": "e03d152bbe638d9fe7a04f9b88a67674bf15b73c0981755c16eb78d177721e03",
  anna: "55579b557896d0ce1764c47fed644f9b35f58bad620674af23f356d80ed0c503",
  "de vries": "b8004f1d6937db197b6600a8a90f12914a0c1632e39e18f504d1983639840eb4",
  devries: "58549f7970bdd635e8713590cf773d0bbea4ca2882c5f7ae57bdb6de8f759f87",
  nl: "1843653496800edfd0d30326c82f53b0338ed408468cca4a2f1b52f2f6395fc9",
  "1015cj": "ff4778d6385e7adea1e9986bfd57c956558e945244f5c227be2dfc29f61a7898",
  "jan@googlemail.com": "644586ba42a95d3f0e054279740374571696f317dcb4448979f33ac4b763a3ac",
  "j.a.n+promo@googlemail.com": "b18317206de9779f1036fb5da32c7472366cb54982fb47ac5c6103839158ae38",
  "+14155552671": "cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928",
  "14155552671": "758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0",
  "@jan": "3fba43c6fb4de8968ff052a70ae90734746127f92e19c81c3f51638998992a5f",
  'jansen, "jj"': "9463737c379fca66f2141aeaa3136030eebbad15ae91ebf4eea15ec992c98088",
  jan: "6a0ac0fd972c325d6ca5512b67a5e0ad996c4a3e9b59971d125164e6d4db1a1c",
  jansenjj: "45c3e79812478fdb493b05281241fe56f0414a682743258db75f2d049b141bb4",
  us: "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621",
  "10001": "e443169117a184f91186b401133b20be670c7c0896f9886075e5d9b81e9d076b",
} as const;

describe("cells", () => {
  it("neutralises every text that a spreadsheet would read as a formula", () => {
    for (const text of ["=1+1", "+31 6 1234", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "=HYPERLINK(\"http://x\")"]) expect(neutraliseFormula(text)).toBe(`'${text}`);
    for (const text of ["Anna", " =1", "a=b", "1-2", "", "'quoted"]) expect(neutraliseFormula(text)).toBe(text);
  });

  it("quotes CSV fields per RFC 4180", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
  });

  it("names the download after the segment, in safe ASCII", () => {
    expect(downloadName("VIP-klanten ‘Zomer’ 2026", "2026-12-02", "CSV", null)).toBe("vip-klanten-zomer-2026-2026-12-02.csv");
    expect(downloadName("Café & Crème", "2026-12-02", "XLSX", null)).toBe("cafe-creme-2026-12-02.xlsx");
    expect(downloadName('../../etc/passwd"\r\n', "2026-12-02", "AUDIENCE", "google")).toBe("etc-passwd-2026-12-02-google-audience.csv");
    expect(downloadName("★★★", "2026-12-02", "CSV", null)).toBe("segment-2026-12-02.csv");
  });
});

describe("download headers", () => {
  it("offer the file as an attachment whose name cannot leave its quotes", () => {
    const headers = downloadHeaders({ path: "/x", fileName: '..\\evil"; filename=x.exe\r\n.csv', contentType: "text/csv; charset=utf-8", bytes: 12 });
    expect(headers.get("Content-Disposition")).toBe(`attachment; filename="_evil___filename_x.exe__.csv"; filename*=UTF-8''_evil___filename_x.exe__.csv`);
    expect(headers.get("Content-Length")).toBe("12");
    expect(headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
  });
});

describe("ads audience normalisation", () => {
  it("hashes with SHA-256 as hex", () => {
    expect(sha256Hex("test@example.com")).toBe(sha["test@example.com"]);
    expect(sha256Hex("+31612345678")).toBe(sha["+31612345678"]);
  });

  it("normalises e-mail addresses: trimmed, lower-cased, Gmail's dots and +suffix dropped for Google only", () => {
    expect(normaliseEmail("  Test@Example.COM ", "google")).toBe("test@example.com");
    expect(normaliseEmail("J.A.N+promo@GoogleMail.com", "google")).toBe("jan@googlemail.com");
    expect(normaliseEmail("first.last+shop@gmail.com", "google")).toBe("firstlast@gmail.com");
    expect(normaliseEmail("first.last+shop@example.com", "google")).toBe("first.last+shop@example.com");
    expect(normaliseEmail("J.A.N+promo@GoogleMail.com", "meta")).toBe("j.a.n+promo@googlemail.com");
    for (const bad of [null, "", "   ", "no-at-sign", "@example.com", "a@b@c", "anna@", "+@gmail.com"]) expect(normaliseEmail(bad, "google"), String(bad)).toBeNull();
  });

  it("writes phone numbers in E.164, reading local numbers in the address's country", () => {
    const cases: [string | null, string | null, string | null][] = [
      ["06 12345678", "NL", "+31612345678"],
      ["+31 (0)6-1234 5678", null, "+31612345678"],
      ["0031 6 12345678", "NL", "+31612345678"],
      ["+31612345678", "US", "+31612345678"],
      ["(415) 555-2671", "US", "+14155552671"],
      ["415.555.2671", "us", "+14155552671"],
      ["020 7183 8750", "GB", "+442071838750"],
      ["0470 12 34 56", "BE", "+32470123456"],
      ["06 12345678", null, null],
      ["06 12345678", "ZZ", null],
      ["12", "NL", null],
      ["+316123", null, null],
      ["call me", "NL", null],
      ["", "NL", null],
      [null, "NL", null],
    ];
    for (const [phone, country, e164] of cases) expect(toE164(phone, country), `${phone} in ${country}`).toBe(e164);
  });

  it("lays out Google's and Meta's rows, hashed where each platform asks", () => {
    const anna = {
      email: "Anna@Example.NL",
      phone: "06 12345678",
      firstName: " Anna ",
      lastName: "de Vries",
      address: { city: "Amsterdam", province: "Noord-Holland", provinceCode: "NH", countryCode: "nl", zip: "1015 CJ", company: null },
    };
    expect(audienceRow(anna, "google")).toEqual([sha["anna@example.nl"], sha["+31612345678"], sha.anna, sha["de vries"], "NL", "1015 CJ"]);
    expect(audienceRow(anna, "meta")).toEqual([sha["anna@example.nl"], sha["31612345678"], sha.anna, sha.devries, sha.nl, sha["1015cj"]]);
    // nothing to match on: no row; a name with country and zip is enough for both
    expect(audienceRow({ email: null, phone: "12", firstName: "Anna", lastName: null, address: null }, "google")).toBeNull();
    expect(audienceRow({ ...anna, email: null, phone: null }, "meta")).toEqual(["", "", sha.anna, sha.devries, sha.nl, sha["1015cj"]]);
  });
});

describe("the export form", () => {
  const form = (fields: [string, string][]) => parseExportForm(new URLSearchParams(fields));

  it("keeps the columns in the order given", () => {
    expect(form([["segmentId", "seg1"], ["format", "CSV"], ["columns", "email"], ["columns", "name"], ["columns", "churnProbability"], ["language", "nl"]])).toEqual({
      ok: true,
      request: { segmentId: "seg1", format: "CSV", columns: ["email", "name", "churnProbability"], language: "nl" },
    });
    expect(form([["segmentId", "seg1"], ["format", "AUDIENCE"], ["audience", "meta"], ["columns", "email"], ["language", "en"]])).toEqual({
      ok: true,
      request: { segmentId: "seg1", format: "AUDIENCE", columns: ["email", "phone", "fn", "ln", "country", "zip"], language: "en" },
    });
  });

  it("names each bad field", () => {
    expect(form([])).toEqual({ ok: false, errors: { segmentId: "exports.error.segment", format: "exports.error.format", language: "exports.error.language" } });
    expect(form([["segmentId", " "], ["format", "PDF"], ["language", "de"]])).toEqual({
      ok: false,
      errors: { segmentId: "exports.error.segment", format: "exports.error.format", language: "exports.error.language" },
    });
    const base: [string, string][] = [["segmentId", "seg1"], ["language", "en"]];
    expect(form([...base, ["format", "XLSX"]])).toEqual({ ok: false, errors: { columns: "exports.error.columns" } });
    expect(form([...base, ["format", "CSV"], ["columns", "email"], ["columns", "password"]])).toEqual({ ok: false, errors: { columns: "exports.error.columns" } });
    expect(form([...base, ["format", "CSV"], ["columns", "email"], ["columns", "email"]])).toEqual({ ok: false, errors: { columns: "exports.error.columns" } });
    expect(form([...base, ["format", "AUDIENCE"], ["audience", "tiktok"]])).toEqual({ ok: false, errors: { audience: "exports.error.audience" } });
    expect(form([...base, ["format", "AUDIENCE"]])).toEqual({ ok: false, errors: { audience: "exports.error.audience" } });
  });
});

// ------------------------------------------------------------------------------------------------

const kinds = await storeKinds();

describe.each(kinds)("segment exports on %s", (kind) => {
  let store: TestStore;
  let directory: string;
  let shopId: number;
  let otherShopId: number;
  let segmentId: string;
  let otherSegmentId: string;
  const now = new Date("2026-12-02T09:00:00Z");
  const deps = (): SyncDeps => ({ db: store.db, kind, now: () => now, adminFor: () => Promise.reject(new Error("no Shopify in this test")) });

  beforeAll(async () => {
    store = await freshStore(kind);
    directory = mkdtempSync(join(tmpdir(), "exports-"));
    const db = store.db;
    shopId = (await db.shop.create({ data: { domain: "exports-a.myshopify.com", name: "A", currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam" } })).id;
    otherShopId = (await db.shop.create({ data: { domain: "exports-b.myshopify.com", name: "B" } })).id;
    const at = new Date("2026-06-01T12:00:00Z");
    const base = { shopId, shopifyUpdatedAt: at };
    const anna = await db.customer.create({
      data: {
        ...base,
        shopifyId: "1001",
        firstName: "Anna",
        lastName: "de Vries",
        email: "Anna@Example.NL",
        phone: "06 12345678",
        // 23:30 UTC on 31 December is 00:30 on 1 January in Amsterdam: the shop's calendar day counts
        shopifyCreatedAt: new Date("2025-12-31T23:30:00Z"),
        emailMarketingState: "SUBSCRIBED",
        numberOfOrders: 2,
        amountSpentMinor: 12345n,
        predictedSpendTier: "HIGH",
        rfmGroup: "LOYAL",
        predictedSpend12mMinor: 7413n,
        predictedClvMinor: 15020n,
        churnProbability: 0.18,
        expectedNextOrderAt: new Date("2026-12-24T23:30:00Z"),
        predictedAt: at,
        tags: { create: [{ shopId, tag: "VIP", normalized: "vip" }, { shopId, tag: "Manager: Sanne de Boer", normalized: "manager: sanne de boer" }] },
        metafields: { create: [{ shopId, namespace: "facts", key: "birth_date", type: "date", value: "1990-05-12" }] },
        addresses: {
          create: [
            { shopId, isDefault: false, city: "Utrecht", province: "Utrecht", countryCode: "NL", zip: "3511" },
            { shopId, isDefault: true, city: "Amsterdam", province: "Noord-Holland", countryCode: "NL", zip: "1015 CJ", company: "Acme BV" },
          ],
        },
      },
    });
    const order = (shopifyId: string, name: string, processedAt: string, extra: object = {}) => ({
      shopId,
      shopifyId,
      name,
      customerId: anna.id,
      currencyCode: "EUR",
      subtotalMinor: 1000n,
      totalMinor: 1000n,
      discountCodes: [],
      processedAt: new Date(processedAt),
      shopifyCreatedAt: new Date(processedAt),
      shopifyUpdatedAt: new Date(processedAt),
      ...extra,
    });
    await db.order.createMany({
      data: [
        order("9001", "#1001", "2026-01-05T10:00:00Z"),
        order("9002", "#1002", "2026-03-01T10:00:00Z"),
        // later, but cancelled or a test: not the last order the derived columns count
        order("9003", "#1003", "2026-04-01T10:00:00Z", { cancelledAt: new Date("2026-04-02T10:00:00Z") }),
        order("9004", "#1004", "2026-05-01T10:00:00Z", { test: true }),
      ],
    });
    const jan = await db.customer.create({
      data: {
        ...base,
        shopifyId: "1002",
        firstName: "@Jan",
        lastName: 'Jansen, "JJ"',
        email: "J.A.N+promo@GoogleMail.com",
        phone: "+1 (415) 555-2671",
        company: "-2+3",
        shopifyCreatedAt: at,
        smsMarketingState: "SUBSCRIBED",
        tags: { create: [{ shopId, tag: "manager:=SUM(A1)", normalized: "manager:=sum(a1)" }] },
        addresses: { create: [{ shopId, isDefault: true, city: "New York", province: "New York", countryCode: "US", zip: "10001-1234" }] },
      },
    });
    const bob = await db.customer.create({
      data: { ...base, shopifyId: "1003", firstName: "\tBob", lastName: "Builder\nSecond line", email: "bob@example.com", company: "=1+1", shopifyCreatedAt: at, numberOfOrders: 1, amountSpentMinor: -500n },
    });
    const outsider = await db.customer.create({ data: { ...base, shopifyId: "1004", firstName: "Dirk", emailMarketingState: "SUBSCRIBED", email: "dirk@example.com", shopifyCreatedAt: at } });
    const segment = await db.segment.create({ data: { shopId, name: "VIP-klanten ‘Zomer’", handle: "vip", query: "customer_tags CONTAINS 'vip'" } });
    segmentId = segment.id;
    await db.segmentMember.createMany({ data: [anna, jan, bob].map((customer) => ({ shopId, segmentId, customerId: customer.id, joinedAt: at })) });
    await db.segment.create({ data: { shopId, name: "Others", handle: "others", query: "number_of_orders = 0", members: { create: [{ shopId, customerId: outsider.id }] } } });
    const foreigner = await db.customer.create({ data: { shopId: otherShopId, shopifyId: "1001", firstName: "Foreign", shopifyCreatedAt: at, shopifyUpdatedAt: at } });
    otherSegmentId = (await db.segment.create({ data: { shopId: otherShopId, name: "Theirs", handle: "theirs", query: "number_of_orders = 0", members: { create: [{ shopId: otherShopId, customerId: foreigner.id }] } } })).id;
  });
  afterAll(() => store.drop());

  async function exportNow(request: Omit<ExportRequest, "segmentId"> & { segmentId?: string }, options: { pageSize?: number } = {}) {
    const created = await queueSegmentExport(store.db, { shopId, request: { segmentId, ...request }, now });
    expect(created).not.toBeNull();
    const outcome = await runSegmentExport(deps(), { shopId, exportId: created!.id }, { directory, pageSize: options.pageSize ?? 2 });
    expect(outcome.status).toBe("written");
    const row = await store.db.segmentExport.findUniqueOrThrow({ where: { id: created!.id } });
    const file = await exportFile(store.db, { shopId, id: created!.id, directory });
    expect(file).not.toBeNull();
    return { row, file: file! };
  }

  it("writes the chosen columns in the chosen order as CSV with a BOM, formulas neutralised", async () => {
    const { row, file } = await exportNow({ format: "CSV", columns: ["email", "name", "company", "amountSpent"], language: "en" });
    expect(row).toMatchObject({ state: "SUCCEEDED", rowsDone: 3, rowsTotal: 3, fileName: "vip-klanten-zomer-2026-12-02.csv", error: null });
    const bytes = readFileSync(file.path);
    expect(row.fileBytes).toBe(bytes.length);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8").slice(1);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(parseCsv(text)).toEqual([
      ["E-mail", "Name", "Company", "Amount spent (EUR)"],
      ["Anna@Example.NL", "Anna de Vries", "Acme BV", "123.45"],
      ["J.A.N+promo@GoogleMail.com", `'@Jan Jansen, "JJ"`, "'-2+3", "0.00"],
      ["bob@example.com", "'\tBob Builder\nSecond line", "'=1+1", "-5.00"],
    ]);
    // the quoting itself, as written
    expect(text).toContain(`J.A.N+promo@GoogleMail.com,"'@Jan Jansen, ""JJ""",'-2+3,0.00\r\n`);
    expect(readdirSync(join(directory, `shop-${shopId}`)).some((name) => name.endsWith(".part"))).toBe(false);
  });

  it("writes every column, headers and labels in the export's language", async () => {
    const { file } = await exportNow({ format: "CSV", columns: ["customerId", "name", "company", "email", "phone", "manager", "lastOrderName", "lastOrderId", "amountSpent", "numberOfOrders", "location", "customerSince", "birthday", "spendTier", "rfmGroup", "predictedSpend12m", "predictedClv", "churnProbability", "expectedNextOrder"], language: "en" });
    const [header, anna, jan] = parseCsv(readFileSync(file.path, "utf8").slice(1));
    expect(header).toEqual([
      "Customer ID", "Name", "Company", "E-mail", "Phone", "Manager", "Last order", "Last order ID", "Amount spent (EUR)", "Orders", "Location", "Customer since", "Birthday",
      "Spend tier", "RFM group", "Predicted spend, 12 months (EUR)", "Predicted lifetime value (EUR)", "Churn probability", "Expected next order",
    ]);
    expect(anna).toEqual([
      "1001", "Anna de Vries", "Acme BV", "Anna@Example.NL", "06 12345678", "Sanne de Boer", "#1002", "9002", "123.45", "2", "Amsterdam, Noord-Holland, Netherlands", "2026-01-01", "1990-05-12",
      "High", "Loyal", "74.13", "150.20", "0.18", "2026-12-25",
    ]);
    expect(jan).toEqual(["1002", `'@Jan Jansen, "JJ"`, "'-2+3", "J.A.N+promo@GoogleMail.com", "'+1 (415) 555-2671", "'=SUM(A1)", "", "", "0.00", "0", "New York, New York, United States", "2026-06-01", "", "", "", "", "", "", ""]);

    const dutch = await exportNow({ format: "CSV", columns: ["name", "location", "spendTier", "rfmGroup", "amountSpent"], language: "nl" });
    expect(parseCsv(readFileSync(dutch.file.path, "utf8").slice(1)).slice(0, 2)).toEqual([
      ["Naam", "Locatie", "Bestedingsklasse", "RFM-groep", "Besteed bedrag (EUR)"],
      ["Anna de Vries", "Amsterdam, Noord-Holland, Nederland", "Hoog", "Loyaal", "123.45"],
    ]);
  });

  it("writes XLSX that exceljs reads back: numbers, dates and neutralised text", async () => {
    const { row, file } = await exportNow({ format: "XLSX", columns: ["name", "amountSpent", "numberOfOrders", "customerSince", "churnProbability", "company", "birthday"], language: "en" });
    expect(row.fileName).toBe("vip-klanten-zomer-2026-12-02.xlsx");
    expect(file.contentType).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file.path);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe("VIP-klanten ‘Zomer’");
    expect(sheet.rowCount).toBe(4);
    const values = (n: number) => Array.from({ length: 7 }, (_, i) => sheet.getRow(n).getCell(i + 1).value);
    expect(values(1)).toEqual(["Name", "Amount spent (EUR)", "Orders", "Customer since", "Churn probability", "Company", "Birthday"]);
    expect(values(2)).toEqual(["Anna de Vries", 123.45, 2, new Date("2026-01-01T00:00:00Z"), 0.18, "Acme BV", new Date("1990-05-12T00:00:00Z")]);
    expect(values(3)).toEqual([`'@Jan Jansen, "JJ"`, 0, 0, new Date("2026-06-01T00:00:00Z"), null, "'-2+3", null]);
    expect(values(4)).toEqual(["'\tBob Builder\nSecond line", -5, 1, new Date("2026-06-01T00:00:00Z"), null, "'=1+1", null]);
    expect(sheet.getCell("B2").numFmt).toBe("#,##0.00");
    expect(sheet.getCell("D2").numFmt).toBe("yyyy-mm-dd");
    expect(sheet.getCell("E2").numFmt).toBe("0.0%");
    // no cell is a formula
    sheet.eachRow((sheetRow) => sheetRow.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it("writes Google's and Meta's audience files: consenting members only, hashed, no BOM", async () => {
    const google = await exportNow({ format: "AUDIENCE", columns: ["Email", "Phone", "First Name", "Last Name", "Country", "Zip"], language: "en" });
    // Bob did not accept marketing
    expect(google.row).toMatchObject({ state: "SUCCEEDED", rowsDone: 2, rowsTotal: 2, fileName: "vip-klanten-zomer-2026-12-02-google-audience.csv" });
    const googleText = readFileSync(google.file.path, "utf8");
    expect(googleText.charCodeAt(0)).not.toBe(0xfeff);
    expect(parseCsv(googleText)).toEqual([
      ["Email", "Phone", "First Name", "Last Name", "Country", "Zip"],
      [sha["anna@example.nl"], sha["+31612345678"], sha.anna, sha["de vries"], "NL", "1015 CJ"],
      [sha["jan@googlemail.com"], sha["+14155552671"], sha["@jan"], sha['jansen, "jj"'], "US", "10001-1234"],
    ]);
    const meta = await exportNow({ format: "AUDIENCE", columns: ["email", "phone", "fn", "ln", "country", "zip"], language: "en" }, { pageSize: 1 });
    expect(parseCsv(readFileSync(meta.file.path, "utf8"))).toEqual([
      ["email", "phone", "fn", "ln", "country", "zip"],
      [sha["anna@example.nl"], sha["31612345678"], sha.anna, sha.devries, sha.nl, sha["1015cj"]],
      [sha["j.a.n+promo@googlemail.com"], sha["14155552671"], sha.jan, sha.jansenjj, sha.us, sha["10001"]],
    ]);
  });

  it("records progress page by page while it runs", async () => {
    const created = (await queueSegmentExport(store.db, { shopId, request: { segmentId, format: "CSV", columns: ["email"], language: "en" }, now }))!;
    expect(created).toMatchObject({ state: "QUEUED", rowsDone: 0, rowsTotal: null });
    const seen: unknown[] = [];
    await runSegmentExport(deps(), { shopId, exportId: created.id }, {
      directory,
      pageSize: 1,
      progressEveryMs: 0,
      onPage: async () => {
        const row = await store.db.segmentExport.findUniqueOrThrow({ where: { id: created.id } });
        seen.push({ state: row.state, rowsDone: row.rowsDone, rowsTotal: row.rowsTotal, fileName: row.fileName });
      },
    });
    expect(seen).toEqual([1, 2, 3].map((rowsDone) => ({ state: "RUNNING", rowsDone, rowsTotal: 3, fileName: null })));
  });

  it("queues only the shop's own segments, and serves only the shop's own finished files", async () => {
    const before = await store.db.segmentExport.count();
    expect(await queueSegmentExport(store.db, { shopId, request: { segmentId: otherSegmentId, format: "CSV", columns: ["email"], language: "en" }, now })).toBeNull();
    expect(await queueSegmentExport(store.db, { shopId, request: { segmentId: "no-such-segment", format: "CSV", columns: ["email"], language: "en" }, now })).toBeNull();
    expect(await store.db.segmentExport.count()).toBe(before);

    const theirs = (await queueSegmentExport(store.db, { shopId: otherShopId, request: { segmentId: otherSegmentId, format: "CSV", columns: ["name"], language: "en" }, now }))!;
    const job = await store.db.job.findFirstOrThrow({ where: { kind: EXPORT_JOB, shopId: otherShopId } });
    expect(job.payload).toEqual({ shopId: otherShopId, exportId: theirs.id });
    await runSegmentExport(deps(), { shopId: otherShopId, exportId: theirs.id }, { directory });
    expect(await exportFile(store.db, { shopId: otherShopId, id: theirs.id, directory })).not.toBeNull();
    expect(await exportFile(store.db, { shopId, id: theirs.id, directory })).toBeNull();
    // another shop's export id does nothing for this shop's job either
    expect(await runSegmentExport(deps(), { shopId, exportId: theirs.id }, { directory })).toEqual({ status: "skipped", reason: "no such export" });

    // a finished export whose file is gone, or whose stored path leaves the directory, is not served
    const { row, file } = await exportNow({ format: "CSV", columns: ["email"], language: "en" });
    writeFileSync(join(directory, "outside.csv"), "secret");
    await store.db.segmentExport.update({ where: { id: row.id }, data: { filePath: "../outside.csv" } });
    expect(await exportFile(store.db, { shopId, id: row.id, directory })).toBeNull();
    await store.db.segmentExport.update({ where: { id: row.id }, data: { filePath: "shop-1/none.csv" } });
    expect(await exportFile(store.db, { shopId, id: row.id, directory })).toBeNull();
    expect(existsSync(file.path)).toBe(true);
  });

  describe("the job", () => {
    async function queued(request: Partial<ExportRequest> = {}, at = now) {
      const created = (await queueSegmentExport(store.db, { shopId, request: { segmentId, format: "CSV", columns: ["email"], language: "en", ...request }, now: at }))!;
      const jobs = await store.db.job.findMany({ where: { kind: EXPORT_JOB, shopId } });
      const job = jobs.find((candidate) => (candidate.payload as { exportId?: number }).exportId === created.id)!;
      return { created, job };
    }
    const attempt = (job: Job, attempts: number): Job => ({ ...job, attempts, state: "RUNNING" });
    const exportRow = (id: number) => store.db.segmentExport.findUniqueOrThrow({ where: { id } });

    it("is registered with the worker, which runs a queued export to the end", async () => {
      expect(jobHandlers(deps())[EXPORT_JOB]).toBeTypeOf("function");
      // due now by the worker's clock
      const { created, job } = await queued({ format: "XLSX", columns: ["email", "name"] }, new Date());
      // the earlier tests' jobs (already run by hand) are not this worker's business
      await store.db.job.deleteMany({ where: { kind: EXPORT_JOB, id: { not: job.id } } });
      const worker = new Worker({ db: store.db, handlers: { [EXPORT_JOB]: exportJobHandler(deps(), { directory }) }, pollMs: 20, leaseMs: 5_000 }).start();
      try {
        for (let waited = 0; (await store.db.job.findUniqueOrThrow({ where: { id: job.id } })).state !== "DONE"; waited += 20) {
          if (waited > 20_000) throw new Error("the worker did not finish the export");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        await worker.stop();
      }
      expect(await exportRow(created.id)).toMatchObject({ state: "SUCCEEDED", rowsDone: 3, rowsTotal: 3 });
      expect(await exportFile(store.db, { shopId, id: created.id, directory })).not.toBeNull();
    });

    it("writes the file the job names", async () => {
      const { created, job } = await queued({ format: "XLSX", columns: ["name"] });
      expect(job).toMatchObject({ shopId, maxAttempts: 3, state: "QUEUED" });
      await exportJobHandler(deps(), { directory })(attempt(job, 1), new AbortController().signal);
      expect(await exportRow(created.id)).toMatchObject({ state: "SUCCEEDED", rowsDone: 3, finishedAt: now });
    });

    it("fails for good when the segment was deleted before it ran", async () => {
      const segment = await store.db.segment.create({ data: { shopId, name: "Short-lived", handle: "short-lived", query: "number_of_orders = 0" } });
      const { created, job } = await queued({ segmentId: segment.id });
      await store.db.segment.delete({ where: { id: segment.id } });
      await expect(exportJobHandler(deps(), { directory })(attempt(job, 1), new AbortController().signal)).rejects.toThrow(/segment was deleted/);
      expect(await exportRow(created.id)).toMatchObject({ state: "FAILED", error: "The segment was deleted before its export ran.", finishedAt: now, fileName: null });
    });

    it("shows a failed attempt's error while it waits to retry, and fails after the last attempt", async () => {
      const { created, job } = await queued();
      // a file where the exports directory should be: nothing can be written
      const blocked = join(directory, "blocked");
      writeFileSync(blocked, "not a directory");
      const handler = exportJobHandler(deps(), { directory: blocked });
      await expect(handler(attempt(job, 1), new AbortController().signal)).rejects.toThrow();
      const waiting = await exportRow(created.id);
      expect(waiting).toMatchObject({ state: "QUEUED", finishedAt: null });
      expect(waiting.error).toMatch(/ENOTDIR|EEXIST/);
      await expect(handler(attempt(job, 3), new AbortController().signal)).rejects.toThrow();
      expect(await exportRow(created.id)).toMatchObject({ state: "FAILED", finishedAt: now });
    });

    it("stops between pages when its lease is lost, leaving no file and no failure", async () => {
      const { created, job } = await queued();
      const controller = new AbortController();
      const handler = exportJobHandler(deps(), { directory, pageSize: 1, onPage: () => controller.abort(new Error("lease lost")) });
      await expect(handler(attempt(job, 1), controller.signal)).rejects.toThrow("lease lost");
      const row = await exportRow(created.id);
      expect(row.state).toBe("RUNNING");
      expect(row.fileName).toBeNull();
      expect(readdirSync(join(directory, `shop-${shopId}`)).filter((name) => name.startsWith(`export-${created.id}-`))).toEqual([]);
      // the next attempt starts over and finishes
      await handler(attempt(job, 2), new AbortController().signal);
      expect(await exportRow(created.id)).toMatchObject({ state: "SUCCEEDED", rowsDone: 3 });
    });

    it("shows an export as failed when the queue gave up on its job without it", async () => {
      const { created } = await queued();
      expect((await recentExports(store.db, { shopId })).find((view) => view.id === created.id)).toMatchObject({ state: "QUEUED", error: null });
      await cancelShopJobs(store.db, shopId, "the app was uninstalled\nstack…", { now });
      expect((await recentExports(store.db, { shopId })).find((view) => view.id === created.id)).toMatchObject({ state: "FAILED", error: "the app was uninstalled" });
      // another shop's list is not touched, and finished exports keep their state
      expect((await recentExports(store.db, { shopId })).filter((view) => view.state === "SUCCEEDED").length).toBeGreaterThan(0);
      expect((await recentExports(store.db, { shopId: otherShopId })).map((view) => view.state)).toEqual(["SUCCEEDED"]);
    });

    it("refuses a payload that names another shop or nothing", async () => {
      const { job } = await queued();
      await expect(exportJobHandler(deps(), { directory })({ ...attempt(job, 1), shopId: otherShopId }, new AbortController().signal)).rejects.toThrow(/is for shop/);
      await expect(exportJobHandler(deps(), { directory })({ ...attempt(job, 1), payload: { shopId } }, new AbortController().signal)).rejects.toThrow(/payload/);
    });
  });
});
