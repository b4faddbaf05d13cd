import { useState } from 'react';
import { metadataHash } from '@agora/client';
import Field from './Field.jsx';

/**
 * A metadata document's URL and its blake2-256 hash, which a listing (service, dataset)
 * commits to; *Hash the document* reads the URL and fills the hash of what it serves.
 */
export default function DocumentFields({ prefix, uri, hash, onUri, onHash }) {
  const [note, setNote] = useState(null);
  const hashDocument = async () => {
    try {
      const response = await fetch(uri);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      onHash(metadataHash(new Uint8Array(await response.arrayBuffer())));
      setNote(null);
    } catch (e) {
      setNote(`cannot read ${uri}: ${e.message}`);
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
