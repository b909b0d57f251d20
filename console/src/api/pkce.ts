// The secrets of one authorization-code sign-in (RFC 7636 PKCE, OpenID Connect's state and
// nonce): random from crypto.getRandomValues, the challenge the verifier's SHA-256.
export function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// 32 random bytes as base64url: 43 characters, inside the verifier's 43-128.
export function randomSecret(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

// code_challenge for code_challenge_method=S256.
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

// The claims of a JWT, unverified: only for the ID token the token endpoint just sent over TLS
// (OpenID Connect Core 3.1.3.7: the TLS server check stands in for the signature there).
export function claimsOf(jwt: string): Record<string, unknown> | null {
  const part = jwt.split('.')[1];
  if (!part) return null;
  try {
    const text = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
