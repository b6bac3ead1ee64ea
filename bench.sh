#!/usr/bin/env bash
# Runs the BenchmarkDotNet suite in Release. Arguments go to BenchmarkDotNet; the default runs every benchmark.
#   ./bench.sh --filter '*RedisRoundTrip*'
# Redis-backed benchmarks start their own redis-server (or use COMMERCEKIT_BENCH_REDIS).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-servers.sh
if [ $# -eq 0 ]; then set -- --filter '*'; fi
exec dotnet run -c Release --project benchmarks/CommerceKit.Benchmarks -- "$@"
