import { short, ss58 } from '../format.js';

/** An account, shortened, with the whole SS58 (4242) address on hover. */
export default function Address({ value }) {
  if (!value) return <span>—</span>;
  return <code title={ss58(value)}>{short(value)}</code>;
}
