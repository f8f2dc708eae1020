// Content hashes: photos are identified by the sha256 of their bytes.
import { createHash } from 'node:crypto';

export function sha256(bytes: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
