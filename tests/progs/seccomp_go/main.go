// SPDX-License-Identifier: GPL-2.0-or-later

// Go client for tests/integration/t_seccomp.sh: Go makes its socket calls
// itself (no libc), so only the seccomp supervisor can translate them.
//
//	seccomp_go -tcp 198.51.100.10:7001        TCP echo (srv's PEER greeting)
//	           -dns 198.51.100.10:53 -name N -want IP
//	                                          Go resolver over UDP
//	           -udp 198.51.100.10:7007        unconnected UDP, AF_INET and
//	                                          AF_INET6 (v4-mapped) sockets
//
// One PASS/FAIL line per check; exit status 1 when one failed.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

var buildKind = "static"
var failed = false

func pass(name string) { fmt.Printf("PASS: go-%s/%s\n", buildKind, name) }
func fail(name string, format string, a ...interface{}) {
	fmt.Printf("FAIL: go-%s/%s: %s\n", buildKind, name, fmt.Sprintf(format, a...))
	failed = true
}

func checkTCP(addr string) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		fail("tcp", "dial %s: %v", addr, err)
		return
	}
	defer c.Close()
	host, _, _ := net.SplitHostPort(addr)
	if ra, ok := c.RemoteAddr().(*net.TCPAddr); !ok || ra.String() != addr {
		fail("tcp-remoteaddr", "RemoteAddr %v, want %s", c.RemoteAddr(), addr)
	} else {
		pass("tcp-remoteaddr")
	}
	if la, ok := c.LocalAddr().(*net.TCPAddr); !ok || la.IP.To4() == nil || la.Port == 0 {
		fail("tcp-localaddr", "LocalAddr %v is not IPv4 with a port", c.LocalAddr())
	} else {
		pass("tcp-localaddr")
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	greet, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(greet, "PEER ") {
		fail("tcp", "no greeting from %s: %q %v", host, greet, err)
		return
	}
	msg := "hello through NAT64\n"
	if _, err := c.Write([]byte(msg)); err != nil {
		fail("tcp", "write: %v", err)
		return
	}
	back, err := r.ReadString('\n')
	if err != nil || back != msg {
		fail("tcp", "echo %q %v", back, err)
		return
	}
	pass("tcp")
}

func checkDNS(server, name, want string) {
	res := &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", server)
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	addrs, err := res.LookupHost(ctx, name)
	if err != nil {
		fail("dns", "lookup %s via %s: %v", name, server, err)
		return
	}
	for _, a := range addrs {
		if a == want {
			pass("dns")
			return
		}
	}
	fail("dns", "lookup %s: %v, want %s", name, addrs, want)
}

func checkUDP(network, laddr, addr string) {
	name := "udp-" + network
	pc, err := net.ListenPacket(network, laddr)
	if err != nil {
		fail(name, "listen: %v", err)
		return
	}
	defer pc.Close()
	dst, err := net.ResolveUDPAddr("udp4", addr)
	if err != nil {
		fail(name, "resolve: %v", err)
		return
	}
	pc.SetDeadline(time.Now().Add(10 * time.Second))
	msg := []byte("datagram " + network)
	buf := make([]byte, 1500)
	for try := 0; try < 3; try++ {
		if _, err := pc.WriteTo(msg, dst); err != nil {
			fail(name, "WriteTo %v: %v", dst, err)
			return
		}
		pc.SetReadDeadline(time.Now().Add(3 * time.Second))
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			continue
		}
		ua, ok := from.(*net.UDPAddr)
		if !ok || ua.IP.To4() == nil || !ua.IP.Equal(dst.IP) || ua.Port != dst.Port {
			fail(name, "reply from %v, want %v", from, dst)
			return
		}
		if string(buf[:n]) != string(msg) {
			fail(name, "reply %q", buf[:n])
			return
		}
		pass(name)
		return
	}
	fail(name, "no reply from %v", dst)
}

func main() {
	tcp := flag.String("tcp", "", "TCP echo address")
	dns := flag.String("dns", "", "DNS server address")
	name := flag.String("name", "", "name to look up")
	want := flag.String("want", "", "expected address")
	udp := flag.String("udp", "", "UDP echo address")
	flag.Parse()
	if *tcp != "" {
		checkTCP(*tcp)
	}
	if *dns != "" {
		checkDNS(*dns, *name, *want)
	}
	if *udp != "" {
		checkUDP("udp4", "0.0.0.0:0", *udp)
		checkUDP("udp", ":0", *udp)
	}
	if failed {
		os.Exit(1)
	}
}
