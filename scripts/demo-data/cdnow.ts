import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The CDNOW master file, kept in the repository (data/cdnow, MIT licence of the lifetimes package). */
export const CDNOW_MASTER_FILE = join(import.meta.dirname, "..", "..", "data", "cdnow", "CDNOW_master.txt");

/** One CDNOW purchase record: `customer_id date(YYYYMMDD) number_of_cds dollar_value`. */
export interface CdnowPurchase {
  customerId: number;
  /** "YYYY-MM-DD" */
  date: string;
  cds: number;
  /** the dollar value in cents, exact */
  cents: number;
  /** 1-based line in the file, for messages */
  line: number;
}

export class CdnowFormatError extends Error {
  override name = "CdnowFormatError";
}

const ROW = /^\s*(\d+)\s+(\d{8})\s+(\d+)\s+(\d+(?:\.\d{1,2})?)\s*$/;

/** Parses the master file's text; a malformed row is an error naming its line. The header line is skipped. */
export function parseCdnowMaster(text: string): CdnowPurchase[] {
  const purchases: CdnowPurchase[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "" || (line === 1 && /customer_id/i.test(raw))) return;
    const match = ROW.exec(raw);
    if (!match) throw new CdnowFormatError(`CDNOW master file, line ${line}: expected "customer_id YYYYMMDD number_of_cds dollar_value", got "${raw.trim()}"`);
    const [, id, ymd, cds, dollars] = match as unknown as [string, string, string, string, string];
    const date = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
    const parsed = new Date(`${date}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
      throw new CdnowFormatError(`CDNOW master file, line ${line}: "${ymd}" is not a calendar date`);
    }
    const [whole, fraction = ""] = dollars.split(".");
    purchases.push({ customerId: Number(id), date, cds: Number(cds), cents: Number(whole) * 100 + Number(fraction.padEnd(2, "0")), line });
  });
  return purchases;
}

export function readCdnowMaster(file: string): CdnowPurchase[] {
  return parseCdnowMaster(readFileSync(file, "utf8"));
}
