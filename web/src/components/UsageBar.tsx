import { bytes } from '../format';

// Storage used against a quota, as a bar: easier to read at a glance than two numbers.
export function UsageBar({ used, limit }: { used: number; limit: number | undefined }) {
  const unlimited = limit === undefined || limit < 0;
  const share = unlimited || limit === 0 ? 0 : Math.min(1, used / limit);
  return (
    <div className="usage">
      <meter min={0} max={1} value={share} low={0.7} high={0.9} optimum={0} aria-label="Storage used">
        {Math.round(share * 100)}%
      </meter>
      <span>
        {bytes(used)} of {unlimited ? 'unlimited' : bytes(limit)}
      </span>
    </div>
  );
}
