// SPDX-License-Identifier: GPL-2.0-or-later
module tnat64/seccompgo

go 1.19
