#!/usr/bin/env bash
# Runs every test of CommerceKit against real Redis and PostgreSQL servers, which the test fixtures start
# on free loopback ports (or take from COMMERCEKIT_TEST_REDIS / COMMERCEKIT_TEST_POSTGRES).
# Prints a last line "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"

if ! ./scripts/install-servers.sh; then
  echo "0 passed, 1 failed"
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

if ! dotnet build CommerceKit.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "Build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --blame-hang-timeout 5m || { status=1; echo "$name" >> "$results/failed-runs"; }
done

# Sum the counters of every TRX report. A test project that crashed leaves no report, or one with only the tests
# that ran before the crash; a run that failed with no failed test in its report counts as one failure.
read -r passed failed < <(python3 - "$results" tests/*.Tests/*.Tests.csproj <<'PY'
import os, sys, xml.etree.ElementTree as ET
results, projects = sys.argv[1], sys.argv[2:]
failed_runs_file = os.path.join(results, "failed-runs")
failed_runs = set(open(failed_runs_file).read().split()) if os.path.exists(failed_runs_file) else set()
passed = failed = 0
for project in projects:
    name = os.path.splitext(os.path.basename(project))[0]
    report = os.path.join(results, name + ".trx")
    if not os.path.exists(report):
        print(f"{name}: no test report (the test host crashed or found no tests)", file=sys.stderr)
        failed += 1
        continue
    counters = ET.parse(report).getroot().find(".//{*}Counters")
    p, f = int(counters.get("passed")), int(counters.get("total")) - int(counters.get("passed"))
    if int(counters.get("total")) == 0:
        print(f"{name}: ran no test", file=sys.stderr)
        f += 1
    if name in failed_runs and f == 0:
        print(f"{name}: the test run failed (the test host crashed?) though its report shows no failed test", file=sys.stderr)
        f += 1
    passed, failed = passed + p, failed + f
print(passed, failed)
PY
)

if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then
  status=1
fi
echo "$passed passed, $failed failed"
exit $status
