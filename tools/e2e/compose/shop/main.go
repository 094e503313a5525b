// Command shop is the one program behind every image `make e2e-compose` imports to run
// examples/project-compose with `docker compose up` (no image can be pulled offline). It is built
// with CGO_ENABLED=0 and acts after the name it is called by (argv[0]), as busybox does:
//
//	postgres        stands in for postgres:17-alpine: listens on 5432 and answers a client that
//	                sends the user, password and database its environment names (POSTGRES_USER,
//	                POSTGRES_PASSWORD, POSTGRES_DB, the variables the real image reads)
//	pg_isready      its healthcheck: -h HOST -p PORT reachable
//	redis-server    stands in for redis:7-alpine: --requirepass PASSWORD, listens on 6379
//	redis-cli       its healthcheck: -h HOST -p PORT ping, authenticated with REDISCLI_AUTH,
//	                prints PONG
//	shop app        the workloads (api, web, worker): see app
//	shop get URL [HOST]          an HTTP GET (from the harness, in dockerd's network namespace)
//	shop db URL                  a client of the stand-ins, with the credentials of a URL
//
// The stand-ins speak one line each way: the client sends "AUTH <user> <password> <database>"
// (redis: database "-"), the server answers "OK" when all three are what it was started with,
// else "DENIED". So a workload reaching its database proves that the host name resolves on the
// project's network and that the password in the workload's URL (a ${VAR} compose filled from
// .env) is the one the server got (another ${VAR}).
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	var err error
	args := os.Args[1:]
	switch filepath.Base(os.Args[0]) {
	case "postgres":
		err = serve(":5432", os.Getenv("POSTGRES_USER"), os.Getenv("POSTGRES_PASSWORD"), os.Getenv("POSTGRES_DB"))
	case "redis-server":
		err = serve(":6379", "default", flagValue(args, "--requirepass"), "-")
	case "pg_isready":
		err = reachable(flagValue(args, "-h"), flagValue(args, "-p"))
	case "redis-cli":
		err = redisPing(flagValue(args, "-h"), flagValue(args, "-p"))
	default:
		if len(args) == 0 {
			err = errors.New("usage: shop app | get URL [HOST] | db URL")
			break
		}
		switch args[0] {
		case "app":
			err = app()
		case "get":
			host := ""
			if len(args) > 2 {
				host = args[2]
			}
			var body string
			body, err = get(args[1], host)
			fmt.Print(body)
		case "db":
			err = check(args[1])
			if err == nil {
				fmt.Println("OK")
			}
		default:
			err = fmt.Errorf("unknown command %q", args[0])
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Base(os.Args[0]), err)
		os.Exit(1)
	}
}

// flagValue is the argument after name ("" if none).
func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// untilSignal returns a context cancelled by SIGTERM or SIGINT: as PID 1 of a container, a
// process that does not handle them is never stopped by them.
func untilSignal() context.Context {
	ctx, _ := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	return ctx
}

// serve is a database stand-in: it accepts clients that authenticate as user/password/database.
func serve(addr, user, password, database string) error {
	if user == "" || password == "" || database == "" {
		return fmt.Errorf("started without user, password or database (user %q, %d-byte password, database %q)", user, len(password), database)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("listening on %s for user %s, database %s\n", addr, user, database)
	ctx := untilSignal()
	go func() { <-ctx.Done(); _ = l.Close() }()
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		go func() {
			defer func() { _ = c.Close() }()
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil {
				return // a reachability check: connected, sent nothing
			}
			if strings.TrimSuffix(line, "\n") == strings.Join([]string{"AUTH", user, password, database}, " ") {
				_, _ = io.WriteString(c, "OK\n")
				fmt.Printf("client %s: authenticated\n", c.RemoteAddr())
				return
			}
			_, _ = io.WriteString(c, "DENIED\n")
			fmt.Printf("client %s: DENIED (wrong user, password or database)\n", c.RemoteAddr())
		}()
	}
}

func reachable(host, port string) error {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), 3*time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

// auth connects to a stand-in and authenticates.
func auth(hostport, user, password, database string) error {
	c, err := net.DialTimeout("tcp", hostport, 5*time.Second)
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := fmt.Fprintf(c, "AUTH %s %s %s\n", user, password, database); err != nil {
		return err
	}
	answer, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("%s: no answer: %v", hostport, err)
	}
	if answer != "OK\n" {
		return fmt.Errorf("%s: %s", hostport, strings.TrimSpace(answer))
	}
	return nil
}

func redisPing(host, port string) error {
	if err := auth(net.JoinHostPort(host, port), "default", os.Getenv("REDISCLI_AUTH"), "-"); err != nil {
		return err
	}
	fmt.Println("PONG")
	return nil
}

// check authenticates with the credentials of a postgresql:// or redis:// URL.
func check(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL (%d bytes)", len(raw))
	}
	password, _ := u.User.Password()
	database := strings.TrimPrefix(u.Path, "/")
	if u.Scheme == "redis" {
		database = "-"
	}
	return auth(u.Host, u.User.Username(), password, database)
}

// status is "ok" or why not.
func status(err error) string {
	if err != nil {
		return "FAILED(" + err.Error() + ")"
	}
	return "ok"
}

// app is a workload. At start it checks DATABASE_URL and REDIS_URL, when set, once (compose
// started it after its resources were healthy, so there is no retry). With PORT, it serves HTTP:
// each request gets a line naming the workload (its hostname), the path and the checks done
// again; with API_URL (web), also what the API answers to GET API_URL/api/from-<workload>.
// Without PORT (worker), it stays up until stopped.
func app() error {
	host, _ := os.Hostname()
	checks := func() string {
		var parts []string
		for _, v := range []struct{ name, env string }{{"db", "DATABASE_URL"}, {"cache", "REDIS_URL"}} {
			if raw := os.Getenv(v.env); raw != "" {
				parts = append(parts, v.name+"="+status(check(raw)))
			}
		}
		return strings.Join(parts, " ")
	}
	fmt.Printf("%s: started; %s\n", host, checks())
	ctx := untilSignal()
	port := os.Getenv("PORT")
	if port == "" {
		<-ctx.Done()
		return nil
	}
	srv := &http.Server{Addr: ":" + port, ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		line := fmt.Sprintf("workload=%s path=%s", host, r.URL.Path)
		if c := checks(); c != "" {
			line += " " + c
		}
		if api := os.Getenv("API_URL"); api != "" {
			body, err := get(strings.TrimSuffix(api, "/")+"/api/from-"+host, "")
			if err != nil {
				body = "FAILED(" + err.Error() + ")"
			}
			line += " api=[" + strings.TrimSpace(body) + "]"
		}
		fmt.Println(line)
		_, _ = io.WriteString(w, line+"\n")
	})}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// get is an HTTP GET with an optional Host header; any status but 200 is an error holding the body.
func get(target, host string) (string, error) {
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		return "", err
	}
	if host != "" {
		req.Host = host
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return string(body), fmt.Errorf("%s: %s: %s", target, resp.Status, strings.TrimSpace(string(body)))
	}
	return string(body), nil
}
