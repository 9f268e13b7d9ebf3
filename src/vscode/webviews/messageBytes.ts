// About how many bytes a message to a webview crosses the channel as (no vscode import: unit-tested in plain Node).
// VS Code sends a typed array's whole buffer as bytes, once per buffer, and the rest as JSON: the size decides how long
// the extension host's thread spends serializing and copying it.

/** Bytes of `message` on the webview channel: each distinct ArrayBuffer whole, everything else as its JSON text. */
export function messageBytes(message: unknown): number {
  const buffers = new Set<ArrayBufferLike>();
  let bytes = 0;
  const visit = (value: unknown): void => {
    if (value === null || value === undefined) bytes += 4;
    else if (typeof value === 'string') bytes += value.length + 2;
    else if (typeof value === 'number') bytes += String(value).length;
    else if (typeof value === 'boolean') bytes += 5;
    else if (ArrayBuffer.isView(value)) {
      // A reference in the JSON, the bytes beside it.
      bytes += 16;
      if (!buffers.has(value.buffer)) {
        buffers.add(value.buffer);
        bytes += value.buffer.byteLength;
      }
    } else if (value instanceof ArrayBuffer) {
      bytes += 16;
      if (!buffers.has(value)) {
        buffers.add(value);
        bytes += value.byteLength;
      }
    } else if (Array.isArray(value)) {
      bytes += 2 + value.length;
      for (const item of value) visit(item);
    } else if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        bytes += key.length + 4;
        visit(item);
      }
      bytes += 2;
    }
  };
  visit(message);
  return bytes;
}
