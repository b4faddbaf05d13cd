/** A labelled input; `name` lets tests and people find it. */
export default function Field({ label, name, value, onChange, type = 'text', hint, children }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children ?? <input name={name} type={type} value={value} onChange={(e) => onChange(e.target.value)} />}
      {hint && <small>{hint}</small>}
    </label>
  );
}
