// The pod sandbox ("pause") process of the local real node: it holds the
// pod's namespaces, reaps orphaned children and exits on SIGINT/SIGTERM, like
// Kubernetes' own pause.c, but built with the Go toolchain the cluster already
// uses (no C toolchain or image download needed).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if os.Getpid() != 1 {
		os.Stderr.WriteString("pause: warning: not running as PID 1\n")
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		// Reap every exited child (processes that joined the pod's PID
		// namespace and were re-parented to us).
		for {
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
