/**
 * Outlook's Thread-Index header: base64 of a 22-byte conversation header (a FILETIME and a GUID)
 * followed by 5-byte child blocks, one per reply. Every message of a conversation starts with the
 * same 22 bytes, so those bytes name the conversation even when References is missing.
 *
 * @example conversationRoot('AdcQ7h0yAAAAAAAAAAAAAAAAAAAAAAAA') // hex of the first 22 bytes
 */
export function conversationRoot(threadIndex: string | null | undefined): string | null {
  if (!threadIndex) return null;
  const compact = threadIndex.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  const bytes = Buffer.from(compact, 'base64');
  // A valid index is the 22-byte header plus whole 5-byte child blocks.
  if (bytes.length < 22 || (bytes.length - 22) % 5 !== 0) return null;
  const root = bytes.subarray(0, 22);
  // An all-zero header carries no conversation identity.
  if (root.every((b) => b === 0)) return null;
  return root.toString('hex');
}
