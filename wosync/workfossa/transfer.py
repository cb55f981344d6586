"""Moving a large text (a page of rows' HTML) out of the browser cheaply.

A value that page.evaluate returns is JSON-encoded and decoded at every hop on its way here:
in the page, in the browser process, in Playwright's driver and in Python. For a page of 100
rows (about 0.5 MB of HTML on the simulated site, more on the real one, whose icons keep their
SVG paths) those hops cost more CPU than reading the rows. The page compresses the text
with its built-in CompressionStream (about 20 x smaller: the rows repeat one template) and
sends it base64-encoded; Python inflates it. Where the page cannot (no CompressionStream,
or a page script that broke Blob or Response), the text crosses as it is: the result is the
same either way, only the cost differs.
"""

from __future__ import annotations

import base64
import binascii
import functools
import zlib

# The key under which a packed text arrives, in place of the text itself.
PACKED = "gzipBase64"

# Given the reader's source (a JS function of one argument, possibly async) and the key of
# its result to pack, the in-page function: run the reader, gzip that text, base64 it.
# String.fromCharCode in slices: one call with every byte as an argument would overflow the
# stack on a large page.
_PACKING_READER = """async (arg) => {
  const value = await (%(reader)s)(arg);
  const text = value ? value[%(key)s] : null;
  if (typeof text !== 'string' || typeof CompressionStream !== 'function') return value;
  try {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    value[%(key)s] = {%(packed)s: btoa(binary)};
  } catch (error) {
    // Send the text as it is.
  }
  return value;
}"""


@functools.lru_cache(maxsize=32)
def packing_reader(reader: str, key: str) -> str:
    """Given an in-page reader's source and the key of the text in its result, return the
    source of a reader that returns the same result with that text packed."""
    return _PACKING_READER % {"reader": reader, "key": repr(key), "packed": PACKED}


def unpack_text(value, key: str):
    """Given what a packing reader returned and the key, return it with the text at `key`
    unpacked (a str again); a value whose text arrived as it is comes back unchanged.
    Raises ValueError when a packed text cannot be inflated (a page script that tampered
    with the packing)."""
    if not isinstance(value, dict):
        return value
    packed = value.get(key)
    if isinstance(packed, dict) and PACKED in packed:
        try:
            raw = zlib.decompress(base64.b64decode(packed[PACKED]), wbits=31)  # 31: gzip
            value[key] = raw.decode("utf-8")
        except (binascii.Error, zlib.error, UnicodeDecodeError) as exc:
            raise ValueError(f"the page's packed {key} could not be unpacked ({exc})") from None
    return value
