package gateway

import (
	"syscall"
	"unsafe"
)

// rawRead and rawWrite are read(2) and write(2) on a socket the runtime
// keeps non-blocking, made without the runtime's entersyscall/exitsyscall.
// Those hand the P to another thread if the call lasts, and the first
// system call after the process was idle wakes the runtime's monitor
// thread (sysmon), which then polls every 20 µs for a while: on the fast
// path, where every request makes four such calls and the process goes
// idle between requests, that wake-up cost more CPU than the calls
// themselves (docs/gateway.md § Benchmarks). A call on a non-blocking
// socket never blocks, so holding the P through it is safe. The caller
// must hold a reference to the descriptor (be inside RawConn.Read or
// RawConn.Write), so that it cannot be closed and reused meanwhile.
func rawRead(fd int, p []byte) (int, syscall.Errno) { return rawIO(syscall.SYS_READ, fd, p) }

func rawWrite(fd int, p []byte) (int, syscall.Errno) { return rawIO(syscall.SYS_WRITE, fd, p) }

func rawIO(trap uintptr, fd int, p []byte) (int, syscall.Errno) {
	if len(p) == 0 {
		return 0, 0
	}
	for {
		n, _, e := syscall.RawSyscall(trap, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		switch e {
		case 0:
			return int(n), 0
		case syscall.EINTR:
		default:
			return 0, e
		}
	}
}

// writeAll writes p with rawWrite while the socket takes it; it returns how
// much was written, and an error other than EAGAIN (on EAGAIN the caller
// writes the rest with the connection's Write, which waits).
func writeAll(fd int, p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, e := rawWrite(fd, p[done:])
		if e == syscall.EAGAIN {
			return done, nil
		}
		if e != 0 {
			return done, e
		}
		done += n
	}
	return done, nil
}
