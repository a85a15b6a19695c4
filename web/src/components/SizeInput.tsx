import type { UseFormRegisterReturn } from 'react-hook-form';
import { LIMIT_UNITS, toBytes } from '../format';

interface Props {
  label: string;
  amount: UseFormRegisterReturn;
  unit: UseFormRegisterReturn;
  error?: string;
}

// A storage limit: a number and its unit; -1 for no limit.
export function SizeInput({ label, amount, unit, error }: Props) {
  return (
    <fieldset className="size">
      <legend>{label}</legend>
      <input inputMode="decimal" aria-label={`${label} amount`} aria-invalid={error ? true : undefined} {...amount} />
      <select aria-label={`${label} unit`} {...unit}>
        {LIMIT_UNITS.map((u) => (
          <option key={u}>{u}</option>
        ))}
      </select>
      <small>-1 for no limit</small>
      {error && <span className="field-error">{error}</span>}
    </fieldset>
  );
}

// The rule of a limit's amount field, for react-hook-form's validate.
export function validSize(amount: string, unit: string): true | string {
  return toBytes(amount, unit) !== null || 'A number of MiB, GiB or TiB, or -1 for no limit';
}
