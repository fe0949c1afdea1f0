/**
 * Orders strings by their UTF-8 bytes, as Go sorts map keys (JS's default `<` compares
 * UTF-16 units, which differs for characters above U+FFFF against U+E000–U+FFFF).
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

// Surrogates (U+D800–DFFF) encode code points above U+FFFF: move them above U+E000–U+FFFF.
function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
