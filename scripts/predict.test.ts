import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RFM_GROUPS } from "~/predict/rfm";
import { csvField, splitCsvLine } from "./predict-csv";
import { runPredict } from "./predict";

const ROOT = join(import.meta.dirname, "..");
const CDNOW = join(ROOT, "data", "cdnow");

/** A stream that keeps what is written to it. */
function collector() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

async function run(argv: string[]) {
  const stdout = collector();
  const stderr = collector();
  const code = await runPredict(argv, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** One CSV line into its fields, for reading the command's output back. */
const fieldsOf = (line: string) => splitCsvLine(line, 0);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "predict-test-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csvFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("npm run predict on the CDNOW sample, as of 1997-09-30 (the papers' 39-week calibration)", () => {
  let result: Awaited<ReturnType<typeof run>>;
  let rows: string[][];
  beforeAll(async () => {
    // customer_id sample_id YYYYMMDD cds dollars → the sample id as customer_id, ISO date, dollars
    const lines = readFileSync(join(CDNOW, "CDNOW_sample.txt"), "utf8")
      .split(/\r?\n/)
      .filter((line) => line.trim())
      .map((line) => {
        const [, sampleId, date, , dollars] = line.trim().split(/\s+/) as [string, string, string, string, string];
        return `${sampleId},${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)},${dollars}`;
      });
    const file = csvFile("cdnow-sample.csv", ["customer_id,date,amount", ...lines].join("\n"));
    result = await run(["--transactions", file, "--as-of", "1997-09-30"]);
    rows = result.stdout.trimEnd().split("\n").map(fieldsOf);
  });

  it("writes a header and one row for each of the 2,357 customers", () => {
    expect(result.code).toBe(0);
    expect(rows[0]).toEqual(["customer_id", "frequency", "recency", "T", "monetary", "p_alive", "expected_purchases", "predicted_spend", "tier", "rfm_group"]);
    expect(rows).toHaveLength(2358);
    expect(new Set(rows.slice(1).map((row) => row[0])).size).toBe(2357);
  });

  it("has every customer's frequency, recency and T (days) as in the published summary (weeks × 7), and its monetary to the cent", () => {
    const published = new Map(
      readFileSync(join(CDNOW, "cdnow_customers_summary_with_transactions.csv"), "utf8")
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((line) => {
          const [id, x, tx, T, zbar] = line.split(",").map(Number) as [number, number, number, number, number];
          return [id, { x, tx: Math.round(tx * 7), T: Math.round(T * 7), zbar }];
        }),
    );
    let compared = 0;
    for (const row of rows.slice(1)) {
      const expected = published.get(Number(row[0]));
      expect(expected, `customer ${row[0]}`).toBeDefined();
      expect([Number(row[1]), Number(row[2]), Number(row[3])], `customer ${row[0]}`).toEqual([expected!.x, expected!.tx, expected!.T]);
      // both sides rounded to cents: at most one cent apart
      expect(Math.abs(Number(row[4]) - expected!.zbar), `customer ${row[0]}`).toBeLessThanOrEqual(0.0100001);
      compared++;
    }
    expect(compared).toBe(2357);
  });

  it("prints the published parameters on stderr: r 0.243, α 30.9 days = 4.41 weeks, a 0.793, b 2.43; p 6.25, q 3.74, γ 15.4", () => {
    const stderr = result.stderr;
    expect(stderr).toContain("status: fitted");
    expect(stderr).toContain("customers 2,357, repeat buyers 946");
    const number = (pattern: RegExp) => {
      const match = pattern.exec(stderr);
      expect(match, String(pattern)).not.toBeNull();
      return Number(match![1]);
    };
    const three = (value: number) => Number(value.toPrecision(3));
    expect(three(number(/BG\/NBD: r ([\d.]+)/))).toBe(0.243);
    expect(three(number(/α ([\d.]+) days/))).toBe(30.9);
    expect(three(number(/= ([\d.]+) weeks/))).toBe(4.41);
    expect(three(number(/, a ([\d.]+)/))).toBe(0.793);
    expect(three(number(/, b ([\d.]+)/))).toBe(2.43);
    expect(number(/log-likelihood [-\d.]+ \(days\), (-[\d.]+) \(weeks\)/)).toBeCloseTo(-9582.4, 1);
    expect(three(number(/Gamma-Gamma: p ([\d.]+)/))).toBe(6.25);
    expect(three(number(/, q ([\d.]+)/))).toBe(3.74);
    expect(three(number(/γ ([\d.]+)/))).toBe(15.4);
    expect(stderr).toMatch(/tiers: HIGH above [\d.]+ \(70th percentile/);
    expect(stderr).toMatch(/time: read [\d.]+ s, fit and score [\d.]+ s/);
  });

  it("gives every customer a probability, expected purchases, spend, a tier and an RFM group", () => {
    const tiers = new Map<string, number>();
    for (const row of rows.slice(1)) {
      const [pAlive, purchases, spend] = [Number(row[5]), Number(row[6]), Number(row[7])];
      expect(pAlive).toBeGreaterThanOrEqual(0);
      expect(pAlive).toBeLessThanOrEqual(1);
      expect(purchases).toBeGreaterThanOrEqual(0);
      expect(spend).toBeGreaterThanOrEqual(0);
      expect(RFM_GROUPS).toContain(row[9]);
      tiers.set(row[8]!, (tiers.get(row[8]!) ?? 0) + 1);
    }
    // HIGH above the 70th percentile: about 30% of customers
    expect(tiers.get("HIGH")! / 2357).toBeCloseTo(0.3, 1);
    expect([...tiers.keys()].sort()).toEqual(["HIGH", "LOW", "MEDIUM"]);
  });

  it("the paper's first customer (x 2, t_x 30.43, T 38.86 weeks) is as the model says", () => {
    const first = rows.find((row) => row[0] === "0001")!;
    expect(first.slice(1, 4)).toEqual(["2", "213", "272"]);
    // P(alive) of the published example from its own parameters: 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))
    const [r, alpha, a, b] = [0.2426, 30.9, 0.7929, 2.426];
    const expected = 1 / (1 + (a / (b + 1)) * Math.pow((alpha + 272) / (alpha + 213), r + 2));
    expect(Number(first[5])).toBeCloseTo(expected, 2);
  });
});

describe("npm run predict: refunds, zero amounts, quoting and the fallback", () => {
  it("takes a refund off the latest purchase on or before it, counts a zero amount as a purchase, and quotes ids", async () => {
    const file = csvFile(
      "small.csv",
      [
        "date,amount,customer_id,channel", // any column order; other columns are ignored
        `1997-01-01,50,"Smith, ""J""",web`,
        `1997-02-01,30,"Smith, ""J""",web`,
        `1997-02-10,-10,"Smith, ""J""",web`,
        "1997-03-01,0,c2,shop",
        "1997-03-05,0,c2,shop",
        "1997-01-05,-4,c3,shop",
        "1997-01-06,8,c3,shop",
        "1998-01-01,99,c4,shop",
        "",
      ].join("\r\n"),
    );
    const result = await run(["--transactions", file, "--as-of", "1997-09-30"]);
    expect(result.code).toBe(0);
    const rows = result.stdout.trimEnd().split("\n");
    expect(rows).toHaveLength(4);
    const smith = rows.find((line) => line.startsWith(`"Smith, ""J""",`))!;
    // two purchase days (the refund is none), the repeat one worth 30 − 10
    expect(fieldsOf(smith).slice(0, 5)).toEqual([`Smith, "J"`, "1", "31", "272", "20.00"]);
    expect(fieldsOf(rows.find((line) => line.startsWith("c2,"))!).slice(1, 5)).toEqual(["1", "4", "213", "0.00"]);
    // a refund before any purchase of the customer has nothing to come off
    expect(fieldsOf(rows.find((line) => line.startsWith("c3,"))!).slice(1, 4)).toEqual(["0", "0", "267"]);
    expect(result.stderr).toContain("read 8 rows");
    expect(result.stderr).toContain("7 on or before 1997-09-30, 1 later (left out); 2 refunds (1 without an earlier purchase, left out)");
    // two repeat buyers are too few to fit: the fallback predicts no churn figures
    expect(result.stderr).toContain("status: fallback — 2 repeat buyers; the models need at least 200");
    expect(fieldsOf(smith).slice(5, 7)).toEqual(["", ""]);
  });

  it("keeps an order a larger refund takes below zero as a purchase day, whatever the rows' order", async () => {
    const file = csvFile("refund-order.csv", "customer_id,date,amount\na,1997-03-10,-40\na,1997-03-01,25\na,1997-01-01,10\n");
    const result = await run(["--transactions", file, "--as-of", "1997-09-30"]);
    expect(result.code).toBe(0);
    // two purchase days; the repeat day's value 25 − 40 is below zero, so monetary is held at 0
    expect(fieldsOf(result.stdout.trimEnd().split("\n")[1]!).slice(0, 5)).toEqual(["a", "1", "59", "272", "0.00"]);
    expect(result.stderr).toContain("; 1 refund\n");
  });

  it("takes the options", async () => {
    const file = csvFile("options.csv", "customer_id,date,amount\na,1997-01-01,10\na,1997-06-01,20\nb,1997-02-01,5\n");
    const result = await run(["--transactions", file, "--as-of", "1997-09-30", "--horizon-days", "730", "--tier-high", "50", "--tier-low", "0", "--min-repeat-buyers", "1"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("horizon 730 days");
    expect(result.stderr).toContain("(50th percentile of predicted spend)");
  });
});

describe("npm run predict: bad input is exit code 2 with a message, never a stack trace", () => {
  const header = "customer_id,date,amount";
  const rowCases: [string, string, RegExp][] = [
    ["a date that does not exist", `${header}\na,1997-01-01,5\nb,1997-02-30,5`, /line 3: date "1997-02-30" is not a YYYY-MM-DD date/],
    ["a date in another format", `${header}\na,01/02/1997,5`, /line 2: date "01\/02\/1997" is not a YYYY-MM-DD date/],
    ["a decimal comma", `${header}\na,1997-01-01,"12,50"`, /line 2: amount "12,50" is not a decimal number/],
    ["an amount that is not a number", `${header}\na,1997-01-01,5\n\na,1997-01-02,abc`, /line 4: amount "abc" is not a decimal number/],
    ["a missing field", `${header}\na,1997-01-01,5\na,1997-01-02`, /line 3: expected 3 fields as in the header, found 2/],
    ["an empty customer id", `${header}\n ,1997-01-01,5`, /line 2: customer_id is empty/],
    ["an unclosed quote", `${header}\n"a,1997-01-01,5`, /line 2: a quoted field is not closed/],
    ["no header", `a,1997-01-01,5`, /line 1: the header must name the columns customer_id,date,amount; customer_id, date, amount missing/],
    ["an empty file", ``, /the file is empty/],
    ["no purchase up to the as-of day", `${header}\na,1998-01-01,5`, /no purchases on or before 1997-09-30 \(1 row, 1 of them later\)/],
  ];
  it.each(rowCases)("%s", async (_name, text, message) => {
    const file = csvFile("bad.csv", text);
    const result = await run(["--transactions", file, "--as-of", "1997-09-30"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  const flagCases: [string, string[], RegExp][] = [
    ["an unknown flag", ["--transactions", "x.csv", "--as-of", "1997-09-30", "--horizon", "30"], /Unknown option '--horizon'/],
    ["a missing --as-of", ["--transactions", "x.csv"], /--as-of is required/],
    ["a missing --transactions", ["--as-of", "1997-09-30"], /--transactions is required/],
    ["a date that does not exist", ["--transactions", "x.csv", "--as-of", "1997-09-31"], /--as-of must be a real date written YYYY-MM-DD/],
    ["a fractional horizon", ["--transactions", "x.csv", "--as-of", "1997-09-30", "--horizon-days", "1.5"], /--horizon-days must be a whole number/],
    ["a horizon that is not a number", ["--transactions", "x.csv", "--as-of", "1997-09-30", "--horizon-days", "1e3"], /--horizon-days must be a number/],
    ["a negative discount rate", ["--transactions", "x.csv", "--as-of", "1997-09-30", "--discount-rate=-0.1"], /--discount-rate must be at least 0/],
    ["tiers the wrong way round", ["--transactions", "x.csv", "--as-of", "1997-09-30", "--tier-high", "20", "--tier-low", "30"], /--tier-low must not be above --tier-high/],
    ["a file that is not there", ["--transactions", "/nonexistent/x.csv", "--as-of", "1997-09-30"], /\/nonexistent\/x.csv: no such file/],
  ];
  it.each(flagCases)("%s", async (_name, argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("CSV fields", () => {
  it("round-trips ids with commas, quotes and spaces through csvField and splitCsvLine", () => {
    const ids = ["plain", "with, comma", 'say "hi"', '"', ",", " spaced ", ""];
    expect(splitCsvLine(ids.map(csvField).join(","), 1)).toEqual(ids);
  });

  it("names the line of a stray character after a quoted field", () => {
    expect(() => splitCsvLine(`"a"b,1`, 7)).toThrow(/line 7: unexpected "b" after a quoted field/);
  });
});

describe("npm run predict as a process", () => {
  it("reads standard input with --transactions - and exits 0", () => {
    const input = "customer_id,date,amount\na,1997-01-01,10\na,1997-03-01,20\nb,1997-02-01,5\n";
    const child = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/predict.ts", "--transactions", "-", "--as-of", "1997-09-30"], {
      cwd: ROOT,
      input,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.stderr).toContain("status: fallback");
    expect(child.status).toBe(0);
    expect(child.stdout.split("\n")[0]).toBe("customer_id,frequency,recency,T,monetary,p_alive,expected_purchases,predicted_spend,tier,rfm_group");
    expect(child.stdout.trimEnd().split("\n")).toHaveLength(3);
  });
});
