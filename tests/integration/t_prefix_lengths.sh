#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every RFC 6052 prefix length, one testbed each (tayga accepts them all):
# curl (wget when SANITIZE=1) by IPv4 literal under tnat64 with `nat64_prefix = <prefix>`, after
# checking that the testbed itself works with native IPv6.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

TB_TIMEOUT=30
PREFIXES=${TB_PREFIXES:-"2001:db8::/32 2001:db8:6400::/40 2001:db8:64::/48 2001:db8:64::/56 2001:db8:64::/64 2001:db8:64::/96"}

# curl deadlocks in setlocale() with the ASan runtime preloaded (even
# without tnat64): sanitizer runs use wget.
if [ "${SANITIZE:-}" = 1 ]; then
	FETCH=(wget -q -O - -T 10 -t 1)
else
	FETCH=(curl -sS --max-time 10)
fi

for TB_PREFIX in $PREFIXES; do
	len=${TB_PREFIX#*/}
	tb_setup
	mkdir -p "$TB_TMP/www"
	token=prefix-$len-$$
	echo "$token" >"$TB_TMP/www/t.txt"
	tb_bg server python3 -m http.server 8080 --bind 0.0.0.0 \
		--directory "$TB_TMP/www" >/dev/null
	if ! tb_wait_tcp server 0.0.0.0 8080; then
		fail "prefix/$len/server" "http server did not start"
		tb_teardown
		continue
	fi
	out=$(tb_client curl -sS --max-time 10 "http://[$TB_SERVER6]:8080/t.txt" 2>&1)
	if [ "$out" != "$token" ]; then
		fail "prefix/$len/testbed" "native curl to [$TB_SERVER6] failed: $out"
		tb_teardown
		continue
	fi
	pass "prefix/$len/testbed"
	out=$(tb_tnat64 "${FETCH[@]}" "http://$TB_SERVER4:8080/t.txt" 2>&1)
	if [ "$out" = "$token" ]; then
		pass "prefix/$len/${FETCH[0]}"
	else
		fail "prefix/$len/${FETCH[0]}" "$TB_PREFIX: $(printf '%s\n' "$out" | tail -n 1)"
	fi
	tb_teardown
done

tb_summary
