import { useState } from 'react';
import { isHttpUrl, metadataHash } from '@agora/client';
import Field from './Field.jsx';

/** How long reading a document may take. */
const READ_TIMEOUT_MS = 10_000;

/** The blake2-256 of what `uri` serves now; throws a sentence when it cannot be read. */
async function hashOf(uri) {
  if (!isHttpUrl(uri)) throw new Error(`"${uri}" is not an http(s) URL: clients read documents only from those`);
  try {
    const response = await fetch(uri, { signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return metadataHash(new Uint8Array(await response.arrayBuffer()));
  } catch (e) {
    throw new Error(`cannot read ${uri}: ${e.message}`);
  }
}

/**
 * Refuses, before anything is signed, a document URL and hash that do not go together:
 * a listing whose document does not match its hash is refused by every client.
 */
export async function checkDocument(uri, hash) {
  if (uri !== uri.trim()) throw new Error('the document URL starts or ends with spaces');
  const served = await hashOf(uri);
  if (served !== hash.trim().toLowerCase()) throw new Error(`the document at ${uri} hashes to ${served}, not ${hash.trim()}: click Hash the document`);
}

/**
 * A metadata document's URL and its blake2-256 hash, which a listing (service, dataset)
 * commits to; *Hash the document* reads the URL and fills the hash of what it serves.
 */
export default function DocumentFields({ prefix, uri, hash, onUri, onHash }) {
  const [note, setNote] = useState(null);
  const hashDocument = async () => {
    try {
      onHash(await hashOf(uri));
      setNote(null);
    } catch (e) {
      setNote(e.message);
    }
  };
  return (
    <>
      <Field label="metadata document URL" name={`${prefix}-uri`} value={uri} onChange={onUri} />
      <Field label="metadata hash (blake2-256)" name={`${prefix}-hash`} value={hash} onChange={onHash} hint={note ?? 'the hash of the document as served'} />
      <button type="button" name={`${prefix}-hash-document`} onClick={hashDocument}>Hash the document</button>
    </>
  );
}
