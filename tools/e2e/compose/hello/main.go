// Command hello is the program of the image `make e2e-compose` runs with `docker compose up`
// (built with CGO_ENABLED=0 and imported as a one-file image: no shell, no libc). It prints what
// the container was given, each value both readable and base64-encoded so the harness can compare
// it byte for byte:
//
//	hostname <TAB> <base64>          the container's hostname
//	env:NAME <TAB> <base64>          each variable whose name starts with E2E_
//	file:PATH <TAB> <base64>         each file named as an argument
//	mode:PATH <TAB> <base64>         its permission bits, in octal
//
// An argument under /data/ is written first (the harness mounts a volume there), then read back.
package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func emit(key, value string) {
	fmt.Printf("score-e2e-hello %s\t%s\t%q\n", key, base64.StdEncoding.EncodeToString([]byte(value)), value)
}

func main() {
	failed := false
	fmt.Println("score-e2e-hello: start")
	host, err := os.Hostname()
	if err != nil {
		fmt.Println("score-e2e-hello: hostname:", err)
		failed = true
	}
	emit("hostname", host)
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "E2E_") {
			env = append(env, kv)
		}
	}
	sort.Strings(env)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		emit("env:"+k, v)
	}
	for _, path := range os.Args[1:] {
		if strings.HasPrefix(path, "/data/") {
			if err := os.WriteFile(path, []byte("written by "+host+"\n"), 0o644); err != nil {
				fmt.Printf("score-e2e-hello: writing %s: %v\n", filepath.Clean(path), err)
				failed = true
			}
		}
		content, err := os.ReadFile(path)
		if err != nil {
			fmt.Printf("score-e2e-hello: reading %s: %v\n", path, err)
			failed = true
			continue
		}
		emit("file:"+path, string(content))
		if fi, err := os.Stat(path); err == nil {
			emit("mode:"+path, fmt.Sprintf("%04o", fi.Mode().Perm()))
		}
	}
	if failed {
		fmt.Println("score-e2e-hello: FAILED")
		os.Exit(3)
	}
	fmt.Println("score-e2e-hello: done")
}
