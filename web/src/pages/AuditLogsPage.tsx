import { AuditLogTable } from '../components/AuditLogTable';

export function AuditLogsPage() {
  return (
    <section>
      <h1>Logs</h1>
      <AuditLogTable path="/audit-logs" />
    </section>
  );
}
