// An in-process signal that a contract's service state changed (suspension, lifting,
// termination), so caches that decide on it (the collector's ingest auth) drop their entries at
// once instead of waiting for their TTL. Other processes rely on that TTL.
type Listener = (contractId: string) => void;
const listeners = new Set<Listener>();

export function onContractStateChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export function contractStateChanged(contractId: string): void {
  for (const listener of listeners) listener(contractId);
}
