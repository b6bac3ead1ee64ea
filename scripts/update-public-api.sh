#!/usr/bin/env bash
# Records new public API in each package's PublicAPI.Unshipped.txt (the RS0016 code fix), so that the
# change to the public surface shows in review. Run it after adding public members, then read the diff.
# It runs on the solution: on a single project dotnet format finds no diagnostics to fix.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in src/*/; do
  for file in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    [ -f "$dir$file" ] || echo '#nullable enable' > "$dir$file"
  done
done
dotnet format analyzers CommerceKit.sln --diagnostics RS0016 RS0017 --severity error --include src/ >/dev/null
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt'
