// Offline check of a certificate's QR payload (issue #15): the payload is
// base64url(JSON fields) "." base64url(r‖s), an ECDSA P-256 / SHA-256 signature by the
// platform. The browser verifies it with WebCrypto against the platform's public key
// (GET /public/certificate-signing-key, documented in docs/certificates.md) without
// asking the register. WebCrypto needs a secure context (https or localhost): elsewhere
// the answer is null ("cannot check offline here") and the online check still runs.

function fromB64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)
  const bin = atob(b64)
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

/** {ok: true, fields} | {ok: false} | null (no WebCrypto here). */
export async function verifyOffline(payload, jwk) {
  const subtle = globalThis.crypto?.subtle
  if (!subtle || !jwk) return null
  const parts = String(payload || '').split('.')
  if (parts.length !== 2) return { ok: false }
  try {
    const body = fromB64url(parts[0])
    const sig = fromB64url(parts[1])
    if (sig.length !== 64) return { ok: false }
    const key = await subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
      { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
    const ok = await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, body)
    return ok ? { ok: true, fields: JSON.parse(new TextDecoder().decode(body)) } : { ok: false }
  } catch {
    return { ok: false }
  }
}
