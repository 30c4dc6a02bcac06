import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JsonlFetchError, JsonlFormatError, readJsonl, splitLines, type JsonlLine } from "./jsonl";

async function collect(lines: AsyncIterable<JsonlLine>): Promise<JsonlLine[]> {
  const out: JsonlLine[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

async function* chunksOf(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= start || cut >= bytes.length) continue;
    yield bytes.slice(start, cut);
    start = cut;
  }
  if (start < bytes.length) yield bytes.slice(start);
}

/** What the reader must yield: every non-blank line after `after`, numbered as in the file. */
function expected(lines: readonly string[], after: number): JsonlLine[] {
  return lines.flatMap((text, i) => (i + 1 > after && text.replace(/\r$/, "") !== "" ? [{ number: i + 1, text: text.replace(/\r$/, "") }] : []));
}

describe("splitLines", () => {
  it("yields every line after the checkpoint, however the bytes are cut into chunks", async () => {
    const line = fc.oneof(
      fc.constant(""),
      fc.string({ unit: "grapheme", maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, "")),
      fc.json().map((j) => j.replace(/\n/g, "")),
      fc.string({ maxLength: 10 }).map((s) => `${s.replace(/[\r\n]/g, "")}\r`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 25 }), fc.boolean(), fc.array(fc.nat(400), { maxLength: 12 }), fc.nat(30), async (lines, trailingNewline, cuts, after) => {
        const text = lines.join("\n") + (trailingNewline && lines.length > 0 ? "\n" : "");
        const bytes = new TextEncoder().encode(text);
        const got = await collect(splitLines(chunksOf(bytes, cuts), after));
        expect(got).toEqual(expected(text === "" ? [] : text.replace(/\n$/, "").split("\n"), after));
      }),
      { numRuns: 300 },
    );
  });

  it("never splits a multi-byte character, even when a chunk boundary falls inside one", async () => {
    const bytes = new TextEncoder().encode(`{"name":"Zoë Ångström 🎧"}\n{"name":"東京"}\n`);
    for (let cut = 1; cut < bytes.length; cut++) {
      const got = await collect(splitLines(chunksOf(bytes, [cut])));
      expect(got.map((l) => l.text)).toEqual([`{"name":"Zoë Ångström 🎧"}`, `{"name":"東京"}`]);
    }
  });

  it("says which line is not text", async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("{}\n"), 0xff, 0xfe, 0x0a]);
    await expect(collect(splitLines(chunksOf(bytes, [])))).rejects.toThrow(new JsonlFormatError("line 2 is not valid UTF-8", 2));
  });
});

describe("readJsonl", () => {
  let server: Server;
  let origin = "";
  /** released by the test once it has seen the first line: the rest of the file is sent only then */
  let releaseRest: (() => void) | null = null;
  const FILE = Array.from({ length: 2_000 }, (_, i) => JSON.stringify({ id: `gid://shopify/Customer/${i + 1}`, note: "x".repeat(i % 50) }));

  beforeAll(async () => {
    server = createServer((req, res: ServerResponse) => {
      const path = req.url ?? "/";
      if (path === "/file.jsonl") {
        res.writeHead(200, { "Content-Type": "application/jsonl" }).end(FILE.join("\n") + "\n");
      } else if (path === "/slow.jsonl") {
        res.writeHead(200, { "Content-Type": "application/jsonl" });
        res.write(`${FILE[0]}\n${FILE[1]}\n`);
        new Promise<void>((resolve) => (releaseRest = resolve)).then(() => res.end(FILE.slice(2).join("\n")));
      } else if (path === "/cut.jsonl") {
        res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": "100000" });
        res.write(`${FILE[0]}\n${FILE[1]}\n{"id":"gid://shop`);
        setTimeout(() => res.destroy(), 20);
      } else if (path === "/expired.jsonl") {
        res.writeHead(403, { "Content-Type": "application/xml" }).end("<Error><Code>ExpiredToken</Code></Error>");
      } else {
        res.writeHead(503).end("busy");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("streams the file and resumes after a line", async () => {
    const all = await collect(readJsonl(`${origin}/file.jsonl`));
    expect(all).toHaveLength(2_000);
    expect(all[1_999]).toEqual({ number: 2_000, text: FILE[1_999] });
    const rest = await collect(readJsonl(`${origin}/file.jsonl`, { afterLine: 1_500 }));
    expect(rest.map((l) => l.number)).toEqual(Array.from({ length: 500 }, (_, i) => 1_501 + i));
    expect(rest.map((l) => l.text)).toEqual(FILE.slice(1_500));
  });

  it("hands out lines while the file is still arriving (it never waits for, or holds, the whole file)", async () => {
    const lines = readJsonl(`${origin}/slow.jsonl`);
    const first = await lines.next();
    expect(first.value).toEqual({ number: 1, text: FILE[0] });
    // the server sends the rest only now: had the reader waited for the body, we would not be here
    releaseRest?.();
    const rest = await collect({ [Symbol.asyncIterator]: () => lines });
    expect(rest).toHaveLength(1_999);
  });

  it("fails clearly: an expired result is gone, a broken stream and a 5xx are not", async () => {
    const expired = await collect(readJsonl(`${origin}/expired.jsonl`)).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(JsonlFetchError);
    expect(expired).toMatchObject({ status: 403, gone: true });
    const busy = await collect(readJsonl(`${origin}/busy.jsonl`)).catch((e: unknown) => e);
    expect(busy).toMatchObject({ status: 503, gone: false });
    const seen: JsonlLine[] = [];
    const cut = await (async () => {
      for await (const line of readJsonl(`${origin}/cut.jsonl`)) seen.push(line);
    })().catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(JsonlFetchError);
    expect(cut).toMatchObject({ gone: false, message: expect.stringMatching(/broke off/) });
    // what arrived whole was handed out; the torn line was not
    expect(seen.map((l) => l.number)).toEqual([1, 2]);
  });

  it("stops when asked", async () => {
    const controller = new AbortController();
    const lines = readJsonl(`${origin}/slow.jsonl`, { signal: controller.signal });
    await lines.next();
    controller.abort(new Error("stop"));
    await expect(lines.next()).rejects.toThrow();
    releaseRest?.();
  });
});
