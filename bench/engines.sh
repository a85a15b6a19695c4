# Sourced by the benches that run on the engines of a cluster: a Ceph RGW (tests/fixtures/ceph-rgw)
# and a PostgreSQL 15 started in $WORK, Berth told to use them, Distribution on the same RGW.
# Needs root (initdb as postgres, Ceph) and WORK set; CEPH_MEMSTORE_MB as ceph-rgw reads it.
PG_BIN=/usr/lib/postgresql/15/bin

engines_up() {
  eval "$(tests/fixtures/ceph-rgw up "$WORK/rgw")"
  chmod 755 "$WORK"  # initdb runs as postgres, which must reach its folder
  mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
  PG_PORT=$(free_port)
  runuser -u postgres -- "$PG_BIN/initdb" -N -A trust -U postgres -E UTF8 --locale=C.UTF-8 -D "$WORK/pg/data" >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" start -w -D "$WORK/pg/data" -l "$WORK/pg/log" \
    -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
}

# Stops what engines_up started; for the EXIT trap.
engines_down() {
  [ -f "$WORK/pg/data/postmaster.pid" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" stop -m immediate -D "$WORK/pg/data" >/dev/null 2>&1
  [ -f "$WORK/rgw/pids" ] && tests/fixtures/ceph-rgw down "$WORK/rgw" >/dev/null 2>&1
  return 0
}

pg_sql() { runuser -u postgres -- "$PG_BIN/psql" -X -q -At -h "$WORK/pg" -p "$PG_PORT" -c "$1" postgres; }

# The environment of a Berth on database $1 (created here) and key prefix $2, as NAME=value words
# for env(1).
berth_engine_env() {
  pg_sql "CREATE DATABASE $1"
  echo BERTH_DATABASE_DRIVER=postgres "BERTH_DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/$1" \
    BERTH_STORAGE_DRIVER=s3 "BERTH_STORAGE_S3_ENDPOINT=$S3_ENDPOINT" "BERTH_STORAGE_S3_BUCKET=$S3_BUCKET" \
    "BERTH_STORAGE_S3_ACCESS_KEY=$S3_ACCESS_KEY" "BERTH_STORAGE_S3_SECRET_KEY=$S3_SECRET_KEY" \
    "BERTH_STORAGE_S3_PREFIX=$2"
}

# Distribution's storage section for the same bucket under root directory $1.
distribution_s3_storage() {
  cat <<YML
storage:
  s3:
    accesskey: $S3_ACCESS_KEY
    secretkey: $S3_SECRET_KEY
    region: $S3_REGION
    regionendpoint: $S3_ENDPOINT
    bucket: $S3_BUCKET
    rootdirectory: $1
    secure: false
    v4auth: true
  delete: {enabled: true}
  # Both serve the bytes themselves (Distribution would answer blob GETs with a 307 to RGW).
  redirect: {disable: true}
YML
}

# Distribution's command. With AWS_CA_BUNDLE set (some machines set it for every program), its AWS
# SDK panics at start ("unable to load custom CA bundle"); the endpoint is plain HTTP anyway. An
# array, not a function: env execs docker-registry, so that $! of `"${DISTRIBUTION[@]}" serve &`
# is the registry's own pid.
DISTRIBUTION=(env -u AWS_CA_BUNDLE docker-registry)

# The objects under key prefix $1 of the bucket whose key matches the regular expression $2, as
# "COUNT BYTES" (ListObjectsV2, a thousand keys a page, signed by curl's own SigV4).
s3_usage() {
  local token= count=0 bytes=0 c b next query
  while :; do
    # The query in the order SigV4 signs it, encoded by hand: curl -G's encoding breaks the signature.
    query=$(python3 -c 'import sys, urllib.parse as u
print("&".join(k + "=" + u.quote(v, safe="") for k, v in sorted(zip(sys.argv[1::2], sys.argv[2::2])) if v))' \
      continuation-token "$token" list-type 2 prefix "$1")
    read -r c b next < <(curl -sf --aws-sigv4 "aws:amz:$S3_REGION:s3" -u "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
      -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$S3_ENDPOINT/$S3_BUCKET?$query" | python3 -c '
import re, sys, xml.etree.ElementTree as E
ns = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}
page = E.parse(sys.stdin).getroot()
sizes = [int(o.find("s3:Size", ns).text) for o in page.findall("s3:Contents", ns)
         if re.search(sys.argv[1], o.find("s3:Key", ns).text)]
print(len(sizes), sum(sizes), page.findtext("s3:NextContinuationToken", "", ns))
' "$2")
    count=$((count + c)) bytes=$((bytes + b)) token=$next
    [ -n "$token" ] || break
  done
  echo "$count $bytes"
}
