import { PageTitle } from '../components/PageTitle';
import { AuditLogTable } from '../components/AuditLogTable';

export function AuditLogsPage() {
  return (
    <section>
      <PageTitle>Logs</PageTitle>
      <AuditLogTable path="/audit-logs" />
    </section>
  );
}
