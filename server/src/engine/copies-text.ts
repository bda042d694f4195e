// Messages for the copy rules (engine/copies.ts): what was copied, where.
import type { Copy } from './copies';

export function copyMessage(copy: Copy, syncName: string, consequence: string): string {
  const what = copy.holder === syncName ? `a ${syncName}` : `${copy.holder}, which holds a ${syncName} by value`;
  const name = copy.name ? ` ${copy.name}` : '';
  switch (copy.kind) {
    case 'parameter':
      return `parameter${name} is ${what}: every call copies it, and ${consequence}; pass a pointer`;
    case 'receiver':
      return `value receiver${name} is ${what}: every call of the method copies it, and ${consequence}; use a pointer receiver`;
    case 'result':
      return `the result ${copy.holder === syncName ? `is a ${syncName}` : `type ${copy.holder} holds a ${syncName} by value`}: every return copies it, and ${consequence}; return a pointer`;
    case 'dereference':
      return `${name.trim()} gets a copy of ${what}: ${consequence}; keep the pointer`;
    case 'assignment':
      return `${name.trim()} gets a copy of ${what}: ${consequence}; use a pointer`;
    case 'range':
      return `range variable${name} is a copy of each element, ${what}: ${consequence}; range over the indexes or store pointers`;
  }
}
