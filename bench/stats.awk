# SPDX-License-Identifier: GPL-2.0-or-later
# awk functions the bench scripts share (awk -f bench/stats.awk -f PROG):
#   median(a, n)   the median of a[1..n] (sorts a)
#   minmax(a, n)   sets lo and hi to the smallest and largest of a[1..n]
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function minmax(a, n,    i) {
	lo = a[1]; hi = a[1]
	for (i = 2; i <= n; i++) {
		if (a[i] < lo) lo = a[i]
		if (a[i] > hi) hi = a[i]
	}
}
