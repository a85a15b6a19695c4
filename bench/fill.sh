# Sourced by bench/lists and bench/portal: a berth on a data folder filled directly with SQL
# (not through pushes), so that long lists take seconds to make. Expects BERTH and PASSWORD, and
# sets PORT and PID.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$PID/status"; }

start() {  # start DATA: berth on DATA, on a free port
  PORT=$(free_port)
  BERTH_ADMIN_PASSWORD=$PASSWORD "$BERTH" serve --listen "127.0.0.1:$PORT" --data "$1" \
    > "$1.log" 2>&1 &
  PID=$!
  for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$PORT/v2/" && return 0; sleep 0.05; done
  echo "bench: berth did not start" >&2
  exit 1
}
stop() { kill "$PID"; wait "$PID" || true; PID=; }
api() { curl -sf -u "admin:$PASSWORD" "http://127.0.0.1:$PORT$1" "${@:2}"; }

# fill DATA REPOS ARTIFACTS AUDIT: projects "wide" (REPOS repositories of one tagged image each)
# and "deep" (one repository of ARTIFACTS tagged images), and AUDIT audit log entries.
fill() {
  local data=$1 repos=$2 artifacts=$3 audit=$4
  start "$data"
  api /api/v2.0/projects -H 'Content-Type: application/json' -d '{"project_name":"wide"}'
  api /api/v2.0/projects -H 'Content-Type: application/json' -d '{"project_name":"deep"}'
  local deep
  deep=$(api '/api/v2.0/projects/deep' -H 'X-Is-Resource-Name: true' | jq .project_id)
  stop
  # Every artifact's config is one real blob, so that listing reads it as it would.
  local config='{"architecture":"amd64","os":"linux"}' hex
  hex=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
  mkdir -p "$data/blobs/sha256/${hex:0:2}"
  printf '%s' "$config" > "$data/blobs/sha256/${hex:0:2}/$hex"
  local manifest="'{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$hex\",\"size\":${#config}},\"layers\":[],\"n\":' || i || '}'"
  sqlite3 "$data/berth.db" <<SQL
PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $repos)
INSERT INTO repositories (name, created_at, updated_at) SELECT printf('wide/r%06d', i), 1700000000 + i, 0 FROM n;
INSERT INTO repositories (name, created_at, updated_at) VALUES ('deep/app', 1700000000, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $repos)
INSERT INTO manifests (repository_id, digest, media_type, size, content, pushed_at)
  SELECT r.id, printf('sha256:%064x', i), 'application/vnd.oci.image.manifest.v1+json', 200,
         $manifest, 1700000000 + i
  FROM n JOIN repositories r ON r.name = printf('wide/r%06d', i);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $artifacts)
INSERT INTO manifests (repository_id, digest, media_type, size, content, pushed_at)
  SELECT (SELECT id FROM repositories WHERE name = 'deep/app'), printf('sha256:%064x', 1000000 + i),
         'application/vnd.oci.image.manifest.v1+json', 200, $manifest, 1700000000 + i FROM n;
INSERT INTO tags (repository_id, name, manifest_id, updated_at)
  SELECT repository_id, printf('t%07d', id), id, pushed_at FROM manifests;
COMMIT;
SQL
  sqlite3 "$data/history.db" <<SQL
PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $audit)
INSERT INTO audit_logs (project_id, username, operation, resource_type, resource, op_time)
  SELECT $deep, CASE i % 3 WHEN 0 THEN 'ci' ELSE 'admin' END,
         CASE i % 4 WHEN 0 THEN 'create' ELSE 'pull' END, 'artifact',
         printf('deep/app:t%07d', i % $artifacts + 1), 1700000000 + i FROM n;
COMMIT;
SQL
}
