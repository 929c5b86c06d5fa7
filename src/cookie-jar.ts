import Cookies from 'js-cookie';

/** Reads and writes the tracker's cookies; never throws (cookies may be blocked, or throw in sandboxed frames). */
export interface CookieJar {
  /** All cookies of the page, parsed once: one `document.cookie` read. */
  readAll(): Record<string, string>;
  /** Writes a cookie expiring at `expires`. */
  write(name: string, value: string, expires: Date): void;
  /** Deletes a cookie (with the same path and domain it was written with). */
  remove(name: string): void;
}

/** One js-cookie instance with fixed attributes: Path=/, SameSite=Lax, Secure on https pages, optional Domain. */
export function createCookieJar(domain: string | undefined): CookieJar {
  const cookies = Cookies.withAttributes({ path: '/', sameSite: 'Lax', secure: location.protocol == 'https:', domain });
  return {
    readAll() {
      try { return cookies.get(); } catch { return {}; }
    },
    write(name, value, expires) {
      try { cookies.set(name, value, { expires }); } catch { /* blocked: the keys live in memory for this page */ }
    },
    remove(name) {
      try { cookies.remove(name); } catch { /* blocked: nothing was stored */ }
    },
  };
}
