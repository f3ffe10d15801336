# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared by bench/run_gw.sh and bench/ping.sh (bash, sourced after
# tests/integration/lib.sh): rounds of measurements in alternating order,
# and the median of the per-round ratios.
#
#   bench_rounds ROUNDS N MODE...   ROUNDS times, `one MODE N` (the
#       script's function: prints one number, nothing when it fails) for
#       each MODE, the order reversed every other round; prints
#       "# round R: MODE=V ..." and appends V(MODE) / V(first MODE) to
#       $TB_TMP/r.MODE for every MODE but the first.  A measurement that
#       fails ends the script (status 1) with $TB_TMP/err and
#       $TB_TMP/out shown.
#   bench_median FILE   "median (min X max Y)" of the numbers in FILE
#   bench_counts NAME...  every variable NAME holds a whole number >= 1,
#       or the script ends (status 1) saying so

bench_rounds() {
	local rounds=$1 n=$2 round=1 m v line i
	shift 2
	local list=("$@") order
	for m in "${list[@]:1}"; do
		: >"$TB_TMP/r.$m"
	done
	while [ "$round" -le "$rounds" ]; do
		order=("${list[@]}")
		if [ $((round % 2)) = 0 ]; then
			order=()
			for ((i = ${#list[@]} - 1; i >= 0; i--)); do
				order+=("${list[$i]}")
			done
		fi
		line="# round $round:"
		declare -A val=()
		for m in "${order[@]}"; do
			v=$(one "$m" "$n")
			if [ -z "$v" ]; then
				echo "$TB_NAME: no result for $m: $(tail -n 3 "$TB_TMP/out" 2>/dev/null) $(cat "$TB_TMP/err" 2>/dev/null)" >&2
				exit 1
			fi
			val[$m]=$v
			line="$line $m=$v"
		done
		echo "$line"
		for m in "${list[@]:1}"; do
			awk -v a="${val[$m]}" -v b="${val[${list[0]}]}" \
				'BEGIN { print a / b }' >>"$TB_TMP/r.$m"
		done
		round=$((round + 1))
	done
}

bench_median() {
	sort -n "$1" | awk '{ a[NR] = $1 }
		END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		      printf "%.3f (min %.3f max %.3f)", m, a[1], a[NR] }'
}

bench_counts() {
	local n
	for n in "$@"; do
		case ${!n} in
		'' | *[!0-9]* | 0)
			echo "$TB_NAME: $n must be a number >= 1" >&2
			exit 1
			;;
		esac
	done
}
