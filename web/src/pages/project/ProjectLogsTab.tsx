import { projectPath } from '../../api/client';
import { AuditLogTable } from '../../components/AuditLogTable';
import { useProject } from './ProjectLayout';

export function ProjectLogsTab() {
  const project = useProject();
  return <AuditLogTable path={`${projectPath(project.name)}/logs`} />;
}
