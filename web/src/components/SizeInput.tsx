import { LIMIT_UNITS } from '../format';

interface Props {
  label: string;
  amount: string;
  unit: string;
  onAmount: (value: string) => void;
  onUnit: (value: string) => void;
}

// A storage limit: a number and its unit; -1 for no limit.
export function SizeInput({ label, amount, unit, onAmount, onUnit }: Props) {
  return (
    <fieldset className="size">
      <legend>{label}</legend>
      <input
        inputMode="decimal"
        aria-label={`${label} amount`}
        value={amount}
        onChange={(e) => onAmount(e.target.value)}
      />
      <select aria-label={`${label} unit`} value={unit} onChange={(e) => onUnit(e.target.value)}>
        {LIMIT_UNITS.map((u) => (
          <option key={u}>{u}</option>
        ))}
      </select>
      <small>-1 for no limit</small>
    </fieldset>
  );
}
