/**
 * The CSV side of `npm run predict`: reading `customer_id,date,amount` rows (RFC 4180 fields, one
 * record a line) into purchases, and writing one prediction row per customer.
 */
import { RFM_GROUPS } from "~/predict/rfm";
import { SPEND_TIERS, type Predictions, type PurchaseSummaries } from "~/predict/model";
import { dayNumber, type Purchase } from "~/predict/summarize";

/** Bad input, with the line it is on (1 is the header) when it comes from a row. */
export class InputError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

/** The fields of one CSV line; quoted fields may hold commas and doubled quotes, not line breaks. */
export function splitCsvLine(line: string, lineNumber: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) throw new InputError("a quoted field is not closed (a field may not span lines)", lineNumber);
        value += line.slice(i, close);
        if (line[close + 1] === '"') {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      if (i < line.length && line[i] !== ",") throw new InputError(`unexpected ${JSON.stringify(line[i])} after a quoted field`, lineNumber);
      fields.push(value);
    } else {
      const comma = line.indexOf(",", i);
      fields.push(line.slice(i, comma < 0 ? line.length : comma));
      i = comma < 0 ? line.length : comma;
    }
    if (i >= line.length) return fields;
    i++; // past the comma
    if (i === line.length) {
      fields.push("");
      return fields;
    }
  }
}

export const TRANSACTION_COLUMNS = ["customer_id", "date", "amount"] as const;

/** Where each needed column is in the header (any order; other columns are ignored). */
export interface HeaderLayout {
  customerId: number;
  date: number;
  amount: number;
  fields: number;
}

export function parseHeader(line: string): HeaderLayout {
  const names = splitCsvLine(line.replace(/^\uFEFF/, ""), 1).map((name) => name.trim().toLowerCase());
  const position = (name: string) => names.indexOf(name);
  const missing = TRANSACTION_COLUMNS.filter((name) => position(name) < 0);
  if (missing.length > 0) {
    throw new InputError(`the header must name the columns ${TRANSACTION_COLUMNS.join(",")}; ${missing.join(", ")} missing in ${JSON.stringify(line.slice(0, 80))}`, 1);
  }
  return { customerId: position("customer_id"), date: position("date"), amount: position("amount"), fields: names.length };
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A number written as a plain decimal (no thousands separators, no exponent), or null. */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : null;
}

export function parseTransaction(line: string, lineNumber: number, layout: HeaderLayout): Purchase {
  const fields = splitCsvLine(line, lineNumber);
  if (fields.length !== layout.fields) throw new InputError(`expected ${layout.fields} fields as in the header, found ${fields.length}`, lineNumber);
  const customerId = fields[layout.customerId]!.trim();
  if (customerId === "") throw new InputError("customer_id is empty", lineNumber);
  const dateText = fields[layout.date]!.trim();
  const day = dayNumber(dateText);
  if (day === null) throw new InputError(`date ${JSON.stringify(dateText)} is not a YYYY-MM-DD date`, lineNumber);
  const amountText = fields[layout.amount]!;
  const amount = parseDecimal(amountText);
  if (amount === null) throw new InputError(`amount ${JSON.stringify(amountText)} is not a decimal number such as 29.33 or -5`, lineNumber);
  return { customerId, day, amount };
}

/** A column of numbers that grows as rows arrive (half the memory of a plain array of doubles). */
class GrowingColumn<T extends Float64Array | Int32Array> {
  length = 0;
  constructor(public values: T) {}
  push(value: number): void {
    if (this.length === this.values.length) {
      const bigger = new (this.values.constructor as new (n: number) => T)(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = value;
  }
}

export interface TransactionCounts {
  /** data rows in the file (blank lines aside) */
  rows: number;
  /** rows dated after the as-of day, left out */
  later: number;
  /** rows with a negative amount, taken off an earlier purchase */
  refunds: number;
  /** refunds of a customer with no purchase on or before their date, left out */
  unmatchedRefunds: number;
}

/**
 * The purchases up to the as-of day, held once as columns. A negative amount is a refund: it is
 * taken off the customer's latest purchase on or before its date and is not a purchase itself (so
 * a refund never adds a purchase day); a zero amount is a purchase (a free order still counts).
 */
export class Transactions {
  readonly customerIds: string[] = [];
  private readonly customerIndex = new Map<string, number>();
  private readonly customer = new GrowingColumn(new Int32Array(1024));
  private readonly day = new GrowingColumn(new Int32Array(1024));
  private readonly amount = new GrowingColumn(new Float64Array(1024));
  readonly counts: TransactionCounts = { rows: 0, later: 0, refunds: 0, unmatchedRefunds: 0 };
  private refundsSettled = false;

  constructor(readonly asOfDay: number) {}

  add(purchase: Purchase): void {
    this.counts.rows++;
    if (purchase.day > this.asOfDay) {
      this.counts.later++;
      return;
    }
    let index = this.customerIndex.get(purchase.customerId);
    if (index === undefined) {
      index = this.customerIds.length;
      this.customerIndex.set(purchase.customerId, index);
      this.customerIds.push(purchase.customerId);
    }
    this.customer.push(index);
    this.day.push(purchase.day);
    this.amount.push(purchase.amount);
    if (purchase.amount < 0) this.counts.refunds++;
  }

  /** The purchases for summarizePurchases, refunds taken off; made lazily so rows are not held twice. */
  *purchases(): Generator<Purchase> {
    this.settleRefunds();
    const n = this.customer.length;
    const customer = this.customer.values;
    const day = this.day.values;
    const amount = this.amount.values;
    for (let row = 0; row < n; row++) {
      if (Number.isNaN(amount[row]!)) continue; // a refund, already taken off
      yield { customerId: this.customerIds[customer[row]!]!, day: day[row]!, amount: amount[row]! };
    }
  }

  private settleRefunds(): void {
    if (this.refundsSettled || this.counts.refunds === 0) return;
    this.refundsSettled = true;
    const n = this.customer.length;
    const customer = this.customer.values;
    const day = this.day.values;
    const amount = this.amount.values;
    // found before any amount changes: a purchase a large refund takes below zero stays a purchase
    const refunds: number[] = [];
    for (let row = 0; row < n; row++) if (amount[row]! < 0) refunds.push(row);
    // the purchase rows of customers with refunds only: refunds are few, so this stays small
    const purchasesOf = new Map<number, number[]>();
    for (const row of refunds) purchasesOf.set(customer[row]!, []);
    for (let row = 0; row < n; row++) if (amount[row]! >= 0) purchasesOf.get(customer[row]!)?.push(row);
    for (const row of refunds) {
      let target = -1;
      for (const candidate of purchasesOf.get(customer[row]!)!) {
        if (day[candidate]! <= day[row]! && (target < 0 || day[candidate]! >= day[target]!)) target = candidate;
      }
      if (target < 0) this.counts.unmatchedRefunds++;
      else amount[target]! += amount[row]!;
    }
    for (const row of refunds) amount[row] = NaN;
  }
}

/**
 * Reads the header and the rows; throws InputError at the first bad line. Blank lines are skipped.
 */
export async function readTransactions(lines: AsyncIterable<string>, asOfDay: number): Promise<Transactions> {
  const transactions = new Transactions(asOfDay);
  let layout: HeaderLayout | null = null;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (layout === null) {
      if (line.trim() === "" && lineNumber === 1) throw new InputError(`the first line must be the header ${TRANSACTION_COLUMNS.join(",")}`, 1);
      layout = parseHeader(line);
      continue;
    }
    if (line.trim() === "") continue;
    transactions.add(parseTransaction(line, lineNumber, layout));
  }
  if (layout === null) throw new InputError(`the file is empty; expected the header ${TRANSACTION_COLUMNS.join(",")} and one row per purchase`);
  return transactions;
}

/** A field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export const PREDICTION_COLUMNS = [
  "customer_id",
  "frequency",
  "recency",
  "T",
  "monetary",
  "p_alive",
  "expected_purchases",
  "predicted_spend",
  "tier",
  "rfm_group",
] as const;

/** Fixed decimals; empty where the model predicts nothing (NaN). */
function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "";
}

/** One CSV line (no line break) per customer, in the summaries' order. */
export function predictionRow(customerIds: readonly string[], data: PurchaseSummaries, predictions: Predictions, i: number): string {
  return [
    csvField(customerIds[i]!),
    String(data.frequency[i]!),
    String(data.recency[i]!),
    String(data.age[i]!),
    fixed(data.monetary[i]!, 2),
    fixed(predictions.pAlive[i]!, 4),
    fixed(predictions.expectedPurchases[i]!, 4),
    fixed(predictions.predictedSpend[i]!, 2),
    SPEND_TIERS[predictions.tier[i]!]!,
    RFM_GROUPS[predictions.rfm.group[i]!]!,
  ].join(",");
}
