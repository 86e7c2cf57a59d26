#!/usr/bin/env bash
# Park Atlas beside the tool a planner would use instead (GDAL's ogr2ogr), on the same seeded
# synthetic data, in one run, reported as ratios (absolute times on shared machines swing 2×).
#
#   scripts/compare.sh [N_PARKS]        (default 10000; installs gdal-bin and xvfb if missing)
#
# Prints, for filter + export, export of everything, and the window's --screenshot:
# best-of-3 wall time and peak memory of each side, and the ratio Park Atlas / other.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}

need=()
command -v ogr2ogr >/dev/null || need+=(gdal-bin)
command -v Xvfb >/dev/null || need+=(xvfb xauth)
[[ -x /usr/bin/time ]] || need+=(time)
/usr/bin/python3 -c "import openpyxl" 2>/dev/null || need+=(python3-openpyxl)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
cargo build --release -q
bin=$PWD/target/release/park-atlas
work=$(mktemp -d)
trap 'rm -rf "$work"; [[ -n ${xvfb:-} ]] && kill $xvfb 2>/dev/null || true' EXIT
"$bin" generate -n "$n" -o "$work/data" >/dev/null
parks=$work/data/parks.geojson
echo "data: $n synthetic polygon parks, $(du -m "$parks" | cut -f1) MB ($(nproc) cores, $(date -u +%F))"

# best of 3: "seconds max_rss_kb"
best() {
  local best_t=999999 best_m=0 out t m
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1
    out=$(tail -1 "$work/time")
    t=${out% *}; m=${out#* }
    if awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; best_m=$m; fi
  done
  echo "$best_t $best_m"
}
count() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['features']))" "$1"; }
row() {
  local what=$1 a=$2 b=$3
  local at=${a% *} am=${a#* } bt=${b% *} bm=${b#* }
  printf "%-34s %8.2f s %6d MB | %8.2f s %6d MB | time ×%.2f  memory ×%.2f\n" \
    "$what" "$at" $((am / 1024)) "$bt" $((bm / 1024)) \
    "$(awk "BEGIN{print $at/$bt}")" "$(awk "BEGIN{print $am/$bm}")"
}
printf "%-34s %21s | %21s |\n" "" "park-atlas" "ogr2ogr / baseline"

pa=$(best "$bin" --data "$work/data" export --cluster green_petrochem --out "$work/pa.geojson")
og=$(best ogr2ogr -f GeoJSON -overwrite "$work/og.geojson" "$parks" -oo ARRAY_AS_STRING=YES \
  -where "clusters LIKE '%\"green_petrochem\"%'")
row "filter + export (green_petrochem)" "$pa" "$og"
echo "  features written: park-atlas $(count "$work/pa.geojson"), ogr2ogr $(count "$work/og.geojson")"

pa=$(best "$bin" --data "$work/data" export --out "$work/pa-all.geojson")
og=$(best ogr2ogr -f GeoJSON -overwrite "$work/og-all.geojson" "$parks")
row "export all parks" "$pa" "$og"

display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 1
export DISPLAY=$display XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work}
big=$(best "$bin" --data "$work/data" --screenshot "$work/big.png")
small=$(best "$bin" --screenshot "$work/small.png")
printf "%-34s %21s | %21s |\n" "" "$n parks" "embedded (22)"
row "--screenshot (window to PNG)" "$big" "$small"

# Tables (issue 18): a seeded 100k-row CSV of enterprises with 经度/纬度 columns, the same rows
# as an XLSX written by openpyxl, and a GeoJSON layer of them.
rows=${ROWS:-100000}
/usr/bin/python3 - "$work/t.csv" "$work/t.xlsx" "$rows" <<'PY'
import csv, random, sys
random.seed(18)
rows = [[f"企业{i}", round(random.uniform(109.7, 110.9), 6), round(random.uniform(20.2, 21.9), 6),
         random.randint(1, 5000), random.choice(["钢铁", "石化", "汽车", "能源"])]
        for i in range(int(sys.argv[3]))]
head = ["名称", "经度", "纬度", "员工", "行业"]
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f); w.writerow(head); w.writerows(rows)
try:
    import openpyxl
except ImportError:
    sys.exit(0)
book = openpyxl.Workbook(write_only=True)
sheet = book.create_sheet("企业")
sheet.append(head)
for r in rows:
    sheet.append(r)
book.save(sys.argv[2])
PY
echo "tables: $rows rows, CSV $(du -m "$work/t.csv" | cut -f1) MB"
printf "%-34s %21s | %21s |\n" "" "park-atlas" "ogr2ogr / baseline"
pa=$(best "$bin" convert "$work/t.csv" --out "$work/t-pa.geojson")
og=$(best ogr2ogr -f GeoJSON -overwrite "$work/t-og.geojson" "$work/t.csv" \
  -oo X_POSSIBLE_NAMES=经度 -oo Y_POSSIBLE_NAMES=纬度 -oo AUTODETECT_TYPE=YES)
row "CSV → GeoJSON (target ≤ 0.5)" "$pa" "$og"
echo "  features written: park-atlas $(count "$work/t-pa.geojson"), ogr2ogr $(count "$work/t-og.geojson")"
if [[ -s $work/t.xlsx ]]; then
  xl=$(best "$bin" convert "$work/t.xlsx" --out "$work/t-xl.geojson")
  row "XLSX → GeoJSON vs the CSV (≤ 3)" "$xl" "$pa"
fi
found=$(best "$bin" convert "$work/t-pa.geojson" --out "$work/t-found.geojson")
declared=$(best "$bin" convert "$work/t-pa.geojson" --crs wgs84 --out "$work/t-decl.geojson")
row "GeoJSON: found vs declared (≤ 1.05)" "$found" "$declared"
