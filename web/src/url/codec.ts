// codec.ts turns a scenario script into the `#s=…` part of a share link and back.
// The script is compressed with the browser's own deflate-raw and written in base64url,
// so links stay short and need no server.

/** maxScriptChars bounds a decoded script: a link larger than this is refused, not run. */
export const maxScriptChars = 200_000;

/** maxEncodedChars bounds the encoded fragment before any work is done on it. */
export const maxEncodedChars = 120_000;

/** ShareError explains why a link's script could not be read; its message is shown to the learner. */
export class ShareError extends Error {}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new ShareError("the link's script is not valid base64url text");
  }
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    throw new ShareError("the link's script is not valid base64url text");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // The write and close promises are awaited together with the read so that a corrupt input
  // rejects the whole operation instead of leaving an unhandled rejection behind.
  const written = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  const read = new Response(stream.readable).arrayBuffer();
  const [, buffer] = await Promise.all([written, read]);
  return new Uint8Array(buffer);
}

/** encodeScript compresses a script into base64url text for the `#s=` fragment. */
export async function encodeScript(script: string): Promise<string> {
  const raw = new TextEncoder().encode(script);
  const packed = await pipe(raw, new CompressionStream("deflate-raw"));
  return toBase64Url(packed);
}

/** decodeScript reverses encodeScript; it throws a ShareError a learner can read. */
export async function decodeScript(encoded: string): Promise<string> {
  if (encoded.length > maxEncodedChars) {
    throw new ShareError(`the link's script is too large (${encoded.length} characters; the limit is ${maxEncodedChars})`);
  }
  const packed = fromBase64Url(encoded);
  let raw: Uint8Array;
  try {
    raw = await pipe(packed, new DecompressionStream("deflate-raw"));
  } catch {
    throw new ShareError("the link's script is damaged (it does not decompress)");
  }
  if (raw.length > maxScriptChars) {
    throw new ShareError(`the link's script is too large (${raw.length} bytes; the limit is ${maxScriptChars})`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    throw new ShareError("the link's script is not UTF-8 text");
  }
  return text;
}

/** scriptFromHash extracts the encoded script from a location hash such as "#s=abc", or null. */
export function scriptFromHash(hash: string): string | null {
  const body = hash.startsWith("#") ? hash.slice(1) : hash;
  for (const part of body.split("&")) {
    if (part.startsWith("s=")) return part.slice(2);
  }
  return null;
}
