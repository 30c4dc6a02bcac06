/**
 * Streams a bulk operation's JSONL result line by line, straight from fetch's body: the file (which
 * can be gigabytes for a large shop) is never held in memory — one network chunk and one partial
 * line at most. A resumed import starts after line N: earlier lines are skipped as bytes, never
 * decoded.
 *
 * Lines are numbered from 1 as they stand in the file; blank lines are counted but not yielded, so
 * a line's number is the same on every read of the same file (the import's checkpoint relies on it).
 */

export interface JsonlLine {
  /** 1-based position in the file */
  number: number;
  /** the line without its line break */
  text: string;
}

export interface ReadJsonlOptions {
  /** lines 1…afterLine were committed before: yield only later ones (default 0) */
  afterLine?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** The result file could not be read: `gone` when its URL expired or vanished (start a new export). */
export class JsonlFetchError extends Error {
  override name = "JsonlFetchError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly gone: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A line that is not text at all (JSON and field errors are the mapper's, app/sync/from-graphql.ts). */
export class JsonlFormatError extends Error {
  override name = "JsonlFormatError";
  constructor(
    message: string,
    readonly lineNumber: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Splits a byte stream into numbered lines, skipping the first `afterLine` without decoding them. */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>, afterLine = 0): AsyncGenerator<JsonlLine> {
  if (!Number.isInteger(afterLine) || afterLine < 0) throw new RangeError(`afterLine must be a whole number ≥ 0, got ${afterLine}`);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  // bytes of the line being read, when it spans chunks
  let partial: Uint8Array[] = [];
  let number = 0;
  const finish = (bytes: Uint8Array): JsonlLine | null => {
    number += 1;
    if (number <= afterLine) return null;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CARRIAGE_RETURN) end -= 1;
    if (end === 0) return null;
    try {
      return { number, text: decoder.decode(bytes.subarray(0, end)) };
    } catch (error) {
      throw new JsonlFormatError(`line ${number} is not valid UTF-8`, number, { cause: error });
    }
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const at = chunk.indexOf(NEWLINE, start);
      if (at < 0) break;
      let line: JsonlLine | null;
      if (partial.length === 0) line = finish(chunk.subarray(start, at));
      else {
        partial.push(chunk.subarray(start, at));
        // a skipped line needs no joined copy: only its number counts
        line = number + 1 <= afterLine ? finish(new Uint8Array(0)) : finish(concat(partial));
        partial = [];
      }
      if (line) yield line;
      start = at + 1;
    }
    if (start < chunk.length) {
      // keep the tail; a skipped line's bytes need not be kept, one byte marks it as started
      const tail = chunk.subarray(start);
      if (number + 1 <= afterLine) partial = [tail.subarray(0, 1)];
      else partial.push(tail.slice());
    }
  }
  if (partial.length > 0) {
    const line = finish(number + 1 <= afterLine ? new Uint8Array(0) : concat(partial));
    if (line) yield line;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** GCS answers 403 for an expired signed URL; 404/410 when the object is gone. */
const GONE = new Set([403, 404, 410]);

/** Reads a bulk result URL as a stream of lines, starting after `afterLine`. */
export async function* readJsonl(url: string, options: ReadJsonlOptions = {}): AsyncGenerator<JsonlLine> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, { signal: options.signal ?? null });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new JsonlFetchError(`could not fetch the bulk result: ${error instanceof Error ? error.message : String(error)}`, undefined, false, { cause: error });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new JsonlFetchError(`the bulk result answered HTTP ${response.status}${GONE.has(response.status) ? " (expired or gone)" : ""}`, response.status, GONE.has(response.status));
  }
  const body = response.body;
  try {
    for await (const line of splitLines(body as unknown as AsyncIterable<Uint8Array>, options.afterLine ?? 0)) {
      // lines of a chunk already received are not handed out after an abort either
      options.signal?.throwIfAborted();
      yield line;
    }
  } catch (error) {
    // undici reports a connection lost mid-body as a TypeError ("terminated")
    if (options.signal?.aborted || !(error instanceof TypeError)) throw error;
    throw new JsonlFetchError(`the bulk result stream broke off: ${error.message}`, response.status, false, { cause: error });
  } finally {
    // a consumer that stops early (a failed batch, an abort) must not leave the socket open
    await body.cancel().catch(() => undefined);
  }
}
