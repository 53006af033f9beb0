#!/usr/bin/env bash
# Compares every floor plan that changed since a base commit with its
# version at that commit, and writes one Markdown document for a pull or
# merge request comment.
#
# usage: examples/ci/compare-changed-plans.sh BASE_COMMIT [WIFIPLAN] [PLANS_DIR]
#   BASE_COMMIT  the target branch's commit (the comparison starts at its
#                merge base with HEAD)
#   WIFIPLAN     the binary (default: target/release/wifiplan)
#   PLANS_DIR    where the plans live (default: floorplans)
#
# Writes compare-comment.md (empty when no plan changed), the base versions
# under compare-base/, and one folder per plan under compare-out/
# (difference heatmaps, both plans' heatmaps and reports).
#
# Exit code, the worst over all plans: 0 no plan regresses, 1 at least one
# regresses, 2 a plan could not be compared (invalid file, …).
set -uo pipefail

base="${1:?usage: $0 BASE_COMMIT [WIFIPLAN] [PLANS_DIR]}"
wifiplan="${2:-target/release/wifiplan}"
plans="${3:-floorplans}"
out=compare-out
base_copies=compare-base
comment=compare-comment.md

mkdir -p "$out" "$base_copies"
: > "$comment"
worst=0

while IFS= read -r -d '' plan; do
  folder="${plan%.*}"
  folder="${folder//\//_}"
  if ! git cat-file -e "$base:$plan" 2>/dev/null; then
    printf '### `%s` is new\n\nNo base version to compare with; the check job judges it on its own.\n\n' "$plan" >> "$comment"
    continue
  fi
  # The base version, under the same file name so the tables read well.
  mkdir -p "$base_copies/$(dirname "$plan")"
  git show "$base:$plan" > "$base_copies/$plan"
  rc=0
  "$wifiplan" compare "$base_copies/$plan" "$plan" --quiet --out "$out/$folder" >> "$comment" || rc=$?
  if [ "$rc" -ge 2 ]; then
    printf '### ⚠️ `%s`: could not be compared\n\nSee the job log for the error (exit %s).\n' "$plan" "$rc" >> "$comment"
  fi
  printf '\n---\n\n' >> "$comment"
  [ "$rc" -gt "$worst" ] && worst=$rc
done < <(git diff -z --name-only --diff-filter=AMR "$base"...HEAD -- "$plans/*.toml" "$plans/*.json")

exit "$worst"
