#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nginx as a reverse proxy in the IPv6-only client namespace, to an
# IPv4-only upstream by IPv4 literal, under tnat64.  nginx registers an
# upstream socket with epoll before it connects it, so this is the
# epoll-and-non-blocking-connect case that broke nginx under other
# interposers: the first upstream connect of the worker replaces its
# socket, later ones use stand-in sockets.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
	skip nginx "nginx not installed (apt-get install nginx-light)"
	exit 0
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
tb_setup

A=$TB_SERVER4
HTTP_PORT=8080
PROXY_PORT=8088
TOKEN=nginx-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
mkdir -p "$TB_TMP/www" && printf '%s\n' "$TOKEN" >"$TB_TMP/www/token.txt"
tb_bg server python3 -m http.server -b "$A" -d "$TB_TMP/www" "$HTTP_PORT" >/dev/null
tb_wait_tcp server "$A" "$HTTP_PORT" || { fail nginx/upstream "no web server"; tb_summary; exit 1; }

# start_nginx NAME [ENV...]: nginx in the client namespace, in the
# foreground (its pid recorded for teardown).
start_nginx() {
	local d=$TB_TMP/$1
	shift
	mkdir -p "$d/logs" "$d/tmp"
	cat >"$d/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log info;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $d/tmp;
	proxy_temp_path $d/tmp;
	fastcgi_temp_path $d/tmp;
	uwsgi_temp_path $d/tmp;
	scgi_temp_path $d/tmp;
	server {
		listen 127.0.0.1:$PROXY_PORT;
		location / {
			proxy_pass http://$A:$HTTP_PORT;
			proxy_connect_timeout 5s;
			proxy_read_timeout 5s;
		}
	}
}
CONF
	NGINX_PID=$(tb_bg client env "$@" "$NGINX" -p "$d" -c "$d/nginx.conf")
	tb_wait_tcp client 127.0.0.1 "$PROXY_PORT"
}

stop_nginx() {
	kill -TERM -- "-$NGINX_PID" 2>/dev/null || kill -TERM "$NGINX_PID" 2>/dev/null
	local i=0
	while kill -0 "$NGINX_PID" 2>/dev/null && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

fetch() {
	tb_client curl -sS -o /dev/stdout -w ' %{http_code}' --max-time 15 \
		"http://127.0.0.1:$PROXY_PORT/token.txt" 2>&1
}

# Control: without the library the upstream is unreachable (502).
if start_nginx plain; then
	out=$(fetch)
	case $out in
	*" 502") pass "nginx/control: 502 without the library" ;;
	*) fail "nginx/control: 502 without the library" "got [$out]" ;;
	esac
	stop_nginx
else
	fail nginx/start "nginx did not start: $(tail -n 3 "$TB_TMP/plain/logs/error.log" 2>/dev/null)"
fi

PRE=$TB_LIB
[ -n "${TB_PRELOAD_EXTRA:-}" ] && PRE="$TB_PRELOAD_EXTRA $TB_LIB"
if start_nginx xlat LD_PRELOAD="$PRE" TNAT64_CONF_FILE="$TB_CONF" \
	TNAT64_DEBUG=2 TNAT64_DEBUG_FILE="$TB_TMP/tnat64.log" \
	${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS}; then
	for n in 1 2 3; do
		out=$(fetch)
		if [ "$(printf '%s' "$out" | tr -d '\n')" = "$TOKEN 200" ]; then
			pass "nginx/proxy request $n through NAT64"
		else
			fail "nginx/proxy request $n through NAT64" "got [$out]; $(tail -n 2 "$TB_TMP/xlat/logs/error.log" 2>/dev/null | tr '\n' ' ')"
		fi
	done
	if grep -q "via NAT64" "$TB_TMP/tnat64.log" 2>/dev/null; then
		pass "nginx/upstream connects were translated"
	else
		fail "nginx/upstream connects were translated" "no translation in the log"
	fi
	stop_nginx
else
	fail nginx/start "nginx did not start under tnat64: $(tail -n 3 "$TB_TMP/xlat/logs/error.log" 2>/dev/null)"
fi

tb_summary
