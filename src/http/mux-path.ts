/**
 * How the original's router sees a request target: Go's `net/http` percent-decodes the
 * path (`URL.Path`), gorilla/mux first redirects a non-canonical path (301 to its
 * `path.Clean` form, query kept), then matches routes against the decoded path. Query
 * strings never matter. Paths are handled as bytes (a latin1 string: one char per byte),
 * as Go does.
 * @internal
 */
export type MuxPath =
  /** A canonical path to match routes against (decoded). */
  | { readonly kind: "path"; readonly path: string }
  /** The 301 gorilla/mux answers, with its `Location`. */
  | { readonly kind: "redirect"; readonly location: string }
  /** A bad percent-escape or a control byte: Go's server refuses the request (400). */
  | { readonly kind: "bad-request" }
  /** Longer than any route could be, or not a path at all: answered 404 without more work. */
  | { readonly kind: "not-found" };

/**
 * Raw paths longer than this are 404 at once: the longest route, fully percent-encoded,
 * is 3 × 56 bytes. (Go would still clean and match them; nothing there but 404s and
 * redirects to 404s.)
 */
export const MAX_RAW_PATH_LENGTH = 1024;

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*(\/.*)$/s;

/**
 * Targets that decoding and cleaning leave as they are: segments of letters, digits, `_`
 * and `-` only (no `%`, no `.` segments, no empty ones, no trailing slash, no query). Every
 * route the original serves looks like this when a client asks for it plainly.
 */
const PLAIN = /^(?:\/[A-Za-z0-9_-]+)+$/;

/** Resolves a request target (`req.url`) the way the original's stack does. @internal */
export function resolveMuxPath(url: string): MuxPath {
  if (url.length <= MAX_RAW_PATH_LENGTH && PLAIN.test(url)) return { kind: "path", path: url };
  const q = url.indexOf("?");
  let raw = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? "" : url.slice(q);
  if (raw.length > MAX_RAW_PATH_LENGTH) return { kind: "not-found" };
  if (!raw.startsWith("/")) {
    // Absolute form (`GET http://host/api/stats`): Go uses its path. `*` and the like: 404.
    const match = ABSOLUTE_FORM.exec(raw);
    if (match?.[1] === undefined) return { kind: "not-found" };
    raw = match[1];
  }
  const path = percentDecode(raw);
  if (path === undefined) return { kind: "bad-request" };
  const clean = cleanPath(path);
  if (clean !== path) return { kind: "redirect", location: `${escapePath(clean)}${query}` };
  return { kind: "path", path };
}

/**
 * Go's `unescape(s, encodePath)`: `%XX` becomes the byte; a `%` without two hex digits,
 * or a control byte, fails. Other characters are kept as their UTF-8 bytes.
 */
function percentDecode(raw: string): string | undefined {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return undefined;
    if (code === 0x25) {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 2;
    } else if (code < 0x80) {
      out += raw[i];
    } else {
      // Node hands non-ASCII request bytes over as text: back to bytes, as Go sees them.
      const end = nextAscii(raw, i);
      out += Buffer.from(raw.slice(i, end), "utf8").toString("latin1");
      i = end - 1;
    }
  }
  return out;
}

function nextAscii(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) >= 0x80) i++;
  return i;
}

/**
 * gorilla/mux's `cleanPath`: Go's `path.Clean` (no empty, `.` or `..` segments; `..`
 * never climbs above the root), rooted, with a trailing slash kept.
 */
export function cleanPath(path: string): string {
  if (path === "") return "/";
  const rooted = path.startsWith("/") ? path : `/${path}`;
  const segments: string[] = [];
  for (const segment of rooted.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const clean = `/${segments.join("/")}`;
  return rooted.endsWith("/") && clean !== "/" ? `${clean}/` : clean;
}

/**
 * Go's `escape(s, encodePath)` (what `URL.String()` writes for a path): letters, digits,
 * `-_.~` and `$&+,/:;=@` stay; every other byte is `%XX` in upper case.
 */
export function escapePath(path: string): string {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (/[A-Za-z0-9\-_.~$&+,/:;=@]/.test(ch)) out += ch;
    else out += `%${path.charCodeAt(i).toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
