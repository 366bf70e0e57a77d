// Kubernetes quantities of bytes (memory, storage), as the apiserver reads them.
const quantitySuffixes: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** A Kubernetes memory or storage quantity in bytes, e.g. 2Gi, 512M, 1e9. */
export function quantityBytes(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const match = /^([0-9.]+(?:[eE][+-]?[0-9]+)?)(m|[kMGTPE]i?)?$/.exec(quantity.trim());
  const factor = quantitySuffixes[match?.[2] ?? ''];
  if (!match || factor === undefined) throw new Error(`not a quantity of bytes: ${quantity}`);
  return Number(match[1]) * factor;
}
