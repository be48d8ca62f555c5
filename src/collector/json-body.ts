// Reading an agent's JSON batch without letting its shape cost the process: the body is
// inflated as a stream and abandoned as soon as it passes the cap (a 127 KB gzip body can
// hold 128 MB), then one byte scan bounds nesting depth and the number of arrays/objects
// before JSON.parse runs. Both checks are what let "no body costs more than ~200 MB or a
// second of event loop" hold whatever the body looks like (docs/decisions/0010-*).
import { createGunzip, createInflate, type Gunzip, type Inflate } from "node:zlib";
import { IngestError } from "../ingest/errors.js";

export interface JsonBodyLimits {
  /** Largest decompressed batch. */
  maxBytes: number;
  /** Deepest nesting of arrays/objects (an agent batch nests 5 deep). */
  maxDepth: number;
  /** Most arrays + objects in one batch (an agent sample is one array). */
  maxContainers: number;
}

/**
 * 4 MiB holds ~130,000 samples (the agent sends 10,000 by default and splits a batch the
 * collector answers 413). Measured worst shapes at this size (one object of 300,000 keys,
 * 2 million numbers): JSON.parse under 0.8 s and +64 MB RSS on a loaded 2-core machine.
 */
export const DEFAULT_JSON_BODY_LIMITS: JsonBodyLimits = {
  maxBytes: 4 << 20,
  maxDepth: 16,
  maxContainers: 250_000,
};

/** Decompresses (gzip, deflate or identity) with the cap applied while inflating. */
export async function inflateCapped(
  body: Buffer,
  encoding: string,
  maxBytes: number,
): Promise<Buffer> {
  let stream: Gunzip | Inflate;
  if (encoding === "identity") {
    if (body.length > maxBytes) throw tooLarge(maxBytes);
    return body;
  } else if (encoding === "gzip" || encoding === "x-gzip") stream = createGunzip();
  else if (encoding === "deflate") stream = createInflate();
  else throw new IngestError("bad_json", `unsupported Content-Encoding ${encoding}`);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (err: IngestError) => {
      if (done) return;
      done = true;
      stream.destroy();
      reject(err);
    };
    stream.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) fail(tooLarge(maxBytes));
      else chunks.push(c);
    });
    stream.on("error", () => fail(new IngestError("bad_json", `body is not valid ${encoding}`)));
    stream.on("end", () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    stream.end(body);
  });
}

const tooLarge = (maxBytes: number) =>
  new IngestError("payload_too_large", `batch over ${maxBytes} bytes once decompressed`);

/**
 * One pass over the JSON text (strings skipped) that refuses too deep nesting or too many
 * arrays/objects before the parser builds anything. Malformed JSON is left to JSON.parse.
 */
export function checkJsonShape(text: Uint8Array, maxDepth: number, maxContainers: number): void {
  let depth = 0;
  let containers = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth)
        throw new IngestError("bad_json", `JSON nested deeper than ${maxDepth} levels`);
      if (++containers > maxContainers)
        throw new IngestError(
          "payload_too_large",
          `batch has more than ${maxContainers} arrays/objects: send smaller batches`,
        );
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

export async function decodeJsonBody(
  body: Buffer,
  contentEncoding: string | undefined,
  limits: JsonBodyLimits,
): Promise<unknown> {
  const encoding = (contentEncoding ?? "identity").trim().toLowerCase();
  const text = await inflateCapped(body, encoding, limits.maxBytes);
  checkJsonShape(text, limits.maxDepth, limits.maxContainers);
  try {
    return JSON.parse(text.toString("utf8"));
  } catch {
    throw new IngestError("bad_json", "body is not valid JSON");
  }
}
