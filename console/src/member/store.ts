// What this browser keeps for a member, in IndexedDB: the device's signing key (a CryptoKeyPair
// whose private half cannot be exported) and the last programme loaded, shown when offline.
// Never the session token (that stays in sessionStorage).
const DB = 'concord-member';
const STORES = ['keys', 'programmes'] as const;
type Store = (typeof STORES)[number];

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      for (const s of STORES) if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB is not available'));
  });
}

async function run<T>(store: Store, mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const req = f(tx.objectStore(store));
      tx.oncomplete = () => resolve(req.result as T);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB aborted'));
    });
  } finally {
    db.close();
  }
}

export const load = <T>(store: Store, key: string): Promise<T | undefined> => run<T | undefined>(store, 'readonly', (s) => s.get(key));
export const save = (store: Store, key: string, value: unknown): Promise<void> =>
  run<void>(store, 'readwrite', (s) => s.put(value, key)).then(() => undefined);
export const forget = (store: Store, key: string): Promise<void> =>
  run<void>(store, 'readwrite', (s) => s.delete(key)).then(() => undefined);
