// This device's signing key: Ed25519 made by WebCrypto, the private half not extractable, kept
// in IndexedDB for the member. Registering it sets the member's public_key (delegations emits
// the change as an event); a new device's key replaces the old one, which documents then no
// longer accepts for new signatures.
import { call } from '../api/client';
import type { MemberSelf } from '../api/types';
import { load, save } from './store';

export function toBase64(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function deviceKey(memberId: string): Promise<CryptoKeyPair | undefined> {
  return load<CryptoKeyPair>('keys', memberId);
}

export async function publicKeyOf(pair: CryptoKeyPair): Promise<string> {
  return toBase64(await crypto.subtle.exportKey('raw', pair.publicKey));
}

// Makes a new key for this device and registers its public half as the member's public_key.
export async function registerDeviceKey(me: MemberSelf): Promise<MemberSelf> {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
  const publicKey = await publicKeyOf(pair);
  const reply = await call<MemberSelf>('delegations', `/v1/members/${me.id}`, {
    method: 'PATCH',
    body: { public_key: publicKey },
    version: me.version,
  });
  await save('keys', me.id, pair);
  return reply.body;
}

export async function signWith(pair: CryptoKeyPair, bytes: ArrayBuffer): Promise<string> {
  return toBase64(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, bytes));
}
