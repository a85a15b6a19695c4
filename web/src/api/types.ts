// The shapes of Harbor's API that the portal reads (third_party/harbor/swagger.yaml).

export interface User {
  user_id: number;
  username: string;
  email?: string;
  realname?: string;
  comment?: string;
  sysadmin_flag?: boolean;
  admin_role_in_auth?: boolean;
  creation_time?: string;
}

export interface Project {
  project_id: number;
  name: string;
  owner_name?: string;
  repo_count?: number;
  creation_time?: string;
  current_user_role_id?: number;
  metadata?: Record<string, string>;
}

export interface ProjectSummary {
  repo_count?: number;
  project_admin_count?: number;
  maintainer_count?: number;
  developer_count?: number;
  guest_count?: number;
  limited_guest_count?: number;
  quota?: { hard?: { storage?: number }; used?: { storage?: number } };
}

export interface Repository {
  id: number;
  name: string;
  artifact_count?: number;
  pull_count?: number;
  creation_time?: string;
  update_time?: string;
  description?: string;
}

export interface Platform {
  architecture?: string;
  os?: string;
  variant?: string;
}

export interface Reference {
  child_digest: string;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface Tag {
  id: number;
  name: string;
  push_time?: string;
  pull_time?: string;
  immutable?: boolean;
}

export interface Label {
  id: number;
  name: string;
  color?: string;
  description?: string;
  scope?: string;
}

export interface Accessory {
  id?: number;
  type: string;
  digest: string;
  size?: number;
  artifact_type?: string;
  creation_time?: string;
}

export interface Artifact {
  id: number;
  digest: string;
  type?: string;
  media_type?: string;
  manifest_media_type?: string;
  artifact_type?: string;
  size?: number;
  push_time?: string;
  pull_time?: string;
  repository_name?: string;
  extra_attrs?: { architecture?: string; os?: string; variant?: string; created?: string; author?: string };
  references?: Reference[] | null;
  tags?: Tag[] | null;
  labels?: Label[] | null;
  accessories?: Accessory[] | null;
  annotations?: Record<string, string>;
}

export interface Member {
  id: number;
  entity_name: string;
  entity_type: string;
  role_id: number;
  role_name?: string;
}

export interface Access {
  resource: string;
  action: string;
}

export interface Robot {
  id: number;
  name: string;
  description?: string;
  level: string;
  duration?: number;
  expires_at?: number;
  disable?: boolean;
  creation_time?: string;
  permissions?: { kind: string; namespace: string; access: Access[] }[];
}

export interface RobotCreated {
  id: number;
  name: string;
  secret: string;
  expires_at?: number;
}

export interface Selector {
  kind: string;
  decoration: string;
  pattern: string;
}

export interface TagRule {
  id?: number;
  disabled?: boolean;
  action?: string;
  template?: string;
  params?: Record<string, unknown>;
  tag_selectors: Selector[];
  scope_selectors: { repository: Selector[] };
}

export interface RetentionTemplate {
  rule_template: string;
  display_text: string;
  params?: { type: string; unit: string; required: boolean }[];
}

export interface RetentionPolicy {
  id?: number;
  algorithm: string;
  rules: TagRule[];
  trigger: { kind: string; settings: { cron?: string } };
  scope: { level: string; ref: number };
}

export interface Quota {
  id: number;
  ref?: { id?: number; name?: string; owner_name?: string };
  hard: { storage?: number };
  used: { storage?: number };
}

export interface AuditLog {
  id: number;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  op_time: string;
}

export interface Schedule {
  type?: string;
  cron?: string;
}

export interface GcJob {
  id: number;
  job_name?: string;
  job_kind?: string;
  job_status: string;
  job_parameters?: string;
  creation_time?: string;
  update_time?: string;
  schedule?: Schedule;
}

export interface SystemInfo {
  harbor_version?: string;
  auth_mode?: string;
  registry_url?: string;
  external_url?: string;
  self_registration?: boolean;
  has_ca_root?: boolean;
  read_only?: boolean;
  primary_auth_mode?: boolean;
  project_creation_restriction?: string;
}

export interface Statistics {
  private_project_count?: number;
  private_repo_count?: number;
  public_project_count?: number;
  public_repo_count?: number;
  total_project_count?: number;
  total_repo_count?: number;
  total_storage_consumption?: number;
}

export interface Permission {
  resource: string;
  action: string;
}

export interface WebhookTarget {
  type: string;
  address: string;
  auth_header?: string;
  skip_cert_verify?: boolean;
  payload_format?: string;
}

export interface WebhookPolicy {
  id: number;
  name: string;
  description?: string;
  enabled: boolean;
  event_types: string[];
  targets: WebhookTarget[];
  creator?: string;
  creation_time?: string;
}

export interface Execution {
  id: number;
  status: string;
  trigger?: string;
  start_time?: string;
  end_time?: string;
  extra_attrs?: Record<string, unknown>;
}

export interface UserGroup {
  id: number;
  group_name: string;
  group_type: number;
  ldap_group_dn?: string;
}

export interface JobQueue {
  job_type: string;
  count: number;
  latency: number;
  paused: boolean;
}

export interface WorkerPool {
  pid: number;
  worker_pool_id: string;
  start_at?: string;
  heartbeat_at?: string;
  concurrency: number;
  host?: string;
}

export interface Worker {
  id: string;
  pool_id: string;
  job_name?: string;
  job_id?: string;
  start_at?: string;
  check_in?: string;
}

export interface ScheduleTask {
  id: number;
  vendor_type: string;
  vendor_id?: number;
  cron: string;
  update_time?: string;
}
