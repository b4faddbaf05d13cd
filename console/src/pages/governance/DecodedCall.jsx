import { visible } from '../../format.js';

/**
 * A proposal's call as `agora_listProposals` decodes it: `section.method` and each
 * argument's name, type and value; calls inside calls (a batch) are shown the same way.
 */
export default function DecodedCall({ call }) {
  return (
    <div className="call">
      <code className="method">{call.section}.{call.method}</code>
      <ul>
        {call.args.map((arg) => (
          <li key={arg.name}>
            <b>{arg.name}</b> <small>{arg.type}</small>: <Value value={arg.value} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function Value({ value }) {
  if (Array.isArray(value) && value.every((v) => v && typeof v === 'object' && 'section' in v)) {
    return <ol>{value.map((call, i) => <li key={i}><DecodedCall call={call} /></li>)}</ol>;
  }
  return <code>{visible(JSON.stringify(value))}</code>;
}
