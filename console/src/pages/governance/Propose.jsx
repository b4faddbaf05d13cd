import { useRef, useState } from 'react';
import { useChain } from '../../chain.jsx';
import { agr, parseAgr } from '../../format.js';
import { argumentVariants } from '../../enums.js';
import Field from '../../components/Field.jsx';
import TxButton from '../../components/TxButton.jsx';

/** Pallets whose parameters governance sets (`<pallet>.setParameters`). */
const GOVERNED = ['services', 'metering', 'rewards', 'governance', 'validators'];

/** A parameter's value as typed, in the unit its type calls for. */
export function parameterValue(typeName, text) {
  const clean = text.trim();
  if (clean === '') throw new Error('type the new value');
  if (/Balance/.test(typeName)) return parseAgr(clean);
  if (typeName === 'Perbill') {
    const value = Number(clean.replace('%', ''));
    if (!Number.isFinite(value) || value < 0 || value > 100) throw new Error(`"${text}" is not a percentage`);
    return Math.round(value * 1e7);
  }
  if (typeName === 'bool') {
    if (!['true', 'false'].includes(clean)) throw new Error(`"${text}" is not true or false`);
    return clean === 'true';
  }
  if (!/^\d+$/.test(clean)) throw new Error(`"${text}" is not a whole number`);
  return Number(clean);
}

const UNIT_HINT = { Perbill: 'percent, e.g. 5', bool: 'true or false' };

function ParameterChange({ onCall }) {
  const { api } = useChain();
  const [pallet, setPallet] = useState('metering');
  const variants = argumentVariants(api, api.tx[pallet].setParameters, 0);
  const [parameter, setParameter] = useState(variants[0].name);
  const chosen = variants.find((v) => v.name === parameter) ?? variants[0];
  const [value, setValue] = useState('');
  onCall.current = () => api.tx[pallet].setParameters([{ [chosen.name]: parameterValue(chosen.typeName, value) }]);
  return (
    <>
      <Field label="pallet">
        <select name="proposal-pallet" value={pallet} onChange={(e) => { setPallet(e.target.value); setParameter(argumentVariants(api, api.tx[e.target.value].setParameters, 0)[0].name); }}>
          {GOVERNED.filter((p) => api.tx[p]?.setParameters).map((p) => <option key={p}>{p}</option>)}
        </select>
      </Field>
      <Field label="parameter">
        <select name="proposal-parameter" value={chosen.name} onChange={(e) => setParameter(e.target.value)}>
          {variants.map((v) => <option key={v.name}>{v.name}</option>)}
        </select>
      </Field>
      <Field label={`new value (${chosen.typeName})`} name="proposal-value" value={value} onChange={setValue} hint={UNIT_HINT[chosen.typeName] ?? (/Balance/.test(chosen.typeName) ? 'AGR' : 'blocks or a count')} />
    </>
  );
}

function Spend({ onCall }) {
  const { api } = useChain();
  const [amount, setAmount] = useState('');
  const [beneficiary, setBeneficiary] = useState('');
  onCall.current = () => api.tx.governance.spend(parseAgr(amount), beneficiary.trim());
  return (
    <>
      <Field label="amount (AGR)" name="spend-amount" value={amount} onChange={setAmount} />
      <Field label="beneficiary" name="spend-beneficiary" value={beneficiary} onChange={setBeneficiary} />
    </>
  );
}

function Upgrade({ onCall }) {
  const { api } = useChain();
  const [hash, setHash] = useState('');
  onCall.current = () => {
    if (!/^0x[0-9a-fA-F]{64}$/.test(hash.trim())) throw new Error('the code hash is 0x and 64 hex digits: blake2-256 of the new runtime WASM');
    return api.tx.system.authorizeUpgrade(hash.trim());
  };
  return <Field label="code hash (blake2-256 of the WASM)" name="upgrade-hash" value={hash} onChange={setHash} />;
}

const KINDS = { parameter: ['Change a parameter', ParameterChange], spend: ['Spend from the treasury', Spend], upgrade: ['Authorize a runtime upgrade', Upgrade] };

export default function Propose({ deposit, onDone }) {
  const [kind, setKind] = useState('parameter');
  // The form of the chosen kind keeps here how to build its call from what was typed.
  const call = useRef(null);
  const [, Form] = KINDS[kind];
  return (
    <div className="card">
      <h3>Propose</h3>
      <Field label="what">
        <select name="proposal-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          {Object.entries(KINDS).map(([id, [label]]) => <option key={id} value={id}>{label}</option>)}
        </select>
      </Field>
      <Form onCall={call} />
      <TxButton label={`Propose (holds ${agr(deposit)})`} name="propose" build={(api) => api.tx.governance.propose(call.current())} onDone={onDone} />
    </div>
  );
}
