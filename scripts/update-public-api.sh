#!/usr/bin/env bash
# Records the public API of each package in its PublicAPI.Unshipped.txt, as the analyzer's RS0016/RS0017 code fixes
# would: new public symbols are added, vanished ones removed. Run it after changing a package's public surface, then
# read the diff. Usage: scripts/update-public-api.sh [src/CommerceKit.X ...] (all packages by default).
set -euo pipefail
cd "$(dirname "$0")/.."
tool=scripts/PublicApiUpdate
dotnet build "$tool" -c Release -v q -nologo >/dev/null
analyzer=$(find ~/.nuget/packages/microsoft.codeanalysis.publicapianalyzers -path '*analyzers/dotnet/Microsoft.CodeAnalysis.PublicApiAnalyzers.dll' | sort | tail -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for dir in "${@:-src/*/}"; do
  dir=${dir%/}
  project=$(ls "$dir"/*.csproj 2>/dev/null | head -1) || continue
  [ -n "$project" ] || continue
  for file in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    [ -f "$dir/$file" ] || echo '#nullable enable' > "$dir/$file"
  done
  dotnet msbuild "$project" -nologo -t:FindReferenceAssembliesForReferences -getItem:Compile -getItem:ReferencePathWithRefAssemblies > "$work/items.json"
  python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
items = json.load(open(f"{work}/items.json"))["Items"]
open(f"{work}/compile.txt", "w").write("\n".join(i["FullPath"] for i in items["Compile"]))
open(f"{work}/references.txt", "w").write("\n".join(i["FullPath"] for i in items["ReferencePathWithRefAssemblies"]))
PY
  dotnet "$tool/bin/Release/net10.0/PublicApiUpdate.dll" "$analyzer" "$project" "$work/compile.txt" "$work/references.txt"
done
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt'
