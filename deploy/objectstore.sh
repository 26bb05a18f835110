#!/usr/bin/env bash
# The local S3 server (SeaweedFS), on loopback, with credentials, on ports from
# ZC_WEED_BASE (B..B+19, and B+10016 for the admin gRPC port) so two copies can
# run side by side. Production points ZC_S3_* at MinIO.
set -euo pipefail
B=${ZC_WEED_BASE:?}
DIR="$ZC_DATA_DIR/objects"
mkdir -p "$DIR"
umask 077
cat > "$ZC_DATA_DIR/s3.json" <<JSON
{"identities":[{"name":"zhicheng","credentials":[{"accessKey":"${ZC_S3_ACCESS_KEY}","secretKey":"${ZC_S3_SECRET_KEY}"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
exec weed mini -dir="$DIR" -ip=127.0.0.1 -ip.bind=127.0.0.1 -s3.config="$ZC_DATA_DIR/s3.json" \
  -webdav=false -admin.ui=false \
  -master.port=$B -volume.port=$((B+1)) -filer.port=$((B+2)) -s3.port=$((B+3)) \
  -master.port.grpc=$((B+10)) -volume.port.grpc=$((B+11)) -filer.port.grpc=$((B+12)) \
  -s3.port.grpc=$((B+13)) -s3.port.iceberg=$((B+14)) -s3.port.lance=$((B+15)) \
  -admin.port=$((B+16)) -debug.port=$((B+17)) -s3.debug.port=$((B+18)) \
  -filer.localSocket="$ZC_DATA_DIR/filer.sock"
