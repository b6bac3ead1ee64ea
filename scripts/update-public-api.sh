#!/usr/bin/env bash
# Records new public API in each package's PublicAPI.Unshipped.txt (the RS0016 code fix), so that the
# change to the public surface shows in review. Run it after adding public members, then read the diff.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  dir=$(dirname "$project")
  for file in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    [ -f "$dir/$file" ] || echo '#nullable enable' > "$dir/$file"
  done
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity error >/dev/null
done
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt'
